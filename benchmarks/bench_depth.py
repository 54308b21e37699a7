"""Depth scaling: forward and backward time, and graph memory, per residual block, from 10 to
10,000 blocks (issue 16's table).

    python benchmarks/bench_depth.py [--depths 10 100 1000 10000] [--rounds 3]

A block is skip_add(h, relu(h @ w)) on a (32, 64) float32 batch with one shared (64, 64)
weight (scaled by 1/depth, so that the values stay finite at any depth), the issue's
residual MLP block.
For each depth and round: the forward's and the backward's wall time per block, with
Python's garbage collector on as a user has it, and the memory the graph holds after the
forward (tracemalloc: the numpy arrays and the Python objects), per block. Depths run
interleaved round after round; printed: medians over rounds and their range. Linear
scaling means the same cost per block at every depth.
"""

import argparse
import pathlib
import sys
import time
import tracemalloc
from statistics import median

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import minigrad as mg  # noqa: E402
import minigrad.functional as F  # noqa: E402


def build(depth, rng, w, x):
    h = x
    for _ in range(depth):
        h = F.skip_add(h, F.relu(h @ w))
    return h.sum()


def one_round(depth, rng):
    """(forward us, backward us, graph KiB) per block. The times come from a pass without
    tracemalloc, which slows Python down several times; the memory from a second pass."""
    # Scaled by 1/depth, so the product of the blocks' growth (1 + O(1/depth)) stays finite.
    w = mg.tensor(rng.standard_normal((64, 64)).astype(np.float32) / (4 * depth),
                  requires_grad=True)
    x = mg.tensor(rng.standard_normal((32, 64)).astype(np.float32), requires_grad=True)
    start = time.perf_counter()
    loss = build(depth, rng, w, x)
    forward = time.perf_counter() - start
    start = time.perf_counter()
    loss.backward()
    backward = time.perf_counter() - start
    del loss
    tracemalloc.start()
    loss = build(depth, rng, w, x)
    held, _ = tracemalloc.get_traced_memory()  # while `loss` keeps the graph alive
    tracemalloc.stop()
    del loss
    return forward / depth * 1e6, backward / depth * 1e6, held / depth / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depths", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    results = {depth: [] for depth in args.depths}
    for _ in range(args.rounds):
        for depth in args.depths:
            results[depth].append(one_round(depth, rng))
    print(f"residual MLP blocks (32 x 64, float32), median of {args.rounds} rounds [range]")
    print(f"{'blocks':>7}  {'forward us/block':>22}  {'backward us/block':>22}  {'graph KiB/block':>16}")
    for depth, rows in results.items():
        cells = []
        for column in zip(*rows):
            cells.append(f"{median(column):7.1f} [{min(column):.0f}..{max(column):.0f}]")
        print(f"{depth:7d}  {cells[0]:>22}  {cells[1]:>22}  {median(r[2] for r in rows):16.1f}")


if __name__ == "__main__":
    main()
