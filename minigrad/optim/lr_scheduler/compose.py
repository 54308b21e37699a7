"""Schedulers made of schedulers: SequentialLR (one after another) and ChainedScheduler (all
at once)."""

import bisect
import copy

from ...functional.checks import is_int
from .base import LRScheduler
from .plateau import ReduceLROnPlateau


def _check_schedulers(name, schedulers, optimizer):
    if len(schedulers) < 1:
        raise ValueError(f"{name}: expected at least one scheduler, got none")
    for i, scheduler in enumerate(schedulers):
        if not hasattr(scheduler, "optimizer"):
            raise TypeError(f"{name}: schedulers[{i}] has no .optimizer: expected a "
                            f"scheduler, got {type(scheduler).__name__}")
        if isinstance(scheduler, ReduceLROnPlateau):
            raise ValueError(f"{name}: schedulers[{i}] is a ReduceLROnPlateau, whose step() "
                             f"needs the metric; step it on its own")
        if scheduler.optimizer is not optimizer:
            raise ValueError(f"{name}: schedulers[{i}] ({type(scheduler).__name__}) belongs to "
                             f"another optimizer; all must schedule the same one")


class _Composite(LRScheduler):
    """A scheduler that steps others: its checkpoint holds theirs."""

    def state_dict(self):
        """As LRScheduler's, with each inner scheduler's state_dict under "_schedulers"."""
        state = {key: copy.deepcopy(value) for key, value in self.__dict__.items()
                 if key not in ("optimizer", "_schedulers")}
        state["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return state

    def load_state_dict(self, state_dict):
        """As LRScheduler's, and each inner scheduler loads its own part."""
        state = dict(state_dict)
        inner = state.pop("_schedulers")
        if len(inner) != len(self._schedulers):
            raise ValueError(f"{type(self).__name__}.load_state_dict: the checkpoint has "
                             f"{len(inner)} schedulers, this one {len(self._schedulers)}")
        super().load_state_dict(state)
        for scheduler, saved in zip(self._schedulers, inner):
            scheduler.load_state_dict(saved)


class SequentialLR(_Composite):
    """Run schedulers[0] up to milestones[0], then schedulers[1] up to milestones[1], and so
    on: at each milestone the next scheduler starts from epoch 0 of its own schedule (from
    the base lr, by its closed form where it has one), as in PyTorch.

    SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=5),
                       CosineAnnealingLR(opt, T_max=95)], milestones=[5]) warms up for 5
    epochs, then anneals. The milestones must not decrease (PyTorch does not check;
    minigrad raises ValueError).
    """

    def __init__(self, optimizer, schedulers, milestones, last_epoch=-1):
        name = "SequentialLR"
        schedulers, milestones = list(schedulers), list(milestones)
        _check_schedulers(name, schedulers, optimizer)
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"{name}: expected one milestone fewer than schedulers, got "
                             f"{len(schedulers)} schedulers and {len(milestones)} milestones")
        if not all(is_int(m) for m in milestones):
            raise TypeError(f"{name}: milestones must be ints (epochs), got {milestones!r}")
        if any(later < earlier for earlier, later in zip(milestones, milestones[1:])):
            raise ValueError(f"{name}: milestones must be increasing, got {milestones!r}")
        self._schedulers = schedulers
        self._milestones = [int(m) for m in milestones]
        self.last_epoch = last_epoch + 1
        self.optimizer = optimizer
        # Each scheduler took its first step when it was made: start again from the base lrs,
        # and take that step only for the scheduler that runs at epoch 0.
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self.recursive_undo()
        first = self._schedulers[bisect.bisect_right(self._milestones, 0)]
        first._initial_step()
        self._last_lr = first.get_last_lr()

    def recursive_undo(self, sched=None):
        """Take back the first step of each scheduler inside (their epoch counts go back one)."""
        scheduler = self if sched is None else sched
        if hasattr(scheduler, "_schedulers"):
            for inner in scheduler._schedulers:
                self.recursive_undo(inner)
        elif hasattr(scheduler, "last_epoch"):
            scheduler.last_epoch -= 1

    def step(self):
        """Advance one epoch: step the scheduler whose turn it is (restart it at its milestone)."""
        self.last_epoch += 1
        index = bisect.bisect_right(self._milestones, self.last_epoch)
        scheduler = self._schedulers[index]
        if index > 0 and self._milestones[index - 1] == self.last_epoch:
            scheduler._update_lr(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()


class ChainedScheduler(_Composite):
    """Step every scheduler in `schedulers` at each step(), in order: their changes to the lr
    compose (ChainedScheduler([ConstantLR(opt, factor=0.1, total_iters=2),
    ExponentialLR(opt, gamma=0.9)]))."""

    def __init__(self, schedulers, optimizer=None):
        schedulers = list(schedulers)
        if schedulers and optimizer is None:
            optimizer = getattr(schedulers[0], "optimizer", None)
        _check_schedulers("ChainedScheduler", schedulers, optimizer)
        self._schedulers = schedulers
        self.optimizer = optimizer
        self._last_lr = self._current_lrs()

    def step(self):
        """Step each scheduler, in order."""
        for scheduler in self._schedulers:
            scheduler.step()
        self._last_lr = self._current_lrs()
