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



def _softmax_dim(op, x, dim, axis):
    """PyTorch's dim (axis accepted as numpy's alias). Left out, PyTorch's old rule picks it
    (dim 0 for 0-, 1- and 3-D input, else 1) and warns; minigrad asks for it instead."""
    if axis is not None:
        dim = axis
    if dim is None:
        raise TypeError(f"{op}: give dim= (the axis that sums to 1), as PyTorch asks too; "
                        f"for logits (N, C) that is dim=1")
    return dim


def softmax(input, dim=None, *, axis=None):
    """y_i = exp(x_i) / sum_j exp(x_j) along `dim`: each slice becomes a probability vector,
    as torch.nn.functional.softmax.

    Args:
        input: Tensor of any shape, e.g. logits (N, C).
        dim: the axis that sums to 1 (`axis` is accepted too).

    Returns:
        Tensor of x's shape. VJP: dL/dx = y * (g - sum(g * y)) along dim (op `Softmax`).
    """
    return input.softmax(_softmax_dim("softmax", input, dim, axis))


def log_softmax(input, dim=None, *, axis=None):
    """y = x - log(sum(exp(x))) along `dim`, computed stably (the max is subtracted first),
    as torch.nn.functional.log_softmax.

    Args:
        input: Tensor of any shape, e.g. logits (N, C).
        dim: the axis to normalize over (`axis` is accepted too).

    Returns:
        Tensor of x's shape: log-probabilities. VJP: dL/dx = g - softmax(x) * sum(g) along
        dim (op `LogSoftmax`).
    """
    return input.log_softmax(_softmax_dim("log_softmax", input, dim, axis))
