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
