"""Fit y = sin(x) with a two-layer tanh network, by hand-written gradient descent.

Run: python examples/fit_a_curve.py [--steps N | --quick]   (--quick: 200 steps)
Everything here is minigrad's core: tensors, ops, backward, no_grad.
"""

import argparse

import numpy as np

import minigrad as mg
import minigrad.functional as F


def main(steps=2000, lr=0.1, hidden=32, seed=0):
    rng = np.random.default_rng(seed)
    x = mg.tensor(np.linspace(-3, 3, 128, dtype=np.float32).reshape(-1, 1))
    y = mg.tensor(np.sin(x.numpy()))
    w1 = mg.randn(hidden, 1, generator=rng, requires_grad=True)
    b1 = mg.zeros(hidden, requires_grad=True)
    w2 = mg.tensor(rng.standard_normal((1, hidden)) / np.sqrt(hidden), dtype=np.float32,
                   requires_grad=True)
    b2 = mg.zeros(1, requires_grad=True)
    params = [w1, b1, w2, b2]
    for step in range(steps + 1):
        prediction = F.linear(F.tanh(F.linear(x, w1, b1)), w2, b2)
        loss = F.mse_loss(prediction, y)
        for p in params:
            p.grad = None
        loss.backward()
        with mg.no_grad():
            for p in params:
                p.data -= lr * p.grad
        if step % max(1, steps // 5) == 0:
            print(f"step {step:5d}  mse {loss.item():.5f}")
    return loss.item()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000, help="gradient steps (default 2000)")
    parser.add_argument("--quick", action="store_true", help="200 steps")
    args = parser.parse_args()
    if args.steps < 1:
        parser.error(f"--steps must be a positive integer, got {args.steps}")
    final = main(steps=200 if args.quick else args.steps)
    print(f"final mse {final:.5f}")
