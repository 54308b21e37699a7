"""Vectors along a dimension: normalize (each scaled to unit p-norm) and cosine_similarity, as
torch.nn.functional's (the ops: ops/similarity.py)."""

import numpy as np

from ..ops import similarity
from ..tensor import Tensor
from .checks import bounded_number, is_int, number


def _dim(op, dim, ndim):
    if not is_int(dim):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    if not -ndim <= dim < ndim:
        raise IndexError(f"{op}: dim {dim} is out of range for a {ndim}-d tensor (expected "
                         f"[{-ndim}, {ndim - 1}])")
    return dim % ndim


def _tensor(op, name, x):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}: {name} must be a Tensor, got {type(x).__name__}")


def _floating(op, **tensors):
    """PyTorch's RuntimeError when the common dtype of the inputs is not floating point."""
    if not any(x.dtype.kind == "f" for x in tensors.values()):
        names = " or ".join(tensors)
        dtypes = ", ".join(f"{name} {x.dtype}" for name, x in tensors.items())
        raise RuntimeError(f"{op}: {names} must be floating point, as in PyTorch, got "
                           f"{dtypes} (convert with .float())")


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """x / max(||x||_p, eps) along dim, so that each vector has unit p-norm, as
    torch.nn.functional.normalize (a 1-D input uses dim=0 or -1; a 0-d one is taken as 1-D,
    as PyTorch). VJP: dL/dx = g / d - sum(g x) / d^2 * dn/dx where the norm n passed eps (op
    `Normalize`)."""
    _tensor("normalize", "input", input)
    _floating("normalize", input=input)
    number("normalize", "p", p)
    bounded_number("normalize", "eps", eps, low=0)
    axis = _dim("normalize", dim, max(input.ndim, 1))
    if input.ndim == 0:
        return normalize(input.reshape(1), p, axis, eps).reshape(())
    return similarity.Normalize.apply(input, p=float(p), axis=axis, eps=eps)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 x2) / (max(||x1||, eps) max(||x2||, eps)) along dim, x1 and x2 broadcast
    together, as torch.nn.functional.cosine_similarity (PyTorch 2: each norm is clamped
    separately; an integer input is promoted with the other). VJP: see the op `CosineSimilarity`."""
    _tensor("cosine_similarity", "x1", x1)
    _tensor("cosine_similarity", "x2", x2)
    _floating("cosine_similarity", x1=x1, x2=x2)
    bounded_number("cosine_similarity", "eps", eps, low=0)
    try:
        shape = np.broadcast_shapes(x1.shape, x2.shape)
    except ValueError:
        raise ValueError(f"cosine_similarity: x1 {x1.shape} and x2 {x2.shape} must broadcast "
                         f"together") from None
    if not shape:
        raise ValueError("cosine_similarity: x1 and x2 must have at least one dimension")
    axis = _dim("cosine_similarity", dim, len(shape))
    return similarity.CosineSimilarity.apply(x1, x2, axis=axis, eps=eps)
