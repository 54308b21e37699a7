"""Batch, layer and group normalization, as `torch.nn.functional.batch_norm`, `layer_norm` and
`group_norm` (the ops: ops/normalization.py)."""

import numpy as np

from ..creation import from_numpy
from ..ops.normalization import BatchNorm, GroupNorm, LayerNorm
from ..tensor import Tensor
from .checks import array_of, bounded_number, is_int, positive_int, same_dtype, shape_of


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


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalization, as `torch.nn.functional.batch_norm`.

    Args:
        input: Tensor (N, C) or (N, C, H, W), floating point.
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
        Tensor of input's shape. Differentiable in input, weight and bias (formulas in
        `BatchNorm`).
    """
    shape = np.shape(array_of(input))
    if len(shape) not in (2, 4):
        raise ValueError(
            f"batch_norm: input must be 2-D (N, C) or 4-D (N, C, H, W), got shape {shape}"
        )
    if not np.issubdtype(np.asarray(array_of(input)).dtype, np.floating):
        raise TypeError(f"batch_norm: input must be floating point, got dtype "
                        f"{array_of(input).dtype}")
    channels = shape[1]
    per_channel = int(np.prod(shape)) // max(channels, 1)
    if training and per_channel == 1:  # 0 values (a batch of 0) give an empty output
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
    dtype = np.asarray(array_of(input)).dtype
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
    same_dtype("batch_norm", input, weight=affine[0], bias=affine[1])
    bounded_number("batch_norm", "eps", eps, low=0)
    bounded_number("batch_norm", "momentum", momentum, low=0, high=1)
    return BatchNorm.apply(
        input, *affine, running_mean=running_mean, running_var=running_var,
        training=bool(training), momentum=momentum, eps=eps,
    )


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Layer normalization, as `torch.nn.functional.layer_norm`.

    Args:
        input: Tensor (..., *normalized_shape), floating point.
        normalized_shape: an int or a sequence of ints, the shape of input's last axes; each
            example (each index into the leading axes) is normalized over them.
        weight, bias: Tensors of shape normalized_shape, or None (meaning 1 and 0).
        eps: added to the variance before the square root.

    Returns:
        Tensor of input's shape: (x - mean) / sqrt(var + eps) * weight + bias, the biased
        variance. Formula and VJP: see `LayerNorm`.
    """
    op = "layer_norm"
    shape = _float_input(op, input)
    normalized = normalized_shape_of(op, normalized_shape)
    if not normalized:
        raise RuntimeError(f"{op}: normalized_shape must hold at least one size, as PyTorch "
                           f"asks, got {normalized_shape!r}")
    if len(normalized) > len(shape) or shape[len(shape) - len(normalized):] != normalized:
        raise ValueError(f"{op}: the input's last {len(normalized)} axes must have "
                         f"normalized_shape {normalized}, got input shape {shape}")
    return LayerNorm.apply(*_affine_inputs(op, input, weight, bias, normalized, eps),
                           normalized_ndim=len(normalized), has_weight=weight is not None,
                           eps=eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Group normalization, as `torch.nn.functional.group_norm`.

    Args:
        input: Tensor (N, C, *), floating point.
        num_groups: G, dividing C: each example's channels are split into G groups of C / G,
            and each group is normalized over its channels and all their positions.
        weight, bias: (C,) Tensors, a scale and shift per channel, or None (1 and 0).
        eps: added to the variance before the square root.

    Returns:
        Tensor of input's shape. Formula and VJP: see `GroupNorm`.
    """
    op = "group_norm"
    shape = _float_input(op, input)
    if len(shape) < 2:
        raise ValueError(f"{op}: input must be at least 2-D (N, C, *), got shape {shape}")
    num_groups = positive_int(op, "num_groups", num_groups)
    if shape[1] % num_groups:
        raise ValueError(f"{op}: num_groups={num_groups} must divide the input's channels "
                         f"(C={shape[1]}, axis 1 of shape {shape})")
    if shape[0] * shape[1] // num_groups * int(np.prod(shape[2:])) == 1:
        # PyTorch's check, whose words it keeps: one value to normalize would give 0
        raise ValueError(f"{op}: Expected more than 1 value per channel when training, got "
                         f"input shape {shape} with num_groups={num_groups}")
    return GroupNorm.apply(*_affine_inputs(op, input, weight, bias, (shape[1],), eps),
                           num_groups=num_groups, has_weight=weight is not None, eps=eps)


def normalized_shape_of(op, normalized_shape):
    """An int or a sequence of ints >= 1 -> a tuple (PyTorch's normalized_shape)."""
    normalized = ((normalized_shape,) if is_int(normalized_shape) else
                  tuple(normalized_shape) if isinstance(normalized_shape, (tuple, list)) else None)
    if normalized is None or not all(map(is_int, normalized)):
        raise TypeError(f"{op}: normalized_shape must be an int or a sequence of ints, got "
                        f"{normalized_shape!r}")
    if min(normalized, default=1) < 1:
        raise ValueError(f"{op}: normalized_shape must hold sizes >= 1, got {normalized_shape!r}")
    return tuple(int(n) for n in normalized)


def _float_input(op, input):
    data = array_of(input)
    if not np.issubdtype(data.dtype, np.floating):
        raise TypeError(f"{op}: input must be floating point, got dtype {data.dtype}")
    return data.shape


def _affine_inputs(op, input, weight, bias, shape, eps):
    """(input, weight, bias) with the Nones left out, after checking shapes, dtypes and eps."""
    for name, value in (("weight", weight), ("bias", bias)):
        if value is not None and shape_of(value) != shape:
            raise ValueError(f"{op}: {name} must have shape {shape}, got {shape_of(value)}")
    same_dtype(op, input, weight=weight, bias=bias)
    bounded_number(op, "eps", eps, low=0)
    return [t for t in (input, weight, bias) if t is not None]
