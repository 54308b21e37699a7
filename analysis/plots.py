"""The figures of the report, one function each. Every function takes the numbers an
experiment returned and a path, and writes one PNG.

The rules every figure follows: titles in words (`family_title`, `variant_label`), norms in
mathtext, log axes ticked on round decades (`decade_ticks`), one legend per figure where a
reader looks for it, curves told apart by color and line style, and error bars where the
report compares numbers it calls noisy.
"""

import math

import matplotlib

matplotlib.use("Agg")  # files only: no display needed, and none on CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import ticker  # noqa: E402

STYLE = {"plain": "tab:red", "residual": "tab:blue", "no +1": "tab:orange",
         "unscaled": "tab:purple"}
LAMBDA_COLORS = {"0.5": "tab:brown", "0.9": "tab:green", "1.0": "tab:cyan", "1.1": "tab:olive"}
LAMBDA_LINES = {"0.5": "--", "0.9": "-.", "1.0": (0, (5, 1)), "1.1": ":"}
GRAD_X = r"$\|dL/dx_l\|$"
GRAD_W = r"$\|dL/dW_l\|$"
RATIO = r"$\|dL/dx_0\|\ /\ \|dL/dx_L\|$"
FAMILY_TITLES = {"mlp_tanh_standard": "MLP, tanh, standard init",
                 "mlp_tanh_xavier": "MLP, tanh, Xavier init",
                 "mlp_relu_he": "MLP, ReLU, He init", "cnn_relu_he": "CNN, ReLU, He init"}
NO_PLUS_ONE = "no +1"


def family_title(family):
    return FAMILY_TITLES.get(family, family.replace("_", " "))


def variant_label(name):
    """A variant's name from `flow` in words and mathtext: 'residual, shortcut λ = 0.5'."""
    if "lambda=" in name:
        return rf"residual, shortcut $\lambda$ = {name.split('lambda=')[1]}"
    if NO_PLUS_ONE in name:
        return "residual without the +1 in backward"
    if "unscaled" in name:
        return "residual, unscaled branch"
    if name.startswith("residual"):
        return r"residual, branch $\times\ 1/\sqrt{L}$"
    return name


def _lambda(name):
    return name.split("lambda=")[1].rstrip(")") if "lambda=" in name else None


def _color(name):
    """One color per variant across every figure; the scaled shortcuts get their own."""
    if _lambda(name):
        return LAMBDA_COLORS.get(_lambda(name))
    for key in (NO_PLUS_ONE, "unscaled", "plain", "residual"):
        if key in name:
            return STYLE[key]
    return None


def _line(name):
    return LAMBDA_LINES.get(_lambda(name), "--") if _lambda(name) else "-"


def _save(fig, path):
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def _positive(values):
    """Zeros (an underflowed gradient) cannot sit on a log axis; show them as NaN gaps."""
    values = np.asarray(values, dtype=float)
    return np.where(values > 0, values, np.nan)


def decade_ticks(ax, axis="y", most=7):
    """Ticks of a log axis on round decades, 10^k with k a multiple of 1, 2, 5, 10, 20,
    25, 50 or 100 (the smallest step that leaves at most `most` ticks), labelled in
    mathtext; the limits widen to the enclosing ticks. Call after plotting."""
    low, high = np.log10(ax.get_ylim() if axis == "y" else ax.get_xlim())
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100)
                 if (math.ceil(high / s) - math.floor(low / s)) < most), 200)
    first, last = math.floor(low / step) * step, math.ceil(high / step) * step
    (ax.set_ylim if axis == "y" else ax.set_xlim)(10.0 ** first, 10.0 ** last)
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(ticker.FixedLocator(10.0 ** np.arange(first, last + step, step)))
    target.set_major_formatter(ticker.LogFormatterMathtext())
    if step > 1:
        target.set_minor_locator(ticker.NullLocator())


def _variant_curves(ax, variants, key, names):
    for name in names:
        ax.semilogy(_positive(variants[name][key]), label=variant_label(name),
                    color=_color(name), linestyle=_line(name), linewidth=1.6)
    decade_ticks(ax)


def flow_by_layer(results, key, path, title):
    """Experiment 1: one column per family, norm (log) against block boundary index. The
    top row has every variant but the one without the +1, whose fall would flatten the
    others; the bottom row shows it on its own scale, beside the plain stack."""
    families = list(results)
    fig, axes = plt.subplots(2, len(families), figsize=(3.6 * len(families), 7.4),
                             squeeze=False, sharex="col", gridspec_kw={"height_ratios": [3, 2]})
    for column, family in enumerate(families):
        variants = results[family]["variants"]
        top, bottom = axes[0][column], axes[1][column]
        _variant_curves(top, variants, key, [n for n in variants if NO_PLUS_ONE not in n])
        _variant_curves(bottom, variants, key,
                        [n for n in variants if NO_PLUS_ONE in n or n == "plain"])
        top.set_title(f"{family_title(family)}\n{results[family]['depth']} blocks", fontsize=10)
        bottom.set_title("without the +1, against plain", fontsize=9)
        bottom.set_xlabel("block boundary l" if key == "activation" else "weighted layer")
    for row in axes:
        row[0].set_ylabel(GRAD_X if key == "activation" else GRAD_W)
    handles, labels = axes[0][0].get_legend_handles_labels()
    extra = [(h, lab) for h, lab in zip(*axes[1][0].get_legend_handles_labels())
             if lab not in labels]
    fig.legend(handles + [h for h, _ in extra], labels + [lab for _, lab in extra],
               loc="lower center", ncol=4, fontsize=9, bbox_to_anchor=(0.5, -0.06))
    fig.suptitle(title)
    fig.tight_layout()
    _save(fig, path)


def ratio_vs_depth(result, path):
    """Experiment 2: first-to-last ratio against depth; black dashed guides on top of the
    scaled shortcuts' points show lambda^L. The net without the +1 has its own panel."""
    depths = np.asarray(result["depths"], dtype=float)
    fig, (main, alone) = plt.subplots(1, 2, figsize=(11, 4.6),
                                      gridspec_kw={"width_ratios": [3, 2]})
    for name, ratios in result["ratios"].items():
        ax = alone if NO_PLUS_ONE in name else main
        hollow = name == "residual"  # it sits on lambda = 1.0's points: drawn as a ring
        ax.semilogy(depths, _positive(ratios), marker="D" if hollow else "o",
                    markersize=10 if hollow else 7, linewidth=1, label=variant_label(name),
                    color=_color(name), markerfacecolor="none" if hollow else None)
        if name == "plain":
            alone.semilogy(depths, _positive(ratios), marker="o", linewidth=1,
                           color=_color(name), label="plain")
    for index, name in enumerate(n for n in result["ratios"] if n.startswith("lambda=")):
        lam = float(name.split("=")[1])
        main.semilogy(depths, lam ** depths, linestyle="--", color="black", linewidth=1.2,
                      zorder=5, label=r"$\lambda^L$" if index == 0 else None)
    for ax in (main, alone):
        decade_ticks(ax)
        ax.set_xlabel("depth L (blocks)")
        ax.legend(fontsize=8)
    main.set_ylabel(RATIO)
    main.set_title("First-to-last gradient ratio against depth\n"
                   r"dashed: $\lambda^L$ (He et al. 2016, eq. 8)", fontsize=10)
    alone.set_title("Without the +1 in backward, against plain", fontsize=10)
    fig.tight_layout()
    _save(fig, path)


def _smooth(values, window):
    values = np.asarray(values, dtype=float)
    if len(values) < window:
        return values
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


def training_loss(depths, runs, family, unit, path):
    """Experiment 3: training loss against step, plain (left) and residual (right) on one
    scale, one color and line style per depth."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
    colors = plt.get_cmap("viridis")(np.linspace(0.0, 0.85, len(depths)))
    styles = ["-", "--", "-.", ":", (0, (5, 1))]
    for ax, kind in zip(axes, ("plain", "residual")):
        for i, depth in enumerate(depths):
            ax.semilogy(_smooth(runs[kind][i]["loss"], 10), color=colors[i],
                        linestyle=styles[i % len(styles)], linewidth=1.5,
                        label=f"{depth} {unit}")
        ax.set_title(f"{kind} nets", fontsize=10)
        ax.set_xlabel("training step")
    decade_ticks(axes[0])
    axes[0].set_ylabel("training loss (moving average of 10 steps)")
    axes[1].legend(title="depth", fontsize=8)
    fig.suptitle(f"{family}: training loss with the same budget\n(the degradation problem, "
                 "He et al. 2015, Fig. 1 and 6)", fontsize=11)
    fig.tight_layout()
    _save(fig, path)


def gradient_heatmap(result, path):
    """Experiment 3: log10 ||dL/dx_l|| by layer (rows) and step (columns), plain and residual."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    maps = [np.asarray(result["runs"][kind][-1]["heatmap"], dtype=float).T
            for kind in ("plain", "residual")]
    logs = [np.log10(np.where(m > 0, m, np.nan)) for m in maps]
    low = np.nanmin([np.nanmin(x) for x in logs])
    high = np.nanmax([np.nanmax(x) for x in logs])
    for ax, kind, image in zip(axes, ("plain", "residual"), logs):
        shown = ax.imshow(image, aspect="auto", origin="lower", cmap="viridis", vmin=low,
                          vmax=high, interpolation="nearest")
        ax.set_title(f"{kind} MLP, {result['depths'][-1]} blocks, while training")
        ax.set_xlabel("training step")
        ax.set_ylabel("block boundary l")
    fig.colorbar(shown, ax=axes, label=r"$\log_{10}$ " + GRAD_X)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def lesion(results, path):
    """Experiment 4: test accuracy with block l deleted, residual against plain."""
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    markers = {"plain": "s", "residual": "o"}
    for kind, result in results.items():
        removed = result["removed"]
        ax.plot(range(1, len(removed) + 1), removed, marker=markers.get(kind, "o"),
                color=STYLE[kind], label=f"{kind} stack, one block deleted")
        ax.axhline(result["baseline"], color=STYLE[kind], linestyle=":",
                   label=f"{kind} stack intact ({result['baseline']:.3f})")
    ax.axhline(0.1, color="gray", linestyle="--", label="chance (1 in 10)")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("deleted block")
    ax.set_ylabel("test accuracy")
    ax.set_title("Deleting one block of a trained stack (cf. Veit et al. 2016, Fig. 3)",
                 fontsize=10)
    ax.legend(fontsize=8, loc="center right")
    _save(fig, path)


def wilson_interval(accuracy, n, z=1.96):
    """The 95% Wilson score interval (low, high) of an accuracy measured on n test images."""
    centre = (accuracy + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(accuracy * (1 - accuracy) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def accuracy_vs_params(rows, path, test_size):
    """Experiment 5: test accuracy against parameter count for each conv variant, with 95%
    intervals for a test set of `test_size` images."""
    fig, ax = plt.subplots(figsize=(6.5, 4.4))
    markers = "osD^v"
    for i, row in enumerate(rows):
        low, high = wilson_interval(row["test_accuracy"], test_size)
        ax.errorbar(row["params"], row["test_accuracy"], capsize=4, marker=markers[i % 5],
                    markersize=7, yerr=[[row["test_accuracy"] - low], [high - row["test_accuracy"]]],
                    linestyle="none", label=row["block"].replace("_", " "))
    ax.set_xscale("log")
    decade_ticks(ax, "x")
    ax.set_xlabel("parameters")
    ax.set_ylabel("test accuracy on digits")
    ax.set_title(f"One ResNet built from each conv variant\n(bars: 95% interval for "
                 f"{test_size} test images; cf. MobileNet, Table 4)", fontsize=10)
    ax.legend(fontsize=8)
    _save(fig, path)


def separability(result, path):
    """Experiment 6: histogram of top-singular-value energy share, learned against random."""
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    bins = np.linspace(1 / 3, 1, 41)
    ax.hist(result["random"], bins=bins, alpha=0.4, density=True, color="tab:gray",
            label="random Gaussian 3x3 kernels")
    ax.hist(result["initial"], bins=bins, histtype="step", density=True, color="black",
            linewidth=1.5, label="the same kernels at initialization")
    ax.hist(result["learned"], bins=bins, alpha=0.5, density=True, color="tab:blue",
            label="learned 3x3 kernels")
    ax.set_xlabel(r"$s_1^2 / (s_1^2 + s_2^2 + s_3^2)$ of each kernel "
                  "(1: rank 1, spatially separable)")
    ax.set_ylabel("density")
    ax.set_title("How close to separable are learned kernels?")
    ax.legend(fontsize=8, loc="upper left")
    _save(fig, path)


def shattered(result, path):
    """Shattered gradients: acf1 against depth (mean over lines, bars from the lowest to the
    highest line), and the derivative along the first line for the deepest pair, one panel
    each: white noise against brown noise."""
    fig, axes = plt.subplot_mosaic([["acf", "plain"], ["acf", "residual"]], figsize=(11, 4.8))
    layers = np.asarray(result["layers"])
    markers = {"plain": "s", "residual": "o"}
    for kind, runs in result["families"].items():
        values = np.asarray([r["acf1"] for r in runs])
        mean = values.mean(axis=1)
        axes["acf"].errorbar(layers, mean, capsize=3, marker=markers.get(kind, "o"),
                             color=STYLE[kind], label=f"{kind} nets",
                             yerr=[mean - values.min(axis=1), values.max(axis=1) - mean])
        derivative = np.asarray(runs[-1]["derivative"])
        axes[kind].plot(np.linspace(0, 1, len(derivative)), derivative, color=STYLE[kind],
                        linewidth=1)
        axes[kind].set_title(f"{kind} net, {layers[-1]} layers: derivative along the line "
                             f"(lag-1 autocorrelation {runs[-1]['acf1'][0]:.2f})", fontsize=9)
        axes[kind].set_ylabel("derivative d(t)", fontsize=8)
    axes["acf"].axhline(0, color="gray", linewidth=0.8)
    axes["acf"].set_xticks(layers)
    axes["acf"].set_ylim(-0.25, 1.05)
    axes["acf"].set_xlabel("depth (weighted layers, 6n+2)")
    axes["acf"].set_ylabel("lag-1 autocorrelation of d(t)")
    axes["acf"].set_title("Shattered gradients at initialization\n(bars: lowest to highest "
                          "line; cf. Balduzzi et al. 2017, Fig. 1)", fontsize=10)
    axes["acf"].legend()
    axes["residual"].set_xlabel("position t on the line from one training digit to another")
    fig.tight_layout()
    _save(fig, path)
