"""Loss landscape of ResNets and their plain twins (Li et al. 2018, "Visualizing the loss
landscape of neural nets", filter-normalized directions).

For a trained net with weights theta, draw a Gaussian direction d with the shape of every
weight and filter-normalize it (Li et al., sec. 4): for each filter i (an output channel of
a conv weight, an output row of a Linear weight)

    d_i <- d_i / ||d_i|| * ||theta_i||,

so that a step of alpha moves every filter by alpha times its own norm, whatever its scale
(which batch norm makes meaningless). d is zero on biases and batch-norm weights and biases.
The loss is the training loss (mean cross-entropy), eval mode, on fixed training digits:

    1-D profile   L(theta + alpha d),                 alpha in [-1, 1],
    rise(0.25)    mean over +/- of L(theta +/- 0.25 d) - L(theta)   (averaged over directions),
    2-D map       L(theta + alpha d1 + beta d2),      (alpha, beta) in [-1, 1]^2   (--full),

and on the 2-D grid the local non-convexity in the plane: |lambda_min / lambda_max| of the
2x2 Hessian of L(alpha, beta) (central differences) where lambda_min < 0, 0 where the plane is
locally convex, capped at 1 (Li et al., Fig. 7, use the full Hessian).

The nets are the trained twins of the training experiment (`trained.resnets`), perturbed in
place and restored exactly (the same arrays put back); for the caveat that the deep plain net
also fails to train, the untrained nets too (same seed, batch norm calibrated on the subset).
"""

import os

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad.models.resnet import resnet

from . import trained
from .shattered import calibrate_batch_norm

STEP = 0.25  # the alpha of rise(0.25)
KINDS = ("plain", "residual")
NAMES = {"plain": "plain", "residual": "resnet"}  # plain56, resnet56

#: Per size: training images in the loss, directions averaged over, the profile's alphas,
#: and the side of the 2-D grid (None: no 2-D maps).
SIZES = {
    "quick": dict(images=32, directions=1, alphas=(-1.0, -0.25, 0.0, 0.25, 1.0), grid=None),
    "default": dict(images=128, directions=3,
                    alphas=(-1.0, -0.5, -0.25, 0.0, 0.25, 0.5, 1.0), grid=None),
    # --full: ~100 s of CPU with single-threaded BLAS, most of it the 21 x 21 grid of the
    # 56-layer pair (441 forwards each); 250-290 s wall on a loaded 2-core machine.
    "full": dict(images=128, directions=4, alphas=tuple(np.linspace(-1.0, 1.0, 17)), grid=21),
}


def filter_normalized_direction(model, generator):
    """A random direction, one array per model.parameters(): Gaussian, each filter (index on
    axis 0) scaled to the norm of the weight's filter; zero on parameters of under 2 dimensions
    (biases, batch norm). Every parameter takes a draw, so equal shapes get equal draws."""
    direction = []
    for param in model.parameters():
        theta = param.detach().numpy()
        d = generator.standard_normal(theta.shape)
        axes = tuple(range(1, theta.ndim))
        theta_norm = np.sqrt(np.sum(np.square(theta, dtype=np.float64), axis=axes, keepdims=True))
        d_norm = np.sqrt(np.sum(d * d, axis=axes, keepdims=True))
        scaled = d * theta_norm / np.where(d_norm > 0, d_norm, 1.0) if theta.ndim >= 2 else 0 * d
        direction.append(scaled.astype(theta.dtype))
    return direction


def directions_for(model, seed, count):
    """`count` filter-normalized directions, direction k drawn from default_rng([seed, k])."""
    return [filter_normalized_direction(model, np.random.default_rng([seed, k]))
            for k in range(count)]


def losses_at(model, x, y, directions, coefficients):
    """L(theta + sum_k c_k d_k) for each row c of `coefficients` (shape (points, len(directions))):
    mean cross-entropy on (x, y) in eval mode, without a graph. The weights (the same arrays)
    and the train/eval mode are put back afterwards, also on an error."""
    params = list(model.parameters())
    origins = [p.data.numpy() for p in params]
    moved = [i for i, theta in enumerate(origins) if theta.ndim >= 2]
    was_training = model.training
    inputs = mg.tensor(x)
    losses = []
    model.eval()
    try:
        with mg.no_grad():
            for row in np.atleast_2d(coefficients):
                for i in moved:
                    step = sum(float(c) * d[i] for c, d in zip(row, directions) if c != 0)
                    params[i].data = origins[i] + step if np.ndim(step) else origins[i]
                losses.append(F.cross_entropy(model(inputs), y).item())
    finally:
        for param, theta in zip(params, origins):
            param.data = theta
        model.train(was_training)
    return np.asarray(losses)


def rise(alphas, losses, step=STEP):
    """mean of L(+step) and L(-step), minus L(0), from a profile (alphas, losses); losses may be
    (directions, alphas), giving one rise per direction."""
    alphas, losses = np.asarray(alphas, dtype=float), np.asarray(losses, dtype=float)
    at = [int(np.flatnonzero(np.isclose(alphas, a))[0]) for a in (-step, 0.0, step)]
    return (losses[..., at[0]] + losses[..., at[2]]) / 2 - losses[..., at[1]]


def profile(model, x, y, directions, alphas):
    """The 1-D profile along each direction: {"alphas", "losses": (directions, alphas),
    "rise": per direction, "loss": L(theta)}. L(theta) is evaluated once."""
    alphas = np.asarray(alphas, dtype=float)
    moving = alphas[alphas != 0]
    center = float(losses_at(model, x, y, directions[:1], [[0.0]])[0])
    rows = []
    for d in directions:
        row = np.full(len(alphas), center)
        row[alphas != 0] = losses_at(model, x, y, [d], moving[:, None])
        rows.append(row)
    return {"alphas": alphas.tolist(), "losses": np.asarray(rows).tolist(),
            "rise": rise(alphas, rows).tolist(), "loss": center}


def plane(model, x, y, directions, grid):
    """The 2-D map L(theta + alpha d1 + beta d2) on a grid x grid lattice of [-1, 1]^2
    (alpha along rows), and its non-convexity map on the interior points."""
    ticks = np.linspace(-1.0, 1.0, grid)
    alpha, beta = np.meshgrid(ticks, ticks, indexing="ij")
    points = np.stack([alpha.ravel(), beta.ravel()], axis=1)
    losses = losses_at(model, x, y, directions[:2], points).reshape(grid, grid)
    return {"ticks": ticks.tolist(), "losses": losses.tolist(),
            "nonconvexity": nonconvexity(losses, ticks[1] - ticks[0]).tolist()}


def nonconvexity(losses, h):
    """|lambda_min / lambda_max| of the 2x2 Hessian of a gridded L (spacing h) at each interior
    point, where lambda_min < 0; 0 where both curvatures are >= 0; capped at 1."""
    L = np.asarray(losses, dtype=np.float64)
    c = L[1:-1, 1:-1]
    aa = (L[2:, 1:-1] - 2 * c + L[:-2, 1:-1]) / h**2
    bb = (L[1:-1, 2:] - 2 * c + L[1:-1, :-2]) / h**2
    ab = (L[2:, 2:] - L[2:, :-2] - L[:-2, 2:] + L[:-2, :-2]) / (4 * h**2)
    mean, radius = (aa + bb) / 2, np.sqrt(((aa - bb) / 2) ** 2 + ab**2)
    low, high = mean - radius, mean + radius
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs(low) / np.abs(high)
    return np.where(low < 0, np.minimum(np.nan_to_num(ratio, nan=1.0, posinf=1.0), 1.0), 0.0)


def untrained_twin(layers, residual, x, seed):
    """The net of `layers` = 6n+2 layers at initialization (the trained twin's seed), batch
    norm calibrated on x, in eval mode."""
    model = resnet((layers - 2) // 6, in_channels=1, num_classes=10, residual=residual,
                   generator=np.random.default_rng(seed))
    return calibrate_batch_norm(model, x)


def landscape(models, x, y, seed, directions, alphas, grid=None, progress=None):
    """Experiment: for each depth and kind, the trained net's profile (and 2-D map when
    `grid`), and the untrained twin's rise(0.25).
    Returns {"layers", "images", "nets": {str(layers): {kind: {...}}}}."""
    nets = {}
    for layers, pair in sorted(models.items()):
        nets[str(layers)] = {}
        for kind in KINDS:
            model = pair[kind]
            ds = directions_for(model, seed, directions)
            result = profile(model, x, y, ds, alphas)
            if grid:
                result["plane"] = plane(model, x, y, ds, grid)
            fresh = untrained_twin(layers, kind == "residual", x, seed)
            result["untrained"] = profile(fresh, x, y, directions_for(fresh, seed, directions),
                                          (-STEP, 0.0, STEP))
            nets[str(layers)][kind] = result
            if progress is not None:
                progress()
    return {"layers": sorted(models), "images": len(y), "alphas": list(map(float, alphas)),
            "nets": nets}


def _spread(values):
    return {name: float(getattr(np, name)(values)) for name in ("mean", "min", "max")}


def experiment(run):
    """The `landscape` subcommand: profiles (and at --full the 2-D maps) of the trained twins,
    landscape.json, landscape.png (and landscape_2d.png, landscape_nonconvexity.png)."""
    size = SIZES[run.size_name]
    cnn = trained.resnets(run)
    # The paper's 20- and 56-layer twins when this size trains them; else all there are.
    layers = [n for n in cnn["layers"] if n in (20, 56)] or list(cnn["layers"])
    x, y = run.split.x_train[:size["images"]], run.split.y_train[:size["images"]]
    result = landscape({n: cnn["models"][n] for n in layers}, x, y, run.seed,
                       size["directions"], size["alphas"], size["grid"], progress=run.tick)
    result["train_loss"] = {str(n): {kind: cnn["runs"][kind][cnn["layers"].index(n)]["train_loss"]
                                     for kind in KINDS} for n in layers}
    figures = [plot_profiles(result, os.path.join(run.out, "landscape.png"))]
    if size["grid"]:
        figures += plot_planes(result, run.out)
    run.write_json("landscape.json", result)
    nets = result["nets"]
    summary = {"figures": figures, "data": "landscape.json", "layers": layers,
               "images": result["images"], "directions": size["directions"],
               "train_loss": result["train_loss"],
               "loss": {n: {k: nets[n][k]["loss"] for k in KINDS} for n in nets},
               "rise": {n: {k: {"trained": _spread(nets[n][k]["rise"]),
                                "untrained": _spread(nets[n][k]["untrained"]["rise"])}
                            for k in KINDS} for n in nets}}
    if size["grid"]:
        summary["nonconvexity"] = {n: {k: float(np.mean(nets[n][k]["plane"]["nonconvexity"]))
                                       for k in KINDS} for n in nets}
    return summary


def claims(summary):
    """The calibration claims (Li et al. 2018 at this scale), for the depths this run has."""
    rise = {n: {k: r["trained"]["mean"] for k, r in pair.items()}
            for n, pair in summary["rise"].items()}
    found = []
    if "56" in rise:
        ratio = rise["56"]["plain"] / rise["56"]["residual"]
        found += [{"claim": "plain56's rise(0.25) is at least 10x resnet56's", "value": ratio,
                   "holds": bool(ratio >= 10)},
                  {"claim": "resnet56's rise(0.25) is at most 1", "value": rise["56"]["residual"],
                   "holds": bool(rise["56"]["residual"] <= 1)}]
    if "20" in rise:
        ratio = rise["20"]["plain"] / rise["20"]["residual"]
        found.append({"claim": "plain20's rise(0.25) is within a factor of 3 of resnet20's "
                      "(no effect at 20 layers)", "value": ratio,
                      "holds": bool(1 / 3 <= ratio <= 3)})
    if "nonconvexity" in summary and "56" in summary["nonconvexity"]:
        pair = summary["nonconvexity"]["56"]
        found.append({"claim": "plain56's mean non-convexity in the plane is above resnet56's",
                      "value": [pair["plain"], pair["residual"]],
                      "holds": bool(pair["plain"] > pair["residual"])})
    return found


def plot_profiles(result, path):
    """One panel per depth: L(theta + alpha d) of the trained twins (mean over directions, band
    from the lowest to the highest direction); and rise(0.25) of every net, trained and
    untrained, with bars from the lowest to the highest direction."""
    from .plots import STYLE, _save, plt  # matplotlib only when drawing (Agg, as plots.py)

    layers = [str(n) for n in result["layers"]]
    fig, axes = plt.subplots(1, len(layers) + 1, figsize=(4.6 * (len(layers) + 1), 4.4),
                             layout="constrained")
    for ax, n in zip(axes, layers):
        for kind in KINDS:
            net = result["nets"][n][kind]
            losses = np.asarray(net["losses"])
            ax.semilogy(net["alphas"], losses.mean(axis=0), marker="o", markersize=3,
                        color=STYLE[kind], label=f"{NAMES[kind]}{n}")
            ax.fill_between(net["alphas"], losses.min(axis=0), losses.max(axis=0),
                            color=STYLE[kind], alpha=0.2)
        ax.set_title(f"{n} layers, trained: loss along a direction", fontsize=10)
        ax.set_xlabel(r"step $\alpha$ along a filter-normalized direction $d$")
        ax.set_ylabel(r"training loss $L(\theta + \alpha d)$")
        _decades(ax, [result["nets"][n][k]["losses"] for k in KINDS])
        ax.legend()
    ax = axes[-1]
    for j, state in enumerate(("trained", "untrained")):
        for i, kind in enumerate(KINDS):
            nets = [result["nets"][n][kind] for n in layers]
            rises = [np.asarray(net["rise"] if j == 0 else net["untrained"]["rise"])
                     for net in nets]
            mean = np.array([r.mean() for r in rises])
            ax.bar(np.arange(len(layers)) * 5 + j * 2.2 + i, mean, color=STYLE[kind],
                   alpha=1.0 if j == 0 else 0.45, label=f"{NAMES[kind]}, {state}",
                   yerr=[mean - [r.min() for r in rises], [r.max() for r in rises] - mean])
    ax.set_yscale("log")
    _decades(ax, [[net["rise"], net["untrained"]["rise"]] for pair in result["nets"].values()
                  for net in pair.values()])
    ax.set_xticks(np.arange(len(layers)) * 5 + 1.6, [f"{n} layers" for n in layers])
    ax.set_ylabel(r"rise(0.25) = mean$_\pm L(\theta \pm 0.25 d) - L(\theta)$")
    ax.set_title("Sharpness: rise(0.25)", fontsize=10)
    ax.legend(fontsize=7)
    fig.suptitle("Loss landscape of ResNets and plain nets (cf. Li et al. 2018)")
    _save(fig, path)
    return os.path.basename(path)


def _decades(ax, values):
    """A log y axis from one power of 10 to another, labelled at the powers only."""
    from matplotlib.ticker import NullFormatter

    values = np.hstack([np.ravel(v) for v in values])
    logs = np.log10(values[values > 0])
    ax.set_ylim(10 ** np.floor(logs.min()), 10 ** np.ceil(logs.max()))
    ax.yaxis.set_minor_formatter(NullFormatter())


def plot_planes(result, out):
    """--full: contours of log10 L in the plane of two directions (Li et al. 2018, Fig. 5),
    one panel per net, and the non-convexity maps (cf. their Fig. 7)."""
    from .plots import plt

    nets = [(n, kind, result["nets"][str(n)][kind]["plane"])
            for n in result["layers"] for kind in KINDS]
    lowest = min(np.min(plane["losses"]) for _, _, plane in nets)
    for name, key, levels, label, title in (
            ("landscape_2d.png", "losses", np.arange(np.floor(np.log10(lowest)), 3.1, 0.5),
             r"$\log_{10} L(\theta + \alpha d_1 + \beta d_2)$", "Loss contours in a random plane"),
            ("landscape_nonconvexity.png", "nonconvexity", np.linspace(0, 1, 11),
             r"$|\lambda_{min} / \lambda_{max}|$ of the 2x2 Hessian (0: convex)",
             "Local non-convexity in the plane (cf. Li et al. 2018, Fig. 7)")):
        fig, axes = plt.subplots(len(nets) // 2, 2, figsize=(9, 2 * len(nets)), squeeze=False,
                                 layout="constrained")
        for ax, (n, kind, plane) in zip(axes.flat, nets):
            ticks = np.asarray(plane["ticks"])
            values = np.log10(plane["losses"]) if key == "losses" else plane[key]
            ticks = ticks if key == "losses" else ticks[1:-1]
            drawn = ax.contourf(ticks, ticks, np.transpose(values), levels=levels,
                                extend="max" if key == "losses" else "neither")
            ax.set(title=f"{NAMES[kind]}{n}", xlabel=r"$\alpha$ (direction $d_1$)",
                   ylabel=r"$\beta$ (direction $d_2$)")
        fig.colorbar(drawn, ax=axes, label=label)
        fig.suptitle(title)
        fig.savefig(os.path.join(out, name), dpi=110)
        plt.close(fig)
    return ["landscape_2d.png", "landscape_nonconvexity.png"]


def report_section(summary):
    """The report's loss-landscape section: figure(s), tables, claims, caveat."""
    from .report import _table  # report imports this module: import at call time

    def spread(r):
        return f"{r['mean']:.3g} ({r['min']:.3g} to {r['max']:.3g})"

    rise, layers = summary["rise"], [str(n) for n in summary["layers"]]
    ratios, fresh = ({n: rise[n]["plain"][state]["mean"] / rise[n]["residual"][state]["mean"]
                      for n in layers} for state in ("trained", "untrained"))
    lines = [
        "## 7. Loss landscape: sharp and flat neighbourhoods",
        "",
        "![loss landscape](landscape.png)",
        "",
        f"*Training loss L (mean cross-entropy, eval mode, on the first {summary['images']} "
        "training digits) along random filter-normalized directions d around the weights "
        "theta of the trained ResNets and plain twins of experiment 3 (left; the band runs "
        f"from the lowest to the highest of {summary['directions']} direction(s)), and the "
        "rise of the loss a quarter step away, trained and untrained (right). The plain/"
        "residual ratio of rise(0.25) is "
        + ", ".join(f"{ratios[n]:.3g}x at {n} layers" for n in layers) + ".*",
        "",
        "A filter-normalized direction (Li et al. 2018, sec. 4) is a Gaussian direction in "
        "weight space with every filter (a conv output channel, a Linear output row) scaled "
        "to the norm of the same filter of the weights, zero on biases and batch-norm "
        "parameters: a step alpha = 1 moves each filter by its own size, so nets of different "
        "scales compare. rise(0.25), the mean of L(theta + 0.25 d) and L(theta - 0.25 d) "
        "minus L(theta), says how sharply the loss climbs near the weights (0 = flat). The "
        "untrained nets are the same architectures at initialization (same seed), batch norm "
        "calibrated on the same digits. Li et al. (2018, Fig. 5) found that without skip "
        "connections a 56-layer net's landscape turns chaotic and sharp, a 20-layer net's "
        "barely changes.",
        "",
    ]
    lines += _table(["net", "training loss (exp. 3)", "L(theta) here",
                     "rise(0.25), trained: mean (min to max over directions)",
                     "rise(0.25), untrained"],
                    [[f"{NAMES[kind]}{n}", f"{summary['train_loss'][n][kind]:.3g}",
                      f"{summary['loss'][n][kind]:.3g}", spread(rise[n][kind]["trained"]),
                      spread(rise[n][kind]["untrained"])] for n in layers for kind in KINDS])
    if "nonconvexity" in summary:
        lines += ["", "![loss contours](landscape_2d.png)",
                  "![non-convexity](landscape_nonconvexity.png)", "",
                  "*Top: contours of log10 L in the plane of two filter-normalized directions "
                  "(cf. Li et al. 2018, Fig. 5). Bottom: the local non-convexity "
                  "|lambda_min / lambda_max| of the 2x2 Hessian of L in that plane (central "
                  "differences on the grid; 0 where both curvatures are positive, capped at "
                  "1; cf. their Fig. 7, which uses the full Hessian). Mean over the grid: "
                  + ", ".join(f"{NAMES[kind]}{n} {summary['nonconvexity'][n][kind]:.3g}"
                              for n in layers for kind in KINDS) + ".*"]
    found = claims(summary)
    lines += [""]
    if found:
        lines += _table(["claim", "value", "holds"],
                        [[c["claim"], ", ".join(f"{v:.3g}" for v in np.atleast_1d(c["value"])),
                          "yes" if c["holds"] else "**no**"] for c in found])
        failed = [c["claim"] for c in found if not c["holds"]]
        lines += ["", "In this run every claim held." if not failed else
                  "Did not hold in this run: " + "; ".join(failed) + "."]
    else:
        lines.append("The claims concern the 20- and 56-layer twins, which this size does "
                     "not train; the numbers above are for the nets it has.")
    deep, loss = layers[-1], summary["train_loss"][layers[-1]]
    verdict = ("at least 10x already: the gap comes with the architecture, not from training "
               "alone" if fresh[deep] >= 10 else "under 10x: at initialization the "
               "architecture alone does not make the gap")
    trains = ("fails to train", "so its weights are not a minimum like the ResNet's") \
        if loss["plain"] > 1 else ("trains", "so both are trained weights")
    lines += ["", f"Caveat: at this budget plain{deep} {trains[0]} (training loss "
              f"{loss['plain']:.3g}, resnet{deep} {loss['residual']:.3g}; a uniform guess "
              f"scores ln 10 = 2.30), {trains[1]}. In "
              f"the untrained nets plain{deep}'s rise(0.25) is {fresh[deep]:.3g}x "
              f"resnet{deep}'s" + "".join(f" ({fresh[n]:.3g}x at {n} layers)"
                                          for n in layers[:-1]) + f", {verdict}.", ""]
    return lines
