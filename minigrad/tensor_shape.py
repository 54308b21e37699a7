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


class TensorShape:
    """The shape methods of `Tensor` (see tensor.py for the class itself)."""

    def _dim(self, dim):
        """dim as a non-negative int, or IndexError as torch ("Dimension out of range")."""
        top = max(self.ndim, 1)
        if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
            raise TypeError(f"dim must be an int, got {dim!r}")
        if not -top <= dim < top:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-top}, "
                             f"{top - 1}], but got {dim})")
        return int(dim) % top if self.ndim else 0

    def _dims(self, dim):
        """None (every dim) or a sorted tuple of non-negative dims."""
        if dim is None:
            return None
        dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
        return tuple(sorted({self._dim(d) for d in dims})) if self.ndim else ()

    def reshape(self, *shape):
        """The same elements in a new shape: `x.reshape(2, -1)` or `x.reshape((2, -1))`.
        `view` is the same method. Op: `ops.shape.Reshape`."""
        return ops.shape.Reshape.apply(self, shape=_sizes(shape))

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
        return ops.shape.Permute.apply(self, dims=tuple(self._dim(d) for d in dims))

    def transpose(self, dim0, dim1):
        """Swap two axes, as `torch.Tensor.transpose`; `swapaxes` is the same method."""
        dims = list(range(self.ndim))
        a, b = self._dim(dim0), self._dim(dim1)
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
        start, end = self._dim(start_dim), self._dim(end_dim)
        if start > end:
            raise RuntimeError(f"flatten() has invalid args: start_dim {start_dim} cannot come "
                               f"after end_dim {end_dim}")
        return self.reshape(self.shape[:start] + (-1,) + self.shape[end + 1:])

    def unsqueeze(self, dim):
        """A new axis of length 1 at dim (dim may be ndim, to append one)."""
        top = self.ndim + 1
        if not -top <= dim < top:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-top}, "
                             f"{top - 1}], but got {dim})")
        dim %= top
        return self.reshape(self.shape[:dim] + (1,) + self.shape[dim:])

    def squeeze(self, dim=None):
        """Drop axes of length 1: all of them, or those among dim (an int or a tuple)."""
        dims = range(self.ndim) if dim is None else self._dims(dim)
        drop = {d for d in dims if self.shape[d] == 1}
        return self.reshape([n for d, n in enumerate(self.shape) if d not in drop])

    def expand(self, *sizes):
        """Broadcast to a larger shape (-1 keeps a size). Op: `ops.shape.Expand`."""
        sizes = _sizes(sizes)
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
        sizes = _sizes(sizes)
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
        dim = self._dim(dim)
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
        for dim in (dims if isinstance(dims, (tuple, list)) else (dims,)):
            dim = self._dim(dim)
            reverse = (slice(None),) * dim + (np.arange(self.shape[dim] - 1, -1, -1),)
            y = ops.shape.GetItem.apply(y, index=reverse)
        return y

    def split(self, split_size_or_sections, dim=0):
        """Pieces of split_size along dim (the last may be shorter), or of the given sizes."""
        dim, length = self._dim(dim), self.shape[self._dim(dim)]
        if isinstance(split_size_or_sections, (int, np.integer)):
            step = int(split_size_or_sections)
            sizes = [min(step, length - start) for start in range(0, length, step)]
        else:
            sizes = list(split_size_or_sections)
            if sum(sizes) != length:
                raise RuntimeError(f"split: sizes {sizes} do not add up to {length}, the "
                                   f"length of dim {dim}")
        starts = np.cumsum([0] + sizes[:-1])
        return tuple(self.narrow(dim, int(a), n) for a, n in zip(starts, sizes))

    def chunk(self, chunks, dim=0):
        """At most `chunks` pieces of equal size (the last may be smaller), as torch.chunk."""
        length = self.shape[self._dim(dim)]
        return self.split(max(1, -(-length // chunks)), dim)
