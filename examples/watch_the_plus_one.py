"""Watch the "+1" of a residual connection carry the gradient down a 30-block stack.

Run: python examples/watch_the_plus_one.py [--quick]
Blocks x_{l+1} = x_l + F(x_l), F(x) = W tanh(x) + b scaled by 1/sqrt(30), in float64. A hook on
each block boundary x_l prints ||dL/dx_l|| as backward passes it, for the true gradient and
for the ablation shortcut_grad=False, which drops exactly the "+1" of
dL/dx_l = dL/dx_{l+1} (1 + dF/dx_l): with it the norm stays level; without it, it collapses.
--quick uses a batch of 8 digits instead of 256.
"""

import argparse
import math

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad.data import load_digits
from minigrad.models.stacks import residual_mlp

DEPTH = 30


def boundary_gradient_norms(x, y, shortcut_grad):
    model = residual_mlp(DEPTH, 64, "tanh", "standard", branch_scale=1 / math.sqrt(DEPTH),
                         shortcut_grad=shortcut_grad, generator=np.random.default_rng(0))
    model.to(np.float64)
    norms = {}

    def remember(l):
        def hook(grad):  # called with dL/dx_l (a numpy array) once all of it is summed
            norms[l] = float(np.linalg.norm(grad))  # returns None: the gradient flows on as is
        return hook

    h = model.stem(x)  # x_0
    h.register_hook(remember(0))
    for l, block in enumerate(model.blocks, start=1):
        h = block(h)  # x_l
        h.register_hook(remember(l))
    F.cross_entropy(model.head(h), y).backward()
    return [norms[l] for l in range(DEPTH + 1)]


def main(batch=256):
    split = load_digits(seed=0)
    x = mg.tensor(split.x_train[:batch].astype(np.float64))
    y = split.y_train[:batch]
    with_plus_one = boundary_gradient_norms(x, y, shortcut_grad=True)
    without = boundary_gradient_norms(x, y, shortcut_grad=False)
    print("block l   ||dL/dx_l|| with +1   without +1 (shortcut_grad=False)")
    for l in range(DEPTH, -1, -1):
        print(f"{l:7d}   {with_plus_one[l]:18.3e}   {without[l]:18.3e}")
    print(f"first/last ratio ||dL/dx_0|| / ||dL/dx_30||: with +1 "
          f"{with_plus_one[0] / with_plus_one[-1]:.3g}, without {without[0] / without[-1]:.3g}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a batch of 8 instead of 256")
    main(batch=8 if parser.parse_args().quick else 256)
