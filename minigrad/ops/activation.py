"""Activations and the softmax family."""

import math

import numpy as np

from ..function import Function
from ..kernels.special import erf_and_erfc


class ReLU(Function):
    """y = max(x, 0) (NaN stays NaN, as PyTorch's).

    VJP: dL/dx = 0 where x <= 0, else g (so g passes at NaN, as PyTorch's).
    """

    # Not x * (x > 0): -inf * 0 is NaN and -1 * 0 is -0.0. np.where gives the exact answer
    # but is ~10x slower than a product on random masks (it branches per element), so the
    # branch-free maximum and product run, and np.where only where they would differ: an
    # input holding an exact zero (-0.0 must stay -0.0) or a non-finite upstream gradient.
    @staticmethod
    def forward(ctx, x):
        ctx.passing = ~(x <= 0)  # NaN passes, as in PyTorch
        if (x == 0).any():
            return np.where(x < 0, np.zeros((), x.dtype), x)
        return np.maximum(x, np.zeros((), x.dtype))

    @staticmethod
    def backward(ctx, grad):
        if np.isfinite(grad).all():
            return (grad * ctx.passing,)
        return (np.where(ctx.passing, grad, np.zeros((), grad.dtype)),)


class Tanh(Function):
    """y = tanh(x).   VJP: dL/dx = g * (1 - y^2)."""

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved
        return (grad * (1 - y * y),)


def sigmoid_array(x):
    """sigmoid(x) computed from exp(-|x|), so it never overflows; in x's dtype."""
    z = np.exp(-np.abs(x))  # exp of a large positive argument overflows; exp(-|x|) never does
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype, copy=False)


class Sigmoid(Function):
    """y = 1 / (1 + exp(-x)).   VJP: dL/dx = g * y * (1 - y)."""

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x):
        y = sigmoid_array(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved
        return (grad * y * (1 - y),)


def log_softmax_array(x, axis):
    """log softmax computed stably: subtracting the max keeps exp from overflowing."""
    if x.shape[axis] == 0:  # nothing to normalize (and no max to subtract)
        return np.empty_like(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


class Softmax(Function):
    """y_i = exp(x_i) / sum_j exp(x_j) along `axis`.

    VJP: dL/dx = y * (g - sum(g * y)), the Jacobian diag(y) - y y^T applied to g.
    """

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x, axis=-1):
        y = np.exp(log_softmax_array(x, axis))
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved
        return (y * (grad - (grad * y).sum(axis=ctx.axis, keepdims=True)),)


class LogSoftmax(Function):
    """y = x - log(sum(exp(x))) along `axis`.   VJP: dL/dx = g - softmax(x) * sum(g)."""

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x, axis=-1):
        y = log_softmax_array(x, axis)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved
        return (grad - np.exp(y) * grad.sum(axis=ctx.axis, keepdims=True),)


class LeakyReLU(Function):
    """y = x where x > 0, else negative_slope * x.

    VJP: dL/dx = g where x > 0, else g * negative_slope.
    """

    @staticmethod
    def forward(ctx, x, negative_slope=0.01):
        positive = x > 0
        ctx.positive, ctx.negative_slope = positive, negative_slope
        return np.where(positive, x, x * negative_slope).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return (np.where(ctx.positive, grad, grad * ctx.negative_slope),)


class Hardtanh(Function):
    """y = min(max(x, min_val), max_val) (relu6 is min_val = 0, max_val = 6).

    VJP: dL/dx = 0 where x <= min_val or x >= max_val, else g (so g passes at NaN, as
    PyTorch's).
    """

    @staticmethod
    def forward(ctx, x, min_val=-1.0, max_val=1.0):
        ctx.blocked = (x <= min_val) | (x >= max_val)
        return np.clip(x, min_val, max_val).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return (np.where(ctx.blocked, np.zeros((), grad.dtype), grad),)


class SiLU(Function):
    """y = x * sigmoid(x) (the swish), with sigmoid computed from exp(-|x|).

    VJP: dL/dx = g * s * (1 + x * (1 - s)), s = sigmoid(x).
    """

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x):
        s = sigmoid_array(x)
        ctx.save_for_backward(x, s)
        return x * s

    @staticmethod
    def backward(ctx, grad):
        x, s = ctx.saved
        return (grad * s * (1 + x * (1 - s)),)


class ELU(Function):
    """y = x where x > 0, else alpha * (exp(x) - 1), taken as expm1 (exact near 0) of
    min(x, 0) (never overflows).

    VJP: dL/dx = g * alpha * exp(x) where x <= 0, else g (so g passes at NaN, as PyTorch's).
    """

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x, alpha=1.0):
        negative_part = alpha * np.expm1(np.minimum(x, 0))
        ctx.save_for_backward(x)
        ctx.negative_part, ctx.alpha = negative_part, alpha
        return np.where(x > 0, x, negative_part).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        return (np.where(x <= 0, grad * (ctx.negative_part + ctx.alpha), grad),)


class Softplus(Function):
    """y = log(1 + exp(beta x)) / beta, and y = x where beta x > threshold (as PyTorch),
    computed as logaddexp(0, beta x), which never overflows.

    VJP: dL/dx = g * sigmoid(beta x) where beta x <= threshold, else g.
    """

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x, beta=1.0, threshold=20.0):
        scaled = x * beta
        linear = scaled > threshold
        ctx.save_for_backward(scaled)
        ctx.linear = linear
        with np.errstate(divide="ignore", invalid="ignore"):  # beta = 0 gives inf, as PyTorch
            y = np.logaddexp(0, scaled) / beta
        return np.where(linear, x, y).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (scaled,) = ctx.saved
        return (np.where(ctx.linear, grad, grad * sigmoid_array(scaled)),)


# Python floats, so that a float32 input stays float32
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_TANH_CUBIC = 0.044715


class GELU(Function):
    """approximate="none": y = x Phi(x), Phi(x) = erfc(-x / sqrt 2) / 2 the standard normal
    CDF (erfc, not 1 + erf, keeps Phi's relative precision for x << 0);
    approximate="tanh": y = x (1 + tanh(u)) / 2, u = sqrt(2/pi) (x + 0.044715 x^3).

    VJP: "none": dL/dx = g * (Phi(x) + x exp(-x^2/2) / sqrt(2 pi));
    "tanh": dL/dx = g * ((1 + t) / 2 + x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2) / 2),
    t = tanh(u).
    """

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x, approximate="none"):
        ctx.save_for_backward(x)
        ctx.approximate = approximate
        if approximate == "tanh":
            t = np.tanh(_SQRT_2_OVER_PI * (x + _TANH_CUBIC * x ** 3))
            ctx.t = t
            return 0.5 * x * (1 + t)
        cdf = (0.5 * erf_and_erfc(-x / math.sqrt(2.0))[1]).astype(x.dtype, copy=False)
        ctx.cdf = cdf
        return x * cdf

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        if ctx.approximate == "tanh":
            t = ctx.t
            du = _SQRT_2_OVER_PI * (1 + 3 * _TANH_CUBIC * x * x)
            return (grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du),)
        density = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return (grad * (ctx.cdf + x * density),)
