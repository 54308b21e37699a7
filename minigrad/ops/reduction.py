"""Reductions over axes: sum, mean, max, min, prod, and the running sum cumsum.

Backward of a reduction spreads each output gradient back over the elements it was
computed from; `expand_to` re-inserts the reduced axes so numpy broadcasting can do it.
"""

import numpy as np

from ..function import Function


def normalize_axis(op, axis, ndim):
    """axis (None, int or tuple, negatives allowed) as a sorted tuple of non-negative ints."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for ax in axes:
        if not -ndim <= ax < max(ndim, 1):
            raise ValueError(f"{op}: axis {ax} is out of range for a tensor of {ndim} dims")
        out.append(int(ax) % max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: repeated axis in {axis}")
    return tuple(sorted(out)) if ndim else ()


def expand_to(grad, axes, keepdims):
    """Put back the reduced axes as size-1 axes, so `grad` broadcasts against the input."""
    return grad if keepdims else np.expand_dims(grad, axes)


class Sum(Function):
    """y = sum of x over `axis`.   VJP: dL/dx = g broadcast back over the summed axes."""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        axes = normalize_axis("sum", axis, x.ndim)
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        return x.sum(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        g = expand_to(grad, ctx.axes, ctx.keepdims)
        return (np.broadcast_to(g, ctx.shape).copy(),)


class Mean(Function):
    """y = mean of x over `axis` (n elements each).   VJP: dL/dx = g / n, broadcast back."""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        axes = normalize_axis("mean", axis, x.ndim)
        ctx.shape, ctx.axes, ctx.keepdims = x.shape, axes, keepdims
        ctx.count = int(np.prod([x.shape[a] for a in axes]))
        if ctx.count == 0:  # NaN, as torch's, without numpy's "Mean of empty slice" warning
            return np.full(np.sum(x, axis=axes, keepdims=keepdims).shape, np.nan, x.dtype)
        return x.mean(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx, grad):
        if ctx.count == 0:  # x had no element to send g to
            return (np.zeros(ctx.shape, grad.dtype),)
        g = expand_to(grad, ctx.axes, ctx.keepdims) / ctx.count
        return (np.broadcast_to(g, ctx.shape).astype(grad.dtype),)


def _extremum_backward(ctx, grad):
    # The gradient goes to the element(s) that attained the extremum; ties share it equally
    # (the choice torch.amax makes), so the total still sums to g.
    x, y = ctx.saved
    y = expand_to(y, ctx.axes, ctx.keepdims)
    hit = x == y
    share = hit / hit.sum(axis=ctx.axes, keepdims=True)
    return ((share * expand_to(grad, ctx.axes, ctx.keepdims)).astype(grad.dtype),)


def _check_nonempty(op, x, axes):
    if any(x.shape[a] == 0 for a in axes) or (x.size == 0 and not axes):
        raise ValueError(f"{op}: cannot reduce over an empty axis (shape {x.shape})")


class Max(Function):
    """y = max of x over `axis`.   VJP: dL/dx = g at the maximal element(s), 0 elsewhere."""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        axes = normalize_axis("max", axis, x.ndim)
        _check_nonempty("max", x, axes)
        y = x.max(axis=axes, keepdims=keepdims)
        ctx.save_for_backward(x, y)
        ctx.axes, ctx.keepdims = axes, keepdims
        return y

    backward = staticmethod(_extremum_backward)


class Min(Function):
    """y = min of x over `axis`.   VJP: dL/dx = g at the minimal element(s), 0 elsewhere."""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        axes = normalize_axis("min", axis, x.ndim)
        _check_nonempty("min", x, axes)
        y = x.min(axis=axes, keepdims=keepdims)
        ctx.save_for_backward(x, y)
        ctx.axes, ctx.keepdims = axes, keepdims
        return y

    backward = staticmethod(_extremum_backward)


class Prod(Function):
    """y = product of x over `axis` (None: every element).

    VJP: dL/dx_i = g * (the product of all the other elements), computed as the product of
    the elements before i times that of those after i (cumulative products from both ends),
    which stays right where x has zeros (g * y / x_i would divide by zero there)."""

    @staticmethod
    def forward(ctx, x, axis=None, keepdims=False):
        ctx.save_for_backward(x)
        ctx.axis, ctx.keepdims = axis, keepdims
        return np.asarray(np.prod(x, axis=axis, keepdims=keepdims))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        flat = x.reshape(-1) if ctx.axis is None else x
        axis = 0 if ctx.axis is None else ctx.axis
        ones = np.ones_like(np.take(flat, [0], axis=axis))
        before = np.cumprod(np.concatenate([ones, flat], axis=axis), axis=axis)
        before = np.delete(before, -1, axis=axis)
        after = np.flip(np.cumprod(np.flip(np.concatenate([flat, ones], axis=axis), axis),
                                   axis=axis), axis)
        others = before * np.delete(after, 0, axis=axis)
        g = grad if ctx.keepdims or ctx.axis is None else np.expand_dims(grad, ctx.axis)
        return ((others * g).reshape(x.shape),)


class Cumsum(Function):
    """y_i = x_0 + ... + x_i along `axis`.   VJP: dL/dx_i = g_i + ... + g_last: the running
    sum of g taken from the end."""

    @staticmethod
    def forward(ctx, x, axis):
        ctx.axis = axis
        return np.cumsum(x, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        return (np.flip(np.cumsum(np.flip(grad, ctx.axis), axis=ctx.axis), ctx.axis),)
