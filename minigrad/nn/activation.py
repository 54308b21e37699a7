"""Activations as modules, so they can sit in a Sequential, and Dropout, as torch.nn's: each
holds its arguments (shown by repr as PyTorch shows them) and calls its function in
minigrad.functional."""

import warnings

from .. import functional as F
from ..functional.checks import bounded_number, number
from .module import Module


def _inplace_repr(inplace):
    return ", inplace=True" if inplace else ""


class _InPlaceOnly(Module):
    """An activation whose only argument is inplace."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def extra_repr(self):
        return _inplace_repr(self.inplace)[2:]


class ReLU(_InPlaceOnly):
    """y = max(x, 0): `F.relu`."""

    def forward(self, x):
        return F.relu(x, self.inplace)


class ReLU6(_InPlaceOnly):
    """y = min(max(x, 0), 6): `F.relu6`."""

    def forward(self, x):
        return F.relu6(x, self.inplace)


class SiLU(_InPlaceOnly):
    """y = x * sigmoid(x): `F.silu`."""

    def forward(self, x):
        return F.silu(x, self.inplace)


class LeakyReLU(Module):
    """y = x where x > 0, else negative_slope * x: `F.leaky_relu`."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        number("LeakyReLU", "negative_slope", negative_slope)
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, x):
        return F.leaky_relu(x, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}{_inplace_repr(self.inplace)}"


class ELU(Module):
    """y = x where x > 0, else alpha * (exp(x) - 1): `F.elu`."""

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        number("ELU", "alpha", alpha)
        self.alpha, self.inplace = alpha, inplace

    def forward(self, x):
        return F.elu(x, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}{_inplace_repr(self.inplace)}"


class Hardtanh(Module):
    """y = min(max(x, min_val), max_val): `F.hardtanh`."""

    def __init__(self, min_val=-1.0, max_val=1.0, inplace=False, min_value=None,
                 max_value=None):
        super().__init__()
        # PyTorch's old names, still taken (with its FutureWarning)
        if min_value is not None:
            warnings.warn("Hardtanh: min_value is deprecated, write min_val", FutureWarning,
                          stacklevel=2)
            min_val = min_value
        if max_value is not None:
            warnings.warn("Hardtanh: max_value is deprecated, write max_val", FutureWarning,
                          stacklevel=2)
            max_val = max_value
        number("Hardtanh", "min_val", min_val)
        number("Hardtanh", "max_val", max_val)
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val must not be greater than max_val, got "
                             f"min_val={min_val} and max_val={max_val}")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, x):
        return F.hardtanh(x, self.min_val, self.max_val, self.inplace)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}{_inplace_repr(self.inplace)}"


class Softplus(Module):
    """y = log(1 + exp(beta x)) / beta, x where beta x > threshold: `F.softplus`."""

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        number("Softplus", "beta", beta)
        number("Softplus", "threshold", threshold)
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        return F.softplus(x, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class GELU(Module):
    """y = x * Phi(x), or its tanh approximation: `F.gelu`."""

    def __init__(self, approximate="none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got "
                             f"{approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class _AlongDim(Module):
    """Softmax and LogSoftmax: made without dim, PyTorch picks one by an old rule when
    called (and warns); minigrad raises then."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        if self.dim is None:
            name = type(self).__name__
            raise TypeError(f"{name}: made without dim, so it does not know which axis to "
                            f"normalize; make it with nn.{name}(dim=1) for logits (N, C), "
                            f"as PyTorch also asks (docs/pytorch.md)")
        return self._function(x, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_AlongDim):
    """Each slice along dim becomes a probability vector: `F.softmax`."""

    _function = staticmethod(F.softmax)


class LogSoftmax(_AlongDim):
    """log softmax along dim: `F.log_softmax`."""

    _function = staticmethod(F.log_softmax)


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
        bounded_number("Dropout", "p", p, low=0, high=1)
        self.p, self.inplace = p, inplace

    def forward(self, x):
        return F.dropout(x, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
