"""The functional API (`import minigrad.functional as F`), as `torch.nn.functional`.

Each function here is a thin, documented front for an op in `minigrad/ops/`, or a short
composition of ops whose gradient then follows from theirs.
"""

import numpy as np

from .conv_cost import conv_cost  # noqa: F401
from .ops import activation, loss, shape
from .ops.conv import (conv2d, depthwise_conv2d, depthwise_separable_conv2d,  # noqa: F401
                       pointwise_conv2d, spatial_separable_conv2d)
from .ops.normalization import batch_norm  # noqa: F401
from .ops.pooling import avg_pool2d, global_avg_pool2d, max_pool2d  # noqa: F401
from .ops.residual import shortcut_projection, skip_add, zero_pad_shortcut  # noqa: F401
from .tensor import Tensor


def relu(x):
    """max(x, 0), elementwise."""
    return activation.ReLU.apply(x)


def tanh(x):
    """tanh(x), elementwise."""
    return activation.Tanh.apply(x)


def sigmoid(x):
    """1 / (1 + exp(-x)), elementwise."""
    return activation.Sigmoid.apply(x)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis`."""
    return activation.Softmax.apply(x, axis=axis)


def log_softmax(x, axis=-1):
    """x - log(sum(exp(x))) along `axis`, computed stably."""
    return activation.LogSoftmax.apply(x, axis=axis)


def linear(x, weight, bias=None):
    """y = x @ weight^T + bias, as `torch.nn.functional.linear`.

    Shapes: x (..., in_features), weight (out_features, in_features), bias (out_features,).
    """
    x_shape, w_shape = _shape(x), _shape(weight)
    if len(w_shape) != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got {w_shape}")
    if not x_shape or x_shape[-1] != w_shape[1]:
        raise ValueError(
            f"linear: input's last axis must be in_features={w_shape[1]}, got input shape "
            f"{x_shape} for weight {w_shape}"
        )
    y = x @ weight.T
    if bias is not None:
        if _shape(bias) != (w_shape[0],):
            raise ValueError(
                f"linear: bias must have shape ({w_shape[0]},), got {_shape(bias)}"
            )
        y = y + bias
    return y


def cross_entropy(logits, labels):
    """Mean cross-entropy between logits (N, C) and integer class labels (N,).

    Equal to -mean(log_softmax(logits)[n, labels[n]]), computed stably.
    """
    labels = labels.data if isinstance(labels, Tensor) else np.asarray(labels)
    return loss.CrossEntropy.apply(logits, labels=labels)


def mse_loss(prediction, target):
    """Mean squared error, mean((prediction - target)^2); both must have the same shape."""
    if _shape(prediction) != _shape(target):
        raise ValueError(
            f"mse_loss: prediction {_shape(prediction)} and target {_shape(target)} must have "
            f"the same shape"
        )
    diff = prediction - target
    return (diff * diff).mean()


def pad(x, pad_width, value=0.0):
    """Constant padding, numpy-style: `pad_width` is ((before, after), ...) per axis, an int,
    or one pair for all axes. (PyTorch's F.pad lists the last axis first; numpy's does not.)"""
    return shape.Pad.apply(x, pad_width=pad_width, value=value)


def _shape(x):
    return tuple(np.shape(x.data if isinstance(x, Tensor) else x))
