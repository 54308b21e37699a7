"""Dropout, as torch.nn.functional.dropout."""

import numpy as np

from ..generator import rng
from ..tensor import Tensor
from .checks import bounded_number


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p and scale the rest by 1 / (1 - p), in training;
    the identity in eval (training=False), as PyTorch's (inverted) dropout.

    A product with a constant mask, so dL/dinput = g * mask / (1 - p). The mask comes from
    the default generator (`mg.manual_seed` reproduces it). With inplace=True the input is
    multiplied in place (`input.mul_(mask)`), under the rules of every in-place op.
    """
    bounded_number("dropout", "p", p, low=0, high=1)
    if not isinstance(input, Tensor):
        raise TypeError(f"dropout: input must be a Tensor, got {type(input).__name__}")
    if not training or p == 0:
        return input
    array = input._array
    if p < 1 and array.dtype.kind not in "fc":
        # torch refuses too: the kept values, scaled by 1 / (1 - p), are no longer integers.
        # Raised before the mask is drawn, so the generator does not move.
        raise RuntimeError(f"dropout: with 0 < p < 1 the input must be floating point (the "
                           f"kept values are scaled by 1 / (1 - p)), got dtype {array.dtype}")
    mask = np.zeros_like(array) if p == 1 else (
        (rng().random(array.shape) >= p) / (1 - p)).astype(array.dtype)
    return input.mul_(Tensor._plain(mask)) if inplace else input * Tensor._plain(mask)
