"""Batch normalization, as `torch.nn.functional.batch_norm` (the op: ops/normalization.py)."""

import numpy as np

from ..creation import from_numpy
from ..ops.normalization import BatchNorm
from ..tensor import Tensor
from .checks import array_of, number, same_dtype


def _check_buffer(name, value, channels):
    """A running statistic: a float numpy array (or grad-free Tensor) of shape (C,)."""
    if isinstance(value, Tensor):
        if value.requires_grad:
            raise TypeError(
                f"batch_norm: {name} is a buffer updated in place and must not require grad"
            )
        value = value._array
    if not isinstance(value, np.ndarray):
        raise TypeError(
            f"batch_norm: {name} must be a numpy array or Tensor of shape ({channels},), got "
            f"{type(value).__name__}"
        )
    if value.shape != (channels,):
        raise ValueError(
            f"batch_norm: {name} must have shape ({channels},) (one value per channel), got "
            f"{value.shape}"
        )
    if not np.issubdtype(value.dtype, np.floating):
        raise TypeError(f"batch_norm: {name} must be floating point, got dtype {value.dtype}")
    return value


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalization, as `torch.nn.functional.batch_norm`.

    Args:
        x: Tensor (N, C) or (N, C, H, W), floating point.
        running_mean, running_var: (C,) float numpy arrays or Tensors without grad (buffers).
            In training mode they are updated IN PLACE, as PyTorch does:
                running_mean = (1 - momentum) * running_mean + momentum * batch_mean
                running_var  = (1 - momentum) * running_var  + momentum * batch_var * n/(n-1)
            (the running variance stores the unbiased estimate; normalization uses the biased
            one). May both be None in training mode, then nothing is tracked.
        weight, bias: (C,) Tensors gamma and beta, or None (meaning 1 and 0).
        training: True: normalize with the batch's statistics and update the running ones.
            False: normalize with the running statistics.
        momentum: weight of the new batch in the running averages.
        eps: added to the variance before the square root.

    Returns:
        Tensor of x's shape. Differentiable in x, weight and bias (formulas in `BatchNorm`).
    """
    shape = np.shape(array_of(x))
    if len(shape) not in (2, 4):
        raise ValueError(
            f"batch_norm: x must be 2-D (N, C) or 4-D (N, C, H, W), got shape {shape}"
        )
    if not np.issubdtype(np.asarray(array_of(x)).dtype, np.floating):
        raise TypeError(f"batch_norm: x must be floating point, got dtype {array_of(x).dtype}")
    channels = shape[1]
    per_channel = int(np.prod(shape)) // max(channels, 1)
    if training and per_channel <= 1:
        raise ValueError(
            f"batch_norm: expected more than 1 value per channel when training, got input "
            f"shape {shape} ({per_channel} value per channel); the batch variance needs at "
            f"least 2"
        )
    if (running_mean is None) != (running_var is None):
        raise ValueError("batch_norm: give both running_mean and running_var, or neither")
    if running_mean is None:
        if not training:
            raise ValueError(
                "batch_norm: eval mode (training=False) normalizes with running_mean and "
                "running_var, so they cannot be None"
            )
    else:
        running_mean = _check_buffer("running_mean", running_mean, channels)
        running_var = _check_buffer("running_var", running_var, channels)
    dtype = np.asarray(array_of(x)).dtype
    affine = []
    for name, value, default in (("weight", weight, 1.0), ("bias", bias, 0.0)):
        if value is None:
            value = from_numpy(np.full(channels, default, dtype=dtype))
        elif np.shape(array_of(value)) != (channels,):
            raise ValueError(
                f"batch_norm: {name} must have shape ({channels},) (one value per channel), "
                f"got {np.shape(array_of(value))}"
            )
        affine.append(value)
    same_dtype("batch_norm", x, weight=affine[0], bias=affine[1])
    number("batch_norm", "eps", eps, low=0)
    number("batch_norm", "momentum", momentum, low=0, high=1)
    return BatchNorm.apply(
        x, *affine, running_mean=running_mean, running_var=running_var,
        training=bool(training), momentum=momentum, eps=eps,
    )
