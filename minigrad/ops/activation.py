"""Activations and the softmax family."""

import numpy as np

from ..function import Function


class ReLU(Function):
    """y = max(x, 0).   VJP: dL/dx = g where x > 0, else 0."""

    @staticmethod
    def forward(ctx, x):
        positive = x > 0
        ctx.positive = positive
        return x * positive

    @staticmethod
    def backward(ctx, grad):
        return (grad * ctx.positive,)


class Tanh(Function):
    """y = tanh(x).   VJP: dL/dx = g * (1 - y^2)."""

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved
        return (grad * (1 - y * y),)


class Sigmoid(Function):
    """y = 1 / (1 + exp(-x)).   VJP: dL/dx = g * y * (1 - y)."""

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x):
        # exp of a large positive argument overflows; exp(-|x|) never does.
        z = np.exp(-np.abs(x))
        y = np.where(x >= 0, 1 / (1 + z), z / (1 + z)).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved
        return (grad * y * (1 - y),)


def log_softmax_array(x, axis):
    """log softmax computed stably: subtracting the max keeps exp from overflowing."""
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


class Softmax(Function):
    """y_i = exp(x_i) / sum_j exp(x_j) along `axis`.

    VJP: dL/dx = y * (g - sum(g * y)), the Jacobian diag(y) - y y^T applied to g.
    """

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x, axis=-1):
        y = np.exp(log_softmax_array(x, axis))
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved
        return (y * (grad - (grad * y).sum(axis=ctx.axis, keepdims=True)),)


class LogSoftmax(Function):
    """y = x - log(sum(exp(x))) along `axis`.   VJP: dL/dx = g - softmax(x) * sum(g)."""

    dtype_rule = "float"

    @staticmethod
    def forward(ctx, x, axis=-1):
        y = log_softmax_array(x, axis)
        ctx.save_for_backward(y)
        ctx.axis = axis
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved
        return (grad - np.exp(y) * grad.sum(axis=ctx.axis, keepdims=True),)
