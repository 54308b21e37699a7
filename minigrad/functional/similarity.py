"""Vectors along a dimension: normalize (each scaled to unit p-norm) and cosine_similarity, as
torch.nn.functional's (the ops: ops/similarity.py)."""

import numpy as np

from ..ops import similarity
from ..tensor import Tensor
from .checks import is_int, number


def _dim(op, dim, ndim):
    if not is_int(dim):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    if not -ndim <= dim < ndim:
        raise IndexError(f"{op}: dim {dim} is out of range for a {ndim}-d tensor (expected "
                         f"[{-ndim}, {ndim - 1}])")
    return dim % ndim


def _floating_tensor(op, name, x):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(x).__name__}")
    if x.dtype.kind != "f":
        raise TypeError(f"{op}: {name} must be floating point, got dtype {x.dtype} "
                        f"(convert with .float())")


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """x / max(||x||_p, eps) along dim, so that each vector has unit p-norm, as
    torch.nn.functional.normalize (a 1-D input uses dim=0 or -1). VJP: dL/dx = g / d -
    sum(g x) / d^2 * dn/dx where the norm n passed eps (op `Normalize`)."""
    _floating_tensor("normalize", "input", input)
    if input.ndim == 0:
        raise ValueError("normalize: input must have at least one dimension, got a 0-d tensor")
    number("normalize", "p", p)
    number("normalize", "eps", eps, low=0)
    axis = _dim("normalize", dim, input.ndim)
    return similarity.Normalize.apply(input, p=float(p), axis=axis, eps=eps)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 x2) / (max(||x1||, eps) max(||x2||, eps)) along dim, x1 and x2 broadcast
    together, as torch.nn.functional.cosine_similarity (PyTorch 2: each norm is clamped
    separately). VJP: see the op `CosineSimilarity`."""
    _floating_tensor("cosine_similarity", "x1", x1)
    _floating_tensor("cosine_similarity", "x2", x2)
    number("cosine_similarity", "eps", eps, low=0)
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ValueError(f"cosine_similarity: x1 {x1.shape} and x2 {x2.shape} must broadcast "
                         f"together") from None
    if not shape:
        raise ValueError("cosine_similarity: x1 and x2 must have at least one dimension")
    axis = _dim("cosine_similarity", dim, len(shape))
    return similarity.CosineSimilarity.apply(x1, x2, axis=axis, eps=eps)
