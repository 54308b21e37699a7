"""Learning-rate schedules, as `torch.optim.lr_scheduler`: call `scheduler.step()` once per
epoch (OneCycleLR: once per batch), after the epoch's `optimizer.step()` calls; it writes the
new lr into every param group.

As in PyTorch, most steps *change the lr the group has now* (a chainable form): StepLR
multiplies it by gamma at every step_size-th epoch and leaves it alone otherwise. So an lr
set by hand (a warm-up) is kept, not overwritten by a formula of the epoch, and two
schedulers on one optimizer compose. Each docstring gives the closed form the steps add up
to when nothing else touches the lr. LambdaLR, CosineAnnealingWarmRestarts, OneCycleLR and
CyclicLR compute the lr from the epoch alone, as in PyTorch, and ReduceLROnPlateau from a metric.

Read base.py (LRScheduler: the epoch count, step(), checkpoints), then decay.py,
cosine.py, one_cycle.py, cyclic.py, plateau.py and compose.py (SequentialLR, ChainedScheduler).
"""

from .base import LRScheduler
from .compose import ChainedScheduler, SequentialLR
from .cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from .cyclic import CyclicLR
from .decay import (ConstantLR, ExponentialLR, LambdaLR, LinearLR, MultiplicativeLR,
                    MultiStepLR, PolynomialLR, StepLR)
from .one_cycle import OneCycleLR
from .plateau import ReduceLROnPlateau

__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "ConstantLR", "LinearLR",
           "PolynomialLR", "LambdaLR", "MultiplicativeLR", "CosineAnnealingLR",
           "CosineAnnealingWarmRestarts", "OneCycleLR", "CyclicLR", "ReduceLROnPlateau",
           "SequentialLR", "ChainedScheduler"]
