"""Train a zoo model: `minigrad-train --model resnet20` (or `python -m minigrad.models.train`).

Every epoch appends train and test loss and accuracy to metrics.csv and metrics.jsonl in
--out, and writes checkpoint.npz there: model, optimizer, scheduler, data-order RNG state and
position. `--resume` continues from it exactly: 2 epochs and then 2 more give the same
weights, bit for bit, as 4 straight. Ctrl-C finishes the current step, saves a checkpoint
mid-epoch and exits; a second Ctrl-C stops at once. A NaN or Inf loss stops the run and
leaves the last good checkpoint in place.
"""

import argparse
import csv
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
from minigrad.utils.data import DataLoader, TensorDataset

from . import CONSTRUCTORS, build

CHECKPOINT = "checkpoint.npz"
FORMAT = "minigrad-train-v1"
METRIC_FIELDS = ("epoch", "lr", "train_loss", "train_acc", "test_loss", "test_acc", "seconds")


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="minigrad-train", description=__doc__.splitlines()[0])
    p.add_argument("--model", default="resnet20", choices=sorted(CONSTRUCTORS))
    p.add_argument("--data", default="digits", choices=("digits", "mnist", "cifar10"))
    p.add_argument("--data-dir", help="directory holding the MNIST or CIFAR-10 files")
    p.add_argument("--epochs", type=int, default=30,
                   help="planned total epochs; the lr schedule spans them (also when resuming)")
    p.add_argument("--stop-after", type=int, default=None, metavar="N",
                   help="stop (with a checkpoint) after N epochs in this invocation; "
                        "--resume continues")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=0.05)
    p.add_argument("--optimizer", default="sgd", choices=("sgd", "adam"))
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--schedule", default="cosine", choices=("none", "step", "multistep", "cosine"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="runs/latest", help="directory for metrics and checkpoints")
    p.add_argument("--resume", action="store_true", help="continue from --out/checkpoint.npz")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--limit", type=int, default=None,
                   help="use only the first N training and test examples (smoke tests)")
    args = p.parse_args(argv)
    if args.data != "digits" and not args.data_dir:
        p.error(f"--data {args.data} needs --data-dir")
    for name in ("epochs", "batch_size", "limit", "stop_after"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def load_data(args):
    """(x_train, y_train, x_test, y_test) as numpy arrays."""
    if args.data == "digits":
        split = mgdata.load_digits(seed=args.seed)
        return split.x_train, split.y_train, split.x_test, split.y_test
    loader = mgdata.load_mnist if args.data == "mnist" else mgdata.load_cifar10
    x_train, y_train = loader(args.data_dir, train=True)
    x_test, y_test = loader(args.data_dir, train=False)
    return x_train, y_train, x_test, y_test


def limited(arrays, limit):
    return arrays if limit is None else tuple(a[:limit] for a in arrays)


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


def save_checkpoint(out, model, optimizer, scheduler, loader_state, position, args):
    mg.save({
        "format": FORMAT,
        "config": json.dumps(vars(args)),
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict() if scheduler is not None else {},
        "loader": loader_state,
        "position": position,
    }, os.path.join(out, CHECKPOINT))


def append_metrics(out, row):
    csv_path = os.path.join(out, "metrics.csv")
    new = not os.path.exists(csv_path)
    with open(csv_path, "a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=METRIC_FIELDS)
        if new:
            writer.writeheader()
        writer.writerow(row)
    with open(os.path.join(out, "metrics.jsonl"), "a") as f:
        f.write(json.dumps(row) + "\n")


def progress(iterable, total, description, disable):
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=description, unit="batch", leave=False,
                disable=disable, dynamic_ncols=True)


def train(args):
    """Run (or resume) a training run. Returns the exit status: 0 when all epochs are done,
    1 when stopped by a non-finite loss, 130 when interrupted by Ctrl-C."""
    os.makedirs(args.out, exist_ok=True)
    x_train, y_train, x_test, y_test = limited(load_data(args), args.limit)
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
    epoch_start_loader = loader.state_dict()
    if args.resume:
        checkpoint = load_checkpoint(args.out)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(checkpoint["scheduler"])
        epoch_start_loader = checkpoint["loader"]
        loader.load_state_dict(epoch_start_loader)
        position = dict(checkpoint["position"])
        print(f"resuming at epoch {position['epoch'] + 1}, batch {position['batch']}")

    last_epoch = args.epochs
    if args.stop_after is not None:
        last_epoch = min(args.epochs, position["epoch"] + args.stop_after)
    with StopRequest() as stop:
        while position["epoch"] < last_epoch:
            epoch = position["epoch"]
            started = time.perf_counter()
            model.train()
            bar = progress(loader, len(loader), f"epoch {epoch + 1}/{args.epochs}",
                           args.no_progress)
            for i, (xb, yb) in enumerate(bar):
                if i < position["batch"]:
                    continue  # already trained on before the interruption
                logits = model(xb)
                loss = F.cross_entropy(logits, yb)
                if not math.isfinite(loss.item()):
                    bar.close()
                    print(f"error: the loss became {loss.item()} at epoch {epoch + 1}, batch "
                          f"{i + 1}; stopping. The last good checkpoint is kept in "
                          f"{os.path.join(args.out, CHECKPOINT)}.", file=sys.stderr)
                    return 1
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
                    save_checkpoint(args.out, model, optimizer, scheduler, epoch_start_loader,
                                    position, args)
                    print(f"interrupted: checkpoint saved in {args.out} at epoch {epoch + 1}, "
                          f"batch {i + 1}; continue with --resume", file=sys.stderr)
                    return 130
            bar.close()
            lr = optimizer.param_groups[0]["lr"]
            if scheduler is not None:
                scheduler.step()
            test_loss, test_acc = evaluate(model, x_test, y_test)
            result = {
                "epoch": epoch + 1, "lr": lr,
                "train_loss": position["loss_sum"] / max(position["seen"], 1),
                "train_acc": position["correct"] / max(position["seen"], 1),
                "test_loss": test_loss, "test_acc": test_acc,
                "seconds": round(time.perf_counter() - started, 3),
            }
            append_metrics(args.out, result)
            print(f"epoch {epoch + 1:3d}  train loss {result['train_loss']:.4f} "
                  f"acc {result['train_acc']:.4f}  test loss {test_loss:.4f} acc {test_acc:.4f}")
            position = {"epoch": epoch + 1, "batch": 0, "loss_sum": 0.0, "correct": 0,
                        "seen": 0}
            epoch_start_loader = loader.state_dict()
            save_checkpoint(args.out, model, optimizer, scheduler, epoch_start_loader,
                            position, args)
    return 0


def load_checkpoint(out):
    path = os.path.join(out, CHECKPOINT)
    if not os.path.exists(path):
        raise SystemExit(f"error: --resume: no checkpoint at {path}")
    checkpoint = mg.load(path)
    if checkpoint.get("format") != FORMAT:
        raise SystemExit(f"error: --resume: {path} is not a minigrad training checkpoint")
    return checkpoint


def main(argv=None):
    return train(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
