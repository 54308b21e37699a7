"""Elementwise activations as modules, so they can sit in a Sequential, and Dropout."""

from .. import functional as F
from ..functional.checks import number
from .module import Module


class ReLU(Module):
    """y = max(x, 0)."""

    def forward(self, x):
        return F.relu(x)


class Tanh(Module):
    """y = tanh(x)."""

    def forward(self, x):
        return F.tanh(x)


class Sigmoid(Module):
    """y = 1 / (1 + exp(-x))."""

    def forward(self, x):
        return F.sigmoid(x)


class Dropout(Module):
    """Zero each element with probability p in training, scaling the rest by 1 / (1 - p);
    the identity in eval mode (`model.eval()`), as torch.nn.Dropout: `F.dropout`."""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        number("Dropout", "p", p, low=0, high=1)
        self.p, self.inplace = p, inplace

    def forward(self, x):
        return F.dropout(x, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
