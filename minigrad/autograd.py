"""Reverse-mode differentiation: grad mode, graph ordering, and the backward pass.

The graph is implicit: each Tensor made by an op holds a `Node` (op, ctx, input Tensors).
`backward` orders the tensors that lead to the root so that every tensor comes after all the
tensors it was computed from (a topological order), then walks that order from the root
back to the leaves, calling each op's backward once, with the sum of all the gradients that
reached its output.
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np

# Grad mode is per thread, as in PyTorch: a `no_grad` block in one thread leaves another
# thread's model recording.
class _Mode(threading.local):
    enabled = True  # each thread starts recording; a plain attribute read, no getattr default


_mode = _Mode()


def is_grad_enabled():
    """True when ops record the graph (the default); False inside `no_grad()`."""
    return _mode.enabled


def _set_enabled(enabled):
    _mode.enabled = bool(enabled)


class _GradMode(contextlib.ContextDecorator):
    enabled: bool

    def __new__(cls, *args, **kwargs):
        # `@no_grad` without parentheses decorates the function directly, as in PyTorch.
        if cls in (no_grad, enable_grad) and len(args) == 1 and callable(args[0]):
            return super().__new__(cls)(args[0])
        return super().__new__(cls)

    def __enter__(self):
        self._previous = is_grad_enabled()
        _set_enabled(self.enabled)
        return self

    def __exit__(self, *exc):
        _set_enabled(self._previous)
        return False


class no_grad(_GradMode):
    """Context manager and decorator: ops inside build no graph (as `torch.no_grad`).

        with mg.no_grad():
            y = model(x)        # y.requires_grad is False, nothing is saved for backward
    """

    enabled = False


class enable_grad(_GradMode):
    """Turn graph recording back on inside a `no_grad` block."""

    enabled = True


class inference_mode(_GradMode):
    """`torch.inference_mode(mode=True)`: here the same as `no_grad()` (mode=False: as
    `enable_grad()`). PyTorch also marks the tensors made inside as inference tensors that
    autograd later refuses; minigrad's are ordinary tensors (docs/pytorch.md)."""

    def __init__(self, mode=True):
        self.enabled = not mode


class set_grad_enabled(_GradMode):
    """`set_grad_enabled(False)` turns recording off at once (in this thread); as a context
    manager or decorator it restores the previous mode afterwards, as in PyTorch."""

    def __init__(self, mode):
        self.enabled = bool(mode)
        self._before, self._decorating = is_grad_enabled(), False
        _set_enabled(mode)

    def __call__(self, function):
        # As a decorator the switch belongs to each call, not to the decoration.
        _set_enabled(self._before)
        self._decorating = True
        return super().__call__(function)

    def __enter__(self):
        self._previous = is_grad_enabled() if self._decorating else self._before
        _set_enabled(self.enabled)
        return self


def topological_order(root, *more_roots):
    """Tensors that require grad and lead to `root`, each after everything it was made from.

    Iterative depth-first search with an explicit stack, so a chain of any length works
    (a recursive walk would hit Python's recursion limit near 1,000 ops). The `visited` set
    matters in graphs where a tensor is reached along two paths (a diamond, a skip
    connection): without it the tensor would be listed, and its backward run, twice.
    Inputs are visited in their order, so the result is deterministic.
    """
    order = []
    visited = set()
    stack = []
    for start in reversed((root, *more_roots)):
        if id(start) not in visited:
            visited.add(id(start))
            stack.append((start, iter(_parents(start))))
    while stack:
        tensor, parents = stack[-1]
        for parent in parents:
            if id(parent) not in visited:
                visited.add(id(parent))
                stack.append((parent, iter(_parents(parent))))
                break
        else:
            stack.pop()
            order.append(tensor)
    return order


def _parents(tensor):
    node = tensor._node
    if node is None:
        return ()
    return [t for t in node.inputs if t.requires_grad]


#: Functions called as observer(tensor, inputs, input_grads) after each op's backward in a
#: backward pass: input_grads[i] is the gradient that op sent back to inputs[i] (None for
#: none), that is, what the edge from inputs[i] to `tensor` carried. minigrad.viz adds one
#: for the duration of its own backward only; empty, it costs one truth test per node.
edge_observers = []


def run_backward(root, grad, retain_graph=False):
    """Propagate `grad` (dL/droot) to every leaf that requires grad, accumulating `.grad`.
    The op backwards run with recording off (set once for the whole pass)."""
    with no_grad():
        _propagate([(root, grad)], retain_graph)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """The gradients of `outputs` with respect to `inputs`, returned as a tuple of Tensors,
    as `torch.autograd.grad`; no `.grad` is touched.

    outputs, inputs: a Tensor or a sequence of them. grad_outputs: dL/doutput for each
    output (may be left out for one-element outputs, meaning 1). An input the outputs do not
    depend on is an error unless allow_unused=True, which gives None for it.
    """
    if create_graph:
        raise NotImplementedError("autograd.grad: create_graph=True (gradients of gradients) is "
                                  "not supported: minigrad's backward runs on numpy arrays")
    inputs = [inputs] if hasattr(inputs, "_array") else list(inputs)
    starts = _starts("autograd.grad", outputs, grad_outputs)
    with no_grad():
        found = _propagate(starts, bool(retain_graph), capture={id(t) for t in inputs})
    results = []
    for t in inputs:
        if id(t) not in found and not allow_unused:
            raise RuntimeError("autograd.grad: one of the inputs was not used to compute the "
                               "outputs; set allow_unused=True to get None for it")
        results.append(t._plain(found[id(t)]) if id(t) in found else None)
    return tuple(results)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Add to `.grad` of every leaf the gradient of the sum over `tensors` (a Tensor or a
    sequence), each weighted by its entry of `grad_tensors`, in one backward pass, as
    `torch.autograd.backward`."""
    if create_graph:
        raise NotImplementedError("autograd.backward: create_graph=True (gradients of "
                                  "gradients) is not supported: minigrad's backward runs on "
                                  "numpy arrays")
    if inputs is not None:
        raise NotImplementedError("autograd.backward: inputs= is not supported; call "
                                  "tensor.backward(inputs=...) on one tensor instead")
    starts = _starts("autograd.backward", tensors, grad_tensors)
    with no_grad():
        _propagate(starts, bool(retain_graph))


def _starts(op, outputs, grad_outputs):
    """(output, dL/doutput array) pairs; a one-element output's gradient defaults to 1."""
    outputs = [outputs] if hasattr(outputs, "_array") else list(outputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif hasattr(grad_outputs, "_array") or isinstance(grad_outputs, np.ndarray):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"{op}: got {len(grad_outputs)} gradients for {len(outputs)} "
                           f"tensors")
    starts = []
    for output, given in zip(outputs, grad_outputs):
        if not output.requires_grad:
            raise RuntimeError(f"{op}: a tensor does not require grad and has no graph")
        if given is None:
            if output._array.size != 1:
                raise RuntimeError(f"{op}: grad can be implicitly created only for "
                                   f"scalar outputs; pass the gradients")
            given = np.ones_like(output._array)
        given = np.asarray(getattr(given, "_array", given), output.dtype)
        if given.shape != output._array.shape:
            raise RuntimeError(f"{op}: a gradient has shape {given.shape} but its tensor "
                               f"{output._array.shape}")
        starts.append((output, given))
    return starts


def _propagate(starts, retain_graph, capture=None):
    """The backward pass from (tensor, dL/dtensor) pairs. With `capture` (a set of tensor
    ids) it fills no `.grad` and returns {id: gradient} for those tensors instead."""
    order = topological_order(*(t for t, _ in starts))
    pending = {}
    for t, g in starts:
        pending[id(t)] = g if id(t) not in pending else pending[id(t)] + g
    captured = {}
    for tensor in reversed(order):
        g = pending.pop(id(tensor), None)
        if g is None:
            continue
        for hook in tensor._hooks:
            replaced = hook(tensor._plain(g))
            if replaced is not None:
                g = _checked_hook_result(replaced, g, tensor)
        if capture is not None and id(tensor) in capture:
            captured[id(tensor)] = g
        node = tensor._node
        if node is None:
            if capture is None:
                tensor._accumulate_grad(g)
            continue
        if tensor._retains_grad and capture is None:
            tensor._accumulate_grad(g)
        if node.ctx.released:
            raise RuntimeError(
                f"backward: trying to backward through the graph a second time: the values "
                f"{node.function.__name__} saved for backward were freed after the first backward. "
                f"Pass retain_graph=True to the first .backward() to keep them."
            )
        if node.ctx.versions:
            check_versions(node)
        input_grads = node.function.backward(node.ctx, g)
        if not isinstance(input_grads, tuple):
            input_grads = (input_grads,)
        if len(input_grads) != len(node.inputs):
            raise RuntimeError(
                f"{node.function.__name__}.backward returned {len(input_grads)} gradients for "
                f"{len(node.inputs)} inputs"
            )
        for inp, ig in zip(node.inputs, input_grads):
            if ig is None or not inp.requires_grad:
                continue
            ig = np.asarray(ig)
            if ig.shape != inp._array.shape:
                raise RuntimeError(
                    f"{node.function.__name__}.backward returned a gradient of shape "
                    f"{ig.shape} for an "
                    f"input of shape {inp._array.shape}"
                )
            if ig.dtype != inp._array.dtype:
                ig = ig.astype(inp._array.dtype)
            key = id(inp)
            pending[key] = ig if key not in pending else pending[key] + ig
        if edge_observers:  # someone is watching what each edge carries (minigrad.viz)
            for observe in edge_observers:
                observe(tensor, node.inputs, input_grads)
        if not retain_graph:
            node.ctx.release()
            # Dropping the inputs lets intermediate tensors be freed; the released flag
            # stays behind to catch a second backward.
            node.inputs = ()
    return captured


def check_versions(node):
    """Raise if an array the op saved for backward was changed in place since (as PyTorch's
    "modified by an inplace operation"): its backward would use the wrong values."""
    for label, counter, seen in node.ctx.versions:
        if counter[0] != seen:
            raise RuntimeError(
                f"backward: one of the arrays {node.function.__name__} saved for backward "
                f"({label}) has been "
                f"modified by an in-place operation: it is at version {counter[0]}; expected "
                f"version {seen} instead. Make the change after backward, or write it out of "
                f"place (y = y + 1 instead of y.add_(1))")


def _checked_hook_result(new, old, tensor):
    new = new._array if hasattr(new, "_array") else np.asarray(new)
    if new.shape != old.shape:
        raise RuntimeError(
            f"register_hook: a hook returned a gradient of shape {new.shape} for a tensor of "
            f"shape {tensor.shape}"
        )
    return new.astype(old.dtype, copy=False)
