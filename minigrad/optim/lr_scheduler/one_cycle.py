"""OneCycleLR: Smith & Topin's 1cycle policy (Super-Convergence, 2017), stepped once per batch."""

import math

from .base import (LRScheduler, check_optimizer, per_group, positive_int, set_momentum,
                   start_momentum_cycle)


def _anneal(strategy, start, end, fraction):
    """From `start` (fraction 0) to `end` (fraction 1), along half a cosine or a line."""
    if strategy == "cos":
        return end + (start - end) / 2.0 * (math.cos(math.pi * fraction) + 1)
    return (end - start) * fraction + start


class OneCycleLR(LRScheduler):
    """The lr climbs from max_lr / div_factor to max_lr over the first pct_start of
    total_steps, then falls to max_lr / div_factor / final_div_factor by the last step
    (three_phase=True: back down to the start first, symmetrically, then to the minimum).
    With cycle_momentum, the momentum (SGD's "momentum", Adam's betas[0]) moves the other way,
    between max_momentum and base_momentum.

    Call step() after every batch: total_steps, or epochs * steps_per_epoch, steps in all.
    The lr at step t is the anneal (`anneal_strategy` "cos" or "linear") between the ends of
    the phase t falls in. Not chainable: it sets the lr from its own ends, and stepping past
    total_steps is a ValueError, as in PyTorch. Each group keeps "initial_lr", "max_lr",
    "min_lr" (and "max_momentum", "base_momentum") as the ends of the phases.
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start=0.3, anneal_strategy="cos", cycle_momentum=True, base_momentum=0.85,
                 max_momentum=0.95, div_factor=25.0, final_div_factor=1e4, three_phase=False,
                 last_epoch=-1):
        name = "OneCycleLR"
        check_optimizer(name, optimizer)
        if total_steps is not None:
            self.total_steps = positive_int(name, "total_steps", total_steps)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = (positive_int(name, "epochs", epochs)
                                * positive_int(name, "steps_per_epoch", steps_per_epoch))
        else:
            raise ValueError(f"{name}: give total_steps, or both epochs and steps_per_epoch")
        if not isinstance(pct_start, float) or not 0 <= pct_start <= 1:
            raise ValueError(f"{name}: pct_start must be a float in [0, 1], got {pct_start!r}")
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"{name}: anneal_strategy must be 'cos' or 'linear', got "
                             f"{anneal_strategy!r}")
        self._anneal_func_type = anneal_strategy
        self._schedule_phases = self._phases(pct_start, three_phase)
        max_lrs = per_group(name, "max_lr", optimizer, max_lr)
        if last_epoch == -1:
            for group, peak in zip(optimizer.param_groups, max_lrs):
                group["initial_lr"] = peak / div_factor
                group["max_lr"] = peak
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            self.use_beta1 = start_momentum_cycle(name, optimizer, base_momentum, max_momentum,
                                                  last_epoch)[0]
        super().__init__(optimizer, last_epoch)

    def _phases(self, pct_start, three_phase):
        """Each phase: the step it ends at and the group keys of its start and end values."""
        def phase(end_step, lrs, momenta):
            return {"end_step": end_step, "start_lr": lrs[0], "end_lr": lrs[1],
                    "start_momentum": momenta[0], "end_momentum": momenta[1]}

        up = float(pct_start * self.total_steps) - 1
        last = self.total_steps - 1
        rise = phase(up, ("initial_lr", "max_lr"), ("max_momentum", "base_momentum"))
        if not three_phase:
            return [rise, phase(last, ("max_lr", "min_lr"), ("base_momentum", "max_momentum"))]
        return [rise,
                phase(float(2 * pct_start * self.total_steps) - 2, ("max_lr", "initial_lr"),
                      ("base_momentum", "max_momentum")),
                phase(last, ("initial_lr", "min_lr"), ("max_momentum", "max_momentum"))]

    def get_lr(self):
        """The lr of each group at step `last_epoch`; sets the momentum too (with
        cycle_momentum). Past total_steps: ValueError."""
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: stepped {step} times, but total_steps is "
                             f"{self.total_steps}; make the scheduler with total_steps (or "
                             f"epochs * steps_per_epoch) covering every step() call")
        lrs = []
        for group in self.optimizer.param_groups:
            phase_start = 0.0
            for i, phase in enumerate(self._schedule_phases):
                if step <= phase["end_step"] or i == len(self._schedule_phases) - 1:
                    length = phase["end_step"] - phase_start
                    if length == 0:  # PyTorch divides by it too: the same exception type
                        raise ZeroDivisionError(
                            f"OneCycleLR: phase {i + 1} of the cycle is 0 steps long "
                            f"(total_steps={self.total_steps}); choose pct_start and "
                            f"total_steps so that every phase has steps")
                    fraction = (step - phase_start) / length
                    break
                phase_start = phase["end_step"]
            lrs.append(_anneal(self._anneal_func_type, group[phase["start_lr"]],
                               group[phase["end_lr"]], fraction))
            if self.cycle_momentum:
                set_momentum(group, _anneal(self._anneal_func_type,
                                            group[phase["start_momentum"]],
                                            group[phase["end_momentum"]], fraction),
                             self.use_beta1)
        return lrs
