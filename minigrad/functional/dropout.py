"""Dropout, as torch.nn.functional.dropout."""

import numpy as np

from ..generator import rng
from ..tensor import Tensor
from .checks import number


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1 / (1 - p), in training;
    the identity in eval (training=False), as PyTorch's (inverted) dropout.

    A product with a constant mask, so dL/dinput = g * mask / (1 - p). The mask comes from
    the default generator (`mg.manual_seed` reproduces it).
    """
    number("dropout", "p", p, low=0, high=1)
    if inplace:
        raise NotImplementedError("dropout: inplace=True is not supported; leave it False")
    if not training or p == 0:
        return input
    array = input._array if isinstance(input, Tensor) else np.asarray(input)
    if p == 1:
        return input * Tensor._plain(np.zeros_like(array))
    keep = rng().random(array.shape) >= p
    return input * Tensor._plain((keep / (1 - p)).astype(array.dtype))
