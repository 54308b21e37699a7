"""The `Optimizer` base class: parameter groups, per-parameter state, zero_grad, checkpoints.

An optimizer holds `param_groups`, a list of dicts, each with "params" (a list of Parameters)
and that group's hyperparameters ("lr", ...), so two parts of a model can train at different
rates. `state[p]` is a dict of what the update rule carries between steps for parameter p
(momentum buffer, Adam's moving averages, the step count). Subclasses write `step()`.
"""

import copy

import numpy as np

from ..autograd import enable_grad, no_grad
from ..tensor import Tensor


class Optimizer:
    """Base class. Subclasses call `super().__init__(params, defaults)` and define `_update`.

    Args:
        params: an iterable of Parameters, or of dicts {"params": [...], "lr": ..., ...}
            (param groups; missing hyperparameters come from the defaults).
        defaults: the subclass's hyperparameters, e.g. {"lr": 0.1, "momentum": 0}.
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        # Keyed by the Parameter itself: Tensors hash by identity.
        self.state = {}
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError(f"{type(self).__name__}: params should be an iterable of Parameters "
                            f"(e.g. model.parameters()), got a single Tensor")
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        if not isinstance(params[0], dict):
            params = [{"params": params}]
        for group in params:
            self.add_param_group(group)

    def add_param_group(self, group):
        """Add a dict {"params": [...], hyperparameters...}; unset hyperparameters use defaults."""
        name = type(self).__name__
        if not isinstance(group, dict):
            raise TypeError(f"{name}: a param group must be a dict, got {type(group).__name__}")
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: can only optimize Tensors, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"{name}: can't optimize a non-leaf Tensor (made by "
                                 f"{p.grad_fn}); optimize the Parameters it was computed from")
        known = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in params}) != len(params) or any(id(p) in known for p in params):
            raise ValueError(f"{name}: some parameters appear more than once (in this group "
                             f"or in another group)")
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise ValueError(f"{name}: unknown hyperparameters {sorted(unknown)}; expected "
                             f"some of {sorted(self.defaults)}")
        full = {**self.defaults, **group, "params": params}
        self._check_hyperparameters(full)
        self.param_groups.append(full)

    def _check_hyperparameters(self, group):
        """Raise ValueError for an invalid setting; subclasses extend it."""
        if group["lr"] < 0:
            raise ValueError(f"{type(self).__name__}: invalid learning rate lr={group['lr']}, "
                             f"must be >= 0")
        if group.get("weight_decay", 0) < 0:
            raise ValueError(f"{type(self).__name__}: invalid weight_decay="
                             f"{group['weight_decay']}, must be >= 0")

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
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        self._update(p, p.grad._array, self.state.setdefault(p, {}), group)
                        p._version_counter()[0] += 1  # changed in place, as by p.add_()
        return loss

    def _update(self, param, grad, state, group):
        """Change `param._array` in place from `grad` (a numpy array), `state`, and `group`."""
        raise NotImplementedError

    # ----- checkpoints --------------------------------------------------------------------

    def state_dict(self):
        """A checkpoint of the optimizer: {"state": {index: {name: value}}, "param_groups": [...]}.

        Parameters are named by their index, counting through the groups in order (the
        objects themselves can't be saved); each group lists its indices under "params".
        Arrays are copied, so later steps don't change the checkpoint.
        """
        index = {}
        groups = []
        for group in self.param_groups:
            start = len(index)
            for p in group["params"]:
                index[id(p)] = len(index)
            saved = {k: v for k, v in group.items() if k != "params"}
            saved["params"] = list(range(start, len(index)))
            groups.append(copy.deepcopy(saved))
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                if p in self.state:
                    state[index[id(p)]] = {k: _copy(v) for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore a checkpoint made by `state_dict()` of an optimizer over the same parameters
        (same groups, same sizes, same order): hyperparameters and per-parameter state, so
        training continues exactly as if it had not stopped."""
        name = type(self).__name__
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: the checkpoint has {len(saved_groups)} "
                             f"param groups, this optimizer {len(self.param_groups)}")
        params = []
        for i, (saved, group) in enumerate(zip(saved_groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"{name}.load_state_dict: param group {i} has "
                                 f"{len(saved['params'])} parameters in the checkpoint but "
                                 f"{len(group['params'])} here")
            params.extend(zip(saved["params"], group["params"]))
        by_index = dict(params)
        new_state = {}
        for key, entries in state_dict["state"].items():
            if key not in by_index:
                raise ValueError(f"{name}.load_state_dict: the checkpoint has state for "
                                 f"parameter {key}, which no param group lists")
            p = by_index[key]
            new_state[p] = {}
            for k, v in entries.items():
                if isinstance(v, np.ndarray) and v.shape != p.shape:
                    raise ValueError(f"{name}.load_state_dict: state {k!r} of parameter {key} "
                                     f"has shape {v.shape}, the parameter {p.shape}")
                # Buffers follow the parameter's dtype, as PyTorch casts them.
                new_state[p][k] = v.astype(p.dtype) if isinstance(v, np.ndarray) else v
        for saved, group in zip(saved_groups, self.param_groups):
            group.update({k: copy.deepcopy(v) for k, v in saved.items() if k != "params"})
        self.state = new_state

    def __repr__(self):
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else copy.deepcopy(value)


def check_betas(name, betas):
    """Adam's (beta1, beta2), each in [0, 1)."""
    if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
        raise ValueError(f"{name}: invalid betas={betas!r}, need two numbers each in [0, 1)")
