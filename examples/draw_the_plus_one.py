"""Draw a residual stack's graph with the gradient each edge carried back: the "+1" made visible.

Run: python examples/draw_the_plus_one.py [--quick] [--out DIR]
A 3-block residual MLP on digits, in float64, drawn one node per module except block 0,
which is drawn op by op: its input x_0 (the stem's output) feeds the skip edge into SkipAdd
and the branch edge into Tanh, and receives their sum,
dL/dx_0 = dL/dx_1 + dL/dx_1 dF/dx_0. With shortcut_grad=False the skip edge carries exactly
zero and is drawn as a cut. The script prints every drawn edge with its gradient norm;
--out DIR also saves the two pictures (Graphviz's dot if installed, else matplotlib).
--quick uses a batch of 8 digits instead of 256.
"""

import argparse
import pathlib

import numpy as np

import minigrad as mg
import minigrad.functional as F
from minigrad import viz
from minigrad.data import load_digits
from minigrad.models.stacks import residual_mlp


def draw(x, y, shortcut_grad):
    model = residual_mlp(3, 16, "tanh", "standard", shortcut_grad=shortcut_grad,
                         generator=np.random.default_rng(0))
    model.to(np.float64)
    with viz.record_modules(model) as calls:  # module boundaries exist only in the forward
        loss = F.cross_entropy(model(x), y)
    return viz.draw_graph(loss, modules=calls, depth=2, expand=("blocks.0",))


def show(graph, title):
    nodes, edges = graph.view()
    name = {node.key: node.name for node in nodes}
    print(f"{title}:")
    for edge in edges:
        carried = "0 (cut)" if edge.grad_norm == 0 else f"{edge.grad_norm:.4g}"
        print(f"  {name[edge.source]:>26} -> {name[edge.target]:<26} {carried}")
    x0 = next(n for n in nodes if n.name == "stem.1 (Linear)")
    skip = next(e for e in edges if e.source == x0.key and name[e.target] == "SkipAdd")
    branch = next(e for e in edges if e.source == x0.key and name[e.target] == "Tanh")
    print(f"  x_0: skip edge {skip.grad_norm:.4g}, branch edge {branch.grad_norm:.4g}, "
          f"received {x0.grad_norm:.4g}")


def main(batch=256, out=None):
    split = load_digits(seed=0)
    x = mg.tensor(split.x_train[:batch].astype(np.float64))
    y = split.y_train[:batch]
    for shortcut_grad, title, stem in ((True, "with the +1", "plus_one"),
                                       (False, "shortcut_grad=False", "cut")):
        graph = draw(x, y, shortcut_grad)
        show(graph, title)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            how = graph.save(out / f"{stem}.png")
            print(f"  saved {out / f'{stem}.png'} ({how}) and {out / f'{stem}.dot'}")
            graph.save(out / f"{stem}.dot")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a batch of 8 instead of 256")
    parser.add_argument("--out", type=pathlib.Path, help="also save the pictures in this folder")
    args = parser.parse_args()
    main(batch=8 if args.quick else 256, out=args.out)
