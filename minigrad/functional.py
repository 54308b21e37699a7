"""The functional API (`import minigrad.functional as F`), as `torch.nn.functional`.

Each function here is a thin, documented front for an op in `minigrad/ops/`, or a short
composition of ops whose gradient then follows from theirs. Every function takes and returns
Tensors; shapes use PyTorch's NCHW layout. The gradient formula of each op is derived in
docs/derivations.md and stated in the op's docstring.

Contents (functions defined in other modules are listed here too; `help(F.conv2d)` shows each):

    Activations     relu, tanh, sigmoid, softmax, log_softmax         (ops/activation.py)
    Linear          linear                                            (ops/arithmetic.py: MatMul)
    Losses          cross_entropy, mse_loss                           (ops/loss.py)
    Convolutions    conv2d, depthwise_conv2d, pointwise_conv2d,       (ops/conv.py)
                    spatial_separable_conv2d, depthwise_separable_conv2d
                    conv_cost: parameters and multiply-adds of each   (conv_cost.py)
    Pooling         max_pool2d, avg_pool2d, global_avg_pool2d         (ops/pooling.py)
    Normalization   batch_norm                                        (ops/normalization.py)
    Residual        skip_add, shortcut_projection, zero_pad_shortcut  (ops/residual.py)
    Shape           pad                                               (ops/shape.py)
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

# The public API; also what `pydoc minigrad.functional` documents, imported names included.
__all__ = [
    "relu", "tanh", "sigmoid", "softmax", "log_softmax", "linear", "cross_entropy", "mse_loss",
    "pad", "conv2d", "depthwise_conv2d", "pointwise_conv2d", "spatial_separable_conv2d",
    "depthwise_separable_conv2d", "conv_cost", "max_pool2d", "avg_pool2d", "global_avg_pool2d",
    "batch_norm", "skip_add", "shortcut_projection", "zero_pad_shortcut",
]


def relu(x):
    """y = max(x, 0), elementwise.

    Args:
        x: Tensor of any shape.

    Returns:
        Tensor of x's shape. VJP: dL/dx = g where x > 0, else 0 (op `ReLU`).
    """
    return activation.ReLU.apply(x)


def tanh(x):
    """y = tanh(x), elementwise.

    Args:
        x: Tensor of any shape.

    Returns:
        Tensor of x's shape. VJP: dL/dx = g * (1 - y^2) (op `Tanh`).
    """
    return activation.Tanh.apply(x)


def sigmoid(x):
    """y = 1 / (1 + exp(-x)), elementwise, computed without overflow for large |x|.

    Args:
        x: Tensor of any shape.

    Returns:
        Tensor of x's shape. VJP: dL/dx = g * y * (1 - y) (op `Sigmoid`).
    """
    return activation.Sigmoid.apply(x)


def softmax(x, axis=-1):
    """y_i = exp(x_i) / sum_j exp(x_j) along `axis`: each slice becomes a probability vector.

    Args:
        x: Tensor of any shape, e.g. logits (N, C).
        axis: the axis that sums to 1 (default the last).

    Returns:
        Tensor of x's shape. VJP: dL/dx = y * (g - sum(g * y)) along axis (op `Softmax`).
    """
    return activation.Softmax.apply(x, axis=axis)


def log_softmax(x, axis=-1):
    """y = x - log(sum(exp(x))) along `axis`, computed stably (the max is subtracted first).

    Args:
        x: Tensor of any shape, e.g. logits (N, C).
        axis: the axis to normalize over (default the last).

    Returns:
        Tensor of x's shape: log-probabilities. VJP: dL/dx = g - softmax(x) * sum(g) along
        axis (op `LogSoftmax`).
    """
    return activation.LogSoftmax.apply(x, axis=axis)


def linear(x, weight, bias=None):
    """y = x @ weight^T + bias, as `torch.nn.functional.linear`.

    Args:
        x: Tensor (..., in_features).
        weight: Tensor (out_features, in_features).
        bias: Tensor (out_features,) or None.

    Returns:
        Tensor (..., out_features). A composition of Permute, MatMul and Add, so for 2-D x:
        dL/dx = g @ weight, dL/dweight = g^T @ x, dL/dbias = g summed over the rows.
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

    L = -mean over n of log_softmax(logits)[n, labels[n]], computed stably (log-softmax, never
    log of softmax), so it stays finite at logits of +-1e4.

    Args:
        logits: Tensor (N, C), unnormalized scores.
        labels: integer array or Tensor (N,), each in [0, C).

    Returns:
        Scalar Tensor. VJP: dL/dlogits = g * (softmax(logits) - onehot(labels)) / N
        (op `CrossEntropy`).
    """
    labels = labels.data if isinstance(labels, Tensor) else np.asarray(labels)
    return loss.CrossEntropy.apply(logits, labels=labels)


def mse_loss(prediction, target):
    """Mean squared error, L = mean((prediction - target)^2).

    Args:
        prediction, target: Tensors (or arrays) of the same shape.

    Returns:
        Scalar Tensor. A composition of Sub, Mul and Mean, so
        dL/dprediction = 2 (prediction - target) / n for n elements.
    """
    if _shape(prediction) != _shape(target):
        raise ValueError(
            f"mse_loss: prediction {_shape(prediction)} and target {_shape(target)} must have "
            f"the same shape"
        )
    diff = prediction - target
    return (diff * diff).mean()


def pad(x, pad_width, value=0.0):
    """Constant padding, numpy-style.

    Args:
        x: Tensor of any shape.
        pad_width: ((before, after), ...) per axis, an int, or one pair for all axes.
            (PyTorch's F.pad lists the last axis first; numpy's order is kept here.)
        value: the constant to pad with.

    Returns:
        Tensor with each axis longer by before + after. VJP: dL/dx = g with the padding cut
        away (op `Pad`).
    """
    return shape.Pad.apply(x, pad_width=pad_width, value=value)


def _shape(x):
    return tuple(np.shape(x.data if isinstance(x, Tensor) else x))
