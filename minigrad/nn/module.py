"""`Module` and `Parameter`: how a network holds its weights, as in `torch.nn`.

A Module is a Python object whose attributes are sorted on assignment::

    self.weight = Parameter(...)   -> self._parameters["weight"]  (trained by the optimizer)
    self.conv = Conv2d(...)        -> self._modules["conv"]       (a child; its weights count too)
    self.register_buffer("running_mean", zeros)
                                   -> self._buffers["running_mean"]  (saved, but not trained)

Everything else (`parameters()`, `state_dict()`, `train()`, the nested repr) walks those
three dicts, children in the order they were assigned. Subclasses write `__init__` (calling
`super().__init__()` first) and `forward`; calling the module runs `forward`, with the hooks
of hooks.py around it. Lookup by dotted path and saving and loading (`state_dict`) are in
module_state.py.
"""

from __future__ import annotations

import numpy as np

from ..creation import from_numpy
from .. import dtypes
from ..device import _check_device
from ..tensor import Tensor
from .hooks import ModuleHooks, RemovableHandle
from .module_state import IncompatibleKeys, ModuleState

# RemovableHandle and IncompatibleKeys are named here too, where nn/__init__ and older code
# import them from.
__all__ = ["Module", "Parameter", "RemovableHandle", "IncompatibleKeys"]


class Parameter(Tensor):
    """A Tensor that a Module registers as a weight: it requires grad by default.

    Args:
        data: array-like or Tensor (copied), keeping its dtype (so a float64 model is
            possible). An integer or bool one only with requires_grad=False, as torch's:
            only floating-point tensors can require gradients (a TypeError otherwise,
            minigrad's type for a wrong dtype).
        requires_grad: set False to freeze the weight.
    """

    def __init__(self, data, requires_grad=True):
        if isinstance(data, Tensor):
            data = data._array
        array = np.array(data)
        if requires_grad and not dtypes.is_floating(array.dtype):
            raise TypeError(f"Parameter: only Tensors of floating point dtype can require "
                            f"gradients, got dtype {array.dtype}; convert the data with "
                            f".float(), or pass requires_grad=False")
        self._init(array, requires_grad)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()



def factory_dtype(layer, device, dtype):
    """The dtype of a new layer's weights, from its `device=` and `dtype=` arguments as torch
    takes them: the default dtype (mg.set_default_dtype) unless dtype says otherwise, and
    only a floating one; the device may only be the CPU."""
    if device is not None:
        _check_device(device)
    dtype = dtypes.get_default_dtype() if dtype is None else np.dtype(dtype)
    if not dtypes.is_floating(dtype):
        raise TypeError(f"{type(layer).__name__}: dtype must be a floating dtype for its "
                        f"weights, got {dtype}")
    return dtype


class Module(ModuleHooks, ModuleState):
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
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", {})
        self._init_hooks()

    def forward(self, *inputs):
        """The layer's computation on its input Tensors; every subclass defines it.
        Call the module (`layer(x)`), not `forward`, so that the hooks run.
        """
        raise NotImplementedError(f"{type(self).__name__}: a Module subclass must define forward")

    # ----- registration by attribute ------------------------------------------------------

    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}: call super().__init__() before assigning attributes"
            )
        if isinstance(value, Parameter):
            self._put(self._parameters, name, value)
        elif isinstance(value, Module):
            self._put(self._modules, name, value)
        elif name in self._parameters:
            if value is not None:
                raise TypeError(
                    f"{type(self).__name__}: cannot assign a {type(value).__name__} to parameter "
                    f"{name!r}; wrap it in nn.Parameter (or assign None)"
                )
            self._parameters[name] = None
        elif name in self._buffers:
            self._buffers[name] = None if value is None else _as_buffer(value, name)
        elif name in self._modules:
            if value is not None:
                raise TypeError(f"cannot assign {type(value).__name__!r} as child module "
                                f"{name!r} (nn.Module or None expected)")
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
        self._non_persistent_buffers_set.discard(name)
        return found

    def _put(self, store, name, value):
        """Register `value` in `store`; a name already there keeps its place (as in PyTorch,
        `seq[0] = m` stays first), a name from elsewhere moves over."""
        if name not in store:
            self._forget(name)
        store[name] = value

    def _check_new_name(self, kind, name, store):
        """torch's checks on a name given to register_buffer / add_module."""
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            # torch's wording, which shows the name only for a module
            raise KeyError(f"{kind} name can't contain \".\""
                           + (f", got: {name}" if kind == "module" else ""))
        if name == "":
            raise KeyError(f"{kind} name can't be empty string \"\"")
        if hasattr(self, name) and name not in store:
            raise KeyError(f"attribute '{name}' already exists")

    def register_buffer(self, name, tensor, persistent=True):
        """Keep a tensor that is state but not a weight (BatchNorm's running mean): it is moved
        by `to()` and never given to an optimizer. A persistent buffer is saved by
        `state_dict`; persistent=False keeps it out. A Tensor is kept as it is (as PyTorch);
        a numpy array is copied into a Tensor. None registers the name without a value."""
        self._check_new_name("buffer", name, self._buffers)
        self._put(self._buffers, name, None if tensor is None else _as_buffer(tensor, name))
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def register_parameter(self, name, param):
        """Same as `self.name = param`; param may be None (for example an absent bias)."""
        self._put(self._parameters, name, param)

    def add_module(self, name, module):
        """Register `module` (or None) as the child `name`: the same as `self.name = module`,
        with torch's checks of the name."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_new_name("module", name, self._modules)
        self._put(self._modules, name, module)

    def register_module(self, name, module):
        """An alias of `add_module`, as in PyTorch."""
        self.add_module(name, module)

    # ----- walking the tree ---------------------------------------------------------------

    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """(dotted name, module) for this module (name `prefix`) and every descendant, depth
        first. A module reached twice is listed once, unless remove_duplicate=False; `memo`
        is the set of modules already listed (it is filled in)."""
        memo = set() if memo is None else memo
        stack = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if module in memo:
                continue
            if remove_duplicate:
                memo.add(module)
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

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, Parameter) pairs, e.g. ("0.weight", ...), in registration order.
        A Parameter shared by two modules is listed once (unless remove_duplicate=False)."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """Every Parameter of this module and (with recurse) its descendants, each once; what an
        optimizer takes: `optim.SGD(model.parameters(), lr=0.1)`.
        """
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """(dotted name, Tensor) for every buffer (state that is kept but not trained)."""
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """Every buffer of this module and (with recurse) its descendants."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def _named_members(self, store, prefix, recurse, remove_duplicate=True):
        modules = (self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate)
                   if recurse else [(prefix, self)])
        seen = set()
        for module_name, module in modules:
            for name, value in getattr(module, store).items():
                if value is None or id(value) in seen:
                    continue
                if remove_duplicate:
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

    def requires_grad_(self, requires_grad=True):
        """Set `requires_grad` on every parameter (False freezes the module). Returns self."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Forget the accumulated gradients: every parameter's `.grad` becomes None (or zeros,
        with set_to_none=False)."""
        for param in self.parameters():
            if set_to_none or param.grad is None:
                param.grad = None
            else:
                param.grad.zero_()

    def to(self, *args, **kwargs):
        """Convert the floating parameters and buffers (and their grads) in place, as
        PyTorch's: to(dtype), to("cpu"), to(device), to(tensor) (its dtype), to(device, dtype),
        to(dtype=...). The Parameter objects stay the same, so an optimizer made before still
        holds them. Only floating dtypes are accepted; the device may only be the CPU.
        Returns self."""
        dtype, device = kwargs.pop("dtype", None), kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"Module.to: unexpected keyword {sorted(kwargs)[0]!r}")
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, str) or type(arg).__name__ == "device":
                device = arg
            elif not isinstance(arg, bool):  # non_blocking, given by position
                dtype = arg
        if device is not None:
            _check_device(device)
        if dtype is None:
            return self
        dtype = _floating_dtype(dtype)
        return self._cast(lambda tensor: np.issubdtype(tensor.dtype, np.floating), dtype)

    def double(self):
        """Floating parameters and buffers to float64. Returns self."""
        return self.to(np.float64)

    def float(self):
        """Floating parameters and buffers to float32. Returns self."""
        return self.to(np.float32)

    def half(self):
        """Floating parameters and buffers to float16 (numpy's half; slow). Returns self."""
        return self.to(np.float16)

    def type(self, dst_type):
        """Every parameter and buffer to `dst_type`, integer buffers too (as PyTorch's
        Module.type); a parameter that requires grad must stay floating, else RuntimeError
        (and nothing is changed). Returns self."""
        dtype = np.dtype(dst_type)
        if dtype.kind != "f" and any(p.requires_grad for p in self.parameters()):
            raise RuntimeError(f"Module.type: data set to a tensor that requires gradients must "
                               f"be floating point, got dtype={dtype}; call "
                               f"requires_grad_(False) first")
        return self._cast(lambda tensor: True, dtype)

    def cpu(self):
        """Self: minigrad's modules are always on the CPU."""
        return self

    def cuda(self, device=None):
        """An error that says minigrad runs on the CPU only."""
        _check_device("cuda")

    def _cast(self, chosen, dtype):
        for tensor in list(self.parameters()) + list(self.buffers()):
            if chosen(tensor) and tensor.dtype != dtype:
                tensor._array = tensor._array.astype(dtype)
                if tensor.grad is not None:
                    tensor.grad = tensor.grad.to(dtype)
        return self

    # ----- printing -----------------------------------------------------------------------

    def extra_repr(self):
        """The arguments shown inside this module's parentheses; layers override it (one line,
        or several, each shown on its own line)."""
        return ""

    def __repr__(self):
        # PyTorch's layout: one line when there is only a one-line extra_repr, else one
        # line per extra_repr line and per child, each child's own lines indented.
        extra = self.extra_repr().split("\n") if self.extra_repr() else []
        children = [f"({name}): " + repr(module).replace("\n", "\n  ")
                    for name, module in self._modules.items()]
        if len(extra) == 1 and not children:
            return f"{type(self).__name__}({extra[0]})"
        if not extra and not children:
            return f"{type(self).__name__}()"
        return f"{type(self).__name__}(\n  " + "\n  ".join(extra + children) + "\n)"


def _floating_dtype(dtype):
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"Module.to: expected a dtype, a device or a Tensor, got "
                        f"{dtype!r}") from None
    if dtype.kind != "f":
        raise TypeError(f"Module.to: only accepts floating point dtypes, but got desired "
                        f"dtype={dtype}")
    return dtype


def _as_buffer(value, name):
    if isinstance(value, Parameter):
        raise TypeError(f"register_buffer: got a Parameter for buffer {name!r}; assign it as "
                        f"an attribute instead")
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray):
        return from_numpy(value.copy())
    raise TypeError(f"cannot assign {type(value).__name__!r} object to buffer {name!r} "
                    f"(Tensor or None required)")
