"""What a Tensor picks out or compares by name: sort, argsort, topk, index_select,
masked_fill, unbind, roll, and eq / ne / lt / le / gt / ge, with `torch.Tensor`'s names and
signatures, mixed into `Tensor`.

Each is a composition of existing ops, so its gradient follows: sort and topk gather the
values at the indices numpy's stable sort finds (the gradient goes back to those
positions); masked_fill is a `where`; roll is two slices joined.
"""

from collections import namedtuple

import numpy as np

from . import dtypes, ops
from . import tensor as tensor_module  # the class these methods belong to (see tensor.py)
from .tensor_math import _array
from .tensor_shape import check_ints

#: What sort and topk return, as torch.return_types.sort / topk: (values, indices).
SortResult = namedtuple("SortResult", ["values", "indices"])


class TensorSelection:
    """Sorting, picking and comparing by name (see tensor.py for the class itself)."""

    def sort(self, dim=-1, descending=False, stable=False):
        """(values, indices) sorted along dim, as torch.sort; NaN ranks above every number.
        Ties keep their order (a stable sort), which torch promises only with stable=True.
        Op: `ops.shape.Gather`."""
        dim = self._dim(dim, "sort")
        if self.ndim == 0:  # a 0-d tensor is its own sort, at index 0
            return SortResult(self.reshape(1).reshape(()), _indices(0))
        index = _stable_order(self._array, dim, descending)
        return SortResult(self.gather(dim, index), _indices(index))

    def argsort(self, dim=-1, descending=False, stable=False):
        """The indices that sort along dim (int64), as torch.argsort."""
        return _indices(_stable_order(self._array, self._dim(dim, "argsort"), descending))

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """(values, indices) of the k largest (or, with largest=False, smallest) along dim,
        as torch.topk: the first k of `sort(dim, descending=largest)`."""
        if self.dtype == np.bool_:
            raise RuntimeError("topk does not support bool dtypes; write x.int().topk(k) "
                               "or use x.sort(descending=True)")
        dim = self._dim(dim, "topk")
        size = self.shape[dim] if self.ndim else 1
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
            raise TypeError(f"topk: k must be an int, got {type(k).__name__}")
        if not 0 <= k <= size:
            raise RuntimeError(f"topk: k ({k}) is out of range for dimension {dim} of size "
                               f"{size}")
        if self.ndim == 0:  # torch gives the element itself for k = 0 as for k = 1
            return self.sort()
        index = np.take(_stable_order(self._array, dim, largest), np.arange(k), axis=dim)
        return SortResult(self.gather(dim, index), _indices(index))

    def index_select(self, dim, index):
        """The entries at `index` (a 1-D int tensor) along dim, as torch.index_select: a copy
        whose gradient is scattered back (repeated indices add). Op: `ops.shape.GetItem`."""
        dim = self._dim(dim, "index_select")
        if not isinstance(index, tensor_module.Tensor):
            raise TypeError(f"index_select: index must be a Tensor, got "
                            f"{type(index).__name__}; write torch.tensor(index)")
        index = index._array
        if index.ndim > 1 or index.dtype.kind not in "iu":
            raise TypeError(f"index_select: index must be a 0-D or 1-D integer tensor, got "
                            f"{index.ndim}-D of dtype {index.dtype}")
        if self.ndim == 0:  # a 0-d tensor takes exactly one index, 0
            if index.size != 1:
                raise RuntimeError(f"index_select: the index of a 0-dim tensor must have one "
                                   f"value, got {index.size}")
            return self.reshape(1).index_select(0, _indices(index.reshape(1))).reshape(())
        size = self.shape[dim]
        if index.size and (index.min() < 0 or index.max() >= size):
            raise IndexError(f"index_select: index out of range for dimension {dim} of size "
                             f"{size} (got {index.min()} to {index.max()})")
        return ops.shape.GetItem.apply(
            self, index=(slice(None),) * dim + (index.reshape(-1).astype(np.int64),))

    def masked_fill(self, mask, value):
        """self with `value` where mask (a bool tensor) is True, as torch.masked_fill: self
        and mask broadcast together, so a larger mask gives a larger result.
        Op: `ops.elementwise.Where`."""
        mask = np.asarray(_array(mask))
        if mask.dtype != np.bool_:
            raise RuntimeError(f"masked_fill: mask must be a bool tensor, got dtype {mask.dtype}")
        try:
            np.broadcast_shapes(mask.shape, self.shape)
        except ValueError:
            raise RuntimeError(f"masked_fill: the mask's shape {mask.shape} does not broadcast "
                               f"with the tensor's {tuple(self.shape)}") from None
        if not isinstance(value, (bool, int, float, np.number, tensor_module.Tensor)):
            raise TypeError(f"masked_fill: value must be a number or a 0-dim tensor, got "
                            f"{type(value).__name__} {value!r}")
        value = value if isinstance(value, tensor_module.Tensor) else tensor_module.Tensor._from_op(
            np.asarray(value, dtype=self.dtype), requires_grad=False)
        if value.ndim:
            raise RuntimeError(f"masked_fill: value must be a number or a 0-dim tensor, got a "
                               f"{value.ndim}-dim tensor")
        return ops.elementwise.Where.apply(value.to(self.dtype), self, condition=mask)

    def unbind(self, dim=0):
        """The slices along dim, each without that dim, as torch.unbind (a tuple of views)."""
        if self.ndim == 0:
            raise IndexError("unbind: Dimension specified as 0 but tensor has no dimensions")
        dim = self._dim(dim, "unbind")
        return tuple(self.select(dim, i) for i in range(self.shape[dim]))

    def select(self, dim, index):
        """The slice at `index` along dim, without that dim (a view), as torch.select."""
        if self.ndim == 0:
            raise IndexError("select() cannot be applied to a 0-dim tensor")
        dim = self._dim(dim, "select")
        check_ints("select", "index", (index,))
        size = self.shape[dim]
        if not -size <= index < size:
            raise IndexError(f"select: index {index} is out of range for dimension {dim} of "
                             f"size {size}")
        return self[(slice(None),) * dim + (index,)]

    def roll(self, shifts, dims=None):
        """The elements shifted by `shifts` along dims, wrapping around, as torch.roll; with
        dims None, over the flattened tensor and reshaped back."""
        if dims is None:
            return self.flatten().roll(shifts, 0).reshape(self.shape)
        shifts = shifts if isinstance(shifts, (tuple, list)) else (shifts,)
        dims = dims if isinstance(dims, (tuple, list)) else (dims,)
        if len(shifts) != len(dims):
            raise RuntimeError(f"roll: shifts ({len(shifts)}) and dims ({len(dims)}) must have "
                               f"the same length")
        check_ints("roll", "shifts", shifts)
        y = self
        for shift, dim in zip(shifts, dims):
            dim = self._dim(dim, "roll")
            size = self.shape[dim]
            cut = size - shift % size if size else 0
            if cut in (0, size):
                continue
            head, tail = y.split([cut, size - cut], dim)
            y = ops.shape.Concatenate.apply(tail, head, axis=dim)
        return y

    def is_floating_point(self):
        """True for float16, float32 and float64 tensors."""
        return dtypes.is_floating(self.dtype)

    def eq(self, other):
        """self == other, elementwise (a bool tensor), as torch.eq."""
        return self._compare_by_name(other, np.equal, "eq")

    def ne(self, other):
        """self != other, elementwise."""
        return self._compare_by_name(other, np.not_equal, "ne")

    def lt(self, other):
        """self < other, elementwise."""
        return self._compare_by_name(other, np.less, "lt")

    def le(self, other):
        """self <= other, elementwise."""
        return self._compare_by_name(other, np.less_equal, "le")

    def gt(self, other):
        """self > other, elementwise."""
        return self._compare_by_name(other, np.greater, "gt")

    def ge(self, other):
        """self >= other, elementwise."""
        return self._compare_by_name(other, np.greater_equal, "ge")

    def equal(self, other):
        """True if both have the same shape and the same values, as torch.equal."""
        other = other if isinstance(other, tensor_module.Tensor) else None
        if other is None:
            raise TypeError("equal: other must be a Tensor")
        return self.shape == other.shape and bool(np.array_equal(self._array, other._array))

    def _compare_by_name(self, other, compare, name):
        result = self._compare(other, compare)
        if result is NotImplemented:
            raise TypeError(f"{name}: other must be a Tensor or a number, got "
                            f"{type(other).__name__}")
        return result


def _stable_order(array, dim, descending):
    """Indices that sort `array` along dim, as torch's stable sort: NaN ranks above every
    number (last ascending, first descending), and equal values keep their order either way."""
    if array.ndim == 0:
        return np.zeros((), dtype=np.int64)
    values = np.moveaxis(array, dim, -1)
    order = np.argsort(values, axis=-1, kind="stable")  # numpy puts NaN last, as torch
    if descending and values.shape[-1]:
        # Descending is ascending by rank negated, where equal values (NaNs too) share a
        # rank: a rank negates exactly, which a value may not (-int8(-128) wraps around,
        # a bool does not negate).
        ordered = np.take_along_axis(values, order, axis=-1)
        before, after = ordered[..., :-1], ordered[..., 1:]
        new_value = before != after
        if values.dtype.kind in "fc":
            new_value &= ~(np.isnan(before) & np.isnan(after))
        sorted_rank = np.zeros(values.shape, dtype=np.int64)
        sorted_rank[..., 1:] = np.cumsum(new_value, axis=-1)
        rank = np.empty_like(sorted_rank)
        np.put_along_axis(rank, order, sorted_rank, axis=-1)
        order = np.argsort(-rank, axis=-1, kind="stable")
    return np.moveaxis(order, -1, dim)


def _indices(index):
    return tensor_module.Tensor._from_op(np.asarray(index, dtype=np.int64), requires_grad=False)
