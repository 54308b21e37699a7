"""Vectors along one axis: scaled to unit p-norm (normalize) and compared by angle (cosine
similarity), each with PyTorch's eps."""

import numpy as np

from ..function import Function
from .arithmetic import unbroadcast


def _p_norm(size, p, axis):
    """The p-norm of |x| along axis (kept): (sum |x|^p)^(1/p); for p = inf the largest |x|,
    for p = 0 the count of nonzeros (as PyTorch)."""
    if p == np.inf:
        return size.max(axis=axis, keepdims=True)
    if p == 0:
        return (size != 0).sum(axis=axis, keepdims=True).astype(size.dtype)
    with np.errstate(divide="ignore"):  # p < 0 at a zero: |x|^p = inf, the norm 0
        return (size ** p).sum(axis=axis, keepdims=True) ** (1.0 / p)


def _p_norm_gradient(x, size, norm, p, axis):
    """dn/dx of n = ||x||_p: sign(x) |x|^(p-1) / n^(p-1); for inf, sign(x) shared among the
    elements that reach the max; for p = 0 (a count) none. 0 where n = 0 (as PyTorch's norm
    backward)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if p == 0:
            grad = np.zeros_like(x)
        elif p == np.inf:
            at_max = size == norm
            grad = np.sign(x) * at_max / at_max.sum(axis=axis, keepdims=True)
        elif p == 2:
            grad = x / norm
        elif p == 1:
            grad = np.sign(x)
        else:
            # for p < 1 a zero element would give 0 * inf: its gradient is 0, as PyTorch's
            grad = np.where(size > 0, np.sign(x) * (size / norm) ** (p - 1), 0)
    return np.where(norm > 0, grad, 0)


class Normalize(Function):
    """y = x / d, d = max(||x||_p, eps), the p-norm taken along axis.

    VJP: dL/dx = g / d - [||x||_p >= eps] sum(g x) / d^2 * dn/dx, with dn/dx = x / n for
    p = 2 and sign(x) |x|^(p-1) / n^(p-1) in general (no gradient reaches x through a norm
    clamped to eps).
    """

    @staticmethod
    def forward(ctx, x, p=2.0, axis=1, eps=1e-12):
        size = np.abs(x)
        norm = _p_norm(size, p, axis)
        denominator = np.maximum(norm, eps).astype(x.dtype, copy=False)
        ctx.save_for_backward(x)
        ctx.size, ctx.norm, ctx.denominator = size, norm, denominator
        ctx.p, ctx.axis, ctx.eps = p, axis, eps
        return x / denominator

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        d = ctx.denominator
        through_norm = (grad * x).sum(axis=ctx.axis, keepdims=True) / (d * d)
        dn = _p_norm_gradient(x, ctx.size, ctx.norm, ctx.p, ctx.axis)
        return (grad / d - np.where(ctx.norm >= ctx.eps, through_norm, 0) * dn,)


class CosineSimilarity(Function):
    """y = sum(a b) / (d_a d_b) along axis (a and b broadcast together), d = max(||.||_2, eps)
    for each input separately, as PyTorch 2 does.

    VJP: dL/da = g (b / (d_a d_b) - y a / (d_a n_a)), and the same with a and b exchanged,
    each summed back to its input's shape. As in PyTorch, the clamp to eps changes the value
    but not the path of the gradient: it flows through n_a as though unclamped (a / n_a is 0
    where n_a = 0).
    """

    dtype_rule = "promote"

    @staticmethod
    def forward(ctx, a, b, axis=1, eps=1e-8):
        shape = np.broadcast_shapes(a.shape, b.shape)
        a_full, b_full = np.broadcast_to(a, shape), np.broadcast_to(b, shape)
        norms = [np.sqrt((v * v).sum(axis=axis, keepdims=True)) for v in (a_full, b_full)]
        clamped = [np.maximum(n, eps).astype(a.dtype, copy=False) for n in norms]
        y = ((a_full / clamped[0]) * (b_full / clamped[1])).sum(axis=axis, keepdims=True)
        ctx.save_for_backward(a, b)
        ctx.norms, ctx.clamped, ctx.y, ctx.axis = norms, clamped, y, axis
        return np.squeeze(y, axis=axis)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved
        g = np.expand_dims(grad, ctx.axis)
        (n_a, n_b), (d_a, d_b), y = ctx.norms, ctx.clamped, ctx.y
        grads = []
        for this, other, n, d in ((a, b, n_a, d_a), (b, a, n_b, d_b)):
            with np.errstate(divide="ignore", invalid="ignore"):
                unit = np.where(n > 0, this / n, 0)
            full = g * (other / (d_a * d_b) - y * unit / d)
            grads.append(unbroadcast(full, this.shape))
        return tuple(grads)
