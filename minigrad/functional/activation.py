"""Activations, elementwise or along an axis (the ops: ops/activation.py), as
torch.nn.functional's. `inplace=True` writes the result into the input and returns it, through
the Tensor's in-place machinery (tensor_inplace.py), with its rules: not on a leaf that
requires grad, and not on a tensor another recorded op has already used."""

from ..ops import activation
from ..tensor import Tensor
from .checks import number


def _tensor(op_name, input):
    """As PyTorch: the functional activations take Tensors only, not lists or arrays."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{op_name}: input must be a Tensor, got {type(input).__name__} "
                        f"(wrap it: torch.tensor(...))")


def _apply(op_name, op, input, inplace=False, **params):
    _tensor(op_name, input)
    if inplace:
        return input._in_place(f"{op_name}_", lambda x: op.apply(x, **params))
    return op.apply(input, **params)


def _floating(op_name, input):
    """PyTorch computes these only for floating-point tensors (NotImplementedError, as it)."""
    _tensor(op_name, input)
    dtype = input.dtype
    if dtype.kind != "f":
        raise NotImplementedError(f"{op_name}: not implemented for a {dtype} tensor, as in "
                                  f"PyTorch; make it floating point first (x.float())")


def relu(input, inplace=False):
    """y = max(x, 0), elementwise, as torch.nn.functional.relu (an integer tensor stays
    integer).

    Returns:
        Tensor of x's shape. VJP: dL/dx = g where x > 0, else 0 (op `ReLU`).
    """
    return _apply("relu", activation.ReLU, input, inplace)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """y = x where x > 0, else negative_slope * x, as torch.nn.functional.leaky_relu.
    VJP: dL/dx = g where x > 0, else negative_slope * g (op `LeakyReLU`)."""
    number("leaky_relu", "negative_slope", negative_slope)
    _floating("leaky_relu", input)
    return _apply("leaky_relu", activation.LeakyReLU, input, inplace,
                  negative_slope=negative_slope)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """y = min(max(x, min_val), max_val), as torch.nn.functional.hardtanh (an integer tensor
    stays integer). VJP: dL/dx = g where min_val < x < max_val, else 0 (op `Hardtanh`)."""
    number("hardtanh", "min_val", min_val)
    number("hardtanh", "max_val", max_val)
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val must not be greater than max_val, got "
                         f"min_val={min_val} and max_val={max_val}")
    return _apply("hardtanh", activation.Hardtanh, input, inplace, min_val=min_val,
                  max_val=max_val)


def relu6(input, inplace=False):
    """y = min(max(x, 0), 6), as torch.nn.functional.relu6: hardtanh(x, 0, 6)."""
    return _apply("relu6", activation.Hardtanh, input, inplace, min_val=0.0, max_val=6.0)


def silu(input, inplace=False):
    """y = x * sigmoid(x), as torch.nn.functional.silu.
    VJP: dL/dx = g * s * (1 + x * (1 - s)), s = sigmoid(x) (op `SiLU`)."""
    _floating("silu", input)
    return _apply("silu", activation.SiLU, input, inplace)


def elu(input, alpha=1.0, inplace=False):
    """y = x where x > 0, else alpha * (exp(x) - 1), as torch.nn.functional.elu.
    VJP: dL/dx = g where x > 0, else g * alpha * exp(x) (op `ELU`)."""
    number("elu", "alpha", alpha)
    _floating("elu", input)
    return _apply("elu", activation.ELU, input, inplace, alpha=alpha)


def softplus(input, beta=1.0, threshold=20.0):
    """y = log(1 + exp(beta x)) / beta, and x itself where beta x > threshold, as
    torch.nn.functional.softplus. VJP: dL/dx = g * sigmoid(beta x) where beta x <= threshold,
    else g (op `Softplus`)."""
    number("softplus", "beta", beta)
    number("softplus", "threshold", threshold)
    _floating("softplus", input)
    return activation.Softplus.apply(input, beta=beta, threshold=threshold)


def gelu(input, approximate="none"):
    """y = x * Phi(x), Phi the standard normal CDF (approximate="none", through erf), or its
    tanh approximation (approximate="tanh"), as torch.nn.functional.gelu (op `GELU`)."""
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    _floating("gelu", input)
    return activation.GELU.apply(input, approximate=approximate)



def tanh(input):
    """y = tanh(input), elementwise.

    Args:
        input: Tensor of any shape.

    Returns:
        Tensor of input's shape. VJP: dL/dx = g * (1 - y^2) (op `Tanh`).
    """
    return activation.Tanh.apply(input)



def sigmoid(input):
    """y = 1 / (1 + exp(-input)), elementwise, computed without overflow for large |input|.

    Args:
        input: Tensor of any shape.

    Returns:
        Tensor of input's shape. VJP: dL/dx = g * y * (1 - y) (op `Sigmoid`).
    """
    return activation.Sigmoid.apply(input)



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
    _tensor("softmax", input)
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
    _tensor("log_softmax", input)
    return input.log_softmax(_softmax_dim("log_softmax", input, dim, axis))
