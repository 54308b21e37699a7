"""Schedules that multiply the lr by a factor: StepLR, MultiStepLR, ExponentialLR,
ConstantLR, LinearLR, PolynomialLR, LambdaLR, MultiplicativeLR."""

import bisect

from ...functional.checks import is_int
from .base import LRScheduler, check_optimizer, positive_int


class StepLR(LRScheduler):
    """lr = base_lr * gamma ** (epoch // step_size): multiply by gamma every step_size epochs.

    StepLR(opt, step_size=30, gamma=0.1) with base 0.05: 0.05 for epochs 0-29, 0.005 for 30-59, ...
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = positive_int("StepLR", "step_size", step_size)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Times gamma at every non-zero multiple of step_size; otherwise unchanged."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return self._scaled_lrs(self.gamma)

    def _get_closed_form_lr(self):
        return [base * self.gamma ** (self.last_epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """lr = base_lr * gamma ** (number of milestones <= epoch): multiply by gamma at each milestone.

    MultiStepLR(opt, milestones=[30, 80], gamma=0.1) with base 0.05: 0.05 for epochs 0-29,
    0.005 for 30-79, 0.0005 from 80 on. A milestone given twice multiplies twice.
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        if not isinstance(milestones, (list, tuple, range)) or not all(
                is_int(m) for m in milestones):
            raise TypeError(f"MultiStepLR: milestones must be a list of ints (epochs), got "
                            f"{milestones!r}")
        self.milestones = sorted(int(m) for m in milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Times gamma ** (how often this epoch is a milestone)."""
        times = self.milestones.count(self.last_epoch)
        return self._scaled_lrs(self.gamma ** times) if times else self._current_lrs()

    def _get_closed_form_lr(self):
        passed = bisect.bisect_right(self.milestones, self.last_epoch)
        return [base * self.gamma ** passed for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """lr = base_lr * gamma ** epoch: multiply by gamma every epoch."""

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Times gamma (the step __init__ takes leaves the lr alone)."""
        return self._current_lrs() if self._is_initial else self._scaled_lrs(self.gamma)

    def _get_closed_form_lr(self):
        return [base * self.gamma ** self.last_epoch for base in self.base_lrs]


class ConstantLR(LRScheduler):
    """lr = base_lr * factor for epochs 0 .. total_iters - 1, then base_lr (a warm-up at a
    lower lr). factor in [0, 1]."""

    def __init__(self, optimizer, factor=1.0 / 3, total_iters=5, last_epoch=-1):
        if not 0 <= factor <= 1:
            raise ValueError(f"ConstantLR: factor must be in [0, 1], got {factor!r}")
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Times factor at epoch 0, divided by it again at epoch total_iters."""
        if self.last_epoch == 0:
            return self._scaled_lrs(self.factor)
        if self.last_epoch != self.total_iters:
            return self._current_lrs()
        return self._scaled_lrs(1.0 / self.factor)

    def _get_closed_form_lr(self):
        reached = self.last_epoch >= self.total_iters
        return [base * (self.factor + reached * (1 - self.factor)) for base in self.base_lrs]


class LinearLR(LRScheduler):
    """lr = base_lr * (start_factor + (end_factor - start_factor) * min(epoch, total_iters)
    / total_iters): the factor goes in a straight line from start_factor at epoch 0 to
    end_factor at epoch total_iters, and stays there. start_factor in (0, 1], end_factor in
    [0, 1]."""

    def __init__(self, optimizer, start_factor=1.0 / 3, end_factor=1.0, total_iters=5,
                 last_epoch=-1):
        if not 0 < start_factor <= 1:
            raise ValueError(f"LinearLR: start_factor must be in (0, 1], got {start_factor!r}")
        if not 0 <= end_factor <= 1:
            raise ValueError(f"LinearLR: end_factor must be in [0, 1], got {end_factor!r}")
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Times start_factor at epoch 0; then times the ratio of this epoch's factor to the
        last one's, up to epoch total_iters."""
        start, end, total = self.start_factor, self.end_factor, self.total_iters
        if self.last_epoch == 0:
            return self._scaled_lrs(start)
        if self._is_initial or self.last_epoch > total:
            return self._current_lrs()
        # factor(t) / factor(t - 1), written as 1 + slope / (factor(t - 1) * total)
        return self._scaled_lrs(1.0 + (end - start) / (total * start
                                                       + (self.last_epoch - 1) * (end - start)))

    def _get_closed_form_lr(self):
        done = min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * (self.start_factor + (self.end_factor - self.start_factor) * done)
                for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """lr = base_lr * (1 - min(epoch, total_iters) / total_iters) ** power: down to 0 at epoch
    total_iters along a polynomial (a straight line for power 1), then 0."""

    def __init__(self, optimizer, total_iters=5, power=1.0, last_epoch=-1):
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """Times (left(t) / left(t - 1)) ** power, left(t) = 1 - t / total_iters, up to
        epoch total_iters."""
        if self._is_initial or self.last_epoch > self.total_iters:
            return self._current_lrs()
        T, epoch = self.total_iters, self.last_epoch
        return self._scaled_lrs(((1.0 - epoch / T) / (1.0 - (epoch - 1) / T)) ** self.power)

    def _get_closed_form_lr(self):
        left = 1.0 - min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * left ** self.power for base in self.base_lrs]


class _LambdaScheduler(LRScheduler):
    """LambdaLR and MultiplicativeLR: one function of the epoch per param group.

    Their state_dict() cannot hold a function: as in PyTorch, a function or lambda is saved
    as None and a callable object as a copy of its __dict__ (which mg.save can write only if
    it holds numbers, strings, lists, dicts and arrays). load_state_dict() keeps the
    functions the scheduler was made with, so make it with the same ones before loading.
    """

    _user_functions = ("lr_lambdas",)

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        name = type(self).__name__
        check_optimizer(name, optimizer)
        groups = len(optimizer.param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != groups:
                raise ValueError(f"{name}: got {len(lr_lambda)} lr_lambdas for {groups} param "
                                 f"groups; give one per group or a single function for all")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * groups
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"{name}: lr_lambda must be a function of the epoch (or a list "
                                f"of them), got {type(fn).__name__}")
        super().__init__(optimizer, last_epoch)


class LambdaLR(_LambdaScheduler):
    """lr = base_lr * lr_lambda(epoch), with lr_lambda a function of the epoch (or a list of
    them, one per param group). See _LambdaScheduler for what state_dict() saves."""

    def get_lr(self):
        """base_lr * lr_lambda(epoch): the lr the group has now plays no part."""
        return [base * fn(self.last_epoch) for fn, base in zip(self.lr_lambdas, self.base_lrs)]


class MultiplicativeLR(_LambdaScheduler):
    """lr(epoch) = lr(epoch - 1) * lr_lambda(epoch) for epoch >= 1: each step multiplies the
    current lr by the function's value. See _LambdaScheduler for what state_dict() saves."""

    def get_lr(self):
        """The current lr times lr_lambda(epoch) (the step __init__ takes leaves it alone)."""
        if self._is_initial:
            return self._current_lrs()
        return [group["lr"] * fn(self.last_epoch)
                for fn, group in zip(self.lr_lambdas, self.optimizer.param_groups)]
