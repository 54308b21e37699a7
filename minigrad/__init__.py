"""minigrad: a small reverse-mode autograd engine on numpy, with PyTorch's names.

    import minigrad as mg
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad                          # array([2., 4., 6.], dtype=float32)

Reading order (the layers of the README's "How minigrad is built"): tensor.py, function.py
and autograd.py (the graph), kernels/ (the array math, reference.py first), ops/ (one
Function per op), functional/ (the public op API), gradcheck.py (the proof), then nn/,
optim/ and data/.
"""

import numpy as np

from . import functional
from .autograd import enable_grad, is_grad_enabled, no_grad
from .creation import cat, concatenate, manual_seed, ones, rand, randn, stack, tensor, zeros
from .function import Function
from .gradcheck import GradcheckError, gradcheck
from .tensor import Tensor
from . import nn, optim
from . import data, kernels
from .serialization import load, save

# dtypes, spelled as in PyTorch (mg.float32); they are numpy dtypes.
float32 = np.float32
float64 = np.float64
int64 = np.int64

__version__ = "0.1.0"

__all__ = [
    "Tensor", "tensor", "zeros", "ones", "randn", "rand", "manual_seed", "concatenate", "cat",
    "stack", "no_grad", "enable_grad", "is_grad_enabled", "Function", "gradcheck",
    "GradcheckError", "functional", "kernels", "nn", "optim", "data", "save", "load",
]

# Run from a source checkout, minigrad.models and minigrad.analysis are the folders models/
# and analysis/ beside minigrad/ (an installed wheel has them inside): see _checkout.py.
from . import _checkout  # noqa: E402

_checkout.install(__path__[0])
