"""Binary arithmetic with numpy broadcasting, and matrix multiplication.

Broadcasting in forward means summing in backward: if a of shape (3, 1) was stretched to
(3, 4) to meet b, each a[i, 0] was used 4 times, so dL/da[i, 0] is the sum of those 4
gradients. `unbroadcast` does that sum.
"""

import numpy as np

from ..function import Function


def unbroadcast(grad, shape):
    """Sum `grad` down to `shape`, undoing numpy broadcasting (leading axes, then size-1 axes)."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def broadcast_shapes(op, a, b):
    """The common shape of a and b, or a ValueError that names the op and both shapes."""
    if a.shape == b.shape:  # the common case, without numpy's 2 us of shape arithmetic
        return a.shape
    try:
        return np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"{op}: cannot broadcast shapes {a.shape} and {b.shape}: trailing axes must be "
            f"equal or 1"
        ) from None


class Add(Function):
    """y = a + b.   VJP: dL/da = g, dL/db = g (each summed back to its input's shape)."""

    dtype_rule = "promote"

    @staticmethod
    def forward(ctx, a, b):
        broadcast_shapes("add", a, b)
        ctx.shapes = a.shape, b.shape
        return a + b

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        return unbroadcast(grad, a_shape), unbroadcast(grad, b_shape)


class Sub(Function):
    """y = a - b.   VJP: dL/da = g, dL/db = -g."""

    dtype_rule = "promote"

    @staticmethod
    def forward(ctx, a, b):
        broadcast_shapes("sub", a, b)
        ctx.shapes = a.shape, b.shape
        return a - b

    @staticmethod
    def backward(ctx, grad):
        a_shape, b_shape = ctx.shapes
        return unbroadcast(grad, a_shape), unbroadcast(-grad, b_shape)


class Mul(Function):
    """y = a * b.   VJP: dL/da = g * b, dL/db = g * a."""

    dtype_rule = "promote"

    @staticmethod
    def forward(ctx, a, b):
        broadcast_shapes("mul", a, b)
        ctx.save_for_backward(a, b)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        ga = unbroadcast(grad * b, a.shape) if need_a else None
        gb = unbroadcast(grad * a, b.shape) if need_b else None
        return ga, gb


class Div(Function):
    """y = a / b.   VJP: dL/da = g / b, dL/db = -g * a / b^2 = -g * y / b."""

    dtype_rule = "float"  # true division: int / int is float, as in PyTorch

    @staticmethod
    def forward(ctx, a, b):
        broadcast_shapes("div", a, b)
        y = a / b
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        a, b, y = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        ga = unbroadcast(grad / b, a.shape) if need_a else None
        gb = unbroadcast(-grad * y / b, b.shape) if need_b else None
        return ga, gb


class Neg(Function):
    """y = -x.   VJP: dL/dx = -g."""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return (-grad,)


class Pow(Function):
    """y = a ** b.   VJP: dL/da = g * b * a^(b-1), dL/db = g * y * log(a).

    The exponent's gradient is computed only when b requires grad, since log(a) is
    undefined for a <= 0 (where `x ** 2` is still perfectly differentiable in x).
    """

    dtype_rule = "promote"

    @staticmethod
    def forward(ctx, a, b):
        broadcast_shapes("pow", a, b)
        y = a ** b
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        a, b, y = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        ga = unbroadcast(grad * b * a ** (b - 1), a.shape) if need_a else None
        if need_b:  # where a = 0 (and b >= 0) PyTorch takes the limit, 0, not 0 * log(0)
            with np.errstate(divide="ignore", invalid="ignore"):
                gb = np.where((a == 0) & (b >= 0), 0.0, grad * y * np.log(a))
            gb = unbroadcast(gb.astype(grad.dtype, copy=False), b.shape)
        else:
            gb = None
        return ga, gb


class MatMul(Function):
    """y = a @ b, with numpy's rules (1-D operands, batched stacks that broadcast).

    VJP: for matrices, dL/da = g @ b^T, dL/db = a^T @ g. A 1-D a is treated as a row (1, k)
    and a 1-D b as a column (k, 1); batch axes that were broadcast are summed back.
    """

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype != b.dtype:
            raise RuntimeError(f"matmul: expected both operands to have the same dtype, but got "
                               f"{a.dtype} and {b.dtype}; convert one (x.float(), x.double())")
        if a.ndim == 0 or b.ndim == 0:
            raise ValueError(
                f"matmul: both operands need at least 1 dimension, got shapes {a.shape} and "
                f"{b.shape}; use * to multiply by a scalar"
            )
        k_a = a.shape[-1]
        k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if k_a != k_b:
            raise ValueError(
                f"matmul: shapes {a.shape} and {b.shape} are not aligned: the last axis of a "
                f"({k_a}) must equal the {'only' if b.ndim == 1 else 'second-to-last'} axis "
                f"of b ({k_b})"
            )
        try:
            np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
        except ValueError:
            raise ValueError(
                f"matmul: batch axes of shapes {a.shape} and {b.shape} cannot broadcast"
            ) from None
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved
        need_a, need_b = ctx.needs_input_grad
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        # Put back the axes numpy dropped for 1-D operands: the column first, then the row.
        g2 = grad
        if b.ndim == 1:
            g2 = g2[..., None]
        if a.ndim == 1:
            g2 = np.expand_dims(g2, -2)
        ga = gb = None
        if need_a:
            ga = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
        if need_b:
            gb = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape)
        return ga, gb
