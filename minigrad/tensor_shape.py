"""How a Tensor changes shape, with `torch.Tensor`'s names: reshape and view, permute and
transpose, squeeze and unsqueeze, expand and repeat, flatten, chunk, split and narrow. Each
method composes the shape ops of ops/shape.py (Reshape, Permute, GetItem, Expand), so its
gradient follows. A dim out of range is an IndexError, as in PyTorch.
"""

import numpy as np

from . import ops


class Size(tuple):
    """A shape, as `torch.Size`: a tuple of ints (`x.size()`, `x.shape`)."""

    def __repr__(self):
        return f"Size({list(self)})"

    def numel(self):
        return int(np.prod(self, dtype=np.int64))


def _sizes(args):
    """`f(2, 3)` or `f((2, 3))` -> (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def is_int(value):
    """A Python or numpy integer, not a bool (torch refuses a bool where it wants an int)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def check_ints(op, name, values):
    """TypeError unless every one of values is an int; returns them as Python ints."""
    for value in values:
        if not is_int(value):
            raise TypeError(f"{op}: {name} must be an int or a tuple of ints, got "
                            f"{type(value).__name__} {value!r}")
    return tuple(int(v) for v in values)


def wrap_dim(op, dim, ndim):
    """dim as a non-negative int below ndim (a 0-d tensor takes -1 and 0, as torch), or
    torch's TypeError / IndexError ("Dimension out of range"), naming the op."""
    top = max(ndim, 1)
    prefix = f"{op}: " if op else ""
    if not is_int(dim):
        raise TypeError(f"{prefix}dim must be an int, got {type(dim).__name__} {dim!r}")
    if not -top <= dim < top:
        raise IndexError(f"{prefix}Dimension out of range (expected to be in range of "
                         f"[{-top}, {top - 1}], but got {dim})")
    return int(dim) % top if ndim else 0


def distinct_dims(op, dims, ndim):
    """Each of dims wrapped, in the order given; RuntimeError for a dim given twice (also as
    0 and -ndim), as torch."""
    wrapped = tuple(wrap_dim(op, d, ndim) for d in dims)
    for i, d in enumerate(wrapped):
        if d in wrapped[:i]:
            raise RuntimeError(f"{op}: dim {d} appears multiple times in the list of dims "
                               f"{tuple(dims)}")
    return wrapped


class TensorShape:
    """The shape methods of `Tensor` (see tensor.py for the class itself)."""

    def _dim(self, dim, op=None):
        """dim as a non-negative int, or torch's TypeError / IndexError naming the op."""
        return wrap_dim(op, dim, self.ndim)

    def _dims(self, dim, op=None):
        """None (every dim) or a sorted tuple of distinct non-negative dims, from an int or
        a tuple or list of ints."""
        if dim is None:
            return None
        if not isinstance(dim, (tuple, list)):
            if not is_int(dim):
                raise TypeError(f"{op}: dim must be an int or a tuple of ints, got "
                                f"{type(dim).__name__} {dim!r}")
            dim = (dim,)
        dims = distinct_dims(op, dim, self.ndim)
        return tuple(sorted(dims)) if self.ndim else ()

    def reshape(self, *shape):
        """The same elements in a new shape: `x.reshape(2, -1)` or `x.reshape((2, -1))`.
        `view` is the same method. Op: `ops.shape.Reshape`."""
        shape = check_ints("reshape", "shape", _sizes(shape))
        for i, n in enumerate(shape):
            if n < -1:
                raise RuntimeError(f"reshape: invalid shape dimension {n} at index {i} of "
                                   f"shape {list(shape)}")
        if shape.count(-1) > 1:
            raise RuntimeError(f"reshape: only one dimension can be inferred (-1), got shape "
                               f"{list(shape)}")
        return ops.shape.Reshape.apply(self, shape=shape)

    view = reshape

    def view_as(self, other):
        return self.reshape(other.shape)

    def contiguous(self):
        """Self: minigrad's arrays need no copy to be read in order."""
        return self

    def permute(self, *dims):
        """Reorder the axes: `x.permute(0, 2, 3, 1)` (NCHW to NHWC). Op: `ops.shape.Permute`."""
        dims = _sizes(dims)
        if len(dims) != self.ndim:
            raise RuntimeError(f"permute: the tensor has {self.ndim} dims but {len(dims)} were "
                               f"given: {dims}")
        return ops.shape.Permute.apply(self, dims=distinct_dims("permute", dims, self.ndim))

    def transpose(self, dim0, dim1):
        """Swap two axes, as `torch.Tensor.transpose`; `swapaxes` is the same method."""
        dims = list(range(self.ndim))
        a, b = self._dim(dim0, "transpose"), self._dim(dim1, "transpose")
        dims[a], dims[b] = dims[b], dims[a]
        return ops.shape.Permute.apply(self, dims=tuple(dims))

    swapaxes = transpose

    def t(self):
        """The transpose of a tensor of at most 2 dims, as torch.t."""
        if self.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                               f"{self.ndim}D")
        return self if self.ndim < 2 else self.transpose(0, 1)

    @property
    def T(self):
        """All axes reversed (the matrix transpose for 2-D). Op: `ops.shape.Permute`."""
        return ops.shape.Permute.apply(self, dims=tuple(reversed(range(self.ndim))))

    def flatten(self, start_dim=0, end_dim=-1):
        """Merge axes start_dim..end_dim into one, as `torch.flatten`."""
        if self.ndim == 0:
            return self.reshape(1)
        start, end = self._dim(start_dim, "flatten"), self._dim(end_dim, "flatten")
        if start > end:
            raise RuntimeError(f"flatten() has invalid args: start_dim {start_dim} cannot come "
                               f"after end_dim {end_dim}")
        return self.reshape(self.shape[:start] + (-1,) + self.shape[end + 1:])

    def unsqueeze(self, dim):
        """A new axis of length 1 at dim (dim may be ndim, to append one)."""
        dim = wrap_dim("unsqueeze", dim, self.ndim + 1)
        return self.reshape(self.shape[:dim] + (1,) + self.shape[dim:])

    def squeeze(self, dim=None):
        """Drop axes of length 1: all of them, or those among dim (an int or a tuple)."""
        dims = range(self.ndim) if dim is None else self._dims(dim, "squeeze")
        drop = {d for d in dims if self.shape[d] == 1}
        return self.reshape([n for d, n in enumerate(self.shape) if d not in drop])

    def expand(self, *sizes):
        """Broadcast to a larger shape (-1 keeps a size). Op: `ops.shape.Expand`."""
        sizes = check_ints("expand", "sizes", _sizes(sizes))
        lead = len(sizes) - self.ndim
        if lead < 0:
            raise RuntimeError(f"expand: the number of sizes ({len(sizes)}) must be at least "
                               f"the number of dims ({self.ndim})")
        shape = tuple(self.shape[i - lead] if n == -1 and i >= lead else n
                      for i, n in enumerate(sizes))
        return ops.shape.Expand.apply(self, shape=shape)

    def expand_as(self, other):
        return self.expand(other.shape)

    def repeat(self, *sizes):
        """Tile the tensor sizes[i] times along each axis, as torch.repeat (numpy's tile)."""
        sizes = check_ints("repeat", "repeats", _sizes(sizes))
        if len(sizes) < self.ndim:
            raise RuntimeError("repeat: the number of repeats can not be smaller than the "
                               "number of dims")
        if any(r < 0 for r in sizes):
            raise RuntimeError(f"repeat: repeats can not be negative, got {sizes}")
        shape = (1,) * (len(sizes) - self.ndim) + tuple(self.shape)
        spread = self.reshape([d for n in shape for d in (1, n)])
        tiled = spread.expand([d for r, n in zip(sizes, shape) for d in (r, n)])
        return tiled.reshape([r * n for r, n in zip(sizes, shape)])

    def narrow(self, dim, start, length):
        """The slice start:start + length of axis dim (a negative start counts from the end),
        a view, as torch.narrow."""
        dim = self._dim(dim, "narrow")
        check_ints("narrow", "start and length", (start, length))
        size = self.shape[dim]
        start = start + size if start < 0 else start
        if not (0 <= start <= size and 0 <= length and start + length <= size):
            raise RuntimeError(f"narrow: start ({start}) + length ({length}) exceeds dimension "
                               f"size ({size})")
        index = (slice(None),) * dim + (slice(start, start + length),)
        return self[index]

    def flip(self, dims):
        """The order of the elements reversed along each of dims (a copy, as torch.flip)."""
        y = self
        for dim in distinct_dims("flip", dims if isinstance(dims, (tuple, list)) else (dims,),
                                 self.ndim):
            reverse = (slice(None),) * dim + (np.arange(self.shape[dim] - 1, -1, -1),)
            y = ops.shape.GetItem.apply(y, index=reverse)
        return y

    def split(self, split_size_or_sections, dim=0):
        """Pieces of split_size along dim (the last may be shorter), or of the given sizes."""
        dim = self._dim(dim, "split")
        if self.ndim == 0:
            raise RuntimeError("split: expects at least a 1-dimensional tensor")
        length = self.shape[dim]
        if is_int(split_size_or_sections):
            step = int(split_size_or_sections)
            if step < 0 or (step == 0 and length):
                raise RuntimeError(f"split: split_size must be >= 1 (0 only for a dimension of "
                                   f"size 0), got {step} for dim {dim} of size {length}")
            sizes = [min(step, length - start) for start in range(0, length, step or 1)] or [0]
        else:
            if not isinstance(split_size_or_sections, (tuple, list)):
                raise TypeError(f"split: split_size_or_sections must be an int or a list of "
                                f"ints, got {type(split_size_or_sections).__name__}")
            sizes = list(check_ints("split", "split_size_or_sections", split_size_or_sections))
            if any(n < 0 for n in sizes):
                raise RuntimeError(f"split: the sizes must not be negative, got {sizes}")
            if sum(sizes) != length:
                raise RuntimeError(f"split: sizes {sizes} do not add up to {length}, the "
                                   f"length of dim {dim}")
        starts = np.cumsum([0] + sizes[:-1])
        return tuple(self.narrow(dim, int(a), n) for a, n in zip(starts, sizes))

    def chunk(self, chunks, dim=0):
        """At most `chunks` pieces of equal size (the last may be smaller), as torch.chunk."""
        dim = self._dim(dim, "chunk")
        if not is_int(chunks):
            raise TypeError(f"chunk: chunks must be an int, got {type(chunks).__name__} "
                            f"{chunks!r}")
        if chunks < 1:
            raise RuntimeError(f"chunk: chunks must be greater than 0, got {chunks}")
        length = self.shape[dim] if self.ndim else 1  # split refuses a 0-d tensor
        return self.split(max(1, -(-length // int(chunks))), dim)
