"""The figures of the report, one function each. Every function takes the numbers an
experiment returned and a path, and writes one PNG."""

import matplotlib

matplotlib.use("Agg")  # files only: no display needed, and none on CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

STYLE = {"plain": "tab:red", "residual": "tab:blue", "no +1": "tab:orange",
         "unscaled": "tab:purple"}
LAMBDA_COLORS = {"0.5": "tab:brown", "0.9": "tab:green", "1.0": "tab:cyan", "1.1": "tab:olive"}


def _color(name):
    """One color per variant across every figure; the scaled shortcuts get their own."""
    if "lambda=" in name:
        return LAMBDA_COLORS.get(name.split("lambda=")[1].rstrip(")"))
    for key in ("no +1", "unscaled", "plain", "residual"):
        if key in name:
            return STYLE[key]
    return None


def _save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _positive(values):
    """Zeros (an underflowed gradient) cannot sit on a log axis; show them as NaN gaps."""
    values = np.asarray(values, dtype=float)
    return np.where(values > 0, values, np.nan)


def flow_by_layer(results, key, path, title):
    """Experiment 1: one panel per family, norm (log) against block boundary index."""
    families = list(results)
    rows = (len(families) + 1) // 2
    fig, axes = plt.subplots(rows, 2, figsize=(11, 4 * rows), squeeze=False)
    for ax, family in zip(axes.flat, families):
        for name, norms in results[family]["variants"].items():
            ax.semilogy(_positive(norms[key]), label=name, color=_color(name),
                        linestyle="--" if "lambda" in name else "-")
        ax.set_title(f"{family}, depth {results[family]['depth']}")
        ax.set_xlabel("block boundary l" if key == "activation" else "weighted layer")
        ax.set_ylabel("||dL/dx_l||" if key == "activation" else "||dL/dW||")
    axes[0][0].legend(fontsize=7)
    for ax in axes.flat[len(families):]:
        ax.axis("off")
    fig.suptitle(title)
    _save(fig, path)


def ratio_vs_depth(result, path):
    """Experiment 2: first-to-last ratio against depth, with the lambda^L law dashed."""
    depths = np.asarray(result["depths"], dtype=float)
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for name, ratios in result["ratios"].items():
        line, = ax.semilogy(depths, _positive(ratios), marker="o", label=name,
                            color=_color(name))
        if name.startswith("lambda="):
            lam = float(name.split("=")[1])
            ax.semilogy(depths, lam ** depths, linestyle="--", color=line.get_color(),
                        alpha=0.6)
    ax.set_xlabel("depth L (blocks)")
    ax.set_ylabel("||dL/dx_0|| / ||dL/dx_L||")
    ax.set_title("First-to-last gradient ratio; dashed: lambda^L (He et al. 2016, eq. 8)")
    ax.legend(fontsize=7)
    _save(fig, path)


def _smooth(values, window):
    values = np.asarray(values, dtype=float)
    if len(values) < window:
        return values
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


def training_loss(depths, runs, family, unit, path):
    """Experiment 3: training loss against step for each depth, plain and residual."""
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    styles = ["-", "--", ":", "-.", (0, (1, 4))]
    for i, depth in enumerate(depths):
        for kind in ("plain", "residual"):
            losses = runs[kind][i]["loss"]
            ax.semilogy(_smooth(losses, 10), color=STYLE[kind], linestyle=styles[i % 5],
                        label=f"{kind}, {depth} {unit}")
    ax.set_xlabel("step")
    ax.set_ylabel("training loss (moving average of 10 steps)")
    ax.set_title(f"{family}: deeper plain nets train worse\n(the degradation problem, "
                 "He et al. 2015, Fig. 1 and 6)", fontsize=10)
    ax.legend(fontsize=7)
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
        ax.set_title(f"{kind}, depth {result['depths'][-1]}")
        ax.set_xlabel("step")
        ax.set_ylabel("block boundary l")
    fig.colorbar(shown, ax=axes, label="log10 ||dL/dx_l||")
    fig.savefig(path, dpi=110)
    plt.close(fig)


def lesion(results, path):
    """Experiment 4: test accuracy with block l deleted, residual against plain."""
    fig, ax = plt.subplots(figsize=(6.5, 4.2))
    for kind, result in results.items():
        removed = result["removed"]
        ax.plot(range(1, len(removed) + 1), removed, marker="o", color=STYLE[kind],
                label=f"{kind} (intact: {result['baseline']:.3f})")
        ax.axhline(result["baseline"], color=STYLE[kind], linestyle=":", alpha=0.6)
    ax.axhline(0.1, color="gray", linestyle="--", label="chance")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("deleted block")
    ax.set_ylabel("test accuracy")
    ax.set_title("Lesion study (cf. Veit et al. 2016, Fig. 3)")
    ax.legend(fontsize=8)
    _save(fig, path)


def accuracy_vs_params(rows, path):
    """Experiment 5: test accuracy against parameter count for each conv variant."""
    fig, ax = plt.subplots(figsize=(6, 4.2))
    for row in rows:
        ax.scatter(row["params"], row["test_accuracy"], s=60)
        ax.annotate(row["block"], (row["params"], row["test_accuracy"]),
                    textcoords="offset points", xytext=(6, 4), fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("parameters")
    ax.set_ylabel("test accuracy on digits")
    ax.set_title("Conv variants in one ResNet (cf. MobileNet, Table 4)")
    _save(fig, path)


def separability(result, path):
    """Experiment 6: histogram of top-singular-value energy share, learned against random."""
    fig, ax = plt.subplots(figsize=(6, 4.2))
    bins = np.linspace(1 / 3, 1, 41)
    ax.hist(result["random"], bins=bins, alpha=0.4, density=True, label="random Gaussian 3x3")
    ax.hist(result["initial"], bins=bins, histtype="step", density=True,
            label="the same kernels at initialization")
    ax.hist(result["learned"], bins=bins, alpha=0.4, density=True, label="learned 3x3")
    ax.set_xlabel("s1^2 / sum s_i^2   (1 = rank 1 = spatially separable)")
    ax.set_ylabel("density")
    ax.set_title("How separable are learned kernels?")
    ax.legend()
    _save(fig, path)


def shattered(result, path):
    """Shattered gradients: acf1 against depth (mean over lines, bars from the lowest to the
    highest line), and the derivative along the first line for the deepest pair, one panel
    each."""
    fig, axes = plt.subplot_mosaic([["acf", "plain"], ["acf", "residual"]], figsize=(11, 4.8))
    layers = np.asarray(result["layers"])
    for kind, runs in result["families"].items():
        values = np.asarray([r["acf1"] for r in runs])
        mean = values.mean(axis=1)
        axes["acf"].errorbar(layers, mean, capsize=3, marker="o", color=STYLE[kind],
                             yerr=[mean - values.min(axis=1), values.max(axis=1) - mean],
                             label=kind)
        derivative = np.asarray(runs[-1]["derivative"])
        axes[kind].plot(np.linspace(0, 1, len(derivative)), derivative, color=STYLE[kind],
                        linewidth=1)
        axes[kind].set_title(f"{kind}, {layers[-1]} layers: derivative along the line "
                             f"(acf1 {runs[-1]['acf1'][0]:.2f})", fontsize=9)
        axes[kind].set_ylabel("derivative", fontsize=8)
    axes["acf"].axhline(0, color="gray", linewidth=0.8)
    axes["acf"].set_xlabel("depth (weighted layers, 6n+2)")
    axes["acf"].set_ylabel("lag-1 autocorrelation of the derivative")
    axes["acf"].set_title("Shattered gradients at initialization\n(cf. Balduzzi et al. 2017, "
                          "Fig. 1: white noise against brown noise)", fontsize=10)
    axes["acf"].legend()
    axes["residual"].set_xlabel("position t on the line from one training digit to another")
    _save(fig, path)
