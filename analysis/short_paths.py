"""An ensemble of short paths (Veit et al. 2016, Fig. 6): how much of a trained residual
network's gradient travels through how many of its residual branches.

Unravelled, the backward of n residual blocks x_{l+1} = x_l + F_l(x_l) is a sum over 2^n
paths: (I + dF_1/dx)^T ... (I + dF_n/dx)^T dL/dx_n expands into one term per subset S of the
blocks, through the branch of every block in S and the shortcut of every other. Its length
is k = |S|; C(n, k) paths have length k, a binomial count that peaks at n/2.

Measured for one path S: the forward is the network's own; a block on the path computes
x.detach() + F(x) (its gradient flows only through the branch), a block off it
x + F(x).detach() (only through the shortcut). The number is ||dL/dx_0||, the gradient that
reaches the first block's input, for the mean cross-entropy L of a fixed batch of training
digits, in float64 on a copy of the network (batch norm in eval mode: samples do not
interact). For each k = 0..n, `paths` uniformly random k-subsets give

    magnitude(k) = mean over the sampled paths of length k of ||dL/dx_0||,
    total(k)     = magnitude(k) * C(n, k)   (the gradient all paths of length k carry),
    share(k)     = total(k) / sum_j total(j).

Headline numbers: the share of the gradient from paths of at most n/4 blocks (share(k)
summed over k <= floor(n/4)); its 95th percentile, the smallest k whose cumulative share
reaches 0.95; the per-branch decay, exp(slope) of the least-squares line through
(k, ln magnitude(k)), k = 0..n: the fitted factor magnitude(k+1) / magnitude(k). Their
spread: a bootstrap over the sampled paths. Veit et al. found in a 54-block ResNet that most
of the gradient comes from paths of 5 to 17 blocks.

Cost: the forward values, the same for every path, are computed once; the blocks are then
walked from the top down, each block's backward applied to all the paths in two batched
calls of minigrad's autograd (the paths through its branch, those through its shortcut).
`path_forward` is the definition, one path at a time; the tests check that both agree.
By default the trained residual MLP of 54 blocks (about 15 s of CPU, 6 s of it training);
`--full`: the training experiment's trained resnet56 (27 blocks; the paths add about 30 s of
CPU and 0.8 GB of memory).
"""

import copy
import math
import os

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import nn

from . import dynamics, trained

#: At 54 blocks the training recipe's learning rate (trained.TRAIN_LR = 0.02) diverges to
#: NaN in epoch 7 on seeds 0 and 2; half of it trains seeds 0-3 to a loss below 0.05.
LR = trained.TRAIN_LR / 2

#: Per report size: the network ("mlp" with `depth` blocks, or "resnet56"), sampled paths per
#: length, and the batch of training digits whose loss is differentiated.
SIZES = {
    "quick": dict(network="mlp", depth=8, paths=8, batch=16, bootstrap=100),
    "default": dict(network="mlp", depth=54, paths=24, batch=32, bootstrap=400),
    "full": dict(network="resnet56", paths=16, batch=16, bootstrap=400),
}


def block_parts(block):
    """A stack's block as (its ResidualBlock, the activations applied after its sum): an MLP
    stack's block is a ResidualBlock; a ResNet's is Sequential(ResidualBlock, ReLU)."""
    residual = block if isinstance(block, nn.ResidualBlock) else block[0]
    after = [] if residual is block else list(block)[1:]
    return residual, [residual.activation, *after]


def _join(activations, shortcut, branch):
    """A block's output from its two terms: the activations applied to their sum."""
    y = branch + shortcut
    for activation in activations:
        y = y if activation is None else activation(y)
    return y


def _shortcut(residual, x):
    return residual.shortcut(x) * residual.shortcut_scale


def prepared(model):
    """A float64 copy in eval mode without parameter gradients (the shared model untouched)."""
    model = copy.deepcopy(model).double()
    model.eval()
    return model.requires_grad_(False)


def path_forward(model, x, on_path):
    """The definition: the forward of `model` (prepared) with each block's backward
    restricted to one path (`on_path`: a bool per block). Returns (x_0, logits), x_0 the
    first block's input as a leaf that requires grad."""
    with mg.no_grad():
        x0 = model.stem(mg.tensor(x))
    x0 = mg.tensor(x0.numpy(), requires_grad=True)
    h = x0
    for block, on in zip(model.blocks, on_path):
        residual, activations = block_parts(block)
        s, f = _shortcut(residual, h), residual.branch(h)
        h = _join(activations, s.detach(), f) if on else _join(activations, s, f.detach())
    return x0, model.head(h)


def shared_forward(model, x, y):
    """The forward values every path shares: each block's input and its two terms, the
    logits, and dL/dx_n at the last block's output."""
    inputs, shortcuts, branches = [], [], []
    with mg.no_grad():
        h = model.stem(mg.tensor(x))
        for block in model.blocks:
            residual, activations = block_parts(block)
            s, f = _shortcut(residual, h), residual.branch(h)
            inputs.append(h.numpy())
            shortcuts.append(s.numpy())
            branches.append(f.numpy())
            h = _join(activations, s, f)
    top = mg.tensor(h.numpy(), requires_grad=True)
    logits = model.head(top)
    (top_grad,) = mg.autograd.grad(F.cross_entropy(logits, y), top)
    return {"inputs": inputs, "shortcuts": shortcuts, "branches": branches,
            "logits": logits.detach().numpy(), "top_grad": top_grad.numpy()}


def block_backward(block, x, shortcut, branch, grads, on_path):
    """The backward of one block for several paths at once: grads (p, B, ...) are dL/dy for
    p paths; the result is their dL/dx through the branch (on_path) or the shortcut. The p
    copies of the batch x are one batch of p * B samples, whose rows do not interact."""
    p = len(grads)
    x_rep = mg.tensor(np.concatenate([x] * p), requires_grad=True)
    residual, activations = block_parts(block)
    if on_path:  # x.detach() + F(x)
        y = _join(activations, mg.tensor(np.concatenate([shortcut] * p)),
                  residual.branch(x_rep))
    else:  # x + F(x).detach()
        y = _join(activations, _shortcut(residual, x_rep),
                  mg.tensor(np.concatenate([branch] * p)))
    (g,) = mg.autograd.grad(y, x_rep, grad_outputs=mg.tensor(grads.reshape(y.shape)))
    return g.numpy().reshape((p,) + x.shape)


def path_gradients(model, forward, on_path):
    """dL/dx_0 for every path (row of the bool matrix on_path, (P, n)): (P, B, ...). A block
    may change the shape (a ResNet's stage): each step makes a new array of dL/dx."""
    grads = np.stack([forward["top_grad"]] * len(on_path))
    for index in reversed(range(on_path.shape[1])):
        x = forward["inputs"][index]
        below = np.empty((len(on_path),) + x.shape)
        for on in (True, False):
            rows = np.flatnonzero(on_path[:, index] == on)
            if rows.size:
                below[rows] = block_backward(model.blocks[index], x,
                                             forward["shortcuts"][index],
                                             forward["branches"][index], grads[rows], on)
        grads = below
    return grads


def sample_paths(n, per_length, rng):
    """`per_length` uniformly random paths of each length k = 0..n, ordered by k, as a bool
    matrix ((n + 1) * per_length, n): the blocks whose rank in a random permutation is < k."""
    lengths = np.repeat(np.arange(n + 1), per_length)
    ranks = np.argsort(rng.random((len(lengths), n)), axis=1)
    return ranks < lengths[:, None]


def binomial_counts(n):
    """C(n, k) for k = 0..n, as floats (C(54, 27) is about 2e15)."""
    return np.array([float(math.comb(n, k)) for k in range(n + 1)])


def statistics(magnitude):
    """The headline numbers (share_quarter, p95, decay: see the module docstring) from
    magnitude(k), k = 0..n: (n + 1,), or (R, n + 1) for R replicates, one number per row."""
    magnitude = np.asarray(magnitude, dtype=np.float64)
    n = magnitude.shape[-1] - 1
    total = magnitude * binomial_counts(n)
    share = total / total.sum(axis=-1, keepdims=True)
    cumulative = np.cumsum(share, axis=-1)
    slope = np.polyfit(np.arange(n + 1), np.log(magnitude.reshape(-1, n + 1)).T, 1)[0]
    return {"share_quarter": share[..., : n // 4 + 1].sum(axis=-1),
            "p95": np.argmax(cumulative >= 0.95 - 1e-12, axis=-1),
            "decay": np.exp(slope).reshape(magnitude.shape[:-1])}


def bootstrap(norms, replicates, rng):
    """statistics() of `replicates` resamplings, with replacement within each length, of
    the sampled paths' norms (n + 1, paths)."""
    lengths, paths = norms.shape
    picks = rng.integers(paths, size=(replicates, lengths, paths))
    return statistics(norms[np.arange(lengths)[None, :, None], picks].mean(axis=-1))


def measure(model, x, y, paths, seed=0, progress=None):
    """The experiment on one trained network (any stack whose blocks are residual): the
    norms ||dL/dx_0|| of `paths` random paths per length, (n + 1, paths), and the shared
    forward, with "difference": its largest distance to the network's own logits."""
    model, x = prepared(model), x.astype(np.float64)
    forward = shared_forward(model, x, y)
    with mg.no_grad():
        forward["difference"] = float(np.abs(model(mg.tensor(x)).numpy()
                                             - forward["logits"]).max())
    n = len(model.blocks)
    on_path = sample_paths(n, paths, np.random.default_rng(seed))
    grads = path_gradients(model, forward, on_path)
    if progress is not None:
        progress()
    norms = np.sqrt((grads.reshape(len(grads), -1) ** 2).sum(axis=1))
    return norms.reshape(n + 1, paths), forward


def _network(run, size):
    """The trained network of this size and its training numbers."""
    if size["network"] == "resnet56":
        resnets = trained.resnets(run)
        index = resnets["layers"].index(56)
        return (resnets["models"][56]["residual"], resnets["runs"]["residual"][index],
                "ResNet-56 (27 basic blocks, batch norm)", trained.RESNET_LR)
    result = trained.residual_mlp(run, size["depth"], lr=LR)
    return (result["model"], result,
            f"residual ReLU MLP, {size['depth']} blocks of width 64", LR)


def experiment(run):
    """Measure the trained network's paths; write short_paths.json and short_paths.png."""
    size = SIZES[run.size_name]
    model, training, network, lr = _network(run, size)
    x, y = run.split.x_train[: size["batch"]], run.split.y_train[: size["batch"]]
    norms, forward = measure(model, x, y, size["paths"], seed=run.seed, progress=run.tick)
    n = norms.shape[0] - 1
    magnitude = norms.mean(axis=1)
    spread = bootstrap(norms, size["bootstrap"], np.random.default_rng(run.seed))
    counts = binomial_counts(n)
    total = magnitude * counts  # statistics() has the same numbers, for many replicates
    result = {
        "network": network, "blocks": n, "paths_per_length": size["paths"],
        "batch": size["batch"], "lr": lr, "train_loss": training["train_loss"],
        "test_accuracy": training["test_accuracy"],
        "forward_difference": forward["difference"],
        "magnitude": magnitude.tolist(), "share": (total / total.sum()).tolist(),
        "path_share": (counts / counts.sum()).tolist(),
        "low": np.percentile(norms, 10, axis=1).tolist(),
        "high": np.percentile(norms, 90, axis=1).tolist(),
        "relative_error": float(np.median(norms[1:].std(axis=1) / magnitude[1:])
                                / math.sqrt(size["paths"])),
        **_point(norms), "initial": _initial(size, x, y, run.seed),
        "intervals": {key: np.percentile(values, [2.5, 97.5]).tolist()
                      for key, values in spread.items()},
        "norms": norms.tolist(),
    }
    run.write_json("short_paths.json", result)
    figure(result, os.path.join(run.out, "short_paths.png"))
    return {"figures": ["short_paths.png"], "data": "short_paths.json",
            **{key: value for key, value in result.items() if key != "norms"}}


def _point(norms):
    """statistics() of the mean norms by length, as JSON numbers."""
    point = {key: float(value) for key, value in statistics(norms.mean(axis=1)).items()}
    return {**point, "p95": int(point["p95"])}


def _initial(size, x, y, seed):
    """The MLP's statistics at initialization (the same stack untrained, a third of the
    paths), or None for the ResNet, whose batch norm has no statistics before training."""
    if size["network"] != "mlp":
        return None
    model = dynamics.make_stack(True, size["depth"], 64, seed)
    return _point(measure(model, x, y, max(size["paths"] // 3, 2), seed=seed)[0])


def claims(summary):
    """The issue's calibration: most of the gradient comes from short paths."""
    n = summary["blocks"]
    return [
        {"claim": f"share of the gradient from paths of at most n/4 = {n // 4} blocks >= 0.6",
         "value": summary["share_quarter"], "holds": summary["share_quarter"] >= 0.6},
        {"claim": f"95th percentile of the gradient's path length <= n/2 = {n / 2:g}",
         "value": summary["p95"], "holds": summary["p95"] <= n / 2},
        {"claim": "per-branch decay of the path gradient <= 0.5",
         "value": summary["decay"], "holds": summary["decay"] <= 0.5},
    ]


def figure(result, path):
    """Left: magnitude(k) per path (log), its 10-90% band over the sampled paths and the
    fitted geometric decay. Right: share of the gradient by length against the share of the
    paths (the binomial count), with n/4 and the 95th percentile marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogFormatterMathtext, LogLocator

    n, magnitude = result["blocks"], np.asarray(result["magnitude"])
    k = np.arange(n + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.5, 4.4))
    left.fill_between(k, result["low"], result["high"], color="tab:blue", alpha=0.2,
                      label="10-90% of the sampled paths")
    left.semilogy(k, magnitude, "o-", color="tab:blue", markersize=3,
                  label="mean over the sampled paths")
    fit = np.exp(np.polyval(np.polyfit(k, np.log(magnitude), 1), k))
    left.semilogy(k, fit, "--", color="gray",
                  label=f"geometric fit: factor {result['decay']:.2f} per branch")
    left.yaxis.set_major_locator(LogLocator(base=10, numticks=8))
    left.yaxis.set_major_formatter(LogFormatterMathtext())
    left.set_xlabel("path length k (residual branches on the path)")
    left.set_ylabel(r"$\|\partial L / \partial x_0\|$ of one path")
    left.set_title("Gradient through one path of length k", fontsize=10)
    left.legend(fontsize=8)
    right.plot(k, result["share"], "o-", color="tab:red", markersize=3,
               label="share of the gradient: magnitude(k) C(n, k), normalized")
    right.plot(k, result["path_share"], "--", color="black",
               label=r"share of the paths: C(n, k) / $2^n$")
    right.axvline(n / 4, color="tab:green", linestyle=":", label=f"n/4 = {n / 4:g}")
    right.axvline(result["p95"], color="tab:purple", linestyle=":",
                  label=f"95% of the gradient by k = {result['p95']:.0f}")
    right.set_xlabel("path length k")
    right.set_ylabel("share")
    right.set_title("Total gradient by path length against the number of paths", fontsize=10)
    right.legend(fontsize=8)
    fig.suptitle(f"An ensemble of short paths: {result['network']} "
                 "(cf. Veit et al. 2016, Fig. 6)", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _length_reaching(share, level):
    """The smallest k whose cumulative share of the gradient reaches `level`."""
    return int(np.argmax(np.cumsum(share) >= level - 1e-12))


def report_section(summary):
    """The report's lines: figure, caption from the numbers, the claims and a table by length."""
    from .report import _table  # here: report imports the experiments
    s, n = summary, summary["blocks"]
    share, counts = np.asarray(s["share"]), binomial_counts(n)
    low, peak = _length_reaching(share, 0.05), int(np.argmax(share))
    few = float(np.sum(s["path_share"][: n // 4 + 1]))
    checked = claims(s)
    failed = [c["claim"] for c in checked if not c["holds"]]
    trained_text = (f"trained to a training loss of {s['train_loss']:.3g} and a test accuracy "
                    f"of {s['test_accuracy']:.3f}" if math.isfinite(s["train_loss"]) else
                    "whose training diverged (non-finite loss): the numbers below mean nothing")
    lines = [
        "## 7. An ensemble of short paths",
        "",
        "![gradient by path length](short_paths.png)",
        "",
        f"*The {s['network']}, {trained_text}. Left: the norm of the gradient that one path "
        f"of length k delivers to the first block's input, mean over {s['paths_per_length']} "
        f"random paths per length (band: 10-90% of them); each extra branch on the path "
        f"multiplies it by about {s['decay']:.2f}. Right: the share of the gradient carried "
        f"by all paths of length k, against the share of the paths. At least 90% of the "
        f"gradient comes from paths of {low} to {s['p95']:.0f} of {n} blocks (most at "
        f"k = {peak}), {100 * low / n:.0f}-{100 * s['p95'] / n:.0f}% of the depth, against "
        f"5-17 of 54 blocks (9-31%) in Veit et al.; the paths of at most n/4 = {n // 4} "
        f"blocks are {100 * few:.2g}% of all 2^{n} paths and carry "
        f"{100 * s['share_quarter']:.2f}% of the gradient.*",
        "",
        "Veit et al. (2016, Fig. 6) unravelled a 54-block ResNet into its 2^54 paths: most of "
        "the gradient came from paths of 5 to 17 blocks, though most paths are about 27 "
        "long; a residual network trains like an ensemble of relatively shallow networks. "
        "A path is a subset S of the n blocks, its length k = |S|: the forward is the "
        "network's own, and in backward each block of S passes the gradient only through its "
        "branch (it computes x.detach() + F(x)), every other block only through its shortcut "
        "(x + F(x).detach()); the 2^n path gradients add up to the true gradient. "
        "magnitude(k) is the mean of ||dL/dx_0|| (the cross-entropy of a fixed batch of "
        f"{s['batch']} training digits, float64) over the sampled paths of length k; all "
        "C(n, k) paths of length k carry total(k) = magnitude(k) C(n, k), and share(k) = "
        "total(k) / sum_j total(j). The 95th percentile is the smallest k whose cumulative "
        "share reaches 0.95; the per-branch decay is exp(slope) of the least-squares line "
        "through (k, ln magnitude(k)), k = 0..n. Intervals: 2.5-97.5% of a bootstrap over "
        "the sampled paths; each magnitude(k) has a median relative standard error of "
        f"{100 * s['relative_error']:.0f}%. The path measurement's forward matches the "
        f"network's own to {s['forward_difference']:.1g} in the logits.",
        "",
    ]
    lines += _table(["claim", "value", "95% interval", "holds"],
                    [[c["claim"], f"{c['value']:.4g}",
                      "{:.4g} to {:.4g}".format(*s["intervals"][key]),
                      "yes" if c["holds"] else "**no**"]
                     for c, key in zip(checked, ("share_quarter", "p95", "decay"))])
    lines += ["", ("All three claims hold in this run." if not failed else
                   "Did not hold in this run: " + "; ".join(failed) + "."), ""]
    if s.get("initial"):
        start = s["initial"]
        holding = sum(c["holds"] for c in claims({"blocks": n, **start}))
        lines += [f"The same stack untrained, at its initialization: share "
                  f"{start['share_quarter']:.4g}, 95th percentile {start['p95']}, decay "
                  f"{start['decay']:.3g}; "
                  + ("all three claims hold there already" if holding == 3 else
                     f"{holding} of the three claims hold there") + " (the recipe scales each "
                  f"branch by 1/sqrt(n) = {1 / math.sqrt(n):.3f}). Training moved the 95th "
                  f"percentile from {start['p95']} to {s['p95']} blocks.", ""]
    shown = sorted({0, 1, 2, low, peak, n // 4, int(s["p95"]), n // 2, n})
    lines += _table(["path length k", "paths C(n, k)", "magnitude(k)", "share(k)"],
                    [[k, f"{counts[k]:.3g}", f"{s['magnitude'][k]:.3g}", f"{share[k]:.3g}"]
                     for k in shown])
    return lines + [""]
