"""The graph behind a tensor, drawn with the gradients that flowed through it.

    from minigrad import viz
    graph = viz.Graph(loss, names={"x": x})   # read the graph (before backward frees it)
    graph.backward()                          # loss.backward(), recording what each edge carried
    graph.save("graph.svg")                   # or .png, .pdf, .dot; a notebook shows it inline
    viz.draw_graph(loss, names={"x": x})      # the three lines in one call

One node per op and per leaf that requires grad (data and constants need no gradient and
are not drawn), with its name, its shape and, after backward, the norm of the gradient that
reached it: the root's seed, or the sum of what its consumers sent back. Each edge shows the
norm of the gradient it carried back, by label, colour and width (log scale); an edge that
carried exactly zero is dashed and labelled "0 (cut)", as the shortcut of a
`ResidualBlock(..., shortcut_grad=False)` is.

Backward frees the graph as it goes (each node's inputs are dropped), so the structure is
read from the root when the Graph is made, and the gradients are recorded during
`Graph.backward` through `autograd.edge_observers`, which holds an observer only while that
call runs.

Module boundaries exist only during the forward, so collapsing a large graph into one node
per module needs a record of the calls:

    with viz.record_modules(model) as calls:
        loss = F.cross_entropy(model(x), y)
    viz.draw_graph(loss, modules=calls, depth=1)     # one node per child; expand=("3",) opens one

`save` renders the DOT text with Graphviz's `dot` program when it is on the PATH (an optional
extra, never a dependency) and otherwise draws a layered picture with matplotlib.
"""

from __future__ import annotations

import io
import math
import pathlib
import shutil
import subprocess
from typing import NamedTuple

import numpy as np

from . import autograd
from .nn.module import Module, Parameter
from .tensor import Tensor

FILL = {"leaf": "#dbe9f6", "op": "#eeeeee", "module": "#fdf2d0"}
CUT_COLOR = "#999999"
DECADES = 6  # edge colour and width span this many powers of ten below the largest norm
LEGEND = (f"edge: norm of the gradient it carried back (colour and width: log scale, "
          f"{DECADES} decades)\ndashed: exactly zero, a cut")
FORMATS = (".dot", ".gv", ".svg", ".png", ".pdf")


class GraphNode(NamedTuple):
    key: str  # "n3" for an op or leaf (its place in the graph order), "m1" for a module call
    name: str
    shape: tuple
    kind: str  # "leaf", "op" or "module"
    grad_norm: float | None  # None before backward, or when no gradient reached it


class GraphEdge(NamedTuple):
    source: str
    target: str
    grad_norm: float | None  # None: nothing recorded (no backward yet, or the op sent None)


class ModuleCall(NamedTuple):
    name: str  # dotted, as in named_modules ("" for the model itself)
    module: Module
    inputs: tuple  # the call's Tensor arguments
    outputs: tuple  # its Tensor results


class ModuleCalls:
    """Context manager: a forward hook on every module of `model` records each call (a
    ModuleCall in `.calls`, innermost first); the hooks come off on exit."""

    def __init__(self, model):
        if not isinstance(model, Module):
            raise TypeError(f"record_modules: model must be an nn.Module, got "
                            f"{type(model).__name__}")
        self.model, self.calls, self._handles = model, [], []

    def __enter__(self):
        for name, module in self.model.named_modules():
            self._handles.append(module.register_forward_hook(self._recorder(name),
                                                              with_kwargs=True))
        return self

    def __exit__(self, *exc):
        for handle in self._handles:
            handle.remove()
        self._handles = []
        return False

    def _recorder(self, name):
        def record(module, args, kwargs, output):
            outputs = output if isinstance(output, (tuple, list)) else (output,)
            inputs = (*args, *kwargs.values())
            self.calls.append(ModuleCall(name, module,
                                         tuple(a for a in inputs if isinstance(a, Tensor)),
                                         tuple(o for o in outputs if isinstance(o, Tensor))))
        return record


record_modules = ModuleCalls


class Graph:
    """The graph that made `tensor`, read now, drawable with the gradients of `backward()`.

    names: {name: Tensor} for the tensors to label (a leaf shows its name, an op
    "name = Op"); parameters are named after the model when `modules` is given.
    modules: a record_modules(model) record of the forward that made `tensor`. Then each call
    of a module at `depth` (0 the model, 1 its children, ...; a module without children at a
    lower depth too) is one node: its parameters and the ops between its Tensor arguments
    and its outputs (found by walking back from the outputs, so a tensor that forward uses
    without receiving it as an argument is drawn inside, with what made it). depth=None, or a
    module's name in `expand`, draws those ops one by one.
    """

    def __init__(self, tensor, *, names=None, modules=None, depth=1, expand=()):
        if not isinstance(tensor, Tensor):
            raise TypeError(f"viz.Graph: tensor must be a minigrad Tensor, got "
                            f"{type(tensor).__name__}")
        if not tensor.requires_grad:
            raise ValueError("viz.Graph: this tensor does not require grad, so it has no graph "
                             "to draw; compute it from tensors with requires_grad=True, outside "
                             "no_grad()")
        if tensor._node is not None and tensor._node.ctx.released:
            raise ValueError("viz.Graph: the graph behind this tensor was freed by an earlier "
                             "backward; make the Graph first and call graph.backward(), or pass "
                             "retain_graph=True to that backward")
        if modules is not None and not isinstance(modules, ModuleCalls):
            raise TypeError(f"viz.Graph: modules must come from viz.record_modules(model), got "
                            f"{type(modules).__name__}")
        if not (isinstance(names, dict) or names is None) or not all(
                isinstance(k, str) and isinstance(v, Tensor) for k, v in (names or {}).items()):
            raise TypeError("viz.Graph: names must be a dict of {name: Tensor}")
        self.root = tensor
        self._tensors = autograd.topological_order(tensor)  # held, so that ids stay unique
        self._index = {id(t): i for i, t in enumerate(self._tensors)}
        self._edges = {}  # (input index, output index, argument position) -> gradient array
        for i, t in enumerate(self._tensors):
            for slot, parent in enumerate(t._node.inputs if t._node is not None else ()):
                if id(parent) in self._index:
                    self._edges[(self._index[id(parent)], i, slot)] = None
        labels = {}
        if modules is not None:
            labels.update((id(p), name) for name, p in modules.model.named_parameters())
        labels.update((id(t), name) for name, t in (names or {}).items())
        self._names = [self._name(t, labels.get(id(t))) for t in self._tensors]
        self._calls = [] if modules is None else [
            call for call in modules.calls if any(id(o) in self._index for o in call.outputs)]
        self.depth, self.expand = depth, (expand,) if isinstance(expand, str) else tuple(expand)
        self._check_view()
        self._seed = None  # dL/droot of the last backward; None before it

    @property
    def has_gradients(self):
        """True once `backward()` has run: the drawing shows the gradients."""
        return self._seed is not None

    @staticmethod
    def _name(tensor, given):
        if tensor._node is None:
            return given or ("Parameter" if isinstance(tensor, Parameter) else "leaf")
        op = tensor._node.function.__name__
        return f"{given} = {op}" if given else op

    def _check_view(self):
        if self.depth is not None and not (isinstance(self.depth, int) and self.depth >= 0):
            raise ValueError(f"viz.Graph: depth must be a non-negative int or None, got "
                             f"{self.depth!r}")
        unknown = set(self.expand) - {call.name for call in self._calls}
        if unknown:
            raise ValueError(f"viz.Graph: expand names modules that made no part of this "
                             f"graph: {sorted(unknown)}")

    def backward(self, gradient=None, retain_graph=None):
        """Run `tensor.backward(gradient, retain_graph)`, recording the gradient each edge of
        the graph carries (the picture shows the last such call). Returns the Graph."""
        self._edges, self._seed = dict.fromkeys(self._edges), None
        index, edges = self._index, self._edges

        def observe(tensor, inputs, grads):
            target = index.get(id(tensor))
            if target is None:
                return
            for slot, (parent, grad) in enumerate(zip(inputs, grads)):
                key = (index.get(id(parent)), target, slot)
                if key in edges and grad is not None:
                    edges[key] = np.asarray(grad)

        autograd.edge_observers.append(observe)
        try:
            self.root.backward(gradient, retain_graph=retain_graph)
        finally:
            autograd.edge_observers.remove(observe)
        seed = np.ones_like(self.root._array) if gradient is None else gradient
        self._seed = np.asarray(getattr(seed, "_array", seed))
        return self

    # The drawing: the graph as drawn, with module calls collapsed.

    def _owners(self):
        """{tensor index: number of the module call whose node it is drawn in}."""
        owner = {}
        if self.depth is None:
            return owner
        parents = {}
        for source, target, _ in self._edges:
            parents.setdefault(target, []).append(source)
        for number, call in enumerate(self._calls):
            level = call.name.count(".") + 1 if call.name else 0
            childless = not any(True for _ in call.module.children())
            if call.name in self.expand or level > self.depth or (
                    level < self.depth and not childless):
                continue
            stop = {self._index[id(t)] for t in call.inputs if id(t) in self._index}
            own = {self._index[id(p)] for p in call.module.parameters() if id(p) in self._index}
            stack = [self._index[id(t)] for t in call.outputs if id(t) in self._index]
            while stack:  # back from the outputs to the inputs
                i = stack.pop()
                if i in stop or i in owner or (self._tensors[i]._node is None and i not in own):
                    continue
                owner[i] = number
                stack += parents.get(i, [])
        return owner

    def _reached(self):
        """{tensor index: the gradient that reached it}: the seed at the root, else the sum
        of the gradients its consumers sent back (absent if none did)."""
        reached = {} if self._seed is None else {len(self._tensors) - 1: self._seed}
        for (source, _, _), grad in self._edges.items():
            if grad is not None:
                reached[source] = grad.copy() if source not in reached else reached[source] + grad
        return reached

    def view(self):
        """(nodes, edges) as drawn: lists of GraphNode and GraphEdge. A module's node stands
        where its last tensor is in the graph order, so the root's node is the last."""
        self._check_view()
        owner, reached = self._owners(), self._reached()
        key = [f"m{owner[i]}" if i in owner else f"n{i}" for i in range(len(self._tensors))]
        last = {k: i for i, k in enumerate(key)}
        nodes = []
        for i, t in enumerate(self._tensors):
            if last[key[i]] != i:
                continue
            if i in owner:
                call = self._calls[owner[i]]
                out = next((self._index[id(o)] for o in call.outputs if id(o) in self._index), i)
                nodes.append(GraphNode(key[i], f"{call.name or 'model'} "
                                       f"({type(call.module).__name__})",
                                       tuple(self._tensors[out].shape), "module",
                                       _norm(reached.get(out))))
            else:
                nodes.append(GraphNode(key[i], self._names[i], tuple(t.shape),
                                       "op" if t._node is not None else "leaf",
                                       _norm(reached.get(i))))
        merged = {}  # the edges from one tensor into one module node are one edge: their sum
        for (source, target, slot), grad in self._edges.items():
            ends = key[source], key[target]
            if ends[0] == ends[1]:
                continue  # inside a module node
            at = (source, ends[1]) if ends[1].startswith("m") else (source, target, slot)
            if at in merged:
                before = merged[at][1]
                grad = before if grad is None else grad if before is None else before + grad
            merged[at] = ends, grad
        return nodes, [GraphEdge(*ends, _norm(grad)) for ends, grad in merged.values()]

    def dot(self):
        """The drawing as DOT text (Graphviz's language)."""
        nodes, edges = self.view()
        top = max([e.grad_norm for e in edges if e.grad_norm], default=0.0)
        lines = ["digraph minigrad {",
                 '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
                 '  edge [fontname="Helvetica", fontsize=9];']
        if self.has_gradients:
            lines.append(f'  graph [label="{_escape(LEGEND)}", labelloc=b, fontname="Helvetica", '
                         f'fontsize=9];')
        for node in nodes:
            extra = ", peripheries=2" if node is nodes[-1] else ""
            lines.append(f'  {node.key} [label="{_escape(node_label(node))}", '
                         f'fillcolor="{FILL[node.kind]}"{extra}];')
        for edge in edges:
            style = edge_style(edge.grad_norm, top, self.has_gradients)
            attrs = "" if style is None else (
                f' [label="{style["label"]}", color="{style["color"]}", '
                f'penwidth={style["width"]:.2f}{", style=dashed" if style["dashed"] else ""}]')
            lines.append(f"  {edge.source} -> {edge.target}{attrs};")
        return "\n".join(lines + ["}"]) + "\n"

    def save(self, path):
        """Write the drawing to `path` (.dot or .gv: the DOT text; .svg, .png, .pdf: rendered
        by Graphviz's `dot` if found, else by matplotlib). Returns which: "dot text",
        "graphviz" or "matplotlib"."""
        path = pathlib.Path(path)
        if path.suffix.lower() not in FORMATS:
            raise ValueError(f"Graph.save: path must end in one of {', '.join(FORMATS)}, got "
                             f"{str(path)!r}")
        if path.suffix.lower() in (".dot", ".gv"):
            path.write_text(self.dot(), encoding="utf-8")
            return "dot text"
        if shutil.which("dot"):
            path.write_bytes(_run_dot(self.dot(), path.suffix[1:].lower()))
            return "graphviz"
        from .viz_matplotlib import draw
        draw(self, path, path.suffix[1:].lower())
        return "matplotlib"

    def _repr_svg_(self):  # Jupyter shows the richest of these that is not None
        return _run_dot(self.dot(), "svg").decode("utf-8") if shutil.which("dot") else None

    def _repr_png_(self):
        if shutil.which("dot"):
            return None
        from .viz_matplotlib import draw
        buffer = io.BytesIO()
        draw(self, buffer, "png")
        return buffer.getvalue()


def draw_graph(tensor, backward=True, *, gradient=None, names=None, modules=None, depth=1,
               expand=()):
    """The Graph of `tensor`, after `tensor.backward(gradient)` when backward=True (so that
    it shows the gradients); shown inline in a notebook, or `.save(path)`."""
    graph = Graph(tensor, names=names, modules=modules, depth=depth, expand=expand)
    return graph.backward(gradient) if backward else graph


def edge_style(norm, top, after_backward=True):
    """How an edge carrying a gradient of norm `norm` is drawn, when the largest edge norm is
    `top`: {"label", "color", "width", "dashed"}; None for a plain edge (before backward)."""
    if not after_backward:
        return None
    if norm is None:
        return {"label": "no grad", "color": CUT_COLOR, "width": 1.0, "dashed": True}
    if norm == 0:
        return {"label": "0 (cut)", "color": CUT_COLOR, "width": 1.0, "dashed": True}
    share = min(max(1 + math.log10(norm / top) / DECADES, 0.0), 1.0) if top > 0 else 1.0
    faint, strong = (198, 219, 239), (8, 48, 107)  # light to dark blue
    rgb = (round(a + share * (b - a)) for a, b in zip(faint, strong))
    return {"label": f"{norm:.3g}", "color": "#%02x%02x%02x" % tuple(rgb),
            "width": 0.75 + 2.75 * share, "dashed": False}


def _norm(grad):
    return None if grad is None else float(np.linalg.norm(np.asarray(grad, dtype=np.float64)))


def node_label(node):
    lines = [node.name, str(node.shape)]
    if node.grad_norm is not None:
        lines.append(f"grad {node.grad_norm:.3g}")
    return "\n".join(lines)


def _escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _run_dot(text, fmt):
    done = subprocess.run([shutil.which("dot"), f"-T{fmt}"], input=text.encode("utf-8"),
                          capture_output=True)
    if done.returncode != 0:
        raise RuntimeError(f"viz: Graphviz's dot failed ({done.returncode}): "
                           f"{done.stderr.decode(errors='replace').strip()}")
    return done.stdout
