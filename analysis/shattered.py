"""Shattered gradients (Balduzzi et al. 2017): how the input gradient changes along a line.

For the CIFAR-style plain and residual 6n+2 nets of `models.resnet` at initialization:
take a line of inputs x(t) = (1 - t) a + t b between two training digits a and b, a fixed
random projection p of the logits, and the directional derivative

    d(t) = <d(p . f(x))/dx at x(t), b - a>,

the derivative of p . f along the line. In a shallow net d(t) is smooth in t (brown noise:
neighbouring values agree, lag-1 autocorrelation near 1); Balduzzi et al. found that in deep
plain nets with batch norm it becomes white noise (autocorrelation near 0), while residual
nets keep it correlated. The cosine between neighbouring input gradients tells the same in
the full input space.

Batch norm is in eval mode with the statistics of one batch of training images (momentum 1:
each layer's running mean and variance are that batch's), so that every input's output, and
hence its gradient, depends on that input alone: one backward of sum over the batch of
p . f(x_i) gives all the line's gradients at once.
"""

import numpy as np

import minigrad as mg
from minigrad import nn
from minigrad.models.resnet import resnet

from .claims import claim, findings
from .sections import table

#: n of the 6n+2 nets measured by default: 8, 14, 20, 32 and 50 layers.
DEPTHS_N = (1, 2, 3, 5, 8)
FAMILIES = ("plain", "residual")


def calibrate_batch_norm(model, images):
    """Set every batch norm's running statistics to those of `images` (one forward in train
    mode with momentum 1), then put the model in eval mode."""
    norms = [m for m in model.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]
    saved = [m.momentum for m in norms]
    for m in norms:
        m.momentum = 1.0
    model.train()
    with mg.no_grad():
        model(mg.tensor(images))
    for m, momentum in zip(norms, saved):
        m.momentum = momentum
    model.eval()
    return model


def interpolation_line(a, b, points):
    """`points` inputs evenly spaced from a to b (both ends included): (points, *a.shape)."""
    t = np.linspace(0.0, 1.0, points).reshape((points,) + (1,) * a.ndim)
    return (1.0 - t) * a + t * b


def input_gradients(model, inputs, projection):
    """d(projection . model(x_i))/dx_i for every row x_i of `inputs`, with one backward.
    Exact per input only when rows do not interact (batch norm in eval mode)."""
    x = mg.tensor(inputs, requires_grad=True)
    logits = model(x)
    (logits * mg.tensor(projection)).sum().backward()
    return x.grad.numpy()


def lag1_autocorrelation(values):
    """Sample autocorrelation at lag 1: sum (v_i - m)(v_{i+1} - m) / sum (v_i - m)^2.
    NaN for a constant sequence."""
    centred = np.asarray(values, dtype=np.float64) - np.mean(values)
    energy = float(np.dot(centred, centred))
    return float(np.dot(centred[:-1], centred[1:]) / energy) if energy > 0 else float("nan")


def neighbour_cosine(gradients):
    """Mean cosine between the gradients at neighbouring points of the line."""
    flat = gradients.reshape(len(gradients), -1)
    dots = np.einsum("ij,ij->i", flat[:-1], flat[1:])
    norms = np.linalg.norm(flat[:-1], axis=1) * np.linalg.norm(flat[1:], axis=1)
    return float(np.mean(dots / np.where(norms > 0, norms, np.nan)))


def draw_lines(split, lines, seed):
    """`lines` pairs of training digits of different classes, and one standard-normal
    projection of the 10 logits per line. The same seed draws the same lines."""
    rng = np.random.default_rng(seed)
    pairs, projections = [], []
    while len(pairs) < lines:
        i, j = rng.choice(len(split.y_train), size=2, replace=False)
        if split.y_train[i] != split.y_train[j]:
            pairs.append((int(i), int(j)))
            projections.append(rng.standard_normal(10))
    return pairs, projections


def measure_net(model, split, pairs, projections, points=256):
    """acf1 and neighbour cosine of the (calibrated, eval-mode) `model` on each line, and the
    directional derivatives along the first line."""
    x = split.x_train.astype(np.float64)
    acf1, cosine, first = [], [], None
    for (i, j), projection in zip(pairs, projections):
        gradients = input_gradients(model, interpolation_line(x[i], x[j], points), projection)
        along = gradients.reshape(points, -1) @ (x[j] - x[i]).ravel()
        acf1.append(lag1_autocorrelation(along))
        cosine.append(neighbour_cosine(gradients))
        first = along if first is None else first
    return {"acf1": acf1, "cosine": cosine, "derivative": first.tolist()}


def build_calibrated(n, residual, split, seed, calibration_images=512):
    """The 6n+2 net at initialization (float64), batch norm calibrated on the first
    `calibration_images` training digits."""
    model = resnet(n, in_channels=1, num_classes=10, residual=residual,
                   generator=np.random.default_rng(seed))
    model.to(np.float64)
    return calibrate_batch_norm(model, split.x_train[:calibration_images].astype(np.float64))


def shattering(split, ns=DEPTHS_N, lines=3, points=256, seed=0, progress=None):
    """Experiment: for each n and family, acf1 and neighbour cosine per line (and their
    means), and the derivative along the first line.
    Returns {"layers": [6n+2, ...], "lines": [[i, j], ...], "families": {family: [per n]}}."""
    pairs, projections = draw_lines(split, lines, seed)
    families = {family: [] for family in FAMILIES}
    for n in ns:
        for family in FAMILIES:
            model = build_calibrated(n, family == "residual", split, seed)
            result = measure_net(model, split, pairs, projections, points)
            result["mean_acf1"] = float(np.mean(result["acf1"]))
            result["mean_cosine"] = float(np.mean(result["cosine"]))
            families[family].append(result)
            if progress is not None:
                progress()
    return {"layers": [6 * n + 2 for n in ns], "lines": [list(p) for p in pairs],
            "points": points, "families": families}


#: Per report size: the n of the 6n+2 nets, lines averaged over, and points per line.
SIZES = {
    "quick": dict(ns=(1, 2), lines=1, points=64),
    "default": dict(ns=DEPTHS_N, lines=3, points=256),
    "full": dict(ns=DEPTHS_N, lines=10, points=256),
}


def claims(s):
    """The headline claims, from the summary of experiments.run_shattered: deep plain nets'
    derivative along a line is white noise, the ResNets' stays correlated, and at 8 layers
    neither is shattered. On seeds 0 to 3 at default size: plain 8 layers 0.92 to 0.96,
    32 layers -0.03 to 0.03, 50 layers -0.02 to 0.06; residual 8 layers 0.94 to 0.97,
    32 layers 0.85 to 0.87, 50 layers 0.80 to 0.82."""
    layers = s["layers"]
    plain, residual = s["acf1"]["plain"], s["acf1"]["residual"]
    deep = {f"{n} layers": a for n, a in zip(layers, plain) if n >= 32}
    shallow = [(n, p, r) for n, p, r in zip(layers, plain, residual) if n <= 8]
    out = []
    if deep:
        out.append(claim("plain nets of 32 layers or more shatter the gradient: the "
                         "derivative's |acf1| is below 0.15 (by depth)", deep,
                         all(abs(a) < 0.15 for a in deep.values())))
    out.append(claim(f"residual nets keep the derivative correlated up to {max(layers)} "
                     "layers: acf1 above 0.6 (by depth)",
                     {f"{n} layers": a for n, a in zip(layers, residual)},
                     all(a > 0.6 for a in residual)))
    if shallow:
        out.append(claim("at 8 layers neither net shatters the gradient: acf1 above 0.8 "
                         "(plain, residual)", [shallow[0][1], shallow[0][2]],
                         min(shallow[0][1:]) > 0.8))
    return out


def report_section(s):
    """The report's section, written from the summary of experiments.run_shattered."""
    layers = s["layers"]
    acf, cos, spans = s["acf1"], s["cosine"], s.get("acf1_range")

    def cell(kind, i):
        if spans is None:
            return f"{acf[kind][i]:.2f}"
        return f"{acf[kind][i]:.2f} ({spans[kind][i][0]:.2f} to {spans[kind][i][1]:.2f})"

    lines = [
        "## 7. Shattered gradients",
        "",
        "![shattered gradients](shattered.png)",
        "",
        "*Left: the lag-1 autocorrelation (acf1) of the derivative d(t) along a line of "
        "inputs, against depth, for the CIFAR-style plain and residual nets (6n+2 weighted "
        "layers, batch norm) at initialization. Right: d(t) along the first line for the "
        "deepest pair. d(t) is the derivative of a fixed random projection of the logits, "
        "p . f(x), along the line x(t) = (1 - t) a + t b from a training digit a to a "
        f"digit b of another class, at {s.get('points', 256)} points. acf1 near 1 means "
        "neighbouring values agree (brown noise: a smooth gradient a step of descent can "
        "follow); near 0 means they are unrelated (white noise: the gradient is shattered). "
        "Batch norm is in eval mode with the statistics of 512 training digits (Balduzzi et "
        "al. 2017, Fig. 1).*",
        "",
    ]
    lines += table(["layers", "plain acf1 (lowest to highest line)",
                    "residual acf1 (lowest to highest line)", "plain cosine", "residual cosine"],
                   [[n, cell("plain", i), cell("residual", i), f"{cos['plain'][i]:.2f}",
                     f"{cos['residual'][i]:.2f}"] for i, n in enumerate(layers)])
    deepest = len(layers) - 1
    apart = cos["plain"][deepest] < cos["residual"][deepest] - 0.3
    lines += [
        "",
        f"Mean over {s.get('lines', 'several')} line(s). The cosine is the mean cosine between "
        "the whole input gradients (all 64 pixels) at neighbouring points of the line; at "
        f"{layers[deepest]} layers it is {cos['plain'][deepest]:.2f} for the plain net and "
        f"{cos['residual'][deepest]:.2f} for the residual one, "
        + ("the same story as acf1. " if apart else "which does not separate them. ")
        + f"At {layers[deepest]} layers the plain net's acf1 is "
        f"{acf['plain'][deepest]:.2f} and the residual net's {acf['residual'][deepest]:.2f}: "
        + ("the plain net's gradient is shattered, the residual net's is not."
           if abs(acf["plain"][deepest]) < 0.15 and acf["residual"][deepest] > 0.6 else
           "this run does not show the plain net's gradient shattered while the residual "
           "net's stays correlated."),
    ]
    return lines + ["", "Headline claims:", "", *findings(claims(s)), ""]
