"""Optimizers, as `torch.optim`: each updates the parameters in place from their `.grad`.

    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    opt.zero_grad(); loss.backward(); opt.step()

Read optimizer.py (the base class: param groups, state, checkpoints), then sgd.py, adam.py,
and lr_scheduler.py.
"""

from . import lr_scheduler
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD
from .rmsprop import RMSprop
from .adagrad import Adagrad
from .adadelta import Adadelta

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "lr_scheduler", "RMSprop", "Adagrad", "Adadelta"]
