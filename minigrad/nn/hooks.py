"""Module hooks, as PyTorch's: what runs around a module's `forward` when it is called.

    module(*args, **kwargs):
        forward pre-hooks  hook(module, args) -> None or new args
        [backward hook: the Tensor args are routed through one graph node, see below]
        output = module.forward(*args, **kwargs)
        forward hooks      hook(module, args, output) -> None or a new output
        [backward hook: the output Tensors are routed through one graph node]

A full backward hook, hook(module, grad_input, grad_output), needs the gradients with respect
to all of the module's inputs at once. minigrad's ops have one output each, so the inputs
are packed: their values are flattened and joined into one tensor (`cat`), and the module
receives pieces cut back out of it. The packed tensor's gradient is the gradients of all the
pieces side by side, complete once everything inside the module has sent its share back;
a Tensor hook on it (`Tensor.register_hook`) calls the module's hook and may replace that
gradient. The outputs are packed the same way, so their gradients are known first.
"""

from __future__ import annotations

import itertools

import numpy as np

from .. import autograd
from ..creation import cat
from ..tensor import Tensor


class RemovableHandle:
    """Returned by the `register_*_hook` methods; `remove()` takes the hook off again."""

    _next_id = itertools.count()

    def __init__(self, hooks):
        self._hooks = hooks
        self.id = next(RemovableHandle._next_id)

    def remove(self):
        """Detach the hook; removing twice is harmless."""
        self._hooks.pop(self.id, None)


def _add_hook(hooks, entry, prepend):
    handle = RemovableHandle(hooks)
    if prepend:
        others = list(hooks.items())
        hooks.clear()
        hooks[handle.id] = entry
        hooks.update(others)
    else:
        hooks[handle.id] = entry
    return handle


class ModuleHooks:
    """Hook registration and `__call__`, mixed into `Module`. Each hooks dict maps a handle's
    id to (hook, with_kwargs), in the order the hooks run."""

    def _init_hooks(self):
        object.__setattr__(self, "_forward_pre_hooks", {})
        object.__setattr__(self, "_forward_hooks", {})
        object.__setattr__(self, "_backward_hooks", {})

    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """Call `hook(module, args)` before every forward; if it returns a value, that becomes
        the positional arguments (a value that is not a tuple is wrapped in one). With
        with_kwargs=True it is called as hook(module, args, kwargs) and returns None or
        (new_args, new_kwargs). prepend=True runs it before the hooks already there.
        Returns a handle; `handle.remove()` detaches the hook."""
        return _add_hook(self._forward_pre_hooks, (hook, with_kwargs), prepend)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False,
                              always_call=False):
        """Call `hook(module, args, output)` after every forward (args is the tuple of
        positional arguments); if it returns a value, that replaces the output. With
        with_kwargs=True it is called as hook(module, args, kwargs, output).
        Returns a handle; `handle.remove()` detaches the hook."""
        if always_call:
            raise NotImplementedError("register_forward_hook: always_call=True (run the hook "
                                      "when forward raises) is not supported; leave it out")
        return _add_hook(self._forward_hooks, (hook, with_kwargs), prepend)

    def register_full_backward_hook(self, hook, prepend=False):
        """Call `hook(module, grad_input, grad_output)` during backward, once the gradients
        with respect to the module's inputs are known. grad_input has one entry per
        positional argument (None where it is not a floating Tensor, zeros where it does not
        require grad), grad_output one per output Tensor (None where no gradient reached
        it). If the hook returns a tuple, it replaces grad_input: those are the gradients
        that flow on to the inputs that require grad. When no input requires grad, the hook
        is called with grad_input all None and must return None (or all None).
        Returns a handle; `handle.remove()` detaches the hook."""
        return _add_hook(self._backward_hooks, (hook, False), prepend)

    def __call__(self, *args, **kwargs):
        for hook, with_kwargs in list(self._forward_pre_hooks.values()):
            if with_kwargs:
                result = hook(self, args, kwargs)
                if result is not None:
                    if not (isinstance(result, tuple) and len(result) == 2):
                        raise RuntimeError(f"forward pre-hook must return None or a tuple of "
                                           f"(new_args, new_kwargs), but got {result!r}.")
                    args, kwargs = result
            else:
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        backward_hook = None
        if self._backward_hooks and autograd.is_grad_enabled():
            backward_hook = _BackwardHook(self, len(args))
            args = backward_hook.wrap_inputs(args)
        output = self.forward(*args, **kwargs)
        for hook, with_kwargs in list(self._forward_hooks.values()):
            result = hook(self, args, kwargs, output) if with_kwargs else hook(self, args, output)
            if result is not None:
                output = result
        if backward_hook is not None:
            output = backward_hook.wrap_outputs(output)
        return output


class _BackwardHook:
    """The state of one call of a module with full backward hooks: which inputs were packed,
    and the gradients of the outputs once backward has reached them."""

    def __init__(self, module, n_args):
        self.module = module
        self.hooks = [hook for hook, _ in module._backward_hooks.values()]  # as of this call
        self.n_args = n_args
        self.inputs_packed = False
        self.grad_output = None

    def wrap_inputs(self, args):
        # Only the inputs that require grad are packed: packing the others would give them a
        # gradient, and make outputs computed from them alone require grad.
        chosen = [i for i, a in enumerate(args) if _floating(a) and a.requires_grad]
        if not chosen:
            return args
        self.inputs_packed = True
        # torch reports zeros for a floating input that does not require grad
        self.zero_grads = {i: Tensor._plain(np.zeros(a.shape, a.dtype))
                           for i, a in enumerate(args) if _floating(a) and i not in chosen}
        pieces = _pack([args[i] for i in chosen], self._on_input_grads)
        args = list(args)
        for i, piece in zip(chosen, pieces):
            args[i] = piece
        self.input_positions = chosen
        return tuple(args)

    def wrap_outputs(self, output):
        single = isinstance(output, Tensor)
        outputs = (output,) if single else output
        if not isinstance(outputs, tuple):
            return output
        chosen = [i for i, o in enumerate(outputs) if _floating(o) and o.requires_grad]
        if not chosen:
            return output
        self.outputs = outputs
        self.output_positions = chosen
        self.reached = set()
        pieces = _pack([outputs[i] for i in chosen], self._on_output_grads)
        for i, piece in zip(chosen, pieces):
            piece.register_hook(lambda g, i=i: self.reached.add(i))
        replaced = list(outputs)
        for i, piece in zip(chosen, pieces):
            replaced[i] = piece
        return replaced[0] if single else tuple(replaced)

    def _on_output_grads(self, grads):
        grad_output = [None] * len(self.outputs)
        for i, g in zip(self.output_positions, grads):
            if i in self.reached:
                grad_output[i] = g
        self.grad_output = tuple(grad_output)
        if not self.inputs_packed:  # nothing upstream needs a gradient: call the hooks now
            if any(g is not None for g in self._call_hooks((None,) * self.n_args)):
                raise RuntimeError("Backward hook for Modules where no input requires gradient "
                                   "should always return None or None for all gradients.")
        return None

    def _on_input_grads(self, grads):
        grad_input = [self.zero_grads.get(i) for i in range(self.n_args)]
        for i, g in zip(self.input_positions, grads):
            grad_input[i] = g
        replaced = self._call_hooks(tuple(grad_input))
        return [replaced[i] for i in self.input_positions]  # the others have nowhere to go

    def _call_hooks(self, grad_input):
        for hook in self.hooks:
            result = hook(self.module, grad_input, self.grad_output)
            if result is None:
                continue
            result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
            if len(result) != len(grad_input):
                raise RuntimeError(f"Backward hook returned an invalid number of grad_input, "
                                   f"got {len(result)}, but expected {len(grad_input)}")
            grad_input = result
        return grad_input


def _floating(value):
    return isinstance(value, Tensor) and value.dtype.kind == "f"


def _pack(tensors, on_grads):
    """Pieces equal to `tensors`, cut out of one joined tensor whose gradient goes through
    on_grads(list of gradients, one per tensor) -> None or the replacements (None = zero)."""
    dtypes = {t.dtype for t in tensors}
    common = dtypes.pop() if len(dtypes) == 1 else np.dtype(np.float64)  # exact for every float
    joined = cat([t.to(common).reshape(-1) for t in tensors])
    bounds = np.cumsum([0] + [t.numel() for t in tensors])
    shapes = [tuple(t.shape) for t in tensors]

    def on_joined_grad(grad):
        grads = [Tensor._plain(grad._array[a:b].reshape(shape).astype(t.dtype))
                 for a, b, shape, t in zip(bounds[:-1], bounds[1:], shapes, tensors)]
        replaced = on_grads(grads)
        if replaced is None:
            return None
        parts = []
        for new, shape in zip(replaced, shapes):
            new = np.zeros(shape) if new is None else np.asarray(getattr(new, "_array", new))
            if new.shape != shape:
                raise RuntimeError(f"register_full_backward_hook: a hook returned a gradient "
                                   f"of shape {new.shape} for an input of shape {shape}")
            parts.append(new.reshape(-1))
        return np.concatenate(parts).astype(grad.dtype)

    joined.register_hook(on_joined_grad)
    pieces = [(joined[a:b].reshape(shape), t.dtype)
              for a, b, shape, t in zip(bounds[:-1], bounds[1:], shapes, tensors)]
    # Each piece gets memory of its own (a cast copies; clone where there is no cast), so
    # that it is no view of `joined` and may be changed in place (out += identity).
    return [piece.to(dtype) if piece.dtype != dtype else piece.clone() for piece, dtype in pieces]
