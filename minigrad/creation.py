"""Factories: tensor, zeros, ones, randn, rand, and stacking tensors together."""

import numpy as np

from .ops import shape as shape_ops
from .tensor import Tensor

_default_generator = np.random.default_rng()


def manual_seed(seed):
    """Reseed the generator that randn/rand use when no `generator` is given."""
    global _default_generator
    _default_generator = np.random.default_rng(seed)
    return _default_generator


def _shape(shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def tensor(data, requires_grad=False, dtype=None):
    """Make a Tensor (same as `Tensor(...)`, the spelling PyTorch users type)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*shape, dtype=np.float32, requires_grad=False):
    """A tensor of zeros: `zeros(2, 3)` or `zeros((2, 3))`; float32 unless `dtype` is given."""
    return Tensor(np.zeros(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def ones(*shape, dtype=np.float32, requires_grad=False):
    """A tensor of ones: `ones(2, 3)` or `ones((2, 3))`; float32 unless `dtype` is given."""
    return Tensor(np.ones(_shape(shape), dtype=dtype), requires_grad=requires_grad)


def randn(*shape, generator=None, dtype=np.float32, requires_grad=False):
    """Standard normal samples; pass `generator=np.random.default_rng(seed)` to reproduce."""
    rng = generator if generator is not None else _default_generator
    data = rng.standard_normal(_shape(shape)).astype(dtype)
    return Tensor(data, requires_grad=requires_grad)


def rand(*shape, generator=None, dtype=np.float32, requires_grad=False):
    """Uniform samples on [0, 1); pass `generator=np.random.default_rng(seed)` to reproduce."""
    rng = generator if generator is not None else _default_generator
    data = rng.random(_shape(shape)).astype(dtype)
    return Tensor(data, requires_grad=requires_grad)


def concatenate(tensors, axis=0):
    """Join tensors along an existing axis (`torch.cat`)."""
    return shape_ops.Concatenate.apply(*tensors, axis=axis)


cat = concatenate


def stack(tensors, axis=0):
    """Join same-shaped tensors along a new axis."""
    return shape_ops.Stack.apply(*tensors, axis=axis)
