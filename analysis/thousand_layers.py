"""A thousand layers, at CPU scale (He et al. 2015, "Deep residual learning", 4.2 and
Table 6: ResNet-1202 trains on CIFAR-10 to under 0.1% training error, while plain nets
already train worse at 56 layers).

Trains the training experiment's ReLU MLP stacks (`dynamics.make_stack`: width 64, He init,
residual branches scaled by 1/sqrt(L)) at L = 1000 blocks with `dynamics.fit` (SGD, momentum
0.9, batches of 64), changing only what the depth forces: the learning rate and the budget.
It also measures at initialization, for several L, the gradient energy

    G(L) = sum over the blocks' parameters theta of ||dLoss/dtheta||^2,

the first-order loss decrease of one SGD step per unit of learning rate. The branch scale
sits in the initial weights, so each block's gradient dLoss/dW_l = delta_{l+1} relu(x_l)^T
has the same size at any depth, and the L blocks' changes to the output add coherently: G
grows like L and a stable rate shrinks like 1/L (derived in the report section; the project's
0.02 is also run, to show it diverge). The plain stack fails otherwise: its signal dies out.
`--full` also trains resnet110 and its plain twin (batch norm) 3 epochs at lr 0.01, He et
al.'s first rate at 110 layers (at RESNET_LR = 0.05 neither learned in 69 steps, seed 0):
about 4 minutes of CPU for the pair, 5 to 6 for all of --full, on 2 cores.
"""

import dataclasses
import math
import os
import time

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import optim
from minigrad.models.resnet import resnet

from . import dynamics, trained

WIDTH = 64
KINDS = ("residual", "plain")

_DEPTHS = (10, 30, 100, 300, 1000)
#: Per report size, `thousand`'s arguments (an epoch is 23 steps on all the training digits).
SIZES = {
    "quick": dict(depth=100, lr=0.01, epochs=1, train_images=256, energy_depths=_DEPTHS[:3],
                  diverge_steps=3),
    "default": dict(depth=1000, lr=0.001, epochs=3, energy_depths=_DEPTHS, diverge_steps=5),
    "full": dict(depth=1000, lr=0.001, epochs=6, energy_depths=_DEPTHS, diverge_steps=5,
                 cnn_n=18, cnn_epochs=3, cnn_lr=0.01),
}


def gradient_energy(model, x, y):
    """Sum over the blocks' parameters of ||dLoss/dtheta||^2 for one batch (the first-order
    loss decrease of an SGD step per unit of learning rate; stem and head left out), the
    same over their weights alone (no biases), and the rms of the last block's output over
    the stem's: (energy, weight_energy, growth)."""
    boundaries = []
    hook = model.blocks.register_forward_hook(lambda m, i, out: boundaries.append((i[0], out)))
    loss = F.cross_entropy(model(mg.tensor(x)), y)
    hook.remove()
    loss.backward()
    squares = [(p.ndim, float(np.sum(p.grad.numpy().astype(np.float64) ** 2)))
               for p in model.blocks.parameters()]
    first, last = (np.sqrt(np.mean(t.detach().numpy().astype(np.float64) ** 2))
                   for t in boundaries[0])
    return (sum(e for _, e in squares), sum(e for ndim, e in squares if ndim >= 2),
            float(last / first) if first > 0 else float("nan"))


def loglog_slope(xs, ys):
    """Least-squares slope of log y against log x over the positive finite y (nan with
    fewer than two)."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    keep = np.isfinite(ys) & (ys > 0)
    return (float(np.polyfit(np.log(xs[keep]), np.log(ys[keep]), 1)[0]) if keep.sum() >= 2
            else float("nan"))


def energy_vs_depth(split, depths, draws=4, seed=0, batch=64, progress=None):
    """G(L), its weights' part and the forward growth rms(x_L)/rms(x_0) at initialization
    for each depth and kind on the first `batch` training digits: the geometric mean over
    `draws` initializations (seeds seed, seed + 1, ...), as one draw's G varies up to 10x.
    Also the residual G's log-log slope on L."""
    x, y = split.x_train[:batch], split.y_train[:batch]
    result = {"depths": list(depths), "draws": draws}
    for kind in KINDS:
        measured = np.array([[gradient_energy(dynamics.make_stack(kind == "residual", depth,
                                                                  WIDTH, seed + draw), x, y)
                              for draw in range(draws)] for depth in depths])
        result[kind] = {"energy": [geometric_mean(e) for e in measured[:, :, 0]],
                        "weight_energy": [geometric_mean(e) for e in measured[:, :, 1]],
                        "growth": [geometric_mean(g) for g in measured[:, :, 2]],
                        "energy_draws": measured[:, :, 0].tolist()}
        if progress is not None:
            progress()
    result["slope"] = loglog_slope(depths, result["residual"]["energy"])
    return result


def geometric_mean(values):
    """exp(mean(log v)); 0 if any value is 0 (an underflowed gradient), nan if any is not
    finite or negative."""
    values = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(values) & (values >= 0)):
        return float("nan")
    return float(np.exp(np.mean(np.log(values)))) if np.all(values > 0) else 0.0


def first_steps(model, split, lr, steps, batch_size=64, seed=0):
    """The losses of the first `steps` SGD steps (momentum 0.9, as dynamics.fit) on shuffled
    training batches, stopping at the first non-finite loss (recorded as nan)."""
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    order = np.random.default_rng(seed).permutation(len(split.y_train))
    losses = []
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            batch = order[step * batch_size:(step + 1) * batch_size]
            loss = F.cross_entropy(model(mg.tensor(split.x_train[batch])), split.y_train[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item() if math.isfinite(loss.item()) else float("nan"))
            if math.isnan(losses[-1]):
                break
    return losses


def _timed(train):
    """Run `train()` (a fit result) and add its process and wall seconds to the result."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = train()
    return {**result, "cpu_seconds": time.process_time() - cpu,
            "wall_seconds": time.perf_counter() - wall}


def thousand(split, depth, lr, epochs, energy_depths, diverge_steps,
             diverge_lr=trained.TRAIN_LR, train_images=None, cnn_n=None, cnn_epochs=0,
             cnn_lr=trained.RESNET_LR, seed=0, progress=None):
    """The pair at `lr` on the first `train_images` digits (None: all), the residual stack
    at `diverge_lr` for `diverge_steps` steps, the CNN pair (6n+2 layers) at `cnn_lr` if
    `cnn_n`, and G(L). Returns {"depth", "lr", "diverge_lr", "epochs", "train_images",
    "energy", "runs": [per network: "network", "depth", "kind", "lr", "steps", "loss" (per
    step), "train_loss", "test_accuracy", "cpu_seconds", "wall_seconds"]}."""
    if train_images is not None:
        split = dataclasses.replace(split, x_train=split.x_train[:train_images],
                                    y_train=split.y_train[:train_images])
    runs = []
    for kind in KINDS:
        model = dynamics.make_stack(kind == "residual", depth, WIDTH, seed)
        row = _timed(lambda: dynamics.fit(model, split, epochs, lr, seed=seed,
                                          progress=progress))
        runs.append({**row, "network": "MLP", "depth": depth, "kind": kind, "lr": lr,
                     "steps": len(row["loss"])})
    model = dynamics.make_stack(True, depth, WIDTH, seed)
    row = _timed(lambda: {"loss": first_steps(model, split, diverge_lr, diverge_steps,
                                              seed=seed)})
    runs.append({**row, "network": "MLP", "depth": depth, "kind": "residual",
                 "lr": diverge_lr, "steps": len(row["loss"]), "train_loss": float("nan"),
                 "test_accuracy": float("nan"), "diverging": True})
    if progress is not None:
        progress()
    if cnn_n is not None:
        for kind in KINDS:
            model = resnet(cnn_n, in_channels=1, num_classes=10, residual=kind == "residual",
                           generator=np.random.default_rng(seed))
            row = _timed(lambda: dynamics.fit(model, split, cnn_epochs, cnn_lr, seed=seed,
                                              progress=progress))
            runs.append({**row, "network": "CNN (batch norm)", "depth": 6 * cnn_n + 2,
                         "kind": kind, "lr": cnn_lr, "steps": len(row["loss"])})
    energy = energy_vs_depth(split, energy_depths, seed=seed, progress=progress)
    return {"depth": depth, "lr": lr, "diverge_lr": diverge_lr, "epochs": epochs,
            "train_images": len(split.y_train), "energy": energy, "runs": runs}


def _divergence(row):
    """(step at which the loss became non-finite or None, largest finite loss) of a run."""
    losses = np.asarray(row["loss"], dtype=float)
    bad = np.flatnonzero(~np.isfinite(losses))
    finite = losses[np.isfinite(losses)]
    return (int(bad[0]) + 1 if len(bad) else None,
            float(finite.max()) if len(finite) else float("nan"))


def plot(result, path):
    """Left: training loss against step, every run. Right: G(L) against L, log-log."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogLocator

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6))
    colors = {"residual": "tab:blue", "plain": "tab:red"}
    top = 30.0  # a diverging run leaves the panel; its values are written at the top
    for row in result["runs"]:
        losses = np.asarray(row["loss"], dtype=float)
        style = dict(color="tab:orange" if row.get("diverging") else colors[row["kind"]],
                     linestyle="--" if row["network"] != "MLP" else "-", linewidth=1.2)
        unit = "blocks" if row["network"] == "MLP" else "layers"
        label = f"{row['kind']} {row['network']}, {row['depth']} {unit}, lr {row['lr']:g}"
        stop, largest = _divergence(row)
        if stop is not None:
            label += f" (non-finite at step {stop})"
        if largest > top:
            label += f" (up to {largest:.3g})"
        left.plot(np.arange(1, len(losses) + 1), np.where(losses > 0, losses, np.nan),
                  marker="o" if row.get("diverging") else None, label=label, **style)
    left.axhline(math.log(10), color="gray", linestyle=":", label="chance, log 10")
    left.set_yscale("log")
    left.set_ylim(top=top)
    left.yaxis.set_major_locator(LogLocator(base=10))
    left.set_xlabel("step (batch of 64)")
    left.set_ylabel("training loss (cross-entropy of the batch)")
    left.set_title(f"Training {result['depth']} blocks, residual against plain\n"
                   "(cf. He et al. 2015, ResNet-1202)", fontsize=10)
    left.legend(fontsize=7)
    energy = result["energy"]
    depths = np.asarray(energy["depths"], dtype=float)
    for kind, key, line, label in [("residual", "energy", "-", "residual"),
                                   ("plain", "energy", "-", "plain"),
                                   ("plain", "weight_energy", ":", "plain, weights only")]:
        values = np.asarray(energy[kind][key], dtype=float)
        right.loglog(depths, np.where(values > 0, values, np.nan), marker="o", linestyle=line,
                     color=colors[kind], label=label)
    reference = energy["residual"]["energy"][0] * depths / depths[0]
    right.loglog(depths, reference, color="gray", linestyle="--",
                 label=r"$\propto L$ (through the first residual point)")
    right.xaxis.set_major_locator(LogLocator(base=10))
    right.yaxis.set_major_locator(LogLocator(base=10, numticks=8))
    right.set_xlabel("depth L (blocks)")
    right.set_ylabel(r"$G(L) = \sum\, \|\partial \ell / \partial \theta\|^2$, blocks' $\theta$")
    right.set_title("Gradient energy at initialization (one SGD step lowers the loss by\n"
                    f"about lr G(L)); geometric mean of {energy['draws']} draws; residual "
                    f"slope {energy['slope']:.2f}", fontsize=10)
    right.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def summarize(result):
    """The numbers the report and the claims read (the runs without per-step losses)."""
    rows = [{k: v for k, v in row.items() if k not in ("loss", "heatmap")}
            for row in result["runs"]]
    diverging = next(row for row in result["runs"] if row.get("diverging"))
    stop, largest = _divergence(diverging)
    return {"depth": result["depth"], "lr": result["lr"], "diverge_lr": result["diverge_lr"],
            "epochs": result["epochs"], "train_images": result["train_images"],
            "table": rows, "diverged_at": stop, "diverge_largest": largest,
            "diverge_first": diverging["loss"][0], "energy": result["energy"]}


def experiment(run):
    """The `thousand` subcommand: train, measure, write thousand.json and thousand.png."""
    result = thousand(run.split, seed=run.seed, progress=run.tick, **SIZES[run.size_name])
    plot(result, os.path.join(run.out, "thousand.png"))
    run.write_json("thousand.json", result)
    return {"figures": ["thousand.png"], "data": "thousand.json", **summarize(result)}


def _row(summary, kind):
    return next(r for r in summary["table"]
                if r["network"] == "MLP" and r["kind"] == kind and not r.get("diverging"))


def claims(summary):
    """The issue's calibration, the divergence at `diverge_lr`, and G growing like L."""
    residual, plain = _row(summary, "residual"), _row(summary, "plain")
    depth, lr = summary["depth"], summary["lr"]
    stop, largest, slope = (summary["diverged_at"], summary["diverge_largest"],
                            summary["energy"]["slope"])
    steps = next(r["steps"] for r in summary["table"] if r.get("diverging"))
    return [
        {"claim": f"residual stack, {depth} blocks, lr {lr:g}: final training loss <= 1.2",
         "value": residual["train_loss"], "holds": residual["train_loss"] <= 1.2},
        {"claim": f"residual stack, {depth} blocks, lr {lr:g}: test accuracy >= 0.6",
         "value": residual["test_accuracy"], "holds": residual["test_accuracy"] >= 0.6},
        {"claim": f"plain stack, {depth} blocks, lr {lr:g}: final training loss >= 2.2",
         "value": plain["train_loss"], "holds": plain["train_loss"] >= 2.2},
        {"claim": f"plain stack, {depth} blocks, lr {lr:g}: test accuracy <= 0.2 (chance)",
         "value": plain["test_accuracy"], "holds": plain["test_accuracy"] <= 0.2},
        {"claim": f"lr {summary['diverge_lr']:g} diverges at {depth} blocks "
                  f"(a non-finite loss, or one above 10x the first, within {steps} steps)",
         "value": float("inf") if stop is not None else largest,
         "holds": stop is not None or largest > 10 * summary["diverge_first"]},
        {"claim": "the residual stack's gradient energy at initialization grows like L "
                  "(log-log slope within 0.8 to 1.2)",
         "value": slope, "holds": bool(0.8 <= slope <= 1.2)},
    ]


def report_section(summary):
    """Figure, caption, runs, claims, why the rate shrinks (with G), and the paper."""
    from .report import _g, _table  # here: report imports the experiments, this one too
    s, energy = summary, summary["energy"]
    residual, plain = _row(s, "residual"), _row(s, "plain")
    stop, depths = s["diverged_at"], energy["depths"]
    went = (f"became non-finite at step {stop}" if stop is not None else
            f"reached at most {_g(s['diverge_largest'])}")
    lines = [
        "## 7. A thousand layers",
        "",
        "![a thousand layers](thousand.png)",
        "",
        f"*Left: training loss per step (one batch of 64, log scale) of ReLU MLP stacks of "
        f"{s['depth']} blocks, residual and plain, at lr {s['lr']:g} for {residual['steps']} "
        f"steps ({s['epochs']} epochs of {s['train_images']} training digits). The residual "
        f"stack ends at a training loss of {residual['train_loss']:.3f} (test accuracy "
        f"{residual['test_accuracy']:.3f}), the plain one at {plain['train_loss']:.3f} "
        f"({plain['test_accuracy']:.3f}; chance is log 10 = 2.303 and 0.1). The residual stack "
        f"at lr {s['diverge_lr']:g} started at {s['diverge_first']:.3g} and "
        f"{went}. Right: the gradient energy G(L) of the blocks at initialization on one "
        f"batch, geometric mean over {energy['draws']} initializations; the residual stack's "
        f"log-log slope on L is {energy['slope']:.2f}.*",
        "",
    ]
    lines += _table(["network", "depth", "stack", "lr", "steps", "final training loss",
                     "test accuracy", "seconds (process / wall)"],
                    [[r["network"], r["depth"], r["kind"], f"{r['lr']:g}", r["steps"],
                      "diverged" if r.get("diverging") else f"{r['train_loss']:.4f}",
                      "" if r.get("diverging") else f"{r['test_accuracy']:.3f}",
                      f"{r['cpu_seconds']:.1f} / {r['wall_seconds']:.1f}"]
                     for r in s["table"]])
    cnn = [r for r in s["table"] if r["network"] != "MLP"]
    if cnn:
        lines += ["", f"The CNN pair ({cnn[0]['steps']} steps at lr {cnn[0]['lr']:g}) reached: "
                  + "; ".join(f"{r['kind']} {r['depth']} layers, training loss "
                              f"{r['train_loss']:.3f}, test accuracy {r['test_accuracy']:.3f}"
                              for r in cnn) + ". He et al. (2015, 4.2) started their 110-layer "
                  "net at lr 0.01 because 0.1 was too large to start converging: the same "
                  "lesson, a deeper net needs a smaller first step."]
    checked = claims(s)
    lines += ["", "Claims (thresholds calibrated beforehand on PyTorch twins of these stacks):", ""]
    lines += [f"- {'holds' if c['holds'] else 'DOES NOT HOLD in this run'}: {c['claim']} "
              f"(measured {_g(c['value'])})" for c in checked]
    ratio, held = energy["residual"]["energy"][-1] / energy["residual"]["energy"][0], [
        c["holds"] for c in checked]
    verdict = (f"the residual stack of {s['depth']} blocks " + ("learns" if all(held[:2]) else
               "does not reach the calibration's loss and accuracy in this budget")
               + (", the plain one stays at chance" if all(held[2:4]) else
                  ", and the plain one does not stay at chance"))
    lines += [
        "",
        "Why the learning rate must shrink with depth. The branches' 1/sqrt(L) is in their "
        "initial weights, not a multiplier in the forward, so block l's gradient dLoss/dW_l "
        "= delta h_l^T (delta the loss gradient at its output, h_l = relu(x_l)) has the same "
        "size in every block and at every depth: the identity paths hand every block the "
        "top's delta (section 1), and the stream's variance grows only to (1 + 1/L)^L <= e "
        "times the stem's (rms at most sqrt(e) = 1.65: the table below). One SGD step moves "
        "the output by the sum of the L block changes, all pointing the same way (one output "
        "gradient drives them all): they add as L, not as sqrt(L) as random terms would. To "
        "first order a step lowers the loss by lr G(L), G(L) the sum of the blocks' squared "
        "gradient norms, about L times one block's: the step's effect grows like lr L, so a "
        f"stable lr shrinks like 1/L. Here G grows {_g(ratio)}x from {depths[0]} to "
        f"{depths[-1]} blocks (depth {depths[-1] / depths[0]:g}x). The project's lr "
        f"{trained.TRAIN_LR:g}, stable at 32 blocks, scales to "
        f"{trained.TRAIN_LR * 32 / s['depth']:.2g} at {s['depth']}; {s['lr']:g} is used. Had "
        "the 1/sqrt(L) been a fixed forward multiplier, x + s F(x), each block's gradient and "
        "its effect on the output would each carry s, and L s^2 = 1: a depth-independent "
        "rate (the depth-muP of Yang et al. 2023).",
        "",
    ]
    res, plain_e = energy["residual"], energy["plain"]
    lines += _table(["blocks L", "G(L), residual", "G(L) / L, residual", "G(L), plain",
                     "its weights' part, plain", "rms x_L / rms x_0, residual",
                     "rms x_L / rms x_0, plain"],
                    [[d, _g(res["energy"][i]), _g(res["energy"][i] / d),
                      _g(plain_e["energy"][i]), _g(plain_e["weight_energy"][i]),
                      _g(res["growth"][i]), _g(plain_e["growth"][i])]
                     for i, d in enumerate(depths)])
    lines += [
        "",
        "*G(L) per initialization varies up to 10x with the draw; each entry is the "
        f"geometric mean over {energy['draws']}. rms x_L / rms x_0: how much of the stem's "
        "signal reaches the head.*",
        "",
        "The plain stack's failure is not a matter of the rate: He init keeps the "
        "activations' variance only on average, and through many layers of width 64 the log "
        f"of the signal's norm drifts down like a random walk. At {depths[-1]} blocks "
        f"{_g(plain_e['growth'][-1])} of the stem's signal reaches the head, so the output "
        "no longer depends on the input; the weights' gradients, which carry that signal, "
        f"are {_g(plain_e['weight_energy'][-1])} in all, and the rest of G, "
        f"{_g(plain_e['energy'][-1] - plain_e['weight_energy'][-1])}, is in the biases, "
        "which cannot bring the input back.",
        "",
        "He et al. (2015, section 4.2, Table 6) trained a 1202-layer ResNet on CIFAR-10 to a "
        "training error below 0.1% (its test error, 7.93%, was worse than the 110-layer "
        "net's 6.43%, which they put down to overfitting), while their plain nets already "
        "trained worse at 56 layers. This section echoes the first half with MLP stacks on "
        f"the 8x8 digits, one seed, and a budget of seconds: {verdict}. It does not reproduce "
        "training to near-zero error, nor the overfitting of the deepest net: the budget "
        "stops far short of convergence. A block is one ReLU and one 64x64 Linear layer; "
        "residual means x + F(x), plain F(x) alone; He init draws weights of variance "
        "2/fan-in; the final training loss is the cross-entropy on all the training digits.",
        "",
    ]
    return lines
