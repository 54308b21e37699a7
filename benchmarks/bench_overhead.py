"""Per-op overhead: what minigrad's bookkeeping costs on top of numpy, in microseconds per op.

    python benchmarks/bench_overhead.py [--length 10000] [--repeats 5]

A chain of `length` additions on 1-element float32 tensors, y = y + one, recorded (x requires
grad), then its backward: the arrays are tiny, so nearly all the time is Function.apply and
the backward walk. Prints the median over `repeats` chains of the forward and the backward
time per op, and numpy's own a + b on the same arrays for scale.
"""

import argparse
import pathlib
import sys
import time
from statistics import median

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import minigrad as mg  # noqa: E402


def chain_us(length):
    """(forward, backward) microseconds per op for one chain of `length` adds."""
    x = mg.tensor(np.ones(1, dtype=np.float32), requires_grad=True)
    one = mg.tensor(np.ones(1, dtype=np.float32))
    start = time.perf_counter()
    y = x
    for _ in range(length):
        y = y + one
    middle = time.perf_counter()
    y.sum().backward()
    end = time.perf_counter()
    return (middle - start) / length * 1e6, (end - middle) / length * 1e6


def numpy_us(length):
    a, b = np.ones(1, dtype=np.float32), np.ones(1, dtype=np.float32)
    start = time.perf_counter()
    for _ in range(length):
        a = a + b
    return (time.perf_counter() - start) / length * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    runs = [chain_us(args.length) for _ in range(args.repeats)]
    print(f"chain of {args.length} adds on 1-element float32 tensors, median of "
          f"{args.repeats}")
    print(f"forward   {median(r[0] for r in runs):6.2f} us/op")
    print(f"backward  {median(r[1] for r in runs):6.2f} us/op")
    print(f"numpy a+b {median(numpy_us(args.length) for _ in range(args.repeats)):6.2f} us/op")


if __name__ == "__main__":
    main()
