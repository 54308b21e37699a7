"""CyclicLR: Smith's cyclical learning rates (2017), stepped once per batch."""

import math

from .base import (LRScheduler, check_optimizer, per_group, set_momentum,
                   start_momentum_cycle)

_MODES = {"triangular": "cycle", "triangular2": "cycle", "exp_range": "iterations"}


class CyclicLR(LRScheduler):
    """The lr goes up in a straight line from base_lr to max_lr over step_size_up steps,
    down again over step_size_down (default: step_size_up), and so on; the height of each
    cycle is scaled by scale_fn:

        mode "triangular":  1 (every cycle the same)
        mode "triangular2": 1 / 2 ** (cycle - 1) (halved each cycle)
        mode "exp_range":   gamma ** step

    or by your own scale_fn(x), of the cycle number (scale_mode "cycle", counting from 1)
    or of the step ("iterations"). With cycle_momentum the momentum (SGD's "momentum",
    Adam's betas[0]) moves the other way, between max_momentum and base_momentum.
    Making the scheduler sets each group's lr to base_lr. A scale_fn is saved by
    state_dict() as LambdaLR's lr_lambda is.
    """

    _user_functions = ("_scale_fn_custom",)

    def __init__(self, optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=None,
                 mode="triangular", gamma=1.0, scale_fn=None, scale_mode="cycle",
                 cycle_momentum=True, base_momentum=0.8, max_momentum=0.9, last_epoch=-1):
        name = "CyclicLR"
        check_optimizer(name, optimizer)
        base_lrs = per_group(name, "base_lr", optimizer, base_lr)
        if last_epoch == -1:
            for group, lr in zip(optimizer.param_groups, base_lrs):
                group["lr"] = lr
        self.max_lrs = per_group(name, "max_lr", optimizer, max_lr)
        up = float(step_size_up)
        down = float(step_size_down) if step_size_down is not None else up
        if not up > 0 or not down >= 0:  # PyTorch divides by zero later
            raise ValueError(f"{name}: step_size_up must be > 0 and step_size_down >= 0, got "
                             f"{step_size_up!r} and {step_size_down!r}")
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if scale_fn is None and mode not in _MODES:
            raise ValueError(f"{name}: mode must be one of {sorted(_MODES)} (or give scale_fn), "
                             f"got {mode!r}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"{name}: scale_mode must be 'cycle' or 'iterations', got "
                             f"{scale_mode!r}")
        self.mode = mode
        self.gamma = gamma
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else _MODES[mode]
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1, self.base_momentums, self.max_momentums = start_momentum_cycle(
                name, optimizer, base_momentum, max_momentum, last_epoch)
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x):
        """The height of the cycle, as a fraction: of the cycle number or the step (scale_mode)."""
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self):
        """The lr of each group at step `last_epoch`; sets the momentum too (with
        cycle_momentum)."""
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle  # how far into this cycle, 0 to 1
        up = x / self.step_ratio if x <= self.step_ratio else (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [base + (peak - base) * up * scale for base, peak in zip(self.base_lrs,
                                                                       self.max_lrs)]
        if self.cycle_momentum:
            for group, low, high in zip(self.optimizer.param_groups, self.base_momentums,
                                        self.max_momentums):
                set_momentum(group, high - (high - low) * up * scale, self.use_beta1)
        return lrs
