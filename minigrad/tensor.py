"""The Tensor: a numpy array, plus what autograd needs to send gradients back through it.

A Tensor made by the user is a *leaf*; one made by an op holds a `_node` recording that op
call (see `function.py`). `backward()` hands the graph to `autograd.run_backward`.
The arithmetic methods below are thin: each one calls an op defined in `minigrad/ops/`.
"""

from __future__ import annotations

import numpy as np

from . import autograd


def _default_dtype(data):
    """Python numbers and lists become float32 (as PyTorch's default); numpy arrays keep theirs."""
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        return None
    array = np.asarray(data)
    if array.dtype.kind in "biuf" and array.dtype != np.bool_:
        return np.float32
    return None


class Tensor:
    """An n-dimensional array that can record the ops applied to it and differentiate them.

    Args:
        data: array-like. Python floats and ints become float32; numpy arrays keep their
            dtype (so float64 arrays stay float64, and int64 labels stay int64).
        requires_grad: record ops on this tensor and fill `.grad` on `backward()`.
            Only floating-point tensors can require grad.
        dtype: numpy dtype to convert to.
    """

    # Makes `numpy_array + tensor` call Tensor.__radd__ instead of numpy broadcasting over
    # the Tensor object.
    __array_ufunc__ = None

    def __init__(self, data, requires_grad=False, dtype=None):
        if isinstance(data, Tensor):
            data = data.data
        if dtype is None:
            dtype = _default_dtype(data)
        self.data = np.array(data, dtype=dtype)
        self.grad = None
        self._node = None
        self._hooks = []
        self._retains_grad = False
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _from_op(cls, array, requires_grad):
        """Wrap an op's output without copying it."""
        t = cls.__new__(cls)
        t.data = array
        t.grad = None
        t._node = None
        t._hooks = []
        t._retains_grad = False
        t.requires_grad = requires_grad
        return t

    def requires_grad_(self, requires_grad=True):
        """Set `requires_grad` in place (as `torch.Tensor.requires_grad_`) and return self.

        Only floating-point tensors can require grad; an integer tensor raises TypeError.
        """
        if requires_grad and not np.issubdtype(self.data.dtype, np.floating):
            raise TypeError(
                f"Tensor: requires_grad=True needs a floating-point dtype, got {self.data.dtype}; "
                f"only floating-point tensors can have gradients"
            )
        self.requires_grad = bool(requires_grad)
        return self

    # ----- plain attributes -------------------------------------------------------------

    @property
    def shape(self):
        """The shape of the array, a tuple of ints (as numpy's `.shape`)."""
        return self.data.shape

    @property
    def ndim(self):
        """The number of axes."""
        return self.data.ndim

    @property
    def dtype(self):
        """The numpy dtype of the data (mg.float32 unless made otherwise)."""
        return self.data.dtype

    @property
    def is_leaf(self):
        """True for a tensor made by the user (or under no_grad), False for one an op recorded."""
        return self._node is None

    @property
    def grad_fn(self):
        """Name of the op that made this tensor, or None for a leaf."""
        return None if self._node is None else self._node.name

    def numel(self):
        """The number of elements (the product of the shape)."""
        return self.data.size

    def __len__(self):
        return len(self.data)

    def numpy(self):
        """The underlying array (not a copy, as in PyTorch). Only for tensors without grad."""
        if self.requires_grad:
            raise RuntimeError(
                "numpy: can't call numpy() on a tensor that requires grad; use "
                "tensor.detach().numpy()"
            )
        return self.data

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item: only a tensor with one element can be converted to a Python scalar, "
                f"got shape {self.shape}"
            )
        return self.data.item()

    def detach(self):
        """A new leaf sharing this tensor's data, outside any graph."""
        return Tensor._from_op(self.data, requires_grad=False)

    def __repr__(self):
        body = np.array2string(self.data, separator=", ", prefix="tensor(")
        extra = f", dtype={self.dtype}" if self.dtype != np.float32 else ""
        if self._node is not None:
            extra += f", grad_fn={self.grad_fn}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    # ----- autograd ---------------------------------------------------------------------

    def backward(self, grad=None, retain_graph=False):
        """Compute d(self)/d(leaf) for every leaf in self's graph and add it to `leaf.grad`.

        Args:
            grad: dL/dself, required unless self has one element (then it defaults to 1).
            retain_graph: keep the values saved for backward, so backward can run again.
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad and has no graph; set "
                "requires_grad=True on the inputs you want gradients for"
            )
        if grad is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward: grad can be omitted only for a tensor with one element, "
                    f"but this one has shape {self.shape}; pass grad= of that shape"
                )
            grad = np.ones_like(self.data)
        else:
            grad = grad.data if isinstance(grad, Tensor) else np.asarray(grad)
            if grad.shape != self.shape:
                raise ValueError(
                    f"backward: grad has shape {grad.shape} but the tensor has shape {self.shape}"
                )
            grad = grad.astype(self.dtype, copy=False)
        autograd.run_backward(self, grad, retain_graph=retain_graph)

    def register_hook(self, fn):
        """Call `fn(grad)` once this tensor's full gradient is known, before it flows on.

        `grad` is a numpy array; if fn returns an array, it replaces the gradient.
        Returns a handle whose `remove()` detaches the hook.
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that "
                               "doesn't require grad")
        self._hooks.append(fn)
        return _HookHandle(self._hooks, fn)

    def retain_grad(self):
        """Keep `.grad` on this non-leaf tensor after backward (leaves always keep it)."""
        self._retains_grad = True

    def _accumulate_grad(self, g):
        """Add `g` (a numpy array of this tensor's shape) into `.grad`.

        The first gradient is stored as a copy, because `g` may be shared (Add returns the same
        array for both inputs; the user's upstream array may be passed straight through), and
        a later in-place change to one `.grad` must not change another. Later gradients are
        added (into a new array, never in place), so several backward calls sum up: that is
        why training loops reset `.grad` before each backward.
        """
        if self.grad is None:
            self.grad = np.array(g, dtype=self.dtype, copy=True)
        else:
            self.grad = self.grad + g

    # ----- operators (each one calls an op from minigrad/ops) ---------------------------

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
        return ops.arithmetic.Neg.apply(self)

    def __getitem__(self, index):
        return ops.shape.GetItem.apply(self, index=_index_arrays(index))

    # Comparisons give boolean tensors and never carry a gradient.
    def __lt__(self, other):
        return Tensor(self.data < _data(other))

    def __le__(self, other):
        return Tensor(self.data <= _data(other))

    def __gt__(self, other):
        return Tensor(self.data > _data(other))

    def __ge__(self, other):
        return Tensor(self.data >= _data(other))

    def __eq__(self, other):
        return Tensor(self.data == _data(other))

    def __ne__(self, other):
        return Tensor(self.data != _data(other))

    __hash__ = object.__hash__

    # ----- reductions -------------------------------------------------------------------

    def sum(self, axis=None, keepdims=False):
        """Sum over `axis` (None: all axes; an int or a tuple). Op: `ops.reduction.Sum`."""
        return ops.reduction.Sum.apply(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        """Mean over `axis` (None: all axes; an int or a tuple). Op: `ops.reduction.Mean`."""
        return ops.reduction.Mean.apply(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        """Maximum over `axis`; ties share the gradient equally. Op: `ops.reduction.Max`."""
        return ops.reduction.Max.apply(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        """Minimum over `axis`; ties share the gradient equally. Op: `ops.reduction.Min`."""
        return ops.reduction.Min.apply(self, axis=axis, keepdims=keepdims)

    # ----- shape ------------------------------------------------------------------------

    def reshape(self, *shape):
        """The same elements in a new shape: `x.reshape(2, -1)` or `x.reshape((2, -1))`.
        `view` is the same method. Op: `ops.shape.Reshape`.
        """
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return ops.shape.Reshape.apply(self, shape=shape)

    view = reshape

    def permute(self, *dims):
        """Reorder the axes: `x.permute(0, 2, 3, 1)` (NCHW to NHWC)."""
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        return ops.shape.Permute.apply(self, dims=dims)

    def transpose(self, dim0, dim1):
        """Swap two axes, as `torch.Tensor.transpose`."""
        dims = list(range(self.ndim))
        dims[dim0], dims[dim1] = dims[dim1], dims[dim0]
        return ops.shape.Permute.apply(self, dims=tuple(dims))

    @property
    def T(self):
        """All axes reversed (the matrix transpose for 2-D). Op: `ops.shape.Permute`."""
        return ops.shape.Permute.apply(self, dims=tuple(reversed(range(self.ndim))))

    def flatten(self, start_dim=0, end_dim=-1):
        """Merge axes start_dim..end_dim into one, as `torch.flatten`."""
        if self.ndim == 0:
            return self.reshape(1)
        start = start_dim % self.ndim
        end = end_dim % self.ndim
        if start > end:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                             f"for a tensor of {self.ndim} dims")
        shape = self.shape[:start] + (-1,) + self.shape[end + 1:]
        return self.reshape(shape)

    # ----- elementwise ------------------------------------------------------------------

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

    def clip(self, min=None, max=None):
        """Limit the values to [min, max] (either may be None). `clamp` is the same method.
        Op: `ops.elementwise.Clip`.
        """
        return ops.elementwise.Clip.apply(self, low=min, high=max)

    clamp = clip

    def relu(self):
        """max(x, 0), elementwise. Op: `ops.activation.ReLU`."""
        return ops.activation.ReLU.apply(self)

    def tanh(self):
        """tanh(x), elementwise. Op: `ops.activation.Tanh`."""
        return ops.activation.Tanh.apply(self)

    def sigmoid(self):
        """1 / (1 + exp(-x)), elementwise. Op: `ops.activation.Sigmoid`."""
        return ops.activation.Sigmoid.apply(self)

    def softmax(self, axis=-1):
        """exp(x) / sum(exp(x)) along `axis`. Op: `ops.activation.Softmax`."""
        return ops.activation.Softmax.apply(self, axis=axis)

    def log_softmax(self, axis=-1):
        """x - log(sum(exp(x))) along `axis`, computed stably. Op: `ops.activation.LogSoftmax`."""
        return ops.activation.LogSoftmax.apply(self, axis=axis)


class _HookHandle:
    """Returned by `Tensor.register_hook`; `remove()` detaches the hook."""
    def __init__(self, hooks, fn):
        self._hooks = hooks
        self._fn = fn

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


def _data(x):
    return x.data if isinstance(x, Tensor) else x


def _index_arrays(index):
    """The index with each Tensor in it as its array (a list as an array): plain numpy."""
    if isinstance(index, tuple):
        return tuple(_data(i) for i in index)
    return np.asarray(index) if isinstance(index, list) else _data(index)


# Imported at the bottom, as Tensor is in function.py: the ops (which the operators above call,
# x + y is Add.apply) load function.py, which needs Tensor defined; `ops` itself is looked up
# only when an operator runs, by which time it is loaded.
from . import ops  # noqa: E402
