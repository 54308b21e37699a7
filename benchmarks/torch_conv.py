"""The PyTorch side of benchmarks/bench_conv.py: the same shapes, timed the same way.

Run by bench_conv.py as a separate process (never imported there: PyTorch's thread pool and
numpy's OpenBLAS threads would fight for the same cores). Reads a JSON request on stdin,
{"shapes": {name: [N, C_in, H, W, C_out, k, stride, pad, groups, kind]}, "repeats": r,
"threads": t, "warm": true}, and prints {name: {"forward_ms": ..., "train_ms": ...}} as JSON.
"""

import json
import sys

import torch
import torch.nn.functional as F
from timing import median_ms



def layer(spec, generator):
    """(inputs, fn): fn(*inputs) runs the layer described by spec, in float32."""
    n, c_in, h, w, c_out, k, stride, pad, groups, kind = spec

    def randn(*shape):
        return torch.randn(*shape, generator=generator, dtype=torch.float32)

    x = randn(n, c_in, h, w)
    if kind == "spatial_separable":
        row, col = randn(c_out, c_in, 1, k), randn(c_out, c_out, k, 1)

        def fn(x, row, col):
            middle = F.conv2d(x, row, stride=(1, stride), padding=(0, pad))
            return F.conv2d(middle, col, stride=(stride, 1), padding=(pad, 0))

        return [x, row, col], fn
    weight = randn(c_out, c_in // groups, k, k)
    return [x, weight], lambda x, w: F.conv2d(x, w, stride=stride, padding=pad, groups=groups)


def measure(spec, repeats):
    inputs, fn = layer(spec, torch.Generator().manual_seed(0))
    with torch.no_grad():
        upstream = torch.randn_like(fn(*inputs))
        forward_ms = median_ms(lambda: fn(*inputs), repeats)
    for t in inputs:
        t.requires_grad_(True)

    def train_step():
        for t in inputs:
            t.grad = None
        fn(*inputs).backward(upstream)

    return {"forward_ms": forward_ms, "train_ms": median_ms(train_step, repeats)}


def warm_allocator():
    """As bench_conv.warm_allocator: free one 30 MiB block so that glibc keeps freed blocks up
    to that size for reuse instead of returning them to the system after every call."""
    torch.ones(30 * 2**20 // 4, dtype=torch.float32)


def main():
    request = json.load(sys.stdin)
    if request.get("warm", True):
        warm_allocator()
    torch.set_num_threads(request["threads"])
    results = {name: measure(spec, request["repeats"]) for name, spec in request["shapes"].items()}
    json.dump({"torch": torch.__version__, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
