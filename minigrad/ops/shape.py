"""Ops that move elements around without changing them: reshape, permute, indexing,
concatenate, stack, pad. Each backward sends every gradient element back to where its
forward element came from."""

import numpy as np

from ..function import Function
from .arithmetic import unbroadcast


class Reshape(Function):
    """y = x viewed with a new shape.   VJP: dL/dx = g reshaped to x's shape."""

    @staticmethod
    def forward(ctx, x, shape):
        try:
            y = x.reshape(shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape a tensor of shape {x.shape} ({x.size} elements) "
                f"into shape {tuple(shape)}"
            ) from None
        ctx.shape = x.shape
        return y

    @staticmethod
    def backward(ctx, grad):
        return (grad.reshape(ctx.shape),)


class Permute(Function):
    """y = x with its axes reordered by `dims`.   VJP: dL/dx = g permuted by the inverse order."""

    @staticmethod
    def forward(ctx, x, dims):
        dims = tuple(int(d) % max(x.ndim, 1) for d in dims)
        if sorted(dims) != list(range(x.ndim)):
            raise ValueError(
                f"permute: dims {tuple(dims)} is not a reordering of the {x.ndim} axes of a "
                f"tensor of shape {x.shape}"
            )
        ctx.inverse = tuple(np.argsort(dims))
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return (grad.transpose(ctx.inverse),)


class GetItem(Function):
    """y = x[index] (basic slices and integer arrays).

    VJP: dL/dx = zeros with g added at the indexed places. For integer arrays `np.add.at` adds
    unbuffered, so an element picked twice (x[[0, 0]]) receives both gradients.
    """

    @staticmethod
    def forward(ctx, x, index):
        parts = index if isinstance(index, tuple) else (index,)
        if any(isinstance(p, slice) and p.step is not None and p.step < 0 for p in parts):
            raise ValueError("getitem: step must be greater than zero (PyTorch has no negative "
                             "slice steps; use x.flip(dim))")
        try:
            y = x[index]
        except IndexError as err:
            raise IndexError(f"getitem: {err} (tensor of shape {x.shape})") from None
        ctx.shape, ctx.index = x.shape, index
        # Basic indexing is a view, as in PyTorch (x[0].add_(1) changes x); integer-array
        # indexing copies, in both.
        return y if _is_basic(index) else np.array(y)

    @staticmethod
    def backward(ctx, grad):
        out = np.zeros(ctx.shape, dtype=grad.dtype)
        if _is_basic(ctx.index):
            out[ctx.index] += grad  # slices and ints never pick an element twice: no add.at
        else:
            np.add.at(out, ctx.index, grad)
        return (out,)


class SetItem(Function):
    """y = x with y[index] = v (v broadcast to the shape of x[index]): `x[index] = v`.

    VJP: dL/dx = g with zeros at index (those elements were overwritten); dL/dv = g[index],
    summed back to v's shape."""

    @staticmethod
    def forward(ctx, x, v, index):
        y = x.copy()
        try:
            y[index] = v
        except (IndexError, ValueError) as err:
            raise type(err)(f"setitem: {err} (tensor of shape {x.shape}, value of shape "
                            f"{v.shape})") from None
        ctx.index, ctx.v_shape = index, v.shape
        return y

    @staticmethod
    def backward(ctx, grad):
        gx = grad.copy()
        gx[ctx.index] = 0
        return gx, unbroadcast(grad[ctx.index], ctx.v_shape)


def _check_axis(op, axis, ndim):
    if not -ndim <= axis < ndim:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{-ndim}, "
                         f"{ndim - 1}], but got {axis})")


def _is_basic(index):
    """True for numpy basic indexing (ints, slices, None, ...), which is 30x faster to undo."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis
               for p in parts)


class Gather(Function):
    """y = x picked along `axis` at `index` (an int array of y's shape): y[..., i, ...] =
    x[..., index[..., i, ...], ...], as torch.gather (numpy's take_along_axis).

    VJP: dL/dx = zeros with g added at the picked places (np.add.at: an element picked
    twice receives both gradients)."""

    @staticmethod
    def forward(ctx, x, index, axis):
        if index.dtype.kind not in "iu" or index.ndim != x.ndim:
            raise ValueError(f"gather: index must be an integer tensor with as many dims as "
                             f"the input ({x.ndim}), got dtype {index.dtype}, shape "
                             f"{index.shape}")
        if index.size and (index.min() < 0 or index.max() >= x.shape[axis]):
            raise RuntimeError(f"gather: index out of bounds for dim {axis} of size "
                               f"{x.shape[axis]}: got {index.min()} .. {index.max()}")
        ctx.shape, ctx.index, ctx.axis = x.shape, index, axis
        return np.take_along_axis(x, index, axis)

    @staticmethod
    def backward(ctx, grad):
        out = np.zeros(ctx.shape, dtype=grad.dtype)
        places = list(np.indices(ctx.index.shape, sparse=True))
        places[ctx.axis] = ctx.index
        np.add.at(out, tuple(places), grad)
        return (out,)


class Expand(Function):
    """y = x broadcast to `shape` (new axes in front, axes of length 1 stretched).

    VJP: dL/dx = g summed over the broadcast axes (`arithmetic.unbroadcast`)."""

    @staticmethod
    def forward(ctx, x, shape):
        try:
            y = np.broadcast_to(x, shape)
        except ValueError:
            raise RuntimeError(f"expand: the shape {x.shape} cannot be expanded to {shape}: "
                               f"only axes of length 1 can grow") from None
        ctx.shape = x.shape
        return y.copy()  # a copy: an op's output never aliases its input

    @staticmethod
    def backward(ctx, grad):
        return (unbroadcast(grad, ctx.shape),)


class Concatenate(Function):
    """y = the inputs joined along `axis`.   VJP: each input gets its own slice of g."""

    dtype_rule = "promote"  # torch.cat of int64 and float32 is float32

    @staticmethod
    def forward(ctx, *arrays, axis=0):
        if not arrays:
            raise ValueError("concatenate: needs at least one tensor")
        _check_axis("cat", axis, arrays[0].ndim)
        try:
            y = np.concatenate(arrays, axis=axis)
        except (ValueError, np.exceptions.AxisError) as err:
            raise ValueError(
                f"concatenate: cannot join shapes {[a.shape for a in arrays]} along axis "
                f"{axis}: {err}"
            ) from None
        axis = axis % arrays[0].ndim
        ctx.axis = axis
        ctx.bounds = np.cumsum([a.shape[axis] for a in arrays])[:-1]
        return y

    @staticmethod
    def backward(ctx, grad):
        return tuple(np.split(grad, ctx.bounds, axis=ctx.axis))


class Stack(Function):
    """y = the inputs stacked along a new axis.   VJP: input i gets g taken at position i."""

    dtype_rule = "promote"

    @staticmethod
    def forward(ctx, *arrays, axis=0):
        if not arrays:
            raise ValueError("stack: needs at least one tensor")
        _check_axis("stack", axis, arrays[0].ndim + 1)
        shapes = {a.shape for a in arrays}
        if len(shapes) > 1:
            raise ValueError(
                f"stack: all tensors must have the same shape, got {[a.shape for a in arrays]}"
            )
        y = np.stack(arrays, axis=axis)
        ctx.axis = axis % y.ndim
        return y

    @staticmethod
    def backward(ctx, grad):
        return tuple(np.moveaxis(grad, ctx.axis, 0))


def normalize_pad_width(pad_width, ndim):
    """numpy-style pad widths as ((before, after), ...) per axis, or a clear error."""
    if ndim == 0:
        return ()
    try:
        pairs = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (ndim, 2))
    except ValueError:
        raise ValueError(
            f"pad: pad_width {pad_width!r} does not fit a tensor of {ndim} dims; give an int, "
            f"a (before, after) pair, or one pair per axis"
        ) from None
    if (pairs < 0).any():
        raise ValueError(f"pad: pad_width must be non-negative, got {pad_width!r}")
    return tuple((int(b), int(a)) for b, a in pairs)


class Pad(Function):
    """y = x surrounded by a constant (numpy-style `pad_width`: ((before, after), ...)).

    VJP: dL/dx = g with the padding cut away.
    """

    @staticmethod
    def forward(ctx, x, pad_width, value=0.0):
        pairs = normalize_pad_width(pad_width, x.ndim)
        ctx.crop = tuple(slice(b, b + n) for (b, _), n in zip(pairs, x.shape))
        if not pairs:  # a 0-d tensor has no axes to pad
            return x.copy()
        return np.pad(x, pairs, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, grad):
        return (grad[ctx.crop].copy(),)
