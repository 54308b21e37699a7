"""What a Tensor reduces: sum, mean, max and min (with their indices), amax, amin, argmax,
prod, cumsum, var, std, norm, logsumexp, all, any, with `torch.Tensor`'s names and
signatures, mixed into `Tensor`. Each calls a reduction op in ops/reduction.py or composes
ops, so its gradient follows.

They take PyTorch's `dim` and `keepdim`; numpy's `axis` and `keepdims` are accepted as
aliases, as PyTorch accepts them.
"""

from collections import namedtuple

import numpy as np

from . import dtypes, ops
from . import tensor as tensor_module  # the class these methods belong to (see tensor.py)
from .tensor_math import _alias, _all_if_empty, _array

#: What max(dim) and min(dim) return, as torch.return_types.max: (values, indices).
ValuesIndices = namedtuple("ValuesIndices", ["values", "indices"])


class TensorReductions:
    """The reductions of `Tensor` (see tensor.py for the class itself)."""

    def sum(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        """Sum over `dim` (None: all; an int or a tuple). Op: `ops.reduction.Sum`."""
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        x = self if dtype is None else self.to(dtype)
        return ops.reduction.Sum.apply(x, axis=self._dims(_all_if_empty(dim), "sum"),
                                       keepdims=keepdim)

    def mean(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        """Mean over `dim`, of a floating-point tensor (as PyTorch: pass dtype= for an
        integer one). Op: `ops.reduction.Mean`."""
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        x = self if dtype is None else self.to(dtype)
        if not dtypes.is_floating(x.dtype):
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be a "
                               f"floating point dtype, got {x.dtype}; write x.float().mean()")
        return ops.reduction.Mean.apply(x, axis=self._dims(_all_if_empty(dim), "mean"),
                                        keepdims=keepdim)

    def amax(self, dim=(), keepdim=False, *, axis=None, keepdims=None):
        """Maximum over `dim` (() or None: all); ties share the gradient equally, as
        torch.amax. Op: `ops.reduction.Max`."""
        dim, keepdim = _alias(None if dim == () else dim, keepdim, axis, keepdims)
        return ops.reduction.Max.apply(self, axis=self._dims(_all_if_empty(dim), "amax"),
                                       keepdims=keepdim)

    def amin(self, dim=(), keepdim=False, *, axis=None, keepdims=None):
        """Minimum over `dim`, as `amax`. Op: `ops.reduction.Min`."""
        dim, keepdim = _alias(None if dim == () else dim, keepdim, axis, keepdims)
        return ops.reduction.Min.apply(self, axis=self._dims(_all_if_empty(dim), "amin"),
                                       keepdims=keepdim)

    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """As torch: max() is the largest element (ties share the gradient); max(dim) is
        (values, indices) along dim, the gradient going to the index returned (the first
        maximum); max(other) is the elementwise `maximum`."""
        if isinstance(dim, tensor_module.Tensor):
            return ops.elementwise.Maximum.apply(self, dim)
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        if dim is None:
            return ops.reduction.Max.apply(self, axis=None, keepdims=False)
        return self._pick_along(dim, keepdim, self._arg(np.argmax, dim, True, "max"))

    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """As `max`, for the smallest."""
        if isinstance(dim, tensor_module.Tensor):
            return ops.elementwise.Minimum.apply(self, dim)
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        if dim is None:
            return ops.reduction.Min.apply(self, axis=None, keepdims=False)
        return self._pick_along(dim, keepdim, self._arg(np.argmin, dim, True, "min"))

    def _pick_along(self, dim, keepdim, index):
        values = self.gather(dim, index)
        if not keepdim:
            values, index = values.squeeze(dim), index.squeeze(dim)
        return ValuesIndices(values, index)

    def gather(self, dim, index):
        """y[..., i, ...] = x[..., index[..., i, ...], ...] along dim, as torch.gather.
        Op: `ops.shape.Gather`."""
        return ops.shape.Gather.apply(self, index=np.asarray(_array(index)),
                                      axis=self._dim(dim, "gather"))

    def argmax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Index of the (first) largest value, over everything (flat) or along dim; int64."""
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        return self._arg(np.argmax, dim, keepdim, "argmax")

    def argmin(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """Index of the (first) smallest value, as `argmax`."""
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        return self._arg(np.argmin, dim, keepdim, "argmin")

    def _arg(self, find, dim, keepdim, op):
        if dim is None:
            index = find(self._array.reshape(-1))
            index = index.reshape((1,) * self.ndim) if keepdim else index
        else:
            index = find(self._array, axis=self._dim(dim, op), keepdims=keepdim)
        return type(self)._from_op(np.asarray(index, dtype=np.int64), requires_grad=False)

    def prod(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        """Product over all elements or along dim. Op: `ops.reduction.Prod`."""
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        x = self if dtype is None else self.to(dtype)
        return ops.reduction.Prod.apply(x, axis=None if dim is None else self._dim(dim, "prod"),
                                        keepdims=keepdim)

    def cumsum(self, dim=None, *, dtype=None, axis=None):
        """Running sums along dim. Op: `ops.reduction.Cumsum`."""
        dim = axis if axis is not None else dim
        x = self if dtype is None else self.to(dtype)
        return ops.reduction.Cumsum.apply(x, axis=self._dim(dim, "cumsum"))

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,
            keepdims=None):
        """Variance, sum((x - mean)^2) / (n - correction); correction 1 by default, as torch
        (unbiased=False means correction 0). A composition of mean, sub, mul and sum."""
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        if unbiased is not None and correction is not None:
            raise TypeError("var: give unbiased or correction, not both")
        correction = (1 if unbiased is None else int(bool(unbiased))) if correction is None \
            else correction
        dims = self._dims(dim, "var")
        count = self.numel() if dims is None else int(np.prod([self.shape[d] for d in dims]))
        centered = self - self.mean(dims, keepdim=True)
        return (centered * centered).sum(dims, keepdim=keepdim) / max(count - correction, 0)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None,
            keepdims=None):
        """Standard deviation: the square root of `var` (same arguments)."""
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        return self.var(dim, unbiased, keepdim, correction=correction).sqrt()

    def norm(self, p="fro", dim=None, keepdim=False):
        """The p-norm over all elements or along dim (p = 2 or "fro" by default, or 1)."""
        if p in ("fro", 2):
            return (self * self).sum(self._dims(dim, "norm"), keepdim=keepdim).sqrt()
        if p == 1:
            return self.abs().sum(self._dims(dim, "norm"), keepdim=keepdim)
        raise ValueError(f"norm: p must be 'fro', 2 or 1, got {p!r}")

    def logsumexp(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """log(sum(exp(x))) along dim, computed stably (the max, a constant, taken out)."""
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        dims = self._dims(dim, "logsumexp")
        peak = type(self)._from_op(np.max(self._array, axis=dims, keepdims=True), False)
        peak = type(self)._from_op(np.where(np.isfinite(peak._array), peak._array, 0), False)
        total = (self - peak).exp().sum(dims, keepdim=True).log() + peak
        return total if keepdim else total.reshape([n for i, n in enumerate(total.shape)
                                                    if i not in dims])

    def all(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """True where every element (along dim) is nonzero; a bool tensor."""
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        return type(self)._from_op(np.asarray(np.all(self._array, axis=self._dims(dim, "all"),
                                                     keepdims=keepdim)), False)

    def any(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """True where any element (along dim) is nonzero; a bool tensor."""
        dim, keepdim = _alias(dim, keepdim, axis, keepdims)
        return type(self)._from_op(np.asarray(np.any(self._array, axis=self._dims(dim, "any"),
                                                     keepdims=keepdim)), False)
