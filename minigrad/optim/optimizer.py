"""The `Optimizer` base class, as `torch.optim.Optimizer`: parameter groups, per-parameter
state, zero_grad, checkpoints.

An optimizer holds `param_groups`, a list of dicts, each with "params" (a list of Parameters)
and that group's hyperparameters ("lr", ...), so two parts of a model can train at different
rates. `state` is a `collections.defaultdict(dict)` keyed by the Parameter: `state[p]` holds
what the update rule carries between steps for p (momentum buffer, Adam's moving averages, the
step count), as Tensors, as in PyTorch.

Two ways to write an optimizer:
- as PyTorch: override `step(closure=None)` and loop over `self.param_groups` yourself,
  changing each `p` in place (`p.add_(p.grad, alpha=-group["lr"])`) under `mg.no_grad()`;
- as minigrad's built-in ones: define `_update(param, grad, state, group)`, numpy math on the
  parameter's array, and let the base class's `step()` call it for each parameter with a grad.
"""

import numbers
from collections import defaultdict

import numpy as np

from ..autograd import enable_grad, no_grad
from ..tensor import Tensor

# PyTorch's options for other implementations of the same update (a loop over lists of
# tensors, one fused kernel, CUDA graphs, gradients through the step): minigrad has one.
UNSUPPORTED_FLAGS = ("foreach", "fused", "capturable", "differentiable")


class Optimizer:
    """Base class. Subclasses call `super().__init__(params, defaults)`.

    Args:
        params: an iterable of Parameters, of (name, Parameter) pairs (`named_parameters()`),
            or of dicts {"params": [...], "lr": ..., ...} (param groups; a hyperparameter a
            group does not set comes from the defaults).
        defaults: the subclass's hyperparameters, e.g. {"lr": 0.1, "momentum": 0}.
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(f"{type(self).__name__}: params should be an iterable of Parameters "
                            f"or dicts (e.g. model.parameters()), got a single Tensor")
        if isinstance(params, dict) or not hasattr(params, "__iter__"):
            hint = "; for one param group write [group]" if isinstance(params, dict) else ""
            raise TypeError(f"{type(self).__name__}: params should be an iterable of Parameters "
                            f"or dicts (e.g. model.parameters()), got "
                            f"{type(params).__name__}{hint}")
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if not param_groups:
            raise ValueError(f"{type(self).__name__}: optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def add_param_group(self, param_group):
        """Add a dict {"params": [...], hyperparameters...} to `param_groups` (the dict itself,
        as PyTorch); hyperparameters it does not set are filled in from `defaults`."""
        name = type(self).__name__
        if not isinstance(param_group, dict):
            raise TypeError(f"{name}: a param group must be a dict, got "
                            f"{type(param_group).__name__}")
        if "params" not in param_group:
            raise KeyError(f"{name}: a param group must have a 'params' key (the list of its "
                           f"Parameters), got keys {sorted(param_group)}")
        params = param_group["params"]
        if isinstance(params, set):
            raise TypeError(f"{name}: params must be an ordered collection (a list), not a set: "
                            f"a set's order changes between runs")
        params = [params] if isinstance(params, Tensor) else list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        if names and len(names) != len(params):
            raise ValueError(f"{name}: give every parameter a name, as (name, Parameter) "
                             f"pairs, or none")
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: can only optimize Tensors, but one of the params is "
                                f"a {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{name}: can't optimize a non-leaf Tensor (made by "
                                 f"{p.grad_fn}); optimize the Parameters it was computed from")
        param_group["params"] = params
        if names:
            param_group["param_names"] = names
        for key, default in self.defaults.items():
            param_group.setdefault(key, default)
        for key, value in param_group.items():
            # np.float32(0.1) means 0.1, as in torch: as a Python number it stays a weak
            # scalar in the numpy update math, so the step is the same as for 0.1 itself.
            param_group[key] = _python_numbers(value) if key != "params" else value
        known = {id(p) for group in self.param_groups for p in group["params"]}
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{name}: a parameter appears twice in one param group (it would "
                             f"be stepped twice)")
        if any(id(p) in known for p in params):
            raise ValueError(f"{name}: some parameters appear in more than one parameter group")
        if any(("param_names" in group) != bool(names) for group in self.param_groups):
            raise ValueError(f"{name}: all param groups should be with names or all without")
        self._check_group(param_group)
        self.param_groups.append(param_group)

    def _check_group(self, group):
        """Raise for an invalid hyperparameter in `group`; the built-in optimizers define it."""

    def zero_grad(self, set_to_none=True):
        """Set every parameter's `.grad` to None (call before each backward), or to zeros
        with set_to_none=False, as PyTorch."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad.zero_()

    def step(self, closure=None):
        """Update every parameter that has a gradient; parameters with grad None are skipped.

        closure: optional function that re-evaluates the model and returns the loss
        (it runs with gradients on); its result is returned.

        This base step calls `_update` for each parameter, with the gradient negated where
        the group has maximize=True. A PyTorch-style subclass overrides step() instead.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    grad = -p.grad._array if group.get("maximize", False) else p.grad._array
                    # As PyTorch's SGD, a rule that keeps no state (SGD without momentum)
                    # leaves no entry in self.state.
                    state = self.state[p] if p in self.state else {}
                    self._update(p._array, grad, state, group)
                    if state:
                        self.state[p] = state
                    p._version_counter()[0] += 1  # changed in place, as by p.add_()
        return loss

    def _update(self, param, grad, state, group):
        """Change the array `param` in place from `grad` (an array), `state` (the parameter's
        dict of Tensors) and `group` (its hyperparameters)."""
        raise NotImplementedError(f"{type(self).__name__}: an Optimizer subclass defines "
                                  f"step(closure=None), as in PyTorch (or minigrad's _update)")

    # ----- checkpoints --------------------------------------------------------------------

    def state_dict(self):
        """A checkpoint of the optimizer: {"state": {index: {name: value}}, "param_groups": [...]}.

        Parameters are named by their index, counting through the groups in order (the
        objects themselves can't be saved); each group lists its indices under "params".
        As in PyTorch, the values are the state's own Tensors, not copies: save the
        checkpoint (mg.save) or copy it before the next step changes them.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            saved = {k: v for k, v in group.items() if k != "params"}
            saved["params"] = [index[id(p)] for p in group["params"]]
            groups.append(saved)
        state = {}
        for key, entries in self.state.items():
            if isinstance(key, Tensor) and id(key) not in index:
                raise ValueError(f"{type(self).__name__}.state_dict: state holds a Tensor "
                                 f"that no param group lists")
            state[index[id(key)] if isinstance(key, Tensor) else key] = entries
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore a checkpoint made by `state_dict()` (or read back by `mg.load`) of an
        optimizer over the same parameters (same groups, same sizes, same order):
        hyperparameters and per-parameter state, so training continues exactly as if it had
        not stopped. Arrays and Tensors are copied into new Tensors; floating-point ones
        take the parameter's dtype, except "step", as in PyTorch."""
        name = type(self).__name__
        saved_groups, saved_state = _checked_state_dict(f"{name}.load_state_dict", state_dict)
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the checkpoint has {len(saved_groups)} "
                             f"param groups, this optimizer {len(self.param_groups)}")
        by_index = {}
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"{name}.load_state_dict: param group {i} has "
                                 f"{len(saved['params'])} parameters in the checkpoint but "
                                 f"{len(group['params'])} here")
            by_index.update(zip(saved["params"], group["params"]))
        new_state = defaultdict(dict)
        for key, entries in saved_state.items():
            if key not in by_index:
                raise ValueError(f"{name}.load_state_dict: the checkpoint has state for "
                                 f"parameter {key}, which no param group lists")
            if not isinstance(entries, dict):
                raise TypeError(f"{name}.load_state_dict: the state of parameter {key} must be "
                                f"a dict, got {type(entries).__name__}")
            p = by_index[key]
            new_state[p] = {k: _loaded(name, key, k, v, p) for k, v in entries.items()}
        for saved, group in zip(saved_groups, self.param_groups):
            group.update({k: _copy_value(v) for k, v in saved.items() if k != "params"})
        self.state = new_state

    def __repr__(self):
        text = f"{type(self).__name__} ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            text += "".join(f"    {k}: {group[k]}\n" for k in sorted(group) if k != "params")
        return text + ")"


def _python_numbers(value):
    """value with numpy scalars, also inside a tuple (betas), as Python numbers."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return tuple(_python_numbers(v) for v in value)
    return value


def _checked_state_dict(op, state_dict):
    """(param_groups, state) of an optimizer checkpoint, or a TypeError / KeyError saying
    what is wrong with its form (torch fails on these with an AttributeError or a bare
    KeyError)."""
    if not isinstance(state_dict, dict):
        raise TypeError(f"{op}: expected a dict from state_dict(), got "
                        f"{type(state_dict).__name__}")
    for key in ("param_groups", "state"):
        if key not in state_dict:
            raise KeyError(f"{op}: the state_dict has no {key!r} key (it has "
                           f"{sorted(map(str, state_dict))})")
    groups, state = state_dict["param_groups"], state_dict["state"]
    if not isinstance(groups, (list, tuple)):
        raise TypeError(f"{op}: 'param_groups' must be a list of dicts, got "
                        f"{type(groups).__name__}")
    for i, group in enumerate(groups):
        if not isinstance(group, dict):
            raise TypeError(f"{op}: param group {i} must be a dict, got {type(group).__name__}")
        if "params" not in group:
            raise KeyError(f"{op}: param group {i} has no 'params' key")
        if not isinstance(group["params"], (list, tuple)):
            raise TypeError(f"{op}: param group {i}'s 'params' must be a list of indices, got "
                            f"{type(group['params']).__name__}")
    if not isinstance(state, dict):
        raise TypeError(f"{op}: 'state' must be a dict {{index: {{name: value}}}}, got "
                        f"{type(state).__name__}")
    return groups, state


def _copy_value(value):
    if isinstance(value, dict):
        return {k: _copy_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_copy_value(v) for v in value)
    return value


def _loaded(name, index, key, value, param):
    """A state entry from a checkpoint, as a Tensor of its own (floats in the parameter's dtype
    but the step count, as PyTorch casts them)."""
    if isinstance(value, dict):
        return {k: _loaded(name, index, k, v, param) for k, v in value.items()}
    if not isinstance(value, (Tensor, np.ndarray)):
        return _copy_value(value)
    array = np.array(value._array if isinstance(value, Tensor) else value)
    if array.ndim and array.shape != param._array.shape:
        raise ValueError(f"{name}.load_state_dict: state {key!r} of parameter {index} has "
                         f"shape {array.shape}, the parameter {param._array.shape}")
    if key != "step" and array.dtype.kind == "f":
        array = array.astype(param._array.dtype)
    return Tensor._plain(array)


# ----- for the built-in optimizers ----------------------------------------------------------

def check_value(optimizer, what, value, low=0.0, high=None, high_included=True):
    """Raise as PyTorch ("Invalid learning rate: -1") unless low <= value (<= or <) high.
    `what` is PyTorch's phrase: "learning rate", "momentum value", ..."""
    name = type(optimizer).__name__
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        hint = "; a Tensor is not supported, pass float(...)" if isinstance(value, Tensor) else ""
        raise TypeError(f"{name}: {what} must be a number, got {value!r}{hint}")
    below = high is None or (value <= high if high_included else value < high)
    if not (low <= value and below):
        top = "" if high is None else f" and {'<=' if high_included else '<'} {high}"
        raise ValueError(f"{name}: Invalid {what}: {value} (must be >= {low}{top})")


def check_nonnegative(optimizer, group, *keys):
    """check_value(..., low=0) for each hyperparameter named, in PyTorch's words."""
    for key in keys:
        what = {"lr": "learning rate", "eps": "epsilon value"}.get(key, f"{key} value")
        check_value(optimizer, what, group[key])


def refuse_unsupported(optimizer, group):
    """NotImplementedError for PyTorch's implementation switches minigrad cannot honour."""
    for flag in UNSUPPORTED_FLAGS:
        if group.get(flag):
            raise NotImplementedError(
                f"{type(optimizer).__name__}: {flag}={group[flag]!r} is not supported: minigrad "
                f"has one implementation of each update (numpy on whole arrays, outside the "
                f"graph); leave {flag} out")


def with_weight_decay(grad, param, group):
    """grad + weight_decay * param: the L2 penalty (weight_decay / 2) * |param|^2 as a gradient."""
    return grad + group["weight_decay"] * param if group["weight_decay"] != 0 else grad


def zeros_state(param, value=0.0):
    """A state Tensor of `param`'s shape and dtype, filled with `value`."""
    return Tensor._plain(np.full_like(param, value))


def zero_step():
    """A step count of 0, as PyTorch keeps it: a float32 0-d Tensor."""
    return Tensor._plain(np.zeros((), dtype=np.float32))


def count_step(state):
    """Add 1 to state["step"] and return the new count as a Python float."""
    step = state.get("step", 0)
    if not isinstance(step, Tensor):  # an int from an older checkpoint
        step = state["step"] = Tensor._plain(np.array(step, dtype=np.float32))
    step._array += 1
    return float(step._array)
