"""minigrad: a small reverse-mode autograd engine on numpy, with PyTorch's names.

    import minigrad as mg
    x = mg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad                          # tensor([2., 4., 6.])

Reading order (the layers of the README's "How minigrad is built"): tensor.py, function.py
and autograd.py (the graph), kernels/ (the array math, reference.py first), ops/ (one
Function per op), functional/ (the public op API), gradcheck.py (the proof), then nn/,
optim/, utils/data/ and data/.
"""

from . import dtypes, functional
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .creation import (Generator, arange, as_tensor, cat, concat, concatenate, empty, eye,
                       from_numpy, full, full_like, is_tensor, linspace, manual_seed, ones,
                       ones_like, rand, rand_like, randint, randn, randn_like, randperm, stack,
                       tensor, zeros, zeros_like)
from .function import Function
from .gradcheck import GradcheckError, gradcheck
from .tensor import Size, Tensor, device
from .device import accelerator, backends, cuda
from .dtypes import get_default_dtype, set_default_dtype
from .tensor_functions import *  # noqa: F401,F403  (mg.exp, mg.max, mg.where, ...)
from .tensor_functions import METHODS as _METHODS
from . import nn, optim
from .nn.summary import summary
from . import data, kernels, utils, viz
from .serialization import load, save
from .generator import get_rng_state, set_rng_state

# dtypes, spelled as in PyTorch (mg.float32, mg.long, ...); they are numpy's.
from .dtypes import float16, float32, float64, int8, int16, int32, int64, uint8  # noqa: E402
globals().update(dtypes.ALIASES)  # float, double, half, long, int, short, bool

__version__ = "0.1.0"

__all__ = [
    "summary", "viz",
    "Tensor", "Size", "device", "tensor", "as_tensor", "from_numpy", "is_tensor", "zeros",
    "ones", "empty", "full", "eye", "arange", "linspace", "zeros_like", "ones_like",
    "full_like", "randn_like", "rand_like", "randn", "rand", "randint", "randperm",
    "Generator", "manual_seed", "concatenate", "concat", "cat", "stack", "no_grad",
    "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled", "Function",
    "gradcheck", "GradcheckError", "functional", "kernels", "nn", "optim", "data", "utils",
    "save", "load", "matmul", "where", "maximum", "minimum", "allclose", "cuda", "backends",
    "accelerator", "get_default_dtype", "set_default_dtype", "cosine_similarity", "get_rng_state",
    "set_rng_state", *_METHODS,
]

# Run from a source checkout, minigrad.models and minigrad.analysis are the folders models/
# and analysis/ beside minigrad/ (an installed wheel has them inside): see _checkout.py.
from . import _checkout  # noqa: E402

_checkout.install(__path__[0])
