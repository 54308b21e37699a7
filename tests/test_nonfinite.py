"""A NaN or Inf meets only what it should: in every conv kernel, forward and backward, a
non-finite pixel, weight or upstream gradient reaches exactly the entries the reference
kernel (and torch) gives it, no more (0 * inf = nan must not leak through padding zeros or
the zeros of a banded matrix)."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional as F
from kernel_sets import KERNELS, kernels

GEOMETRIES = [dict(stride=1, padding=1), dict(stride=2, padding=0),
              dict(stride=1, padding=0, dilation=2), dict(stride=2, padding=1)]
# (op, weight shape, geometries, the torch call)
OPS = {
    "conv2d": (F.conv2d, (4, 3, 3, 3), GEOMETRIES, lambda tF, x, w, **g: tF.conv2d(x, w, **g)),
    "depthwise_conv2d": (F.depthwise_conv2d, (6, 1, 3, 3), GEOMETRIES,
                         lambda tF, x, w, **g: tF.conv2d(x, w, groups=3, **g)),
    "pointwise_conv2d": (F.pointwise_conv2d, (4, 3, 1, 1), [{}],
                         lambda tF, x, w, **g: tF.conv2d(x, w)),
}
CASES = [(op, kernel_set, geometry)
         for op, (_, _, geometries, _) in OPS.items() for geometry in geometries
         for kernel_set in (KERNELS if op == "conv2d" else ("reference", "fast"))]


def _poison(x, w, g, where, value):
    x, w, g = x.copy(), w.copy(), g.copy()
    target = dict(x=x, weight=w, grad=g)[where]
    target[(0, 0) + tuple(s - 1 - s // 2 for s in target.shape[2:])] = value
    return x, w, g


def _minigrad(kernel_set, op, geometry, x, w, g):
    xt, wt = mg.tensor(x, requires_grad=True), mg.tensor(w, requires_grad=True)
    with kernels(kernel_set), np.errstate(invalid="ignore"):
        y = OPS[op][0](xt, wt, **geometry)
        y.backward(g)
    return y.detach().numpy(), xt.grad, wt.grad


def _poisoned(op, geometry, where, value):
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 3, 8, 8)), rng.standard_normal(OPS[op][1])
    y_shape = OPS[op][0](mg.tensor(x), mg.tensor(w), **geometry).shape
    return _poison(x, w, rng.standard_normal(y_shape), where, value)


@pytest.mark.parametrize("value", [np.nan, np.inf])
@pytest.mark.parametrize("where", ["x", "weight", "grad"])
@pytest.mark.parametrize("op, kernel_set, geometry", CASES)
def test_a_non_finite_entry_reaches_what_the_reference_gives_it(op, kernel_set, geometry,
                                                                where, value):
    arrays = _poisoned(op, geometry, where, value)
    expected = _minigrad("reference", op, geometry, *arrays)
    for name, got, ref in zip(("y", "dL/dx", "dL/dw"), _minigrad(kernel_set, op, geometry,
                                                                   *arrays), expected):
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12,
                                   err_msg=f"{op} {kernel_set} {geometry}: {name}")


@pytest.mark.parametrize("value", [np.nan, np.inf])
@pytest.mark.parametrize("where", ["x", "weight", "grad"])
@pytest.mark.parametrize("op, geometry", [(op, g) for op in OPS for g in OPS[op][2]])
def test_the_reference_kernel_spreads_a_non_finite_entry_as_torch(op, geometry, where, value):
    torch = pytest.importorskip("torch")
    x, w, g = _poisoned(op, geometry, where, value)
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(w, requires_grad=True)
    y = OPS[op][3](torch.nn.functional, xt, wt, **geometry)
    y.backward(torch.tensor(g))
    expected = (y.detach().numpy(), xt.grad.numpy(), wt.grad.numpy())
    for got, want in zip(_minigrad("reference", op, geometry, x, w, g), expected):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kernel_set", ["reference", "fast"])
def test_one_nan_pixel_poisons_the_nine_outputs_of_its_windows(kernel_set):
    """By hand: a 3 x 3 depthwise filter with padding 1 reads pixel (3, 3) from outputs
    (2..4, 2..4) only, of the NaN's image and channel."""
    x = np.ones((2, 2, 7, 7))
    x[1, 0, 3, 3] = np.nan
    with kernels(kernel_set), np.errstate(invalid="ignore"):
        y = F.depthwise_conv2d(mg.tensor(x), mg.ones(2, 1, 3, 3, dtype=mg.float64),
                               padding=1).numpy()
    expected = np.zeros(y.shape, dtype=bool)
    expected[1, 0, 2:5, 2:5] = True
    np.testing.assert_array_equal(np.isnan(y), expected)


def _with_non_finite(shape, seed):
    """Random values with NaN, +inf and -inf sprinkled in (ties too: values on a grid)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, size=shape).astype(np.float64)
    picks = rng.random(shape)
    x[picks < 0.15] = np.nan
    x[(picks >= 0.15) & (picks < 0.2)] = np.inf
    x[(picks >= 0.2) & (picks < 0.25)] = -np.inf
    return x


POOLS = [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1),
         dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
         dict(kernel_size=2, stride=1, dilation=2)]
# Not relu6, hardtanh, elu: torch's own gradient at NaN depends on the length (g on 7
# elements, 0 or NaN on 40: its vectorized loop and its scalar tail disagree).
ACTIVATIONS = ["relu", "leaky_relu", "silu", "gelu", "softplus", "tanh", "sigmoid"]


def _compare_with_torch(torch, name, x, params, seed):
    """y and dL/dx of minigrad's F.<name> and torch's, for a random upstream gradient."""
    g = np.random.default_rng(seed + 100).standard_normal
    xm = mg.tensor(x, requires_grad=True)
    with np.errstate(invalid="ignore"):
        ym = getattr(F, name)(xm, **params)
        grad = g(ym.shape)
        ym.backward(grad)
    xt = torch.tensor(x, requires_grad=True)
    yt = getattr(torch.nn.functional, name)(xt, **params)
    yt.backward(torch.tensor(grad))
    for got, want in ((ym.detach().numpy(), yt.detach().numpy()), (xm.grad, xt.grad.numpy())):
        np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-12, err_msg=f"{name} {params}")


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("params", POOLS)
def test_max_pool2d_at_nan_and_inf_is_torchs(params, seed):
    torch = pytest.importorskip("torch")
    _compare_with_torch(torch, "max_pool2d", _with_non_finite((2, 2, 7, 7), seed), params, seed)


@pytest.mark.parametrize("size", [7, 40])
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_at_nan_and_inf_are_torchs(name, seed, size):
    torch = pytest.importorskip("torch")
    _compare_with_torch(torch, name, _with_non_finite((size,), seed), {}, seed)
