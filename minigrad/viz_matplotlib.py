"""minigrad.viz's picture without Graphviz: a layered drawing with matplotlib, so that a
bare install can still save a PNG and show one in a notebook. Rows follow the graph from
the leaves down to the root; each edge is drawn as `dot()` describes it."""

import numpy as np

from .viz import FILL, LEGEND, edge_style, node_label


def layout(nodes, edges):
    """{key: (x, y)}: each node one row below the lowest of its inputs (rows at y = 0, -1,
    ...), each row ordered by the mean position of its inputs and centred on x = 0."""
    parents = {node.key: [] for node in nodes}
    for edge in edges:
        parents[edge.target].append(edge.source)
    row = {node.key: 0 for node in nodes}
    for _ in nodes:  # longest path from a source; edges mostly come in order, so few passes
        moved = False
        for edge in edges:
            if row[edge.target] <= row[edge.source]:
                row[edge.target], moved = row[edge.source] + 1, True
        if not moved:
            break
    position = {}
    for level in range(max(row.values(), default=-1) + 1):
        keys = [n.key for n in nodes if row[n.key] == level]
        keys.sort(key=lambda k: np.mean([position[p][0] for p in parents[k] if p in position]
                                        or [0.0]))
        for place, k in enumerate(keys):
            position[k] = (place - (len(keys) - 1) / 2, -float(level))
    return position


def draw(graph, target, fmt):
    """Draw the graph with matplotlib into `target` (a path or a binary file)."""
    from matplotlib.figure import Figure  # no pyplot: no window, no global state

    nodes, edges = graph.view()
    position = layout(nodes, edges)
    xs, ys = [p[0] for p in position.values()], [p[1] for p in position.values()]
    width = max(max(xs) - min(xs) + 1.2, 2.4)  # room for the legend
    figure = Figure(figsize=(2.0 * width, 1.1 * (1.3 - min(ys))))
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(-width / 2, width / 2)
    axes.set_ylim(min(ys) - 0.7, 0.6)
    axes.axis("off")
    boxes = {node.key: axes.text(*position[node.key], node_label(node), ha="center", va="center",
                                 fontsize=7, zorder=3, bbox={
                                     "boxstyle": "round,pad=0.4", "fc": FILL[node.kind],
                                     "ec": "#333333", "lw": 1.6 if node is nodes[-1] else 0.6})
             for node in nodes}
    top = max([e.grad_norm for e in edges if e.grad_norm], default=0.0)
    seen = {}
    for edge in edges:
        style = edge_style(edge.grad_norm, top, graph.has_gradients) or {
            "label": "", "color": "#333333", "width": 1.0, "dashed": False}
        parallel = seen[edge.source, edge.target] = seen.get((edge.source, edge.target), -1) + 1
        axes.annotate("", xy=(0.5, 1.0), xycoords=boxes[edge.target], xytext=(0.5, 0.0),
                      textcoords=boxes[edge.source], zorder=1, arrowprops={
                          "arrowstyle": "-|>", "color": style["color"], "lw": 0.6 * style["width"],
                          "ls": "--" if style["dashed"] else "-", "shrinkA": 4, "shrinkB": 4,
                          "connectionstyle": f"arc3,rad={0.3 * parallel}"})
        (x0, y0), (x1, y1) = position[edge.source], position[edge.target]
        if style["label"]:
            axes.text((x0 + x1) / 2 + 0.12 * parallel, (y0 + y1) / 2, style["label"],
                      fontsize=6, color=style["color"], ha="center", va="center", zorder=2,
                      bbox={"fc": "white", "ec": "none", "pad": 0.5})
    if graph.has_gradients:
        axes.text(0, min(ys) - 0.55, LEGEND, fontsize=6, ha="center", va="bottom",
                  color="#555555")
    figure.savefig(target, format=fmt, dpi=120)
