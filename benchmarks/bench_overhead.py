"""Per-op overhead: what minigrad's bookkeeping costs on top of numpy, in microseconds per op.

    python benchmarks/bench_overhead.py [--length 10000] [--repeats 5] [--rounds 3]

A chain of `length` additions on 1-element float32 tensors, y = y + one, recorded (x requires
grad), then its backward: the arrays are tiny, so nearly all the time is Function.apply and
the backward walk. Prints the median over `repeats` chains of the forward and the backward
time per op, and numpy's own a + b on the same arrays for scale. Where PyTorch or MyGrad
can be imported (each in its own process, benchmarks/other_chain.py), the same chain runs
there too, round after round interleaved with minigrad's, and the paired ratios minigrad /
other are printed as medians with their range.
"""

import argparse
import json
import pathlib
import subprocess
import sys
import time
from statistics import median

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import minigrad as mg  # noqa: E402
from timing import chain_us  # noqa: E402


def minigrad_chain_us(length):
    """(forward, backward) microseconds per op for one chain of `length` adds."""
    x = mg.tensor(np.ones(1, dtype=np.float32), requires_grad=True)
    one = mg.tensor(np.ones(1, dtype=np.float32))
    return chain_us(x, one, length)


def numpy_us(length):
    a, b = np.ones(1, dtype=np.float32), np.ones(1, dtype=np.float32)
    start = time.perf_counter()
    for _ in range(length):
        a = a + b
    return (time.perf_counter() - start) / length * 1e6


def other_available(library):
    done = subprocess.run([sys.executable, "-c", f"import {library}"], capture_output=True)
    return done.returncode == 0


def other_us(library, length, repeats):
    request = json.dumps({"library": library, "length": length, "repeats": repeats})
    script = pathlib.Path(__file__).with_name("other_chain.py")
    done = subprocess.run([sys.executable, str(script)], input=request, capture_output=True,
                          text=True, check=True)
    result = json.loads(done.stdout)
    return result["forward"], result["backward"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    others = [name for name in ("torch", "mygrad") if other_available(name)]
    rounds = {name: [] for name in ["minigrad", *others]}
    for _ in range(args.rounds):
        runs = [minigrad_chain_us(args.length) for _ in range(args.repeats)]
        rounds["minigrad"].append((median(r[0] for r in runs), median(r[1] for r in runs)))
        for name in others:
            rounds[name].append(other_us(name, args.length, args.repeats))
    print(f"chain of {args.length} adds on 1-element float32 tensors, {args.rounds} rounds of "
          f"{args.repeats} chains (medians; range in brackets)")
    for name, values in rounds.items():
        cells = []
        for i, direction in enumerate(("forward", "backward")):
            column = [v[i] for v in values]
            cells.append(f"{direction} {median(column):6.2f} us/op [{min(column):.2f}..{max(column):.2f}]")
        print(f"  {name:9s} " + "   ".join(cells))
    for name in others:
        for i, direction in enumerate(("forward", "backward")):
            ratios = [m[i] / o[i] for m, o in zip(rounds["minigrad"], rounds[name])]
            print(f"  minigrad / {name} {direction}: {median(ratios):.2f} "
                  f"[{min(ratios):.2f}..{max(ratios):.2f}]")
    print(f"  numpy a+b {median(numpy_us(args.length) for _ in range(args.repeats)):6.2f} us/op")


if __name__ == "__main__":
    main()
