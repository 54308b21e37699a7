"""The `LRScheduler` base class: base lrs, the epoch count, step(), checkpoints."""

import copy
import numbers
import types
import warnings

from ...functional.checks import is_int
from ..optimizer import Optimizer


def check_optimizer(name, optimizer):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{name}: expected an Optimizer (e.g. optim.SGD(...)), got "
                        f"{type(optimizer).__name__}")


def positive_int(name, argument, value):
    """PyTorch's schedulers raise ValueError (not TypeError) for a count that is not a
    positive int, so these checks do too."""
    if not is_int(value) or value <= 0:
        raise ValueError(f"{name}: {argument} must be a positive int, got {value!r}")
    return int(value)


def per_group(name, argument, optimizer, value):
    """A number for every param group: a list or tuple of one per group, or one for all."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name}: {argument} has {len(value)} values, but the optimizer "
                             f"has {len(optimizer.param_groups)} param groups; give one per "
                             f"group or a single value for all")
        return list(value)
    return [value] * len(optimizer.param_groups)


def set_momentum(group, momentum, use_beta1):
    """Write a cycled momentum into a param group: Adam's betas[0], or SGD's "momentum"."""
    if use_beta1:
        group["betas"] = (momentum, *group["betas"][1:])
    else:
        group["momentum"] = momentum


def start_momentum_cycle(name, optimizer, base_momentum, max_momentum, last_epoch):
    """For cycle_momentum=True: check the optimizer has a momentum, and (when starting,
    last_epoch=-1) set it to max_momentum, keeping both ends in each group as "max_momentum"
    and "base_momentum". Returns (use_beta1, base momenta, max momenta), one per group."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(f"{name}: cycle_momentum=True needs an optimizer with momentum or "
                         f"betas (SGD, Adam, ...); {type(optimizer).__name__} has neither: "
                         f"pass cycle_momentum=False")
    use_beta1 = "betas" in optimizer.defaults
    lows = per_group(name, "base_momentum", optimizer, base_momentum)
    highs = per_group(name, "max_momentum", optimizer, max_momentum)
    if last_epoch == -1:
        for group, low, high in zip(optimizer.param_groups, lows, highs):
            set_momentum(group, high, use_beta1)
            group["max_momentum"] = high
            group["base_momentum"] = low
    return use_beta1, lows, highs


def _kind(value):
    """What a saved value must be to replace `value`: a number, a bool, a sequence, a dict,
    a str; None for anything (no check)."""
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, numbers.Real):
        return "a number"
    for types_, kind in (((list, tuple), "a list"), (dict, "a dict"), (str, "a str")):
        if isinstance(value, types_):
            return kind
    return None


def _check_saved_state(name, scheduler, state):
    """ValueError for a key this scheduler does not have (a state_dict of another kind of
    scheduler), TypeError for a value of another kind than the one it replaces (torch would
    take both silently and fail, or compute nonsense, at the next step)."""
    unknown = sorted(str(key) for key in state
                     if key not in vars(scheduler) and key not in scheduler._user_functions)
    if unknown:
        raise ValueError(f"{name}.load_state_dict: unknown keys {unknown}: not a state_dict() "
                         f"of a {name}")
    for key, value in state.items():
        kind = None if key in scheduler._user_functions else _kind(vars(scheduler)[key])
        if kind is not None and _kind(value) != kind:
            raise TypeError(f"{name}.load_state_dict: {key!r} must be {kind}, as this "
                            f"scheduler's, got {type(value).__name__} {value!r}")


def callable_state(fn):
    """What a checkpoint keeps of a user's function, as PyTorch: nothing (None) of a function
    or lambda, a copy of the __dict__ of a callable object."""
    return None if fn is None or isinstance(fn, types.FunctionType) else dict(vars(fn))


class LRScheduler:
    """Base class. A subclass stores its settings, calls `super().__init__(optimizer,
    last_epoch)` and defines `get_lr()`; it may define `_get_closed_form_lr()` for
    `step(epoch)`.

    Creating a scheduler with last_epoch=-1 records each group's lr as "initial_lr" (unless a
    scheduler made before did) and takes the first step, to epoch 0. A last_epoch >= 0
    resumes: the groups must already hold "initial_lr" (load the optimizer's state_dict
    first), else KeyError, as in PyTorch; the first step then goes to epoch last_epoch + 1.
    """

    _is_initial = False  # True during the step that __init__ takes
    _user_functions = ()  # names of attributes holding the user's functions

    def __init__(self, optimizer, last_epoch=-1):
        name = type(self).__name__
        check_optimizer(name, optimizer)
        if not is_int(last_epoch):
            raise TypeError(f"{name}: last_epoch must be an int, got {last_epoch!r}")
        if last_epoch < -1:
            raise ValueError(f"{name}: last_epoch must be >= -1, got {last_epoch}")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        for i, group in enumerate(optimizer.param_groups):
            if "initial_lr" not in group:
                raise KeyError(f"{name}: last_epoch={last_epoch} resumes a schedule, but "
                               f"param_groups[{i}] has no 'initial_lr'; load the optimizer's "
                               f"state_dict before making the scheduler, or start with "
                               f"last_epoch=-1")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = int(last_epoch)
        self._initial_step()

    def _initial_step(self):
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    def get_lr(self):
        """The lr of each param group for epoch `self.last_epoch`, computed from the lrs the
        groups have now (what step() calls; read the lrs with get_last_lr())."""
        raise NotImplementedError

    def _current_lrs(self):
        """Each param group's lr as it is now."""
        return [group["lr"] for group in self.optimizer.param_groups]

    def _scaled_lrs(self, factor):
        """Each param group's current lr times `factor`."""
        return [group["lr"] * factor for group in self.optimizer.param_groups]

    def step(self, epoch=None):
        """Advance one epoch and move each group's lr by the schedule.

        step(epoch) is deprecated, as in PyTorch (it warns): it jumps to `epoch` and uses the
        closed form where the scheduler has one, so an lr set by hand or by another
        scheduler is overwritten.
        """
        self._step_count += 1
        if epoch is not None:
            warnings.warn(f"{type(self).__name__}.step(epoch) is deprecated, as in PyTorch: "
                          f"call step() once per epoch. With an epoch the lr is computed "
                          f"from the base lr alone, overwriting any other change to it.",
                          UserWarning, stacklevel=2)
        self._update_lr(epoch)

    def _update_lr(self, epoch=None):
        if epoch is None:
            self.last_epoch += 1
            lrs = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            lrs = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = self._current_lrs()

    def get_last_lr(self):
        """The lr of each param group, as set by the latest step()."""
        return list(self._last_lr)

    def state_dict(self):
        """Everything but the optimizer (which has its own state_dict), copied; of the user's
        functions (LambdaLR's lr_lambdas, ...) only what callable_state keeps."""
        skip = ("optimizer",) + self._user_functions
        state = {key: copy.deepcopy(value) for key, value in self.__dict__.items()
                 if key not in skip}
        for key in self._user_functions:
            functions = getattr(self, key)
            state[key] = ([callable_state(fn) for fn in functions]
                          if isinstance(functions, list) else callable_state(functions))
        return state

    def load_state_dict(self, state_dict):
        """Restore a `state_dict()`: the epoch count, base lrs and the schedule's settings.
        (Restore the optimizer's too: a step moves the lr the optimizer holds.) The user's
        functions stay the ones this scheduler was made with; a saved __dict__ of a callable
        object updates the object's."""
        if not isinstance(state_dict, dict):
            raise TypeError(f"{type(self).__name__}.load_state_dict: expected a dict (from "
                            f"state_dict()), got {type(state_dict).__name__}")
        state = copy.deepcopy(dict(state_dict))
        _check_saved_state(type(self).__name__, self, state)
        for key in self._user_functions:
            saved, functions = state.pop(key, None), getattr(self, key)
            pairs = zip(functions, saved or []) if isinstance(functions, list) else [
                (functions, saved)]
            for fn, attributes in pairs:
                if attributes is not None:
                    vars(fn).update(attributes)
        self.__dict__.update(state)
