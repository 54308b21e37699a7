"""`Module` and `Parameter`: how a network holds its weights, as in `torch.nn`.

A Module is a Python object whose attributes are sorted on assignment::

    self.weight = Parameter(...)   -> self._parameters["weight"]  (trained by the optimizer)
    self.conv = Conv2d(...)        -> self._modules["conv"]       (a child; its weights count too)
    self.register_buffer("running_mean", zeros)
                                   -> self._buffers["running_mean"]  (saved, but not trained)

Everything else (`parameters()`, `state_dict()`, `train()`, the nested repr) walks those
three dicts, children in the order they were assigned. Subclasses write `__init__` (calling
`super().__init__()` first) and `forward`; calling the module runs `forward`.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from ..creation import from_numpy
from ..tensor import Tensor


class Parameter(Tensor):
    """A Tensor that a Module registers as a weight: it requires grad by default.

    Args:
        data: array-like or Tensor (copied). Floating numpy arrays keep their dtype (so a
            float64 model is possible); everything else becomes float32.
        requires_grad: set False to freeze the weight.
    """

    def __init__(self, data, requires_grad=True):
        if isinstance(data, Tensor):
            data = data._array
        array = np.asarray(data)
        dtype = array.dtype if np.issubdtype(array.dtype, np.floating) else np.float32
        self._init(np.array(array, dtype=dtype), requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


#: What `load_state_dict` returns (as PyTorch): the keys it did not find, and the ones it ignored.
IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class Module:
    """Base class of every layer and model. Subclass it, define `forward`, call the instance.

    Attributes:
        training: True after `train()` (the default), False after `eval()`. Layers that behave
            differently (BatchNorm) read it.
    """

    def __init__(self):
        # object.__setattr__ because our own __setattr__ needs these dicts to exist.
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "_forward_hooks", {})

    def forward(self, *inputs):
        """The layer's computation on its input Tensors; every subclass defines it.
        Call the module (`layer(x)`), not `forward`, so that forward hooks run.
        """
        raise NotImplementedError(f"{type(self).__name__}: a Module subclass must define forward")

    def __call__(self, *inputs, **kwargs):
        output = self.forward(*inputs, **kwargs)
        for hook in list(self._forward_hooks.values()):
            replaced = hook(self, inputs, output)
            if replaced is not None:
                output = replaced
        return output

    # ----- registration by attribute ------------------------------------------------------

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() before assigning attributes"
            )
        if isinstance(value, Parameter):
            self._forget(name)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._forget(name)
            self._modules[name] = value
        elif name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"{type(self).__name__}: cannot assign a {type(value).__name__} to parameter "
                    f"{name!r}; wrap it in nn.Parameter (or assign None)"
                )
            self._parameters[name] = None
        elif name in self._buffers:
            self._buffers[name] = None if value is None else _as_buffer(value)
        elif name in self._modules:
            if value is not None:
                raise TypeError(f"{type(self).__name__}: cannot assign a {type(value).__name__} "
                                f"to child module {name!r}")
            self._modules[name] = None
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name):
        # Only called when normal lookup fails, i.e. for registered names.
        for store in ("_parameters", "_buffers", "_modules"):
            entries = self.__dict__.get(store, {})
            if name in entries:
                return entries[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __delattr__(self, name):
        if not self._forget(name):
            raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def _forget(self, name):
        """Remove `name` from wherever it is (a plain attribute or registered); True if found."""
        found = name in self.__dict__
        self.__dict__.pop(name, None)
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                found = True
        return found

    def register_buffer(self, name, array):
        """Keep an array that is state but not a weight (BatchNorm's running mean): it is saved
        by `state_dict`, converted by `to`, and never given to an optimizer. Stored as a Tensor
        without grad."""
        self._forget(name)
        self._buffers[name] = None if array is None else _as_buffer(array)

    def register_parameter(self, name, param):
        """Same as `self.name = param`; param may be None (for example an absent bias)."""
        self._forget(name)
        self._parameters[name] = param

    # ----- walking the tree ---------------------------------------------------------------

    def named_modules(self, prefix=""):
        """(dotted name, module) for this module (name "") and every descendant, depth first."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            children = [(f"{name}.{child}" if name else child, m)
                        for child, m in module._modules.items() if m is not None]
            stack.extend(reversed(children))

    def modules(self):
        """This module and every descendant, depth first (as `named_modules`, without names)."""
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        """(name, module) for each direct child, in the order they were assigned."""
        for name, module in self._modules.items():
            if module is not None:
                yield name, module

    def children(self):
        """The direct children, in the order they were assigned."""
        for _, module in self.named_children():
            yield module

    def named_parameters(self, prefix="", recurse=True):
        """(dotted name, Parameter) pairs, e.g. ("0.weight", ...), in registration order.
        A Parameter shared by two modules is listed once."""
        yield from self._named_members("_parameters", prefix, recurse)

    def parameters(self, recurse=True):
        """Every Parameter of this module and (with recurse) its descendants, each once; what an
        optimizer takes: `optim.SGD(model.parameters(), lr=0.1)`.
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True):
        """(dotted name, Tensor) for every buffer (state that is saved but not trained)."""
        yield from self._named_members("_buffers", prefix, recurse)

    def buffers(self, recurse=True):
        """Every buffer of this module and (with recurse) its descendants."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def _named_members(self, store, prefix, recurse):
        modules = self.named_modules(prefix) if recurse else [(prefix, self)]
        seen = set()
        for module_name, module in modules:
            for name, value in getattr(module, store).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{module_name}.{name}" if module_name else name), value

    def apply(self, fn):
        """Call `fn(module)` on every descendant, then on self (e.g. custom init). Returns self."""
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ----- modes, gradients, dtype --------------------------------------------------------

    def train(self, mode=True):
        """Set `.training` on this module and all descendants. Returns self."""
        for module in self.modules():
            object.__setattr__(module, "training", bool(mode))
        return self

    def eval(self):
        """Same as `train(False)`: BatchNorm uses its running statistics."""
        return self.train(False)

    def zero_grad(self, set_to_none=True):
        """Forget the accumulated gradients: every parameter's `.grad` becomes None (or zeros,
        with set_to_none=False)."""
        for param in self.parameters():
            if set_to_none or param.grad is None:
                param.grad = None
            else:
                param.grad.zero_()

    def to(self, dtype):
        """Convert parameters and floating buffers to `dtype` in place (the same Parameter
        objects, so an optimizer made before still holds them). Returns self."""
        for tensor in list(self.parameters()) + list(self.buffers()):
            if np.issubdtype(tensor.dtype, np.floating):
                tensor._array = tensor._array.astype(dtype)
                if tensor.grad is not None:
                    tensor.grad = tensor.grad.to(dtype)
        return self

    # ----- saving and loading -------------------------------------------------------------

    def _state_tensors(self):
        """{dotted name: Tensor} for every parameter and buffer: each module's own parameters,
        then its buffers, then its children's (PyTorch's order)."""
        tensors = {}
        for module_name, module in self.named_modules():
            for store in (module._parameters, module._buffers):
                for name, value in store.items():
                    if value is not None:
                        tensors[f"{module_name}.{name}" if module_name else name] = value
        return tensors

    def state_dict(self):
        """{dotted name: Tensor} for every parameter and buffer: detached, sharing memory
        with the module's own (as PyTorch's; save it, or copy it with .clone())."""
        return {key: tensor.detach() for key, tensor in self._state_tensors().items()}

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays from `state_dict` into this module's parameters and buffers, in place.

        The Parameter objects stay the same, so an optimizer holding them keeps working.
        Nothing is copied unless every check passes. Raises one RuntimeError listing every
        problem: with strict=True, missing and unexpected keys; always, shape mismatches.
        Returns IncompatibleKeys(missing_keys, unexpected_keys).
        """
        own = self._state_tensors()
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        problems = []
        if strict:
            problems += [f"missing key {key!r}" for key in missing]
            problems += [f"unexpected key {key!r}" for key in unexpected]
        for key, target in own.items():
            if key in state_dict:
                shape = np.shape(_array(state_dict[key]))
                if shape != target.shape:
                    problems.append(f"shape mismatch for {key!r}: the module has "
                                    f"{tuple(target.shape)}, the state_dict has {shape}")
        if problems:
            raise RuntimeError(f"load_state_dict: cannot load into {type(self).__name__}:\n  "
                               + "\n  ".join(problems))
        for key, target in own.items():
            if key in state_dict:
                target._array[...] = _array(state_dict[key])
        return IncompatibleKeys(missing, unexpected)

    # ----- hooks --------------------------------------------------------------------------

    def register_forward_hook(self, fn):
        """Call `fn(module, inputs, output)` after every forward (inputs is the tuple of
        positional arguments). If fn returns a value, it replaces the output.
        Returns a handle; `handle.remove()` detaches the hook."""
        handle = RemovableHandle(self._forward_hooks)
        self._forward_hooks[handle.id] = fn
        return handle

    # ----- printing -----------------------------------------------------------------------

    def extra_repr(self):
        """The arguments shown inside this module's parentheses; layers override it."""
        return ""

    def __repr__(self):
        lines = [self.extra_repr()] if self.extra_repr() else []
        for name, module in self._modules.items():
            child = repr(module).replace("\n", "\n  ")
            lines.append(f"({name}): {child}")
        if not self._modules:
            return f"{type(self).__name__}({self.extra_repr()})"
        return f"{type(self).__name__}(\n  " + "\n  ".join(lines) + "\n)"


class RemovableHandle:
    """Returned by `register_forward_hook`; `remove()` takes the hook off again."""

    _next_id = 0

    def __init__(self, hooks):
        self._hooks = hooks
        self.id = RemovableHandle._next_id
        RemovableHandle._next_id += 1

    def remove(self):
        """Detach the hook; removing twice is harmless."""
        self._hooks.pop(self.id, None)


def _array(value):
    return value._array if isinstance(value, Tensor) else np.asarray(value)


def _as_buffer(value):
    if isinstance(value, Parameter):
        raise TypeError("register_buffer: got a Parameter; assign it as an attribute instead")
    return from_numpy(_array(value).copy())
