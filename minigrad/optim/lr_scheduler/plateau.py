"""ReduceLROnPlateau: cut the lr when a measured quantity (a validation loss) stops improving."""

import math
import warnings

from .base import LRScheduler, check_optimizer, per_group


class ReduceLROnPlateau(LRScheduler):
    """Multiply each group's lr by `factor` (< 1) once `metrics` has not improved for more
    than `patience` steps in a row; then wait `cooldown` steps before counting again.

    Call `step(metrics)` once per epoch with the monitored value. mode "min": lower is better
    ("max": higher). A value counts as better than the best so far only by more than the
    threshold: threshold_mode "rel" means best * (1 - threshold) in mode min (best *
    (1 + threshold) in mode max), "abs" means best - threshold (best + threshold). No lr
    goes below min_lr (one number, or one per group), and a cut smaller than eps is skipped.
    """

    def __init__(self, optimizer, mode="min", factor=0.1, patience=10, threshold=1e-4,
                 threshold_mode="rel", cooldown=0, min_lr=0, eps=1e-8):
        name = "ReduceLROnPlateau"
        if factor >= 1.0:
            raise ValueError(f"{name}: factor must be < 1.0 (new lr = lr * factor), got "
                             f"{factor!r}")
        check_optimizer(name, optimizer)
        if mode not in ("min", "max"):
            raise ValueError(f"{name}: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"{name}: threshold_mode must be 'rel' or 'abs', got "
                             f"{threshold_mode!r}")
        self.optimizer = optimizer
        self.factor = factor
        self.default_min_lr = None if isinstance(min_lr, (list, tuple)) else min_lr
        self.min_lrs = per_group(name, "min_lr", optimizer, min_lr)
        self.patience = patience
        self.cooldown = cooldown
        self.eps = eps
        self.mode = mode
        self.threshold = threshold
        self.threshold_mode = threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self.last_epoch = 0
        self._last_lr = self._current_lrs()
        self._reset()

    def _reset(self):
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self):
        """True while the steps after a cut are still being waited out."""
        return self.cooldown_counter > 0

    def _is_better(self, a, best):
        """Whether the value `a` beats `best` by more than the threshold."""
        if self.threshold_mode == "rel":
            margin = best * (1.0 - self.threshold if self.mode == "min" else self.threshold + 1.0)
        else:
            margin = best - self.threshold if self.mode == "min" else best + self.threshold
        return a < margin if self.mode == "min" else a > margin

    def step(self, metrics, epoch=None):
        """Record one epoch's `metrics` (a number or a one-element Tensor) and cut the lr if
        it has stopped improving. epoch= is deprecated, as in PyTorch (it warns)."""
        try:
            current = float(metrics)
        except (TypeError, ValueError) as error:  # the type float() raised, as PyTorch's
            raise type(error)(f"ReduceLROnPlateau.step: metrics must be a number or a "
                              f"one-element Tensor, got {metrics!r}") from None
        if epoch is None:
            epoch = self.last_epoch + 1
        else:
            warnings.warn("ReduceLROnPlateau.step(metrics, epoch) is deprecated, as in "
                          "PyTorch: call step(metrics) once per epoch.", UserWarning,
                          stacklevel=2)
        self.last_epoch = epoch
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # epochs in the cooldown don't count
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._current_lrs()

    def _reduce_lr(self):
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(f"ReduceLROnPlateau: the optimizer has {len(groups)} param "
                                   f"groups now but had {len(self.min_lrs)} when min_lr was "
                                   f"given per group; set scheduler.min_lrs to one per group")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, min_lr in zip(groups, self.min_lrs):
            old = float(group["lr"])
            new = max(old * self.factor, min_lr)
            if old - new > self.eps:
                group["lr"] = new
