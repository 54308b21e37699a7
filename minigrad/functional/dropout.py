"""Dropout, as torch.nn.functional.dropout."""

import numpy as np

from ..generator import rng
from ..tensor import Tensor
from .checks import number


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1 / (1 - p), in training;
    the identity in eval (training=False), as PyTorch's (inverted) dropout.

    A product with a constant mask, so dL/dinput = g * mask / (1 - p). The mask comes from
    the default generator (`mg.manual_seed` reproduces it). With inplace=True the input is
    multiplied in place (`input.mul_(mask)`), under the rules of every in-place op.
    """
    number("dropout", "p", p, low=0, high=1)
    if not isinstance(input, Tensor):
        raise TypeError(f"dropout: input must be a Tensor, got {type(input).__name__}")
    if not training or p == 0:
        return input
    array = input._array
    mask = np.zeros_like(array) if p == 1 else (
        (rng().random(array.shape) >= p) / (1 - p)).astype(array.dtype)
    return input.mul_(Tensor._plain(mask)) if inplace else input * Tensor._plain(mask)
