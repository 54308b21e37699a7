"""Activations, elementwise or along an axis (the ops: ops/activation.py)."""

from ..ops import activation


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
