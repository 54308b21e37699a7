"""Speed and memory of minigrad's convolutions, and the ratio to PyTorch's on the same CPU.

    python benchmarks/bench_conv.py [--repeats 20] [--rounds 5] [--cold] [--no-torch]
                                    [--shapes S1 ...] [--kernels fast|reference]

For each shape, in float32, without bias: the median time of `repeats` calls (after two warm-up
calls), the median of `rounds` such medians, GFLOP/s, and the peak memory Python's
tracemalloc sees during one call (numpy reports its array allocations to tracemalloc; the
inputs, made before, are not counted). "forward" runs under no_grad; "train" is forward +
backward (gradients for input and weights), counted as 3 x the forward's flops.
Flops = 2 x multiply-adds, from minigrad.conv_cost.

When PyTorch can be imported in a *separate* process, benchmarks/torch_conv.py times the same
shapes there with as many threads as numpy's BLAS uses, and the table gets the ratio
minigrad / PyTorch (lower is better) and the geometric means the targets are stated in.
PyTorch is never imported here: its thread pool would compete with numpy's.

Both processes start with `warm_allocator()` (see there why), unless --cold.
"""

import argparse
import json
import math
import os
import pathlib
import subprocess
import sys
import tracemalloc
from statistics import median

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import minigrad as mg  # noqa: E402
import minigrad.functional as F  # noqa: E402
from timing import median_ms  # noqa: E402

# name: (N, C_in, H, W, C_out, k, stride, pad, groups, kind)
SHAPES = {
    "S1": (64, 16, 32, 32, 16, 3, 1, 1, 1, "standard"),
    "S2": (64, 32, 16, 16, 32, 3, 1, 1, 1, "standard"),
    "S3": (64, 64, 8, 8, 64, 3, 1, 1, 1, "standard"),
    "S4": (64, 16, 32, 32, 32, 3, 2, 1, 1, "standard"),
    "D1": (64, 32, 16, 16, 32, 3, 1, 1, 32, "depthwise"),
    "P1": (64, 32, 16, 16, 64, 1, 1, 0, 1, "pointwise"),
    "SEP": (64, 32, 16, 16, 32, 3, 1, 1, 1, "spatial_separable"),
    "DIG": (128, 16, 8, 8, 16, 3, 1, 1, 1, "standard"),
}
# Targets for forward + backward, as ratios minigrad / PyTorch.
TARGETS = {"geomean S1 S2 S3 S4 SEP DIG": (("S1", "S2", "S3", "S4", "SEP", "DIG"), 3.0),
           "D1": (("D1",), 5.0), "P1": (("P1",), 1.5)}


def warm_allocator():
    """Allocate and free one 30 MiB array, as any process that has handled a large array did.

    glibc's malloc hands blocks above a threshold (128 KiB at first) straight back to the
    system when they are freed, so the next call gets fresh pages and pays a page fault per
    4 KiB; freeing a large block raises that threshold up to its size (at most 32 MiB). A
    process that never freed anything large pays those faults for every temporary of every
    call: D1 alone took 10.7 ms per step instead of 4.1 ms. Doing this first, in both the
    numpy and the PyTorch process, makes the timings independent of which shape ran first.
    """
    np.ones(30 * 2**20 // 4, dtype=np.float32)


def layer(spec, rng):
    """(inputs, fn): fn(*inputs) runs the layer described by spec in minigrad, float32."""
    n, c_in, h, w, c_out, k, stride, pad, groups, kind = spec

    def randn(*shape):
        return mg.Tensor(rng.standard_normal(shape, dtype=np.float32))

    x = randn(n, c_in, h, w)
    if kind == "spatial_separable":
        row, col = randn(c_out, c_in, 1, k), randn(c_out, c_out, k, 1)
        return [x, row, col], lambda x, row, col: F.spatial_separable_conv2d(
            x, row, col, stride=stride, padding=pad)
    if kind == "depthwise":
        weight = randn(c_out, 1, k, k)
        return [x, weight], lambda x, w: F.depthwise_conv2d(x, w, stride=stride, padding=pad)
    if kind == "pointwise":
        weight = randn(c_out, c_in, 1, 1)
        return [x, weight], F.pointwise_conv2d
    weight = randn(c_out, c_in // groups, k, k)
    return [x, weight], lambda x, w: F.conv2d(x, w, stride=stride, padding=pad, groups=groups)


def forward_flops(spec):
    n, c_in, h, w, c_out, k, stride, pad, groups, kind = spec
    out_h, out_w = ((h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1)
    extra = dict(groups=groups) if kind == "standard" else {}
    extra.update(c_mid=c_out) if kind == "spatial_separable" else None
    return 2 * n * F.conv_cost(kind, c_in, c_out, k, out_h, out_w, **extra).mult_adds



def peak_mib(fn):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        fn()
        return (tracemalloc.get_traced_memory()[1] - before) / 2**20
    finally:
        tracemalloc.stop()


def measure(spec, repeats):
    inputs, fn = layer(spec, np.random.default_rng(0))
    with mg.no_grad():
        upstream = np.random.default_rng(1).standard_normal(fn(*inputs).shape, dtype=np.float32)

    def forward():
        with mg.no_grad():
            fn(*inputs)

    def train_step():
        for t in inputs:
            t.grad = None
        fn(*inputs).backward(upstream)

    for t in inputs:
        t.requires_grad_(True)
    result = {"train_ms": median_ms(train_step, repeats), "train_mib": peak_mib(train_step)}
    result.update(forward_ms=median_ms(forward, repeats), forward_mib=peak_mib(forward))
    return result


def median_of_rounds(rounds):
    """[{key: value} per round] -> {key: median over the rounds}."""
    return {key: median([r[key] for r in rounds]) for key in rounds[0]}


def paired_ratio(ours, theirs, key):
    """The median over rounds of ours / theirs, each round's pair timed back to back."""
    return median([o[key] / t[key] for o, t in zip(ours, theirs)])


def blas_threads():
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(name, "").isdigit():
            return int(os.environ[name])
    return os.cpu_count() or 1


def blas_kernel():
    """Which BLAS numpy runs and with which CPU kernel, e.g. 'openblas Haswell kernel'.

    OpenBLAS picks its kernel for the CPU it finds, unless OPENBLAS_CORETYPE names one: some
    machines set it to an older kernel (Haswell: AVX2 only) for old OpenBLAS builds' sake,
    which slows a current numpy on an AVX-512 CPU. threadpoolctl (not a dependency) tells
    the kernel in use; without it, only the variable is reported.
    """
    pinned = os.environ.get("OPENBLAS_CORETYPE")
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return f"OPENBLAS_CORETYPE={pinned}" if pinned else "BLAS kernel unknown (no threadpoolctl)"
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            kernel = f"{pool['internal_api']} {pool.get('architecture')} kernel"
            return kernel + (", set by OPENBLAS_CORETYPE" if pinned else "")
    return "BLAS unknown"


def torch_available():
    """Whether torch imports, checked in a subprocess so that it never loads here."""
    check = subprocess.run([sys.executable, "-c", "import torch"], capture_output=True)
    return check.returncode == 0


def torch_measure(name, repeats, warm):
    """PyTorch's timings of one shape, from a subprocess running benchmarks/torch_conv.py."""
    request = json.dumps({"shapes": {name: SHAPES[name]}, "repeats": repeats,
                          "threads": blas_threads(), "warm": warm})
    script = pathlib.Path(__file__).with_name("torch_conv.py")
    done = subprocess.run([sys.executable, str(script)], input=request, capture_output=True,
                          text=True, check=True)
    reply = json.loads(done.stdout)
    return reply["torch"], reply["results"][name]


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20, help="calls per median")
    parser.add_argument("--rounds", type=int, default=5,
                        help="rounds per shape; times and ratios are medians over them")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch comparison")
    parser.add_argument("--cold", action="store_true",
                        help="skip warm_allocator in both processes (see its docstring)")
    parser.add_argument("--shapes", nargs="+", choices=list(SHAPES), default=list(SHAPES),
                        help="only these shapes (the target lines need all of theirs)")
    parser.add_argument("--kernels", default="fast", choices=mg.kernels.KERNEL_SETS,
                        help="minigrad's kernel set (reference: the same numbers, slower)")
    args = parser.parse_args()
    mg.kernels.use(args.kernels)

    # Each shape is timed in minigrad and right after in PyTorch, `rounds` times, and each
    # round gives a ratio: on a shared machine the load comes and goes, and a pair timed
    # back to back sees the same machine. The ratios quoted are the medians of those.
    if not args.cold:
        warm_allocator()
    use_torch = not args.no_torch and torch_available()
    ours, theirs, torch_version = {}, {}, None
    for name in args.shapes:
        ours[name], theirs[name] = [], []
        for _ in range(args.rounds):
            ours[name].append(measure(SHAPES[name], args.repeats))
            if use_torch:
                torch_version, result = torch_measure(name, args.repeats, not args.cold)
                theirs[name].append(result)
    torch = {"torch": torch_version} if use_torch else None

    print(f"minigrad conv benchmark: float32, median of {args.rounds} rounds, each the median of "
          f"{args.repeats} calls, {args.kernels} kernels, {blas_threads()} "
          f"BLAS threads ({blas_kernel()}), numpy {np.__version__}"
          + (f", vs torch {torch['torch']} in a subprocess" if torch else ", no torch"))
    print("memory: tracemalloc peak during one call (numpy arrays), MiB; allocator "
          + ("cold (--cold)" if args.cold else "warmed in both processes"))
    header = (f"{'shape':5} {'fwd ms':>8} {'GFLOP/s':>8} {'MiB':>6} | {'train ms':>8} "
              f"{'GFLOP/s':>8} {'MiB':>6}")
    if torch:
        header += f" | {'torch fwd':>9} {'torch trn':>9} | {'fwd x':>6} {'train x':>7}"
    print(header)
    ratios = {}
    for name in args.shapes:
        r, flops = median_of_rounds(ours[name]), forward_flops(SHAPES[name])
        line = (f"{name:5} {r['forward_ms']:8.2f} {flops / r['forward_ms'] / 1e6:8.1f} "
                f"{r['forward_mib']:6.1f} | {r['train_ms']:8.2f} "
                f"{3 * flops / r['train_ms'] / 1e6:8.1f} {r['train_mib']:6.1f}")
        if torch:
            t = median_of_rounds(theirs[name])
            ratios[name] = paired_ratio(ours[name], theirs[name], "train_ms")
            line += (f" | {t['forward_ms']:9.2f} {t['train_ms']:9.2f} | "
                     f"{paired_ratio(ours[name], theirs[name], 'forward_ms'):6.2f} "
                     f"{ratios[name]:7.2f}")
        print(line)
    if torch:
        print("\ntargets (forward + backward, minigrad / PyTorch):")
        for label, (names, target) in TARGETS.items():
            if not set(names) <= set(ratios):
                continue
            value = geomean([ratios[n] for n in names])
            verdict = "met" if value <= target else "NOT met"
            print(f"  {label:28} {value:5.2f}  (target <= {target})  {verdict}")


if __name__ == "__main__":
    main()
