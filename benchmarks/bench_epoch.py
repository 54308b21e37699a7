"""How long one training epoch of minigrad-train takes, per data set: the README's estimates.

    python benchmarks/bench_epoch.py [--model resnet20] [--rounds 3] [--steps 5]

For the bundled digits (1x8x8, 1,437 training and 360 test images), MNIST (1x28x28, 60,000
and 10,000) and CIFAR-10 (3x32x32, 50,000 and 10,000): the median time of a training step
(forward, cross-entropy, backward, SGD with momentum and weight decay, float32, batch 64 as
the trainer's default) on random images of that shape, and of an evaluation forward on a
batch of 512 (the trainer's), each the median of `--steps` after two warm-up calls. An epoch
is estimated as steps x ceil(train / 64) + evaluations x ceil(test / 512). Each of `--rounds`
rounds times every data set once, interleaved; printed: the median estimate over rounds and
the rounds' spread (min..max). MNIST and CIFAR need no files: only their shapes matter.
"""

import argparse
import math
import pathlib
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import minigrad as mg  # noqa: E402
import minigrad.functional as F  # noqa: E402
from minigrad import models  # noqa: E402
from timing import median_ms  # noqa: E402

DATASETS = {"digits": ((1, 8, 8), 1437, 360), "mnist": ((1, 28, 28), 60000, 10000),
            "cifar10": ((3, 32, 32), 50000, 10000)}
BATCH, EVAL_BATCH = 64, 512


def epoch_seconds(model_name, shape, train, test, steps):
    rng = np.random.default_rng(0)
    model = models.build(model_name, in_channels=shape[0], num_classes=10, generator=rng)
    optimizer = mg.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    x = mg.tensor(rng.standard_normal((BATCH, *shape), dtype=np.float32))
    y = rng.integers(0, 10, BATCH)
    x_eval = mg.tensor(rng.standard_normal((EVAL_BATCH, *shape), dtype=np.float32))

    def step():
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    def evaluate():
        with mg.no_grad():
            model(x_eval)

    step_ms = median_ms(step, steps)
    model.eval()
    eval_ms = median_ms(evaluate, max(1, steps // 2))
    return (step_ms * math.ceil(train / BATCH) + eval_ms * math.ceil(test / EVAL_BATCH)) / 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="resnet20")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    estimates = {name: [] for name in DATASETS}
    for _ in range(args.rounds):
        for name, (shape, train, test) in DATASETS.items():
            estimates[name].append(epoch_seconds(args.model, shape, train, test, args.steps))
    print(f"{args.model}, one epoch (batch {BATCH}), median of {args.rounds} rounds:")
    for name, values in estimates.items():
        print(f"  {name:8s} {np.median(values):8.1f} s   (rounds {min(values):.1f}..{max(values):.1f})")


if __name__ == "__main__":
    main()
