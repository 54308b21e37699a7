"""The function forms PyTorch offers beside the methods: `mg.exp(x)` is `x.exp()`,
`mg.max(x, 1)` is `x.max(1)`, plus the functions that have no method form: where, maximum,
minimum, allclose, cosine_similarity."""

import numpy as np

from .ops import elementwise
from .tensor import Tensor
from .creation import tensor
from .functional.similarity import cosine_similarity as _cosine_similarity

METHODS = ("exp", "log", "sqrt", "abs", "clamp", "clip", "relu", "tanh", "sigmoid", "softmax",
           "log_softmax", "sum", "mean", "prod", "cumsum", "var", "std", "norm", "logsumexp",
           "max", "min", "amax", "amin", "argmax", "argmin", "all", "any", "gather", "flatten",
           "reshape", "transpose", "swapaxes", "permute", "squeeze", "unsqueeze", "t", "narrow",
           "chunk", "split", "numel", "sort", "argsort", "topk", "index_select", "masked_fill",
           "unbind", "select", "roll", "eq", "ne", "lt", "le", "gt", "ge", "equal",
           "is_floating_point", "addcmul", "addcdiv", "lerp", "neg", "negative")


def _as_function(name):
    def function(input, *args, **kwargs):
        return getattr(_tensor(input), name)(*args, **kwargs)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"`mg.{name}(x, ...)` is `x.{name}(...)`.\n\n"
                        + (getattr(Tensor, name).__doc__ or ""))
    return function


def _tensor(x):
    return x if isinstance(x, Tensor) else tensor(x)


globals().update({name: _as_function(name) for name in METHODS})


def matmul(input, other):
    """input @ other, as torch.matmul."""
    return _tensor(input) @ other


def where(condition, input, other):
    """input where condition is true, else other (tensors or numbers, broadcast together),
    as torch.where. Op: `ops.elementwise.Where`."""
    condition = condition._array if isinstance(condition, Tensor) else np.asarray(condition)
    if condition.dtype != np.bool_:
        raise TypeError(f"where: condition must be a bool tensor, got dtype {condition.dtype}")
    shapes = [condition.shape] + [np.shape(v._array if isinstance(v, Tensor) else v)
                                  for v in (input, other)]
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        raise RuntimeError(f"where: the shapes of condition {shapes[0]}, input {shapes[1]} and "
                           f"other {shapes[2]} do not broadcast together") from None
    return elementwise.Where.apply(input, other, condition=condition)


def maximum(input, other):
    """The elementwise maximum (ties share the gradient). Op: `ops.elementwise.Maximum`."""
    return elementwise.Maximum.apply(input, other)


def minimum(input, other):
    """The elementwise minimum (ties share the gradient). Op: `ops.elementwise.Minimum`."""
    return elementwise.Minimum.apply(input, other)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if |input - other| <= atol + rtol |other| everywhere, as torch.allclose."""
    return bool(np.allclose(_tensor(input)._array, _tensor(other)._array, rtol=rtol, atol=atol,
                            equal_nan=equal_nan))


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """As torch.cosine_similarity: `F.cosine_similarity` (op `CosineSimilarity`)."""
    return _cosine_similarity(x1, x2, dim, eps)
