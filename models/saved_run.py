"""A finished (or stopped) training run, read back: the trained model for inference, and a
picture of its metrics.

    model, config = minigrad.models.load_checkpoint("runs/latest")
    predictions = model(x).argmax(1)          # the model is in eval mode
    minigrad.models.plot_metrics("runs/latest")   # writes runs/latest/metrics.png

Or from the shell: `python -m minigrad.models.saved_run runs/latest` draws the plot.
"""

import csv
import os
import sys

from .run_directory import CHECKPOINT, RunError, load_checkpoint as _read_checkpoint

METRICS_CSV = "metrics.csv"


def _run_folder(path, name):
    """The run folder from a folder or a file inside it (checkpoint.npz, metrics.csv)."""
    path = os.fspath(path)
    if os.path.isfile(path):
        return os.path.dirname(path) or "."
    if not os.path.isdir(path):
        raise FileNotFoundError(f"{name}: {path} is neither a run folder nor a file in one")
    return path


def load_checkpoint(path):
    """(model, config) from a training run: `path` is the run's folder (minigrad-train --out)
    or its checkpoint.npz. The model is built as the run built it, given the trained
    weights, and put in eval mode; `config` is the run's options (a dict)."""
    from . import build  # the zoo, in models/__init__.py, which imports this module

    folder = _run_folder(path, "load_checkpoint")
    if not os.path.isfile(os.path.join(folder, CHECKPOINT)):
        raise FileNotFoundError(f"load_checkpoint: {folder} holds no {CHECKPOINT}")
    try:
        checkpoint = _read_checkpoint(folder, caller="load_checkpoint")
    except RunError as err:
        raise ValueError(str(err)) from None
    state, config = checkpoint["model"], checkpoint["config"]
    weights = [value for value in state.values() if value.ndim in (2, 4)]
    if not weights or config.get("model") is None:
        raise ValueError(f"load_checkpoint: {folder}'s checkpoint holds no model weights")
    # The stem's conv gives the input channels and the classifier the classes (the run
    # counted them from its labels, so a --limit run may have fewer than 10).
    in_channels = next(w.shape[1] for w in weights if w.ndim == 4)
    num_classes = [w for w in weights if w.ndim == 2][-1].shape[0]
    model = build(config["model"], in_channels=in_channels, num_classes=num_classes)
    model.load_state_dict(state)
    return model.eval(), config


def read_metrics(path):
    """The rows of a run's metrics.csv, as dicts of floats (epoch as int)."""
    folder = _run_folder(path, "plot_metrics")
    csv_path = os.path.join(folder, METRICS_CSV)
    if not os.path.isfile(csv_path):
        raise FileNotFoundError(f"plot_metrics: {folder} holds no {METRICS_CSV}")
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError(f"plot_metrics: {csv_path} has no finished epoch yet")
    return [{key: int(value) if key == "epoch" else float(value) for key, value in row.items()}
            for row in rows]


def plot_metrics(path, out=None):
    """Draw a run's loss and accuracy per epoch (training and test) from its metrics.csv;
    returns the PNG's path (default: metrics.png beside metrics.csv)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = read_metrics(path)
    folder = _run_folder(path, "plot_metrics")
    epochs = [row["epoch"] for row in rows]
    figure, (loss_axis, accuracy_axis) = plt.subplots(1, 2, figsize=(9, 3.5))
    for axis, metric, label in ((loss_axis, "loss", "cross-entropy loss"),
                                (accuracy_axis, "acc", "accuracy")):
        for split, style in (("train", "-o"), ("test", "--s")):
            axis.plot(epochs, [row[f"{split}_{metric}"] for row in rows], style, label=split,
                      markersize=3)
        axis.set(xlabel="epoch", ylabel=label)
        axis.legend()
    loss_axis.set_yscale("log")
    figure.suptitle(f"Training run in {folder}")
    figure.tight_layout()
    out = out or os.path.join(folder, "metrics.png")
    figure.savefig(out, dpi=120)
    plt.close(figure)
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: python -m minigrad.models.saved_run RUN_FOLDER  (draws its "
              "metrics.csv into RUN_FOLDER/metrics.png)", file=sys.stderr)
        return 2
    try:
        print(f"wrote {plot_metrics(argv[0])}")
    except (OSError, ValueError) as err:
        print(f"plot_metrics: error: {str(err).removeprefix('plot_metrics: ')}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
