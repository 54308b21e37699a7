"""Train a zoo model: `minigrad-train --model resnet20` (or `python -m minigrad.models.train`).

Every epoch writes checkpoint.npz in --out (model, optimizer, scheduler, data-order RNG
state, position and the metrics rows so far), then rewrites metrics.csv and metrics.jsonl
from it: after a crash at any moment, --resume finds the two consistent (see
run_directory.py). `--resume` continues exactly: 2 epochs and then 2 more give the same
weights, bit for bit, as 4 straight. Ctrl-C finishes the current step, saves a checkpoint
mid-epoch and exits; a second Ctrl-C stops at once, the last checkpoint intact. A NaN or Inf
loss, test loss, weight or buffer stops the run and leaves the last good checkpoint in place.
"""

import json
import math
import os
import signal
import sys
import time

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import data as mgdata
from minigrad import optim
from minigrad.data.augment import channel_stats, normalize, random_crop_flip
from minigrad.utils.data import DataLoader, TensorDataset

from . import build, train_cli
from .run_directory import (CHECKPOINT, RunError, check_out, load_checkpoint, prepare_out,
                            save_checkpoint, write_metrics)


def parse_args(argv=None):
    return train_cli.parse_args(argv, __doc__.splitlines()[0])


def load_data(args):
    """(x_train, y_train, x_test, y_test) as numpy arrays."""
    if args.data == "digits":
        split = mgdata.load_digits(seed=args.seed)
        return split.x_train, split.y_train, split.x_test, split.y_test
    loader = mgdata.load_mnist if args.data == "mnist" else mgdata.load_cifar10
    try:
        x_train, y_train = loader(args.data_dir, train=True)
        x_test, y_test = loader(args.data_dir, train=False)
    except (OSError, ValueError) as err:
        raise RunError(f"--data {args.data} --data-dir {args.data_dir}: "
                       f"{str(err).splitlines()[0] if str(err) else type(err).__name__}") from err
    return x_train, y_train, x_test, y_test


def limited(arrays, limit):
    return arrays if limit is None else tuple(a[:limit] for a in arrays)


def prepared(args, x_train, y_train, x_test, y_test):
    """The data as the run uses it: --limit, then --normalize by the training set's channel
    statistics (computed again on --resume: the same data gives the same numbers)."""
    x_train, y_train, x_test, y_test = limited((x_train, y_train, x_test, y_test), args.limit)
    if args.normalize:
        mean, std = channel_stats(x_train)
        x_train, x_test = normalize(x_train, mean, std), normalize(x_test, mean, std)
    return x_train, y_train, x_test, y_test


def make_optimizer(args, params):
    if args.optimizer == "sgd":
        return optim.SGD(params, lr=args.lr, momentum=args.momentum,
                         weight_decay=args.weight_decay)
    return optim.Adam(params, lr=args.lr, weight_decay=args.weight_decay)


def make_scheduler(args, optimizer):
    schedulers = optim.lr_scheduler
    if args.schedule == "step":
        return schedulers.StepLR(optimizer, step_size=max(1, args.epochs // 3))
    if args.schedule == "multistep":
        return schedulers.MultiStepLR(optimizer, milestones=[args.epochs // 2, 3 * args.epochs // 4])
    if args.schedule == "cosine":
        return schedulers.CosineAnnealingLR(optimizer, T_max=args.epochs)
    return None


def evaluate(model, x, y, batch_size=512):
    """Mean loss and accuracy over (x, y), in eval mode, building no graph."""
    model.eval()
    total_loss, correct = 0.0, 0
    with mg.no_grad():
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            logits = model(mg.tensor(xb))
            total_loss += F.cross_entropy(logits, yb).item() * len(xb)
            correct += int((logits.argmax(1) == yb).sum())
    model.train()
    return total_loss / len(x), correct / len(x)


class StopRequest:
    """First Ctrl-C: ask the loop to stop after the current step. Second: stop now."""

    def __init__(self):
        self.requested = False
        self._previous = None

    def __enter__(self):
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        print("\nstopping after this step (Ctrl-C again to stop at once)", file=sys.stderr)

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self._previous)
        return False


def progress(iterable, total, description, disable):
    """The epoch's bar, left on screen when the epoch ends; none when output is not a
    terminal (disable=None), so a log file gets the epoch lines and no \r-joined bars."""
    from tqdm.auto import tqdm  # a notebook widget in Jupyter, text in a terminal

    return tqdm(iterable, total=total, desc=description, unit="batch", leave=True,
                disable=True if disable else None, dynamic_ncols=True)


def first_non_finite(model, optimizer):
    """The name of the first model tensor (weight or buffer) or optimizer state that is not
    finite, or None."""
    named = [(name, value) for name, value in model.state_dict().items()]
    named += [(f"the optimizer state of parameter {index}", value)
              for index, state in optimizer.state_dict()["state"].items()
              for value in state.values()]
    for name, value in named:
        array = np.asarray(value.numpy() if isinstance(value, mg.Tensor) else value)
        if array.dtype.kind in "fc" and not np.isfinite(array).all():
            return name
    return None


def run_state(model, optimizer, scheduler, loader_state, position, rows, args):
    config = {key: value for key, value in vars(args).items() if key != "given"}
    return {"config": json.dumps(config), "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict() if scheduler is not None else {},
            "loader": loader_state, "position": position, "metrics": rows}


def restore(checkpoint, parts, args, batches):
    """Load the checkpoint's states into `parts` ({key: object}); its (position, rows)."""
    path = os.path.join(args.out, CHECKPOINT)
    for key, part in parts.items():
        try:
            part.load_state_dict(checkpoint[key])
        except Exception as err:  # any mismatch, however deep: one sentence instead
            what = f"--model {args.model}" if key == "model" else f"this run's {key}"
            raise RunError(f"--resume: the {key} state in {path} does not fit {what}") from err
    broken = first_non_finite(parts["model"], parts["optimizer"])
    if broken is not None:
        raise RunError(f"--resume: {path} is not a good checkpoint: {broken} is not finite")
    position, rows = checkpoint["position"], checkpoint["metrics"]
    counts = ("epoch", "batch", "correct", "seen")
    valid = (isinstance(position, dict)
             and all(type(position.get(key)) is int for key in counts)
             and isinstance(position.get("loss_sum"), float))
    if valid:
        epoch, batch = position["epoch"], position["batch"]
        valid = (0 <= epoch <= args.epochs and 0 <= batch <= batches
                 and (batch == 0 or epoch < args.epochs)
                 and 0 <= position["correct"] <= position["seen"] <= batch * args.batch_size
                 and [row.get("epoch") if isinstance(row, dict) else None for row in rows]
                 == list(range(1, epoch + 1)))
    if not valid:
        shown = ({key: position.get(key) for key in counts} if isinstance(position, dict)
                 else position)
        raise RunError(f"--resume: {path} holds an impossible position {shown} for a run of "
                       f"{args.epochs} epochs of {batches} batches with {len(rows)} metrics rows")
    return dict(position), list(rows)


def train(args):
    """Run (or resume) a training run. Returns the exit status: 0 when all epochs are done,
    1 when stopped by a non-finite value, 130 when interrupted by Ctrl-C. Raises RunError
    for a user error, before anything is written if it can be found then."""
    check_out(args.out, args.resume, args.overwrite)
    checkpoint = None
    if args.resume:
        checkpoint = load_checkpoint(args.out)
        train_cli.apply_saved_config(args, checkpoint["config"])
    train_cli.check_combination(args)
    x_train, y_train, x_test, y_test = prepared(args, *load_data(args))
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    model = build(args.model, in_channels=x_train.shape[1], num_classes=num_classes,
                  generator=np.random.default_rng(args.seed))
    optimizer = make_optimizer(args, model.parameters())
    scheduler = make_scheduler(args, optimizer)
    # A TensorDataset of arrays takes the DataLoader's fast path (one fancy index per batch).
    # The loader's own seeded generator makes its order checkpointable.
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=args.batch_size,
                        shuffle=True, generator=mg.Generator().manual_seed(args.seed))
    # position: where in training we are, plus the running sums of an unfinished epoch.
    position = {"epoch": 0, "batch": 0, "loss_sum": 0.0, "correct": 0, "seen": 0}
    rows = []  # the metrics of the finished epochs
    epoch_start_loader = loader.state_dict()
    saved = None  # where the last good checkpoint stands, for the NaN message
    if checkpoint is not None:
        parts = {"model": model, "optimizer": optimizer, "loader": loader}
        if scheduler is not None:
            parts["scheduler"] = scheduler
        position, rows = restore(checkpoint, parts, args, len(loader))
        epoch_start_loader = checkpoint["loader"]
        saved = (f"epoch {position['epoch'] + 1}, batch {position['batch']}" if position["batch"]
                 else f"end of epoch {position['epoch']}")
    prepare_out(args.out, args.overwrite)
    if checkpoint is not None:
        write_metrics(args.out, rows)  # drops any row the checkpoint does not know
    if position["epoch"] >= args.epochs:
        print(f"the run in {args.out} is already finished: all {args.epochs} epochs are done; "
              f"nothing to train")
        return 0
    print(train_cli.start_line(args, model, len(x_train), len(x_test), checkpoint is not None),
          flush=True)
    if checkpoint is not None:
        print(f"resuming at epoch {position['epoch'] + 1}, batch {position['batch']}")

    def stop_non_finite(what):
        kept = (f"the last good checkpoint ({saved}) is kept in "
                f"{os.path.join(args.out, CHECKPOINT)}" if saved else "no checkpoint was saved")
        print(f"error: {what}; stopping, and {kept}.", file=sys.stderr)
        return 1

    last_epoch = args.epochs
    if args.stop_after is not None:
        last_epoch = min(args.epochs, position["epoch"] + args.stop_after)
    # Overflow is expected when a run diverges; it is caught below, so numpy need not warn.
    with StopRequest() as stop, np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        while position["epoch"] < last_epoch:
            epoch = position["epoch"]
            started = time.perf_counter()
            model.train()
            bar = progress(loader, len(loader), f"epoch {epoch + 1}/{args.epochs}",
                           args.no_progress)
            for i, (xb, yb) in enumerate(bar):
                if i < position["batch"]:
                    continue  # already trained on before the interruption
                if args.augment:  # seeded by (seed, epoch, batch): --resume redraws the same
                    rng = np.random.default_rng([args.seed, epoch, i])
                    xb = mg.tensor(random_crop_flip(xb.numpy(), rng))
                logits = model(xb)
                loss = F.cross_entropy(logits, yb)
                if not math.isfinite(loss.item()):
                    bar.close()
                    return stop_non_finite(f"the loss became {loss.item()} at epoch {epoch + 1}, "
                                           f"batch {i + 1}")
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                position["batch"] = i + 1
                position["loss_sum"] += loss.item() * len(yb)
                position["correct"] += int((logits.argmax(1) == yb).sum())
                position["seen"] += len(yb)
                bar.set_postfix(loss=f"{position['loss_sum'] / position['seen']:.3f}",
                                acc=f"{position['correct'] / position['seen']:.3f}",
                                ex_per_s=f"{position['seen'] / (time.perf_counter() - started):.0f}")
                if stop.requested:
                    bar.close()
                    broken = first_non_finite(model, optimizer)
                    if broken is not None:
                        return stop_non_finite(f"{broken} became non-finite in epoch {epoch + 1}")
                    save_checkpoint(args.out, run_state(model, optimizer, scheduler,
                                                        epoch_start_loader, position, rows, args))
                    print(f"interrupted: checkpoint saved in {args.out} at epoch {epoch + 1}, "
                          f"batch {i + 1}; continue with --resume", file=sys.stderr)
                    return 130
            bar.close()
            lr = optimizer.param_groups[0]["lr"]
            if scheduler is not None:
                scheduler.step()
            test_loss, test_acc = evaluate(model, x_test, y_test)
            broken = first_non_finite(model, optimizer)
            if broken is not None or not math.isfinite(test_loss):
                what = broken or f"the test loss ({test_loss})"
                return stop_non_finite(f"{what} became non-finite in epoch {epoch + 1}")
            rows.append({
                "epoch": epoch + 1, "lr": lr,
                "train_loss": position["loss_sum"] / max(position["seen"], 1),
                "train_acc": position["correct"] / max(position["seen"], 1),
                "test_loss": test_loss, "test_acc": test_acc,
                "seconds": round(time.perf_counter() - started, 3),
            })
            position = {"epoch": epoch + 1, "batch": 0, "loss_sum": 0.0, "correct": 0,
                        "seen": 0}
            epoch_start_loader = loader.state_dict()
            # The checkpoint first, then the metrics from it: a crash between the two leaves
            # metrics a resume completes, never a row the checkpoint does not know.
            save_checkpoint(args.out, run_state(model, optimizer, scheduler, epoch_start_loader,
                                                position, rows, args))
            saved = f"end of epoch {epoch + 1}"
            write_metrics(args.out, rows)
            row = rows[-1]
            print(f"epoch {epoch + 1:3d}/{args.epochs}  train loss {row['train_loss']:.4f} "
                  f"acc {row['train_acc']:.4f}  test loss {test_loss:.4f} acc {test_acc:.4f}  "
                  f"lr {lr:.4g}  {row['seconds']:.1f} s", flush=True)
    if position["epoch"] < args.epochs:
        print(f"stopped after epoch {position['epoch']} of {args.epochs}, as --stop-after "
              f"{args.stop_after} asked; the checkpoint is in {args.out}; continue with: "
              f"minigrad-train --resume --out {args.out}")
    return 0


def main(argv=None):
    """The console script: train, and turn a user error into one line and status 2."""
    args = parse_args(argv)
    try:
        return train(args)
    except RunError as err:
        print(f"minigrad-train: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"minigrad-train: stopped at once by Ctrl-C; any checkpoint in {args.out} is "
              f"intact (continue with --resume)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
