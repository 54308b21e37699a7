"""One SGD training step of resnet20 on a digits batch of 128, and the ratio to PyTorch.

    python benchmarks/bench_step.py [--repeats 20] [--model resnet20] [--batch 128]

A step is forward, cross-entropy, backward and an SGD update (momentum 0.9, weight decay
5e-4), in float32, on the first `batch` standardized training images of the bundled digits.
Prints the median time (after two warm-up steps) and images per second. When PyTorch can be
imported in a *separate* process, benchmarks/torch_step.py times the same network there
(same layers and shapes, PyTorch's own initialization) with as many threads, and the ratio
minigrad / PyTorch is printed. PyTorch is never imported here.
"""

import argparse
import json
import pathlib
import subprocess
import sys

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
import minigrad as mg  # noqa: E402
import minigrad.functional as F  # noqa: E402
from minigrad import models  # noqa: E402
from bench_conv import blas_kernel, blas_threads, torch_available  # noqa: E402
from timing import median_ms  # noqa: E402
from minigrad.data import load_digits  # noqa: E402


def step_ms(model_name, batch, repeats):
    split = load_digits(seed=0)
    x, y = mg.tensor(split.x_train[:batch]), split.y_train[:batch]
    model = models.build(model_name, in_channels=1, num_classes=10,
                         generator=np.random.default_rng(0))
    optimizer = mg.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)

    def step():
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return median_ms(step, repeats)


def torch_step_ms(model_name, batch, repeats):
    request = json.dumps({"model": model_name, "batch": batch, "repeats": repeats,
                          "threads": blas_threads()})
    script = pathlib.Path(__file__).with_name("torch_step.py")
    done = subprocess.run([sys.executable, str(script)], input=request, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--model", default="resnet20", choices=["resnet8", "resnet20",
                                                               "resnet32", "resnet56"])
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--kernels", default="fast", choices=mg.kernels.KERNEL_SETS,
                        help="minigrad's kernel set (reference: the same numbers, slower)")
    args = parser.parse_args()
    with mg.kernels.use(args.kernels):
        ours = step_ms(args.model, args.batch, args.repeats)
    print(f"{args.model}, digits batch {args.batch}, float32, median of {args.repeats}, "
          f"{blas_threads()} BLAS threads ({blas_kernel()}), {args.kernels} kernels")
    print(f"minigrad: {ours:8.1f} ms/step  {args.batch / ours * 1e3:8.0f} images/s")
    if args.no_torch or not torch_available():
        print("torch: not measured (not installed, or --no-torch)")
        return
    theirs = torch_step_ms(args.model, args.batch, args.repeats)
    print(f"torch {theirs['torch']}: {theirs['ms']:8.1f} ms/step  "
          f"{args.batch / theirs['ms'] * 1e3:8.0f} images/s  (separate process, "
          f"{theirs['threads']} threads)")
    print(f"ratio minigrad / torch: {ours / theirs['ms']:.2f}  (target: at most 3)")


if __name__ == "__main__":
    main()
