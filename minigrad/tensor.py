"""The Tensor: a numpy array, plus what autograd needs to send gradients back through it.

A Tensor made by the user is a *leaf*; one made by an op holds a `_node` recording that op
call (see `function.py`). `backward()` hands the graph to `autograd.run_backward`.

This file holds what a Tensor *is*: its construction (with PyTorch's dtypes), attributes,
conversions to Python and numpy, and its part in autograd. What a Tensor *does*, its
arithmetic, reductions, shape methods and in-place ops, each a line or two that calls an op,
is in tensor_math.py, tensor_reductions.py, tensor_shape.py and tensor_inplace.py, mixed
into the class below.
"""

from __future__ import annotations

import numpy as np

from . import autograd, dtypes
from .tensor_inplace import TensorInPlace
from .tensor_math import TensorMath
from .tensor_reductions import TensorReductions
from .device import _check_device, device
from .tensor_selection import TensorSelection
from .tensor_shape import Size, TensorShape


class Tensor(TensorMath, TensorReductions, TensorSelection, TensorShape, TensorInPlace):
    """An n-dimensional array that can record the ops applied to it and differentiate them.

    As `torch.Tensor`: `Tensor(2, 3)` is a 2 x 3 float32 tensor (of zeros here; PyTorch leaves
    it uninitialized) and `Tensor(data)` copies data as float32. To keep the data's dtype or
    ask for gradients, write `mg.tensor(data, dtype=..., requires_grad=True)`.
    """

    def __init__(self, *args, **kwargs):
        if kwargs:
            raise TypeError(f"Tensor(): unexpected keyword {sorted(kwargs)[0]!r}; as torch.Tensor "
                            f"it takes sizes or data only: write mg.tensor(data, dtype=..., "
                            f"requires_grad=...)")
        if len(args) == 1 and isinstance(args[0], Size):
            args = tuple(args[0])
        if all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in args):
            if any(a < 0 for a in args):
                raise RuntimeError(f"Tensor(): sizes must be non-negative, got {args}")
            array = np.zeros(args if args else (0,), dtype=np.float32)
        elif len(args) == 1 and isinstance(args[0], (float, bool)):
            raise TypeError(f"Tensor(): a number is not a size; for a 0-d tensor write "
                            f"mg.tensor({args[0]!r})")
        elif len(args) == 1:
            array = array_from(args[0], np.float32, "Tensor")
        else:
            raise TypeError(f"Tensor(): give sizes (ints) or one data argument, got {args!r}")
        self._init(array, False)

    def _init(self, array, requires_grad):
        self._array = array  # the numpy array itself: ops and kernels work on it
        self._grad = None
        self._node = None
        self._hooks = ()  # a list once a hook is registered
        self._retains_grad = False
        self._counter = None  # in-place changes of `data` ([n], shared with its aliases)
        self._uses = 0  # recorded ops that took this tensor as an input
        self._view_of = None  # the tensor whose memory this one views, if any
        self.requires_grad = False
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _from_op(cls, array, requires_grad):
        """Wrap an array (an op's output) as a Tensor without copying it."""
        t = cls.__new__(cls)  # _init's assignments, inlined: this runs once per op call
        t._array, t._grad, t._node, t._hooks, t._retains_grad = array, None, None, (), False
        t._counter, t._uses, t._view_of, t.requires_grad = None, 0, None, requires_grad
        return t

    @staticmethod
    def _plain(array):
        """A plain Tensor (never a Parameter) around an array, outside the graph."""
        return Tensor._from_op(array, requires_grad=False)

    def requires_grad_(self, requires_grad=True):
        """Set `requires_grad` in place (as `torch.Tensor.requires_grad_`) and return self.

        Only floating-point tensors can require grad; an integer tensor raises TypeError.
        """
        if requires_grad and not dtypes.is_floating(self._array.dtype):
            raise TypeError(
                f"Tensor: requires_grad=True needs a floating-point dtype, got "
                f"{self._array.dtype}; "
                f"only floating-point tensors can have gradients"
            )
        self.requires_grad = bool(requires_grad)
        return self

    # ----- data and grad, as PyTorch: Tensors -----------------------------------------------

    @property
    def data(self):
        """This tensor's values as a Tensor outside the graph, sharing its memory, as torch's
        `.data`. Unlike `detach()` it has a version counter of its own: a change through
        `.data` is hidden from autograd, as in PyTorch (that is what .data is for, and why
        detach() is the safer choice). Assigning `x.data = y` replaces the values."""
        return Tensor._plain(self._array)

    @data.setter
    def data(self, value):
        self._array = value._array if isinstance(value, Tensor) else np.asarray(value)

    @property
    def grad(self):
        """The gradient backward accumulated here, a Tensor of this shape and dtype, or None."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None and not isinstance(value, Tensor):
            value = Tensor._from_op(np.asarray(value), requires_grad=False)
        if value is not None and value._array.shape != self._array.shape:
            raise RuntimeError(f"grad: assigned grad has shape {tuple(value.shape)}, but the "
                               f"tensor has shape {tuple(self.shape)}")
        if value is not None and value._array.dtype != self._array.dtype:
            raise RuntimeError(f"grad: assigned grad has dtype {value.dtype}, but the tensor "
                               f"is {self.dtype}")
        self._grad = value

    def __array__(self, dtype=None, copy=None):
        """numpy's view of the tensor (np.asarray(t)), as torch's: refused while it requires
        grad, so that no graph is lost without a word."""
        if self.requires_grad:
            raise RuntimeError("numpy: can't convert a tensor that requires grad to an array; "
                               "use tensor.detach().numpy()")
        array = self._array if dtype is None else self._array.astype(dtype, copy=False)
        return array.copy() if copy else array

    # ----- plain attributes -------------------------------------------------------------

    @property
    def shape(self):
        """The shape, a `Size` (a tuple of ints)."""
        return Size(self._array.shape)

    def size(self, dim=None):
        """The shape as a `Size`, or the length of axis `dim`."""
        return self.shape if dim is None else self._array.shape[self._dim(dim)]

    @property
    def ndim(self):
        """The number of axes."""
        return self._array.ndim

    def dim(self):
        """The number of axes (as `ndim`)."""
        return self._array.ndim

    @property
    def dtype(self):
        """The numpy dtype of the data."""
        return self._array.dtype

    @property
    def device(self):
        """Where the data lives: always the CPU in minigrad."""
        return device("cpu")

    @property
    def is_leaf(self):
        """True for a tensor made by the user (or under no_grad), False for one an op recorded."""
        return self._node is None

    @property
    def grad_fn(self):
        """The record of the op that made this tensor (`.name()`, `.next_functions`), or None
        for a leaf, as PyTorch's grad_fn."""
        return self._node

    def numel(self):
        """The number of elements (the product of the shape)."""
        return self._array.size

    def __len__(self):
        if self._array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self._array)

    def __iter__(self):
        if self._array.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self._array)))

    # ----- conversions --------------------------------------------------------------------

    def numpy(self):
        """The underlying array (not a copy, as in PyTorch). Only for tensors without grad."""
        if self.requires_grad:
            raise RuntimeError(
                "numpy: can't call numpy() on a tensor that requires grad; use "
                "tensor.detach().numpy()"
            )
        return self._array

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._array.size != 1:
            raise RuntimeError(f"item: a Tensor with {self._array.size} elements cannot be "
                               f"converted to Scalar")
        return self._array.item()

    def tolist(self):
        """The values as (nested) Python lists of numbers; a 0-d tensor gives a number."""
        return self._array.tolist()

    def _scalar(self, kind):
        if self._array.size != 1:
            raise ValueError(f"{kind}: only one element tensors can be converted to Python "
                             f"scalars, got shape {tuple(self.shape)}")
        return self._array.item()

    def __float__(self):
        return float(self._scalar("float"))

    def __int__(self):
        return int(self._scalar("int"))

    def __index__(self):
        if self._array.dtype.kind not in "iu" or self._array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self._array.item())

    def __bool__(self):
        if self._array.size != 1:
            amount = "no values" if self._array.size == 0 else "more than one value"
            raise RuntimeError(f"Boolean value of Tensor with {amount} is ambiguous; use "
                               f".any() or .all()")
        return bool(self._array.item())

    def __format__(self, spec):
        if self._array.ndim == 0:  # as torch: f"{loss:.3f}" formats the number
            return format(self._array.item(), spec)
        return object.__format__(self, spec)

    def detach(self):
        """A new leaf sharing this tensor's data (and its version counter), outside any graph."""
        alias = Tensor._from_op(self._array, requires_grad=False)
        alias._counter = self._version_counter()
        return alias

    def __repr__(self):
        body = np.array2string(self._array, separator=", ", prefix="tensor(")
        default = {"f": np.float32, "i": np.int64, "b": np.bool_}.get(self.dtype.kind)
        extra = f", dtype={self.dtype}" if self.dtype != default else ""
        if self._node is not None:
            extra += f", grad_fn={self._node!r}"
        elif self.requires_grad:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    # ----- autograd ---------------------------------------------------------------------

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute d(self)/d(leaf) for every leaf in self's graph and add it to `leaf.grad`.

        Args:
            gradient: dL/dself, required unless self has one element (then it defaults to 1).
            retain_graph: keep the values saved for backward, so backward can run again.
            create_graph: not supported (gradients of gradients): NotImplementedError.
            inputs: add gradients only to these tensors (leaves or not), as PyTorch.
        """
        if create_graph:
            raise NotImplementedError("backward: create_graph=True (gradients of gradients) is "
                                      "not supported: minigrad's backward runs on numpy arrays")
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad and has no graph; set "
                "requires_grad=True on the inputs you want gradients for"
            )
        if gradient is None:
            if self._array.size != 1:
                raise RuntimeError(
                    f"backward: grad can be omitted only for a tensor with one element, "
                    f"but this one has shape {tuple(self.shape)}; pass gradient= of that shape"
                )
            gradient = np.ones_like(self._array)
        else:
            gradient = gradient._array if isinstance(gradient, Tensor) else np.asarray(gradient)
            if gradient.shape != self._array.shape:
                raise ValueError(f"backward: gradient has shape {gradient.shape} but the "
                                 f"tensor has shape {self._array.shape}")
            gradient = gradient.astype(self.dtype, copy=False)
        if inputs is None:
            autograd.run_backward(self, gradient, retain_graph=bool(retain_graph))
            return
        inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
        found = autograd.grad(self, inputs, gradient, retain_graph=retain_graph,
                              allow_unused=True)
        for t, g in zip(inputs, found):
            if g is not None:
                t._accumulate_grad(g._array)

    def register_hook(self, fn):
        """Call `fn(grad)` once this tensor's full gradient is known, before it flows on.

        `grad` is a Tensor; if fn returns a Tensor (or an array), it replaces the gradient.
        Returns a handle whose `remove()` detaches the hook.
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that "
                               "doesn't require grad")
        if not isinstance(self._hooks, list):
            self._hooks = []
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
        added into it in place, as PyTorch does, so several backward calls sum up: that is
        why training loops reset `.grad` before each backward.
        """
        if self._grad is None:
            self._grad = Tensor._from_op(np.array(g, dtype=self.dtype, copy=True), False)
        else:
            self._grad._array += g


class _HookHandle:
    """Returned by `Tensor.register_hook`; `remove()` detaches the hook."""
    def __init__(self, hooks, fn):
        self._hooks = hooks
        self._fn = fn

    def remove(self):
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


def array_from(data, dtype=None, op="tensor"):
    """The numpy array a tensor made from `data` holds: always a copy. Python numbers get
    PyTorch's dtypes (float32, int64, bool), numpy data keeps its own unless `dtype` is given;
    lists of one-element tensors become numbers. Anything else is a TypeError."""
    from_python = not isinstance(data, (Tensor, np.ndarray, np.generic))
    if isinstance(data, Tensor):
        data = data._array
    elif from_python:
        if data is None or isinstance(data, (str, bytes, dict, set)):
            raise TypeError(f"{op}: cannot make a tensor from {type(data).__name__}; give "
                            f"numbers, (nested) lists of numbers, or a numpy array")
        data = _numbers(data, op)
    try:
        array = np.array(data)
    except ValueError:
        raise TypeError(f"{op}: the nested lists are ragged (rows of different lengths); "
                        f"every row must have the same length") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{op}: cannot make a tensor of dtype {array.dtype} (from "
                        f"{type(data).__name__}); give numbers or a numeric numpy array")
    return np.array(array, dtype=dtype or dtypes.construction_dtype(array, from_python))


def _numbers(data, op):
    """Lists and tuples with the Tensors in them replaced by their values."""
    if isinstance(data, Tensor):
        if data._array.size != 1:
            raise ValueError(f"{op}: only one element tensors can be converted to Python "
                             f"scalars, got one of shape {tuple(data.shape)} inside a list")
        return data._array.item()
    if isinstance(data, (list, tuple)):
        return [_numbers(item, op) for item in data]
    return data
