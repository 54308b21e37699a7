"""Elementwise math: exp, log, sqrt, abs, clip, maximum and minimum, where, and casts. Each
VJP is g times the local derivative."""

import numpy as np

from ..function import Function
from .arithmetic import unbroadcast


class Exp(Function):
    """y = exp(x).   VJP: dL/dx = g * y."""

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x):
        y = np.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved
        return (grad * y,)


class Log(Function):
    """y = log(x).   VJP: dL/dx = g / x."""

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        return (grad / x,)


class Sqrt(Function):
    """y = sqrt(x).   VJP: dL/dx = g / (2 y)."""

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x):
        y = np.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved
        return (grad / (2 * y),)


class Abs(Function):
    """y = |x|.   VJP: dL/dx = g * sign(x) (0 at x = 0, as PyTorch)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        return (grad * np.sign(x),)


class Clip(Function):
    """y = min(max(x, low), high).   VJP: dL/dx = g where low <= x <= high, else 0."""

    @staticmethod
    def forward(ctx, x, low=None, high=None):
        if low is None and high is None:
            raise ValueError("clip: give at least one of min and max")
        if low is not None and high is not None and low > high:
            raise ValueError(f"clip: min ({low}) is greater than max ({high})")
        inside = np.ones(x.shape, dtype=bool)
        if low is not None:
            inside &= x >= low
        if high is not None:
            inside &= x <= high
        ctx.inside = inside
        return np.clip(x, low, high).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.inside,)


class Maximum(Function):
    """y = max(a, b) elementwise.   VJP: g goes to the larger of a and b; where they tie,
    half to each (as PyTorch), so the two halves still sum to g."""

    dtype_rule = "promote"

    @staticmethod
    def forward(ctx, a, b):
        ctx.share_a = (a > b) + 0.5 * (a == b)
        ctx.shapes = a.shape, b.shape
        return np.maximum(a, b)

    backward = staticmethod(lambda ctx, grad: _split(ctx, grad))


class Minimum(Function):
    """y = min(a, b) elementwise.   VJP: g goes to the smaller; ties split half and half."""

    dtype_rule = "promote"

    @staticmethod
    def forward(ctx, a, b):
        ctx.share_a = (a < b) + 0.5 * (a == b)
        ctx.shapes = a.shape, b.shape
        return np.minimum(a, b)

    backward = staticmethod(lambda ctx, grad: _split(ctx, grad))


def _split(ctx, grad):
    a_shape, b_shape = ctx.shapes
    share = ctx.share_a.astype(grad.dtype, copy=False)
    return unbroadcast(grad * share, a_shape), unbroadcast(grad * (1 - share), b_shape)


class Where(Function):
    """y = a where condition, else b (condition a bool array, a parameter, not an input).

    VJP: dL/da = g where condition, else 0; dL/db = g elsewhere (each summed back to its
    input's shape)."""

    dtype_rule = "promote"

    @staticmethod
    def forward(ctx, a, b, condition):
        ctx.condition, ctx.shapes = condition, (a.shape, b.shape)
        return np.where(condition, a, b)

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        taken = np.broadcast_to(ctx.condition, grad.shape)
        return (unbroadcast(np.where(taken, grad, 0), a_shape),
                unbroadcast(np.where(taken, 0, grad), b_shape))


class Cast(Function):
    """y = x converted to `dtype` (x.double(), x.to(mg.float32)).   VJP: dL/dx = g converted
    back to x's dtype (the backward pass casts each gradient to its input's dtype)."""

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return (grad,)
