"""What a Tensor computes: its operators, elementwise math and dtype changes, with
`torch.Tensor`'s names and signatures (its reductions are in tensor_reductions.py). Each
method is a line or two that calls an op in minigrad/ops/ (or composes ops, so its gradient
follows), mixed into `Tensor`.
"""

import numpy as np

from . import dtypes, ops
from . import tensor as tensor_module  # the class these methods belong to (see tensor.py)

#: numpy ufuncs that are minigrad ops (a graph passes through them), as Tensor expressions.
_UFUNC_OPS = {
    "add": lambda a, b: a + b, "subtract": lambda a, b: a - b, "multiply": lambda a, b: a * b,
    "true_divide": lambda a, b: a / b, "power": lambda a, b: a ** b,
    "matmul": lambda a, b: a @ b, "negative": lambda a: -a, "exp": lambda a: a.exp(),
    "log": lambda a: a.log(), "sqrt": lambda a: a.sqrt(), "absolute": lambda a: a.abs(),
    "tanh": lambda a: a.tanh(),
    "maximum": lambda a, b: ops.elementwise.Maximum.apply(a, b),
    "minimum": lambda a, b: ops.elementwise.Minimum.apply(a, b),
}


def _alias(dim, keepdim, axis, keepdims):
    """PyTorch's dim/keepdim, with numpy's axis/keepdims accepted in their place."""
    if axis is not None:
        if dim is not None:
            raise TypeError("give dim or axis, not both")
        dim = axis
    return dim, (keepdim if keepdims is None else keepdims)


def _needed_dim(op, dim, axis):
    dim = axis if axis is not None else dim
    if dim is None:
        raise TypeError(f"{op}: give dim= (the axis that sums to 1), as PyTorch asks too")
    return dim


def _all_if_empty(dim):
    """amax's dim=() (its default) means every dim, as None does."""
    return None if dim is None or (isinstance(dim, tuple) and not dim) else dim


def _array(x):
    return x._array if isinstance(x, tensor_module.Tensor) else x


class TensorMath:
    """The arithmetic of `Tensor` (see tensor.py for the class itself)."""

    # ----- numpy interop ------------------------------------------------------------------

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """numpy functions on tensors (np.abs(x.grad), array + tensor): the arithmetic ones
        run as minigrad ops, so a graph is kept; any other works on tensors without grad and
        gives a Tensor back, as with PyTorch's tensors."""
        Tensor = tensor_module.Tensor
        if method == "__call__" and ufunc.__name__ in _UFUNC_OPS and not kwargs:
            first, *rest = (x.item() if isinstance(x, np.generic) else x for x in inputs)
            if isinstance(first, np.ndarray):  # array + tensor: the tensor's reflected op
                first = Tensor._plain(first)
            return _UFUNC_OPS[ufunc.__name__](first, *rest)
        if any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
            raise TypeError(f"numpy's {ufunc.__name__} would drop the graph of a tensor that "
                            f"requires grad; use minigrad's ops, or x.detach().numpy()")
        arrays = [x._array if isinstance(x, Tensor) else x for x in inputs]
        result = getattr(ufunc, method)(*arrays, **kwargs)
        wrap = (lambda r: Tensor._plain(np.asarray(r)) if isinstance(r, (np.ndarray, np.generic))
                else r)
        return tuple(map(wrap, result)) if isinstance(result, tuple) else wrap(result)

    # ----- operators ----------------------------------------------------------------------

    def __add__(self, other):
        return ops.arithmetic.Add.apply(self, other)

    def __radd__(self, other):
        return ops.arithmetic.Add.apply(other, self)

    def __sub__(self, other):
        return ops.arithmetic.Sub.apply(self, other)

    def __rsub__(self, other):
        return ops.arithmetic.Sub.apply(other, self)

    def __mul__(self, other):
        return ops.arithmetic.Mul.apply(self, other)

    def __rmul__(self, other):
        return ops.arithmetic.Mul.apply(other, self)

    def __truediv__(self, other):
        return ops.arithmetic.Div.apply(self, other)

    def __rtruediv__(self, other):
        return ops.arithmetic.Div.apply(other, self)

    def __pow__(self, other):
        return ops.arithmetic.Pow.apply(self, other)

    def __rpow__(self, other):
        return ops.arithmetic.Pow.apply(other, self)

    def __matmul__(self, other):
        return ops.arithmetic.MatMul.apply(self, other)

    def __rmatmul__(self, other):
        return ops.arithmetic.MatMul.apply(other, self)

    def __neg__(self):
        if self.dtype == np.bool_:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported; "
                               "to invert a mask write ~mask")
        return ops.arithmetic.Neg.apply(self)

    def neg(self):
        """-x, as torch.neg (`negative` is the same)."""
        return -self

    negative = neg

    def __abs__(self):
        return ops.elementwise.Abs.apply(self)

    # Floor division and remainder have no gradient in PyTorch either: plain results.
    def __floordiv__(self, other):
        return self._no_grad_binary(np.floor_divide, self, other)

    def __rfloordiv__(self, other):
        return self._no_grad_binary(np.floor_divide, other, self)

    def __mod__(self, other):
        return self._no_grad_binary(np.remainder, self, other)

    def __rmod__(self, other):
        return self._no_grad_binary(np.remainder, other, self)

    def _no_grad_binary(self, function, a, b):
        common = dtypes.result_type(a, b)
        left = np.asarray(_array(a)).astype(common, copy=False)
        right = np.asarray(_array(b)).astype(common, copy=False)
        if common.kind in "iub" and not right.all():
            raise ZeroDivisionError("integer division or remainder by zero, as in PyTorch")
        with np.errstate(divide="ignore", invalid="ignore"):  # floats: inf and nan, as torch
            result = function(left, right)
        return type(self)._from_op(np.asarray(result), requires_grad=False)

    # Bitwise and logical ops, for bool and integer tensors only (masks: `(x == 0) | (x == 2)`).
    def _bitwise(self, function, a, b=None):
        common = dtypes.result_type(a, b) if b is not None else self.dtype
        if common.kind not in "biu":
            raise NotImplementedError(f"{function.__name__}: only for bool and integer "
                                      f"tensors, got {common}")
        arrays = [np.asarray(_array(x)).astype(common, copy=False) for x in (a, b)
                  if x is not None]
        return type(self)._from_op(np.asarray(function(*arrays)), requires_grad=False)

    def __and__(self, other):
        return self._bitwise(np.bitwise_and, self, other)

    def __or__(self, other):
        return self._bitwise(np.bitwise_or, self, other)

    def __xor__(self, other):
        return self._bitwise(np.bitwise_xor, self, other)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self):
        return self._bitwise(np.invert, self)

    def __getitem__(self, index):
        return ops.shape.GetItem.apply(self, index=_index_arrays(index))

    # Comparisons give bool tensors, which never carry a gradient; both sides are first
    # brought to their common dtype, as in PyTorch.
    def _compare(self, other, compare):
        if not isinstance(other, (tensor_module.Tensor, np.ndarray, np.generic, bool, int,
                                  float)):
            return NotImplemented  # a list, pytest.approx, None: Python's rules, as torch
        common = dtypes.result_type(self, other)
        result = compare(self._array.astype(common, copy=False),
                         np.asarray(_array(other)).astype(common, copy=False))
        return type(self)._from_op(np.asarray(result), requires_grad=False)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    __hash__ = object.__hash__

    # ----- elementwise --------------------------------------------------------------------

    def exp(self):
        """exp(x), elementwise. Op: `ops.elementwise.Exp`."""
        return ops.elementwise.Exp.apply(self)

    def log(self):
        """Natural log, elementwise. Op: `ops.elementwise.Log`."""
        return ops.elementwise.Log.apply(self)

    def sqrt(self):
        """Square root, elementwise. Op: `ops.elementwise.Sqrt`."""
        return ops.elementwise.Sqrt.apply(self)

    def abs(self):
        """|x|, elementwise. Op: `ops.elementwise.Abs`."""
        return ops.elementwise.Abs.apply(self)

    def clamp(self, min=None, max=None):
        """Limit the values to [min, max] (either may be None). `clip` is the same method.
        Op: `ops.elementwise.Clip`."""
        for name, bound in (("min", min), ("max", max)):
            if bound is not None and not isinstance(bound, (bool, int, float, np.number,
                                                            tensor_module.Tensor)):
                raise TypeError(f"clamp: {name} must be a number or a Tensor, got "
                                f"{type(bound).__name__} {bound!r}")
        common = dtypes.result_type(self, *(b for b in (min, max) if b is not None))
        if isinstance(min, tensor_module.Tensor) or isinstance(max, tensor_module.Tensor):
            # Tensor bounds, elementwise: max(x, min) then min(., max), as torch applies them.
            y = self if min is None else ops.elementwise.Maximum.apply(self.to(common), min)
            return y if max is None else ops.elementwise.Minimum.apply(y.to(common), max)
        return ops.elementwise.Clip.apply(self.to(common), low=min, high=max)

    clip = clamp

    def addcmul(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 * tensor2, as torch.addcmul (Adam's second moment)."""
        return self + value * tensor1 * tensor2 if value != 1 else self + tensor1 * tensor2

    def addcdiv(self, tensor1, tensor2, *, value=1):
        """self + value * tensor1 / tensor2, as torch.addcdiv (Adam's update)."""
        return self + value * tensor1 / tensor2 if value != 1 else self + tensor1 / tensor2

    def lerp(self, end, weight):
        """self + weight * (end - self), as torch.lerp (a moving average)."""
        return self + weight * (end - self)

    def relu(self):
        """max(x, 0), elementwise. Op: `ops.activation.ReLU`."""
        return ops.activation.ReLU.apply(self)

    def tanh(self):
        """tanh(x), elementwise. Op: `ops.activation.Tanh`."""
        return ops.activation.Tanh.apply(self)

    def sigmoid(self):
        """1 / (1 + exp(-x)), elementwise. Op: `ops.activation.Sigmoid`."""
        return ops.activation.Sigmoid.apply(self)

    def softmax(self, dim=None, *, axis=None):
        """exp(x) / sum(exp(x)) along `dim` (required, as in PyTorch).
        Op: `ops.activation.Softmax`."""
        return ops.activation.Softmax.apply(self, axis=self._dim(_needed_dim("softmax", dim,
                                                                             axis), "softmax"))

    def log_softmax(self, dim=None, *, axis=None):
        """x - log(sum(exp(x))) along `dim` (required), computed stably.
        Op: `ops.activation.LogSoftmax`."""
        return ops.activation.LogSoftmax.apply(self, axis=self._dim(_needed_dim(
            "log_softmax", dim, axis), "log_softmax"))

    # ----- dtype and device ---------------------------------------------------------------

    def to(self, *args, dtype=None, device=None, **ignored):
        """A copy with another dtype (differentiable: the gradient is cast back), or self
        when nothing changes; the device may only be "cpu". to(dtype), to("cpu"),
        to(other_tensor) and to(device, dtype) all work, as in torch."""
        for arg in args:
            if isinstance(arg, tensor_module.Tensor):
                dtype = arg.dtype
            elif isinstance(arg, str) or type(arg).__name__ == "device":
                device = arg
            else:
                dtype = arg
        if device is not None:
            tensor_module._check_device(device)
        if dtype is None or np.dtype(dtype) == self.dtype:
            return self
        return ops.elementwise.Cast.apply(self, dtype=np.dtype(dtype))

    def clone(self):
        """A copy with its own memory, differentiable (the gradient passes unchanged)."""
        return ops.elementwise.Cast.apply(self, dtype=self.dtype)

    def type(self, dtype=None):
        """The type's name (no argument) or a copy with `dtype`, as torch's Tensor.type."""
        if dtype is None:
            return f"minigrad.{self.dtype.name}"
        return self.to(dtype)

    def double(self):
        """A copy as float64 (self if it already is), as torch's Tensor.double()."""
        return self.to(np.float64)

    def float(self):
        """A copy as float32 (self if it already is), as torch's Tensor.float()."""
        return self.to(np.float32)

    def half(self):
        """A copy as float16 (self if it already is), as torch's Tensor.half()."""
        return self.to(np.float16)

    def long(self):
        """A copy as int64 (self if it already is), as torch's Tensor.long()."""
        return self.to(np.int64)

    def int(self):
        """A copy as int32 (self if it already is), as torch's Tensor.int()."""
        return self.to(np.int32)

    def bool(self):
        """A copy as bool (self if it already is), as torch's Tensor.bool()."""
        return self.to(np.bool_)

    def cpu(self):
        """Self: minigrad's tensors are always on the CPU."""
        return self

    def cuda(self, *args, **kwargs):
        """An error that says minigrad runs on the CPU only."""
        tensor_module._check_device("cuda")


def _index_arrays(index):
    """The index with each Tensor in it as its array (a list as an array): plain numpy."""
    if isinstance(index, tuple):
        return tuple(_array(i) for i in index)
    return np.asarray(index) if isinstance(index, list) else _array(index)
