"""Learning-rate schedules, as `torch.optim.lr_scheduler`: call `scheduler.step()` once per
epoch, after the epoch's `optimizer.step()` calls; it writes the new lr into every param group.

As in PyTorch, each step *changes the lr the group has now* (a chainable form): StepLR
multiplies it by gamma at every step_size-th epoch and leaves it alone otherwise. So an lr
set by hand (a warm-up) is kept, not overwritten by a formula of the epoch, and two
schedulers on one optimizer compose. Each docstring gives the closed form the steps add up
to when nothing else touches the lr.
"""

import math

from .optimizer import Optimizer


class LRScheduler:
    """Base class: subclasses define `next_lr(lr, base_lr, epoch)`.

    Creating a scheduler records each group's lr as "initial_lr" (its base) and sets epoch 0.
    """

    def __init__(self, optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an Optimizer, got "
                            f"{type(optimizer).__name__}")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self.step()

    def next_lr(self, lr, base_lr, epoch):
        """The lr for `epoch` of a group whose lr is `lr` now and whose initial lr is
        `base_lr` (epoch 0 keeps it; subclasses define the rest)."""
        raise NotImplementedError

    def step(self):
        """Advance one epoch and move each group's current lr by the schedule."""
        self.last_epoch += 1
        self._last_lr = [lr if self.last_epoch == 0 else self.next_lr(lr, base, self.last_epoch)
                         for lr, base in zip((g["lr"] for g in self.optimizer.param_groups),
                                             self.base_lrs)]
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr

    def get_last_lr(self):
        """The lr of each param group, as set by the latest step()."""
        return list(self._last_lr)

    def state_dict(self):
        """Everything but the optimizer (which has its own state_dict)."""
        return {k: (list(v) if isinstance(v, list) else v)
                for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        """Restore a `state_dict()`: the epoch count, base lrs and the schedule's settings."""
        self.__dict__.update({k: (list(v) if isinstance(v, list) else v)
                              for k, v in state_dict.items()})


class StepLR(LRScheduler):
    """lr = base_lr * gamma ** (epoch // step_size): multiply by gamma every step_size epochs.

    StepLR(opt, step_size=30, gamma=0.1) with base 0.05: 0.05 for epochs 0-29, 0.005 for 30-59, ...
    """

    def __init__(self, optimizer, step_size, gamma=0.1):
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size <= 0:
            raise ValueError(f"StepLR: step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer)

    def next_lr(self, lr, base_lr, epoch):
        return lr * self.gamma if epoch % self.step_size == 0 else lr


class MultiStepLR(LRScheduler):
    """lr = base_lr * gamma ** (number of milestones <= epoch): multiply by gamma at each milestone.

    MultiStepLR(opt, milestones=[30, 80], gamma=0.1) with base 0.05: 0.05 for epochs 0-29,
    0.005 for 30-79, 0.0005 from 80 on.
    """

    def __init__(self, optimizer, milestones, gamma=0.1):
        self.milestones = sorted(milestones)  # a repeated milestone multiplies twice
        self.gamma = gamma
        super().__init__(optimizer)

    def next_lr(self, lr, base_lr, epoch):
        return lr * self.gamma ** self.milestones.count(epoch)


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2.

    Falls from base_lr at epoch 0 to eta_min at epoch T_max along half a cosine (past T_max it
    rises again, as PyTorch's does). Loshchilov & Hutter's SGDR without restarts.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0):
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max <= 0:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive int, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer)

    def next_lr(self, lr, base_lr, epoch):
        # PyTorch's recursive form: the ratio of this epoch's cosine term to the last one's,
        # and at the bottom of each period the step that starts the climb back up.
        T, eta = self.T_max, self.eta_min
        if (epoch - 1 - T) % (2 * T) == 0:
            return lr + (base_lr - eta) * (1 - math.cos(math.pi / T)) / 2
        return ((1 + math.cos(math.pi * epoch / T)) / (1 + math.cos(math.pi * (epoch - 1) / T))
                * (lr - eta) + eta)
