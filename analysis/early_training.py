"""Faster early training (He et al. 2015, Fig. 4 and section 4.1): a ResNet's loss falls
sooner than its plain twin's, even where both end at about the same accuracy.

Nothing is trained here: the statistics are read from the per-step training losses of the
ResNets and plain twins that experiment 3 trains (`trained.resnets`: SGD with momentum,
batches of 64 digits, so one epoch is S = ceil(N_train / 64) steps). Per depth and net:

    epoch-1 mean loss    m = (1/S) sum_{t=1..S} loss_t
    first step below 0.5 the first step s >= 5 with (1/5) sum_{t=s-4..s} loss_t < 0.5
                         (the 5-step running mean; none if it never drops that low)

and the plain/residual ratio of each (above 1: the residual net is faster), with the final
test accuracies of both. He et al. (ImageNet, 18 layers) saw plain and residual nets end
comparably accurate while the ResNet converged faster early on; their Fig. 4 is the curves.
"""

import math
import os

import numpy as np

from . import trained

#: The batch size of the shared training recipe (dynamics.fit's default).
TRAINING_BATCH = 64
#: The running mean's window (steps) and the loss it must drop below.
WINDOW, THRESHOLD = 5, 0.5
#: The depths of the study; a run may hold only some of them (quick: 8 layers only).
DEPTHS = (8, 20, 56)
#: Per report size: how many epochs of the curves the figure shows.
SIZES = {
    "quick": {"epochs_shown": 1},
    "default": {"epochs_shown": 3},
    "full": {"epochs_shown": 3},
}


def steps_per_epoch(train_images, batch_size=TRAINING_BATCH):
    """Optimizer steps in one epoch: the last batch may be short."""
    return math.ceil(train_images / batch_size)


def running_mean(losses, window=WINDOW):
    """Trailing mean of `window` steps: entry i is the mean of losses[i : i + window], the
    value at step i + window (steps counted from 1). Empty if there are fewer steps."""
    losses = np.asarray(losses, dtype=float)
    if len(losses) < window:
        return np.zeros(0)
    return np.convolve(losses, np.ones(window) / window, mode="valid")


def first_step_below(losses, threshold=THRESHOLD, window=WINDOW):
    """The first step s (counted from 1) whose trailing `window`-step mean is below
    `threshold`, or None when it never is (a NaN loss never counts as below)."""
    below = np.flatnonzero(running_mean(losses, window) < threshold)
    return int(below[0]) + window if len(below) else None


def epoch1_mean(losses, steps):
    """Mean training loss over the first epoch's `steps` steps."""
    return float(np.mean(np.asarray(losses[:steps], dtype=float)))


def crossing_ratio(plain_step, residual_step, steps):
    """plain/residual ratio of the first steps below the threshold, as (ratio, exact).
    When only the plain net never got there within `steps`, its step is at least steps + 1
    and the ratio is a lower bound (exact False); when the residual net never did, NaN."""
    if residual_step is None:
        return float("nan"), False
    if plain_step is None:
        return (steps + 1) / residual_step, False
    return plain_step / residual_step, True


def depth_row(layers, plain, residual, steps):
    """The statistics of one depth from the two fit results (dynamics.fit's dicts)."""
    pair = {"plain": plain, "residual": residual}
    epoch1 = {kind: epoch1_mean(r["loss"], steps) for kind, r in pair.items()}
    below = {kind: first_step_below(r["loss"]) for kind, r in pair.items()}
    ratio, exact = crossing_ratio(below["plain"], below["residual"], len(plain["loss"]))
    accuracy = {kind: r["test_accuracy"] for kind, r in pair.items()}
    return {"layers": layers, "epoch1_mean": epoch1,
            "epoch1_ratio": epoch1["plain"] / epoch1["residual"],
            "first_below": below, "first_below_ratio": ratio, "first_below_exact": exact,
            "test_accuracy": accuracy,
            "accuracy_gap_points": 100 * (accuracy["residual"] - accuracy["plain"]),
            "train_loss": {kind: r["train_loss"] for kind, r in pair.items()},
            "total_steps": len(plain["loss"])}


def experiment(run):
    """Reads experiment 3's ResNet curves, writes early_training.json and .png."""
    cnn = trained.resnets(run)
    steps = steps_per_epoch(len(run.split.x_train))
    rows, curves = [], {}
    for i, layers in enumerate(cnn["layers"]):
        plain, residual = cnn["runs"]["plain"][i], cnn["runs"]["residual"][i]
        rows.append(depth_row(layers, plain, residual, steps))
        curves[layers] = {"plain": plain["loss"], "residual": residual["loss"]}
        run.tick()
    shown = SIZES[run.size_name]["epochs_shown"] * steps
    plot_curves(curves, shown, steps, os.path.join(run.out, "early_training.png"))
    run.write_json("early_training.json", {"steps_per_epoch": steps, "window": WINDOW,
                                           "threshold": THRESHOLD, "rows": rows})
    return {"figures": ["early_training.png"], "data": "early_training.json", "rows": rows,
            "steps_per_epoch": steps, "epochs": run.size["resnet_epochs"],
            "test_images": len(run.split.y_test), "epochs_shown": min(
                SIZES[run.size_name]["epochs_shown"], run.size["resnet_epochs"]),
            "missing": [d for d in DEPTHS if d not in cnn["layers"]]}


def plot_curves(curves, shown, steps, path):
    """One panel per depth: the 5-step running mean of plain and residual over the first
    `shown` steps, the threshold line, and each net's first step below it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import plots

    fig, axes = plt.subplots(1, len(curves), figsize=(4.2 * len(curves), 3.8), squeeze=False)
    for ax, (layers, pair) in zip(axes[0], curves.items()):
        for kind, losses in pair.items():
            mean = running_mean(losses[:shown])
            ax.plot(np.arange(WINDOW, WINDOW + len(mean)), mean, color=plots.STYLE[kind],
                    label=kind)
            step = first_step_below(losses)
            if step is not None and step <= shown:
                ax.plot(step, running_mean(losses)[step - WINDOW], "o", color=plots.STYLE[kind])
        ax.axhline(THRESHOLD, color="gray", linestyle=":", label=f"loss {THRESHOLD}")
        for epoch_end in range(steps, shown, steps):
            ax.axvline(epoch_end, color="lightgray", linewidth=0.8)
        ax.set_title(f"{layers} layers", fontsize=10)
        ax.set_xlabel(f"step ({steps} steps = 1 epoch)")
        ax.set_ylim(0, None)
    axes[0][0].set_ylabel(f"training loss, running mean of {WINDOW} steps")
    axes[0][0].legend(fontsize=8)
    fig.suptitle("Early training of plain nets and their ResNet twins (cf. He et al. 2015, "
                 f"Fig. 4); dots: the first step below {THRESHOLD}", fontsize=10)
    plots._save(fig, path)


def _ratio_text(row):
    ratio = row["first_below_ratio"]
    if math.isnan(ratio):
        return "none (the residual net never got below)"
    return f">= {ratio:.2f}" if _is_bound(row) else f"{ratio:.2f}"


def _is_bound(row):
    """The crossing ratio is a lower bound (the plain net never got below the threshold)."""
    return not row["first_below_exact"] and not math.isnan(row["first_below_ratio"])


def claims(summary):
    """The issue's calibration: at 20 layers both ratios >= 1.5 and final accuracies within
    about 2 points; at 8 layers the residual net is not slower (a PyTorch twin saw about 20%).
    Claims about a depth the run did not train are left out (the text says so)."""
    rows = {row["layers"]: row for row in summary["rows"]}
    found = []
    if 20 in rows:
        row = rows[20]
        found += [
            {"claim": "20 layers: plain/residual mean loss over epoch 1 >= 1.5",
             "value": row["epoch1_ratio"], "holds": bool(row["epoch1_ratio"] >= 1.5)},
            {"claim": "20 layers: plain/residual first step with the 5-step running mean "
                      "below 0.5 >= 1.5", "value": row["first_below_ratio"],
             "holds": bool(row["first_below_ratio"] >= 1.5)},
            {"claim": f"20 layers: final test accuracies within 2 points (after "
                      f"{_epochs(summary['epochs'])})", "value": row["accuracy_gap_points"],
             "holds": bool(abs(row["accuracy_gap_points"]) <= 2.0)},
        ]
    if 8 in rows:
        row = rows[8]
        value = [row["epoch1_ratio"], row["first_below_ratio"]]
        found.append({"claim": "8 layers: the residual net is not slower (both ratios >= 1; "
                               "a PyTorch twin of this study saw a speed-up of about 20%)", "value": value,
                      "holds": all(v >= 1.0 for v in value)})
    return found


def report_section(summary):
    """The report's section: figure, table, the claims and what the terms mean."""
    from .report import _table

    rows, steps = summary["rows"], summary["steps_per_epoch"]
    lines = [
        "## 7. Faster early training",
        "",
        "![early training](early_training.png)",
        "",
        f"*Training loss of experiment 3's ResNets and plain twins over their first "
        f"{_epochs(summary['epochs_shown'])}, "
        f"as a running mean of {WINDOW} steps (the mean of the last {WINDOW} batches' "
        f"losses); one epoch is {steps} steps of {TRAINING_BATCH} digits. He et al. (2015, "
        "Fig. 4 and section 4.1) saw an 18-layer plain net and its ResNet end about equally "
        "accurate, the ResNet getting there faster: the shortcut eases optimization early "
        "on even where the plain net is not degraded.*",
        "",
        "Per depth: the mean training loss over epoch 1, the first step at which the running "
        f"mean is below {THRESHOLD}, and the final test accuracy after "
        f"{_epochs(summary['epochs'])}. A ratio is plain over residual, so above 1 means the residual net is "
        "faster." + (f" A '>=' ratio is a lower bound: the plain net never got below "
                     f"{THRESHOLD} in its {rows[0]['total_steps']} steps."
                     if any(_is_bound(r) for r in rows) else ""),
        "",
    ]
    lines += _table(
        ["layers", "epoch-1 loss, plain", "residual", "ratio", "first step < 0.5, plain",
         "residual", "ratio", "test accuracy, plain", "residual", "difference (points)"],
        [[r["layers"], f"{r['epoch1_mean']['plain']:.3f}", f"{r['epoch1_mean']['residual']:.3f}",
          f"{r['epoch1_ratio']:.2f}", _step_text(r["first_below"]["plain"]),
          _step_text(r["first_below"]["residual"]), _ratio_text(r),
          f"{r['test_accuracy']['plain']:.3f}", f"{r['test_accuracy']['residual']:.3f}",
          f"{r['accuracy_gap_points']:+.1f}"] for r in rows])
    lines += ["", "Claims (thresholds calibrated beforehand on PyTorch twins of these networks):", ""]
    lines += [f"- {c['claim']}: {_claim_value(c['value'])}, "
              f"{'holds' if c['holds'] else 'does NOT hold'} in this run." for c in claims(summary)]
    by_depth = {r["layers"]: r for r in rows}
    if 8 in by_depth and not math.isnan(by_depth[8]["first_below_ratio"]):
        row = by_depth[8]
        bound = "at least " if _is_bound(row) else ""
        lines += ["", f"Speed-up at 8 layers: the residual net is "
                  f"{100 * (row['epoch1_ratio'] - 1):.0f}% faster by the epoch-1 loss and "
                  f"{bound}{100 * (row['first_below_ratio'] - 1):.0f}% by the first step below "
                  f"{THRESHOLD} (a PyTorch twin saw about 20%; a negative value would mean slower)."]
    if summary["missing"]:
        trained_here = " and ".join(str(r["layers"]) for r in rows)
        lines += ["", f"Not measured here: the "
                  f"{'- and '.join(map(str, summary['missing']))}-layer pairs, which this size "
                  f"does not train (it trains the {trained_here}-layer "
                  f"pair{'s' if len(rows) > 1 else ''} for "
                  f"{_epochs(summary['epochs'])}); their claims are left out."]
    lines += _budget_lines(summary)
    return lines + [""]


def _epochs(count):
    return f"{count} epoch" + ("" if count == 1 else "s")


def _step_text(step):
    return "never" if step is None else str(step)


def _claim_value(value):
    values = value if isinstance(value, list) else [value]
    return ", ".join(f"{v:.2f}" for v in values)


def _budget_lines(summary):
    """Whether the budget was 'enough epochs' for the accuracy comparison, read from the final
    training losses: above 0.05, a net is still far from fitting the training set."""
    rows = {row["layers"]: row for row in summary["rows"]}
    row = rows.get(20, summary["rows"][-1] if summary["rows"] else None)
    if row is None:
        return []
    plain, residual = row["train_loss"]["plain"], row["train_loss"]["residual"]
    budget = (f"The accuracies are compared at this run's budget, {_epochs(summary['epochs'])} "
              f"({row['total_steps']} steps). At {row['layers']} layers the final training "
              f"loss is {plain:.4f} for the plain net and {residual:.4f} for the residual one")
    if max(plain, residual) > 0.05:
        budget += (": at least one net is still far from fitting the training set, so this "
                   "budget is not the claim's 'enough epochs'.")
    elif plain > 3 * residual:
        budget += (f", {plain / residual:.0f}x higher: both nearly fit the training set, the "
                   "plain net less closely, so its accuracy may still move a little.")
    else:
        budget += ": both have fitted the training set."
    budget += (" The paper's comparison is after a full schedule (ImageNet, 600k "
               f"iterations). One test image here is {100 / summary['test_images']:.2f} points.")
    return ["", budget]
