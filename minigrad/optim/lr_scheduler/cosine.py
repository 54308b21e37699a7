"""Cosine schedules (Loshchilov & Hutter's SGDR): CosineAnnealingLR, without restarts, and
CosineAnnealingWarmRestarts."""

import math

from ...functional.checks import is_int
from .base import LRScheduler, positive_int


def _cosine(base_lr, eta_min, fraction):
    """eta_min + (base_lr - eta_min) * (1 + cos(pi * fraction)) / 2."""
    return eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * fraction)) / 2


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2.

    Falls from base_lr at epoch 0 to eta_min at epoch T_max along half a cosine (past T_max it
    rises again, as PyTorch's does). Loshchilov & Hutter's SGDR without restarts.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = positive_int("CosineAnnealingLR", "T_max", T_max)
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """PyTorch's recursive form: the current lr moved by the ratio of this epoch's cosine
        term to the last one's, and at the bottom of each period the step that starts the
        climb back up (where that ratio would be 0 / 0)."""
        T, eta, epoch = self.T_max, self.eta_min, self.last_epoch
        if self._is_initial:
            return self._current_lrs()
        if (epoch - 1 - T) % (2 * T) == 0:
            return [group["lr"] + (base - eta) * (1 - math.cos(math.pi / T)) / 2
                    for base, group in zip(self.base_lrs, self.optimizer.param_groups)]
        ratio = (1 + math.cos(math.pi * epoch / T)) / (1 + math.cos(math.pi * (epoch - 1) / T))
        return [ratio * (group["lr"] - eta) + eta for group in self.optimizer.param_groups]

    def _get_closed_form_lr(self):
        return [_cosine(base, self.eta_min, self.last_epoch / self.T_max)
                for base in self.base_lrs]


class CosineAnnealingWarmRestarts(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2, where T_cur counts
    the epochs since the last restart and T_i is the current period: T_0 at first, then
    T_mult times longer after each restart, when the lr jumps back to base_lr.

    step() may be called once per batch with a fractional epoch, as in PyTorch:
    `scheduler.step(epoch + i / batches)`; step() without an argument adds one epoch.
    """

    def __init__(self, optimizer, T_0, T_mult=1, eta_min=0.0, last_epoch=-1):
        name = "CosineAnnealingWarmRestarts"
        self.T_0 = positive_int(name, "T_0", T_0)
        if not is_int(T_mult) or T_mult < 1:
            raise ValueError(f"{name}: T_mult must be an int >= 1, got {T_mult!r}")
        if isinstance(eta_min, bool) or not isinstance(eta_min, (int, float)):
            raise ValueError(f"{name}: eta_min must be a float or int, got "
                             f"{type(eta_min).__name__} {eta_min!r}")
        self.T_i = self.T_0
        self.T_mult = int(T_mult)
        self.eta_min = eta_min
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        """The closed form at T_cur in a period of T_i (the lr the group has now plays no part)."""
        return [_cosine(base, self.eta_min, self.T_cur / self.T_i) for base in self.base_lrs]

    def step(self, epoch=None):
        """Advance one epoch, or go to `epoch` (a float: a fraction of the way through it).

        Unlike other schedulers' step(epoch), this one is not deprecated (PyTorch neither
        warns): the lr depends on the epoch alone.
        """
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:  # a restart
                self.T_cur %= self.T_i
                self.T_i *= self.T_mult
        else:
            if isinstance(epoch, bool) or not isinstance(epoch, (int, float)):
                raise TypeError(f"CosineAnnealingWarmRestarts.step: epoch must be a number, "
                                f"got {type(epoch).__name__}")
            if epoch < 0:
                raise ValueError(f"CosineAnnealingWarmRestarts.step: epoch must be >= 0, got "
                                 f"{epoch!r}")
            self._go_to(epoch)
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._current_lrs()

    def _go_to(self, epoch):
        T_0, T_mult = self.T_0, self.T_mult
        if epoch < T_0:
            self.T_i, self.T_cur = T_0, epoch
        elif T_mult == 1:
            self.T_cur = epoch % T_0
        else:
            # Periods T_0, T_0 m, T_0 m^2, ...: n restarts are done by epoch
            # T_0 (m^n - 1) / (m - 1), so n = floor(log_m(epoch (m - 1) / T_0 + 1)).
            n = int(math.log(epoch / T_0 * (T_mult - 1) + 1, T_mult))
            self.T_cur = epoch - T_0 * (T_mult ** n - 1) / (T_mult - 1)
            self.T_i = T_0 * T_mult ** n
