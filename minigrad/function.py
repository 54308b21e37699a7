"""How an op is defined: a `Function` with a forward and a backward side by side.

Every differentiable op in minigrad, built-in or yours, is a subclass of `Function`::

    class MySoftplus(Function):
        '''y = log(1 + exp(x));  VJP: dL/dx = g * sigmoid(x).'''

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return np.logaddexp(0.0, x)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved
            return (grad / (1.0 + np.exp(-x)),)

    y = MySoftplus.apply(x)        # x is a Tensor; y is a Tensor wired into the graph

`forward` receives numpy arrays (the `._array` of each input) plus any keyword parameters, and
returns one numpy array. `backward` receives the upstream gradient g = dL/dy (same shape as y)
and returns one gradient per input, in input order, each with that input's shape, or None
where an input needs none (`ctx.needs_input_grad[i]` says which do). Anything backward needs
is stored on `ctx`, never recomputed from the Tensors: after backward the engine clears `ctx`
so the memory is released.

Defining the subclass registers it in `Function.registry`; the test suite uses the registry
to insist that every one of minigrad's own ops has a gradient-check case. minigrad's ops are
registered by their name, and a second op of minigrad's with a taken name is an error. An op
defined elsewhere (a script, a notebook) is registered by its module and name,
"__main__.Softplus", so it can share a name with a built-in without touching it; defining it
again (a notebook cell run twice) replaces the earlier definition, with a warning.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import autograd, dtypes


class Context:
    """Scratch space shared by one call of an op's forward and its backward.

    The engine's own fields are slots; what an op stores (`ctx.shapes = ...`) goes in
    `__dict__`, so that `_saved_versions` looks only at the op's values."""

    __slots__ = ("needs_input_grad", "saved", "versions", "released", "__dict__")

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad
        self.saved = ()
        self.versions = ()  # of the arrays kept for backward (see _saved_versions)
        self.released = False

    def save_for_backward(self, *arrays):
        self.saved = arrays

    def release(self):
        """Drop everything forward stored, so that saved arrays can be freed."""
        self.__dict__.clear()
        self.saved = ()
        self.versions = ()
        self.released = True


class Node:
    """The record a Tensor keeps of the op call that made it: the op, its ctx, its inputs.

    It is also the tensor's `grad_fn`, as in PyTorch: `name()` says which backward it runs
    ("MulBackward"), and `next_functions` links to the grad_fns of the inputs, so a student
    can walk the graph from the loss (a leaf that requires grad is an AccumulateGrad)."""

    __slots__ = ("function", "ctx", "inputs")

    def __init__(self, function, ctx, inputs):
        self.function = function
        self.ctx = ctx
        self.inputs = inputs

    def name(self):
        return f"{self.function.__name__}Backward"

    @property
    def next_functions(self):
        """((grad_fn or AccumulateGrad or None, 0), ...), one per input, as PyTorch's."""
        return tuple((t._node if t._node is not None else
                      AccumulateGrad(t) if t.requires_grad else None, 0) for t in self.inputs)

    def __repr__(self):
        return f"<{self.name()}>"


class AccumulateGrad:
    """The end of a path in the graph: a leaf that requires grad, where `.grad` is filled."""

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()

    def name(self):
        return "AccumulateGrad"

    def __repr__(self):
        return "<AccumulateGrad>"


class Function:
    """Base class of every differentiable op. See the module docstring for the recipe."""

    #: name -> Function subclass, for every differentiable op defined so far.
    registry: dict[str, type] = {}

    def __init_subclass__(cls, register=True, **kwargs):
        super().__init_subclass__(**kwargs)
        if not register:
            return
        if cls.__module__.startswith("minigrad."):
            if Function.registry.get(cls.__name__, cls) is not cls:
                raise TypeError(f"Function: an op named {cls.__name__!r} is already registered")
            Function.registry[cls.__name__] = cls
            return
        key = f"{cls.__module__}.{cls.__qualname__}"
        if key in Function.registry:
            warnings.warn(f"Function: op {key} is defined again; the new definition replaces "
                          f"the earlier one (as when a notebook cell runs twice)", stacklevel=2)
        Function.registry[key] = cls

    @staticmethod
    def forward(ctx, *arrays, **params):
        """Compute the op's output from numpy arrays (one per input) and keyword parameters.

        Save what backward needs on `ctx` (`ctx.save_for_backward(...)` or attributes); return
        one numpy array.
        """
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad):
        """Given g = dL/dy (a numpy array of the output's shape), return a tuple with one gradient
        per input, in input order, each of that input's shape, or None where
        `ctx.needs_input_grad[i]` is False: the vector-Jacobian product J^T g.
        """
        raise NotImplementedError

    #: How the inputs' dtypes meet, as in PyTorch: None, each input as it comes; "promote",
    #: all cast to their common dtype (`dtypes.result_type`: x * 2.0 stays float32);
    #: "float", the same, then an integer or bool result made float32 (true division,
    #: exp, sigmoid, ... of an int64 tensor are float, as in PyTorch).
    dtype_rule = None

    @classmethod
    def apply(cls, *inputs, **params):
        """Run forward on the inputs' arrays and, when grad mode is on, record the graph node.

        Inputs that are not Tensors (Python numbers, arrays) become constants. Only a floating
        point result can require grad (an argmax or a comparison never does).
        """
        tensors, arrays = _inputs(inputs, cls.dtype_rule)
        needs = tuple([t.requires_grad for t in tensors])  # a list is built faster than a generator
        ctx = Context(needs)
        out = cls.forward(ctx, *arrays, **params)
        if type(out) is not np.ndarray:  # a numpy scalar, from a reduction
            out = np.asarray(out)
        record = autograd._mode.enabled and True in needs and out.dtype.kind == "f"
        result = tensor_module.Tensor._from_op(out, requires_grad=record)
        if out.base is not None:  # a view (reshape, permute): one array, one version counter
            for t in tensors:
                base = t._array if t._array.base is None else t._array.base
                if out.base is t._array or out.base is base:
                    result._counter = t._version_counter()
                    result._view_of = t
        if record:
            result._node = Node(cls, ctx, tensors)
            ctx.versions = _saved_versions(ctx, tensors, result)
            for t in tensors:
                t._uses += 1  # an in-place change may rebase only a tensor nothing used yet
        return result


def _saved_versions(ctx, tensors, output):
    """(which, version counter, version now) for each input, and the output, whose array
    the op kept on ctx for backward: a later in-place change to it must stop backward
    (`autograd.check_versions`). Ops that kept none of them are not affected."""
    kept = [a for a in ctx.saved if type(a) is np.ndarray]
    for value in ctx.__dict__.values():  # arrays, and arrays one level inside containers
        kind = type(value)
        if kind is np.ndarray:
            kept.append(value)
        elif kind is tuple or kind is list or kind is dict:
            items = value.values() if kind is dict else value
            kept += [a for a in items if type(a) is np.ndarray]
    if not kept:
        return ()
    labelled = [(f"input {i}", t) for i, t in enumerate(tensors)] + [("its output", output)]
    return [(label, t._version_counter(), t._version) for label, t in labelled
            if any(a is t._array or a.base is t._array for a in kept)]


def _inputs(inputs, rule):
    """The inputs as Tensors (the graph's edges) and as the arrays forward receives, cast to
    the op's common dtype when it has a rule. The gradient of a cast input is cast back to
    the input's dtype by the backward pass."""
    Tensor = tensor_module.Tensor
    if rule is None:
        tensors = [x if isinstance(x, Tensor) else _constant(x, None) for x in inputs]
        return tensors, [t._array for t in tensors]
    arrays = [x._array if isinstance(x, Tensor) else None for x in inputs]
    dtype = arrays[0].dtype if arrays[0] is not None else None
    if dtype is not None and (rule == "promote" or dtype.kind == "f"):
        for a in arrays:  # a plain loop: all() over a generator costs a frame per call
            if a is None or a.dtype != dtype:
                break
        else:
            return list(inputs), arrays  # the common case: Tensors of one dtype, no cast
    for x in inputs:  # a list or a str would fail inside the dtype rules otherwise
        if not isinstance(x, Tensor):
            _check_operand(x)
    target = dtypes.result_type(*inputs)
    if rule == "float" and not dtypes.is_floating(target):
        target = dtypes.get_default_dtype()
    tensors = [x if isinstance(x, Tensor) else _constant(x, target) for x in inputs]
    arrays = [t._array if t._array.dtype == target else t._array.astype(target) for t in tensors]
    return tensors, arrays


def _check_operand(value):
    """Refuse what is neither a number nor a numeric array (a list, a str, None)."""
    if not isinstance(value, (bool, int, float, np.ndarray, np.generic)) or (
            np.asarray(value).dtype.kind not in "biuf"):
        raise TypeError(f"unsupported operand: a tensor and {type(value).__name__} "
                        f"({value!r:.40}); give a Tensor or a number")


def _constant(value, dtype):
    """A Python number or array as a Tensor outside the graph; a number without a dtype to
    take gets the one `mg.tensor` would give it."""
    _check_operand(value)
    if dtype is None and isinstance(value, (bool, int, float)):
        dtype = dtypes.result_type(value)
    return tensor_module.Tensor._from_op(np.asarray(value, dtype=dtype), requires_grad=False)


# Imported at the bottom: this module and tensor.py need each other (apply wraps results in
# Tensors; the Tensor's operators are ops, which subclass Function). Taking the module, not
# the class, lets either load first: `tensor_module.Tensor` is looked up when an op runs.
from . import tensor as tensor_module  # noqa: E402
