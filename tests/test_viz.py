"""minigrad.viz: the graph behind a tensor, with the gradient each edge carried back.

The small graph of most tests is a residual block with a one-multiplication branch, whose
gradients are worked out by hand:

    x = [1, 2], w = [3, 0.5], fx = x * w = [3, 1], y = x + fx = [4, 3], L = sum(y * y)
    dL/dy = 2y = [8, 6], norm 10: the skip edge x -> SkipAdd and the branch edge
    Mul -> SkipAdd each carry it back. x -> Mul carries dL/dy * w = [24, 3], w -> Mul
    dL/dy * x = [8, 12]; x receives the sum, [8, 6] + [24, 3] = [32, 9].
"""

import math
import os
import pathlib
import re
import shutil
import stat
import subprocess
import sys

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from minigrad import autograd, nn, viz


def small_graph(shortcut_grad=True):
    x = mg.tensor([1.0, 2.0], dtype=mg.float64, requires_grad=True)
    w = mg.tensor([3.0, 0.5], dtype=mg.float64, requires_grad=True)
    y = F.skip_add(x, x * w, shortcut_grad=shortcut_grad)
    loss = (y * y).sum()
    return viz.Graph(loss, names={"x": x, "w": w, "y": y}), x, w


def edge_norms(graph):
    """{(source name, target name): [norms]} of the drawn edges."""
    nodes, edges = graph.view()
    name = {node.key: node.name for node in nodes}
    found = {}
    for edge in edges:
        found.setdefault((name[edge.source], name[edge.target]), []).append(edge.grad_norm)
    return found


def test_the_dot_of_a_small_graph():
    graph, _, _ = small_graph()
    assert graph.dot() == """\
digraph minigrad {
  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];
  edge [fontname="Helvetica", fontsize=9];
  n0 [label="x\\n(2,)", fillcolor="#dbe9f6"];
  n1 [label="w\\n(2,)", fillcolor="#dbe9f6"];
  n2 [label="Mul\\n(2,)", fillcolor="#eeeeee"];
  n3 [label="y = SkipAdd\\n(2,)", fillcolor="#eeeeee"];
  n4 [label="Mul\\n(2,)", fillcolor="#eeeeee"];
  n5 [label="Sum\\n()", fillcolor="#eeeeee", peripheries=2];
  n0 -> n2;
  n1 -> n2;
  n0 -> n3;
  n2 -> n3;
  n3 -> n4;
  n3 -> n4;
  n4 -> n5;
}
"""


def test_after_backward_the_dot_labels_every_node_and_edge_with_its_gradient_norm():
    graph, _, _ = small_graph()
    text = graph.backward().dot()
    nodes = re.findall(r'^  (n\d) \[label="([^"]*)"', text, flags=re.M)
    assert nodes == [("n0", r"x\n(2,)\ngrad 33.2"), ("n1", r"w\n(2,)\ngrad 14.4"),
                     ("n2", r"Mul\n(2,)\ngrad 10"), ("n3", r"y = SkipAdd\n(2,)\ngrad 10"),
                     ("n4", r"Mul\n(2,)\ngrad 1.41"), ("n5", r"Sum\n()\ngrad 1")]
    edges = re.findall(r'^  (n\d) -> (n\d) \[label="([^"]*)", color="(#[0-9a-f]{6})", '
                       r'penwidth=([\d.]+)\];$', text, flags=re.M)
    assert [e[:3] for e in edges] == [("n0", "n2", "24.2"), ("n1", "n2", "14.4"),
                                      ("n0", "n3", "10"), ("n2", "n3", "10"), ("n3", "n4", "5"),
                                      ("n3", "n4", "5"), ("n4", "n5", "1.41")]
    # The largest edge is the darkest and widest; a smaller norm is never drawn heavier.
    assert edges[0][3:] == ("#08306b", "3.50")
    widths = [float(e[4]) for e in edges]
    norms = [float(e[2]) for e in edges]
    assert all((a >= b) == (wa >= wb) for a, wa in zip(norms, widths) for b, wb in zip(norms, widths))
    assert "style=dashed" not in text and "graph [label=" in text


def test_edge_gradient_norms_are_the_true_per_edge_gradients():
    graph, x, w = small_graph()
    graph.backward()
    norms = edge_norms(graph)
    assert norms[("x", "y = SkipAdd")] == [pytest.approx(10.0)]      # the skip: ||dL/dy||
    assert norms[("Mul", "y = SkipAdd")] == [pytest.approx(10.0)]    # the branch: ||dL/dy||
    assert norms[("x", "Mul")] == [pytest.approx(math.hypot(24, 3))]
    assert norms[("w", "Mul")] == [pytest.approx(math.hypot(8, 12))]
    assert norms[("y = SkipAdd", "Mul")] == [pytest.approx(5.0)] * 2  # y * y: y twice
    assert norms[("Mul", "Sum")] == [pytest.approx(math.sqrt(2))]
    # The gradient that reached x is the sum of what its two edges carried, not of their norms.
    assert np.array_equal(x.grad.numpy(), [32.0, 9.0])
    node = {n.name: n.grad_norm for n in graph.view()[0]}
    assert node["x"] == pytest.approx(math.hypot(32, 9)) != pytest.approx(10 + math.hypot(24, 3))
    assert node["w"] == pytest.approx(np.linalg.norm(w.grad.numpy()))
    assert node["Sum"] == 1.0


def test_shortcut_grad_false_shows_the_skip_edge_cut():
    graph, x, _ = small_graph(shortcut_grad=False)
    text = graph.backward().dot()
    norms = edge_norms(graph)
    assert norms[("x", "y = SkipAdd")] == [0.0]
    assert norms[("Mul", "y = SkipAdd")] == [pytest.approx(10.0)]  # the branch is untouched
    assert re.findall(r"^  n0 -> n3 \[(.*)\];$", text, flags=re.M) == [
        'label="0 (cut)", color="#999999", penwidth=1.00, style=dashed']
    assert text.count("style=dashed") == 1
    assert np.array_equal(x.grad.numpy(), [24.0, 3.0])  # the branch's share only


def residual_block(shortcut_grad=True):
    block = nn.ResidualBlock(nn.Sequential(nn.Linear(3, 3, generator=np.random.default_rng(0)),
                                           nn.Tanh()), shortcut_grad=shortcut_grad).double()
    x = mg.randn(2, 3, dtype=mg.float64, generator=np.random.default_rng(1), requires_grad=True)
    y = block(x)
    y.retain_grad()
    return block, x, y, (y * y).sum()


@pytest.mark.parametrize("shortcut_grad", [True, False])
def test_a_residual_blocks_skip_and_branch_edges_carry_dl_dy(shortcut_grad):
    _, x, y, loss = residual_block(shortcut_grad)
    graph = viz.draw_graph(loss, names={"x": x, "y": y})
    norms, dy = edge_norms(graph), np.linalg.norm(y.grad.numpy())
    assert norms[("x", "y = SkipAdd")] == [pytest.approx(dy) if shortcut_grad else 0.0]
    assert norms[("Tanh", "y = SkipAdd")] == [pytest.approx(dy)]
    node = {n.name: n.grad_norm for n in graph.view()[0]}
    assert node["x"] == pytest.approx(np.linalg.norm(x.grad.numpy()))
    assert node["y = SkipAdd"] == pytest.approx(dy)


def test_the_engine_observer_sees_each_op_once_and_is_gone_after_backward():
    seen = []
    autograd.edge_observers.append(lambda t, inputs, grads: seen.append((t, len(inputs))))
    try:
        graph, _, _ = small_graph()
        graph.root.backward()
    finally:
        autograd.edge_observers.clear()
    assert [n for _, n in seen] == [1, 2, 2, 2]  # Sum, Mul(y, y), SkipAdd, Mul(x, w)
    assert not graph.has_gradients  # a backward of its own records nothing in a Graph

    graph, _, _ = small_graph()
    graph.backward()
    assert autograd.edge_observers == []
    broken = viz.Graph((Broken.apply(mg.tensor([1.0], requires_grad=True)) * 2).sum())
    with pytest.raises(ArithmeticError, match="broken backward"):
        broken.backward()  # the observer has seen Sum and Mul when Broken raises
    assert autograd.edge_observers == []
    assert not broken.has_gradients  # a failed backward leaves no half picture


class Broken(mg.Function, register=False):
    """y = x.   VJP: none; backward raises, to fail in the middle of a backward pass."""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        raise ArithmeticError("broken backward")


def modules_graph(**view):
    model = nn.Sequential(
        nn.ResidualBlock(nn.Linear(2, 2, generator=np.random.default_rng(0))),
        nn.ResidualBlock(nn.Linear(2, 2, generator=np.random.default_rng(1)))).double()
    x = mg.tensor([[1.0, -2.0]], dtype=mg.float64, requires_grad=True)
    with viz.record_modules(model) as calls:
        y = model(x)
        loss = (y * y).sum()
    assert all(not m._forward_hooks for m in model.modules())  # the hooks came off
    return viz.Graph(loss, names={"x": x}, modules=calls, **view).backward(), x


def test_collapsed_per_module_one_node_per_module():
    graph, x = modules_graph()
    nodes, edges = graph.view()
    assert [(n.name, n.kind) for n in nodes] == [
        ("x", "leaf"), ("0 (ResidualBlock)", "module"), ("1 (ResidualBlock)", "module"),
        ("Mul", "op"), ("Sum", "op")]
    keys = [n.key for n in nodes]
    assert [(e.source, e.target) for e in edges] == [
        (keys[0], keys[1]), (keys[1], keys[2]), (keys[2], keys[3]), (keys[2], keys[3]),
        (keys[3], keys[4])]
    # x's skip and branch edges into block 0 are one edge, carrying their sum: x.grad.
    assert edges[0].grad_norm == pytest.approx(np.linalg.norm(x.grad.numpy()))
    assert '[label="1 (ResidualBlock)\\n(1, 2)\\ngrad ' in graph.dot()


def test_expanding_a_module_draws_its_ops_named_after_the_model():
    graph, _ = modules_graph(expand=("1",))
    names = [n.name for n in graph.view()[0]]
    assert names[:2] == ["x", "0 (ResidualBlock)"]
    assert {"1.branch.weight", "1.branch.bias", "MatMul", "SkipAdd"} <= set(names)
    assert "1 (ResidualBlock)" not in names
    graph.expand, graph.depth = (), None  # every op
    assert sum(n.name == "SkipAdd" for n in graph.view()[0]) == 2
    graph.depth = 0  # the whole model as one node
    assert [n.name for n in graph.view()[0]] == ["x", "model (Sequential)", "Mul", "Sum"]


def test_a_module_called_with_a_keyword_argument_stops_at_it():
    class Double(nn.Module):
        def forward(self, x):
            return x * 2

    model = nn.Sequential(Double())
    x = mg.tensor([0.5, -1.0], requires_grad=True)
    with viz.record_modules(model) as calls:
        loss = model[0](x=x * 3).sum()  # x * 3 is no part of the module
    graph = viz.Graph(loss, names={"x": x}, modules=calls)
    assert [n.name for n in graph.view()[0]] == ["x", "Mul", "0 (Double)", "Sum"]


def test_without_dot_a_png_and_an_svg_are_drawn_with_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *args, **kwargs: None)
    graph, _, _ = small_graph(shortcut_grad=False)
    graph.backward()
    assert graph.save(tmp_path / "g.png") == "matplotlib"
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert graph.save(tmp_path / "g.svg") == "matplotlib"
    assert "<svg" in (tmp_path / "g.svg").read_text()
    assert graph._repr_svg_() is None and graph._repr_png_()[:4] == b"\x89PNG"


def test_with_dot_on_the_path_graphviz_renders_the_dot_text(tmp_path, monkeypatch):
    fake = tmp_path / "dot"  # writes its arguments and input where the test can read them
    fake.write_text(f"#!{sys.executable}\nimport sys, pathlib\n"
                    f"pathlib.Path({str(tmp_path / 'seen')!r}).write_text("
                    f"' '.join(sys.argv[1:]) + '\\n' + sys.stdin.read())\n"
                    f"sys.stdout.write('<svg>fake</svg>')\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: str(fake) if name == "dot" else None)
    graph, _, _ = small_graph()
    assert graph.save(tmp_path / "g.svg") == "graphviz"
    assert (tmp_path / "g.svg").read_text() == "<svg>fake</svg>"
    assert (tmp_path / "seen").read_text() == "-Tsvg\n" + graph.dot()
    assert graph._repr_svg_() == "<svg>fake</svg>" and graph._repr_png_() is None


def test_dot_text_is_saved_as_is_and_other_suffixes_are_refused(tmp_path):
    graph, _, _ = small_graph()
    assert graph.save(tmp_path / "g.dot") == "dot text"
    assert (tmp_path / "g.dot").read_text() == graph.dot()
    with pytest.raises(ValueError, match=r"Graph.save: path must end in one of .dot, .gv, "
                                         r".svg, .png, .pdf, got '.*g.jpg'"):
        graph.save(tmp_path / "g.jpg")


def test_bad_input_gets_a_clear_error():
    with pytest.raises(TypeError, match="viz.Graph: tensor must be a minigrad Tensor, got list"):
        viz.Graph([1.0, 2.0])
    with pytest.raises(ValueError, match="viz.Graph: this tensor does not require grad, so it "
                                         "has no graph to draw"):
        viz.Graph(mg.tensor([1.0]) * 2)
    x = mg.tensor([1.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    with pytest.raises(ValueError, match="freed by an earlier backward; make the Graph first"):
        viz.draw_graph(loss)
    loss = (x * x).sum()
    with pytest.raises(TypeError, match=r"viz.Graph: names must be a dict of \{name: Tensor\}"):
        viz.Graph(loss, names={"x": 1.0})
    with pytest.raises(TypeError, match="modules must come from viz.record_modules"):
        viz.Graph(loss, modules=nn.Linear(1, 1))
    with pytest.raises(ValueError, match="depth must be a non-negative int or None, got -1"):
        viz.Graph(loss, depth=-1)
    with pytest.raises(ValueError, match=r"expand names modules that made no part of this "
                                         r"graph: \['blocks.9'\]"):
        viz.Graph(loss, expand="blocks.9")
    with pytest.raises(TypeError, match="record_modules: model must be an nn.Module, got str"):
        viz.record_modules("model")


def test_a_leaf_is_a_graph_of_one_node():
    x = mg.tensor([3.0, 4.0], requires_grad=True)
    graph = viz.draw_graph(x, gradient=np.array([1.0, 1.0]), names={"x": x})
    assert graph.view() == ([viz.GraphNode("n0", "x", (2,), "leaf", pytest.approx(math.sqrt(2)))],
                            [])


def test_the_tours_drawing_runs_as_written(tmp_path):
    root = pathlib.Path(__file__).resolve().parent.parent
    tour = (root / "docs" / "tour.md").read_text()
    [code] = [block for block in re.findall(r"```python\n(.*?)```", tour, flags=re.S)
              if "viz." in block]
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "block.png").read_bytes()[:4] == b"\x89PNG"
