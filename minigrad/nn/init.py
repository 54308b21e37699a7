"""Weight initialization, as `torch.nn.init`: each function fills the tensor in place and
returns the tensor.

Why the scales: a layer y = W x with fan_in inputs per output has Var(y) = fan_in Var(W) Var(x).
Choosing Var(W) = gain^2 / fan_in keeps the activations' variance steady from layer to layer
on the forward pass (He et al. 2015, "kaiming"); Var(W) = gain^2 * 2 / (fan_in + fan_out)
compromises between the forward and the backward pass (Glorot & Bengio 2010, "xavier").
`gain` undoes the shrinking by the nonlinearity: sqrt(2) for ReLU, which zeroes half its inputs.
A uniform U(-b, b) has variance b^2 / 3, so its bound is b = sqrt(3) * std.

Randomness: pass `generator=np.random.default_rng(seed)`, or seed the shared default with
`mg.manual_seed(seed)`.
"""

import math

import numpy as np

from ..generator import rng
from ..tensor import Tensor


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (PyTorch's table).

    linear, conv*, sigmoid: 1;  tanh: 5/3;  relu: sqrt(2);  selu: 3/4;
    leaky_relu: sqrt(2 / (1 + slope^2)) with slope = param (default 0.01).
    """
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "sigmoid"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative slope {slope!r} is not a number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; expected one of linear, "
        f"conv1d, conv2d, conv3d, sigmoid, tanh, relu, leaky_relu, selu"
    )


def calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight, as PyTorch computes them.

    Linear weight (out, in): fan_in = in, fan_out = out.
    Conv weight (C_out, C_in/groups, kH, kW): fan_in = C_in/groups * kH * kW,
    fan_out = C_out * kH * kW (the receptive field multiplies both).
    """
    shape = _target(tensor, "calculate_fan_in_and_fan_out").shape
    if len(shape) < 2:
        raise ValueError(
            f"calculate_fan_in_and_fan_out: needs a weight with at least 2 dims, got shape {shape}"
        )
    receptive_field = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive_field, shape[0] * receptive_field


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with samples from U(a, b)."""
    if a > b:
        raise ValueError(f"uniform_: lower bound a={a} is above upper bound b={b}")
    array = _random_target(tensor, "uniform_")
    return _fill(tensor, _rng(generator).uniform(a, b, size=array.shape))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with samples from N(mean, std^2)."""
    if std < 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    array = _random_target(tensor, "normal_")
    return _fill(tensor, _rng(generator).normal(mean, std, size=array.shape))


def constant_(tensor, value):
    """Fill with `value`."""
    _target(tensor, "constant_")
    return _fill(tensor, value)


def zeros_(tensor):
    """Fill with 0."""
    return constant_(tensor, 0.0)


def ones_(tensor):
    """Fill with 1."""
    return constant_(tensor, 1.0)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)),
    so std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator=generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator=generator)


def kaiming_uniform_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """U(-b, b) with b = gain * sqrt(3 / fan), gain = calculate_gain(nonlinearity, a).

    Args:
        a: the negative slope of the leaky ReLU that follows (0 means ReLU).
        mode: "fan_in" keeps forward activations' variance, "fan_out" the backward gradients'.
    With a = sqrt(5) (PyTorch's default for Linear and Conv layers), gain = sqrt(1/3) and
    b = 1 / sqrt(fan_in).
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode, "kaiming_uniform_"))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator=generator)


def kaiming_normal_(tensor, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """N(0, std^2) with std = gain / sqrt(fan), gain = calculate_gain(nonlinearity, a);
    for ReLU, std = sqrt(2 / fan_in). Arguments as in `kaiming_uniform_`."""
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode, "kaiming_normal_"))
    return normal_(tensor, 0.0, std, generator=generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill with a (semi-)orthogonal matrix times `gain` (Saxe et al. 2014): the tensor seen
    as rows x cols = shape[0] x (the rest), with orthonormal rows (rows <= cols) or columns.

    The matrix is the Q of the QR decomposition of a standard normal matrix, each column's
    sign set by R's diagonal, which makes Q uniformly distributed over the orthogonal
    matrices (Mezzadri 2007). An empty tensor is left as it is.
    """
    array = _random_target(tensor, "orthogonal_")
    if array.ndim < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are supported, "
                         f"got shape {tuple(array.shape)}")
    if array.size == 0:
        return tensor
    rows = array.shape[0]
    cols = array.size // rows
    flat = _rng(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(array.shape))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with samples from N(mean, std^2) truncated to [a, b] (a and b are values, not
    numbers of std), by the inverse CDF, as PyTorch: x = Phi^-1(u) for u uniform between
    Phi((a - mean) / std) and Phi((b - mean) / std). The side of the mean the interval lies
    on is mirrored to the lower tail, where the CDF keeps its relative precision."""
    if std < 0:
        raise ValueError(f"trunc_normal_: std must be >= 0, got {std}")
    if a > b:
        raise ValueError(f"trunc_normal_: lower bound a={a} is above upper bound b={b}")
    array = _random_target(tensor, "trunc_normal_")
    if std == 0:
        return _fill(tensor, min(max(mean, a), b))
    low, high = (a - mean) / std, (b - mean) / std
    flip = low > -high  # most of [low, high] right of 0: sample the mirror image instead
    if flip:
        low, high = -high, -low
    u = _rng(generator).uniform(_normal_cdf(low), _normal_cdf(high), size=array.shape)
    z = _normal_quantile(u)
    values = mean + std * (-z if flip else z)
    return _fill(tensor, np.clip(values, a, b))


def _normal_cdf(x):
    # erfc, not 1 + erf: keeps the relative precision of a small lower-tail probability
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


# Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9):
# one rational function for the middle, another in sqrt(-2 log p) for the tails.
_MIDDLE_NUMERATOR = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                     1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_MIDDLE_DENOMINATOR = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                       6.680131188771972e+01, -1.328068155288572e+01, 1.0)
_TAIL_NUMERATOR = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                   -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_TAIL_DENOMINATOR = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                     3.754408661907416e+00, 1.0)
_TAIL_START = 0.02425


def _normal_quantile(p):
    """Phi^-1(p) elementwise for an array of p in [0, 1] (-inf at 0, inf at 1)."""
    p = np.asarray(p, dtype=np.float64)
    x = np.empty_like(p)
    middle = (p >= _TAIL_START) & (p <= 1 - _TAIL_START)
    q = p[middle] - 0.5
    r = q * q
    x[middle] = q * np.polyval(_MIDDLE_NUMERATOR, r) / np.polyval(_MIDDLE_DENOMINATOR, r)
    lower, upper = p < _TAIL_START, p > 1 - _TAIL_START
    with np.errstate(divide="ignore"):
        for part, tail_p, sign in ((lower, p[lower], 1.0), (upper, 1 - p[upper], -1.0)):
            t = np.sqrt(-2.0 * np.log(tail_p))
            x[part] = sign * np.polyval(_TAIL_NUMERATOR, t) / np.polyval(_TAIL_DENOMINATOR, t)
    return x


def _fan(tensor, mode, op):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{op}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    if fan == 0:
        raise ValueError(f"{op}: cannot initialize a tensor with zero elements "
                         f"(shape {tensor.shape})")
    return fan


def _target(tensor, op):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: expected a Tensor or Parameter, got {type(tensor).__name__}")
    return tensor._array


def _random_target(tensor, op):
    array = _target(tensor, op)
    if array.dtype.kind != "f":  # random values would be truncated to a few integers
        raise NotImplementedError(f"{op}: random values are drawn only into floating tensors, "
                                  f"got dtype {array.dtype}; initialize a float tensor and "
                                  f"convert it")
    return array


def _rng(generator):
    # Read the module attribute at call time: mg.manual_seed replaces it.
    return rng(generator)


def _fill(tensor, values):
    # Sampled in float64, stored in the tensor's own dtype, into the same array: an in-place
    # change, so the version counter moves (an op that saved the weight sees it).
    tensor._array[...] = values
    tensor._version_counter()[0] += 1
    return tensor
