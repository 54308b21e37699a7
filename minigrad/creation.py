"""Factories, as PyTorch's: tensor, from_numpy, as_tensor, zeros, ones, full, empty, eye,
arange, linspace, the *_like forms, random tensors (randn, rand, randint, randperm) with
`manual_seed` and `Generator`, and cat / stack.

Dtypes are PyTorch's: Python floats give float32, Python ints int64 (`arange(3)` is int64,
`full((2,), 1.0)` float32); factories of zeros, ones and random floats are float32 unless
`dtype=` says otherwise. "float32" here means the default dtype, which
`mg.set_default_dtype(mg.float64)` changes, as in torch. The `device` argument may only be "cpu".
"""

import numpy as np

from . import dtypes
from .ops import shape as shape_ops
from .generator import Generator, manual_seed, rng  # noqa: F401 (mg.Generator, ...)
from .tensor import Tensor, _check_device, array_from
from .tensor_shape import is_int


def _shape(op, shape):
    """`f(2, 3)` or `f((2, 3))` -> (2, 3), each size an int >= 0, or torch's TypeError /
    RuntimeError naming the op."""
    sizes = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
    for n in sizes:
        if not is_int(n):
            raise TypeError(f"{op}: size must be ints or a tuple of ints, got "
                            f"{type(n).__name__} {n!r}")
    if any(n < 0 for n in sizes):
        raise RuntimeError(f"{op}: sizes must be >= 0 (no negative dimension), got "
                           f"{list(sizes)}")
    return tuple(int(n) for n in sizes)


def _number(op, name, value):
    """value as a Python number, or torch's TypeError: a bool, int, float or a 0-d Tensor."""
    if isinstance(value, Tensor) and value.ndim == 0:
        value = value.item()
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        value = value.item()
    if not isinstance(value, (bool, int, float)):
        raise TypeError(f"{op}: {name} must be a number, got {type(value).__name__} {value!r}")
    return value


def _count(op, name, value):
    """An int >= 0 (a size, a count of steps), or torch's TypeError / RuntimeError."""
    if not is_int(value):
        raise TypeError(f"{op}: {name} must be an int, got {type(value).__name__} {value!r}")
    if value < 0:
        raise RuntimeError(f"{op}: {name} must be >= 0, got {value}")
    return int(value)


def _made(array, requires_grad, device):
    if device is not None:
        _check_device(device)
    t = Tensor._from_op(array, requires_grad=False)
    return t.requires_grad_(True) if requires_grad else t


def tensor(data, *, dtype=None, device=None, requires_grad=False):
    """A new tensor holding a copy of data (numbers, nested lists, a numpy array, a Tensor),
    as torch.tensor: Python floats become float32, ints int64, bools bool; numpy data keeps
    its dtype. Strings, None, dicts, ragged lists and object arrays are a TypeError."""
    return _made(array_from(data, dtype), requires_grad, device)


def as_tensor(data, dtype=None, device=None):
    """As `tensor`, but a numpy array of the right dtype is shared, not copied."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf" and (
            dtype is None or np.dtype(dtype) == data.dtype):
        return _made(data, False, device)
    return data if isinstance(data, Tensor) and dtype is None else tensor(data, dtype=dtype)


def from_numpy(array):
    """A tensor sharing the numpy array's memory and dtype (as torch.from_numpy)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected np.ndarray, got {type(array).__name__}")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"from_numpy: cannot make a tensor of dtype {array.dtype}")
    return _made(array, False, None)


def is_tensor(obj):
    return isinstance(obj, Tensor)


def _filled(op, shape, value, dtype, requires_grad, device):
    shape = _shape(op, shape)
    value = _number(op, "fill_value", value)
    dtype = dtype or (dtypes.result_type(value) if isinstance(value, (bool, int, float))
                      else dtypes.get_default_dtype())
    return _made(np.full(shape, value, dtype=dtype), requires_grad, device)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of zeros: `zeros(2, 3)` or `zeros((2, 3))`; float32 unless `dtype` is given."""
    return _filled("zeros", size, 0, dtype or dtypes.get_default_dtype(), requires_grad, device)


def ones(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of ones, as `zeros`."""
    return _filled("ones", size, 1, dtype or dtypes.get_default_dtype(), requires_grad, device)


def empty(*size, dtype=None, device=None, requires_grad=False):
    """As torch.empty; here filled with zeros (PyTorch leaves the memory as it is)."""
    return _filled("empty", size, 0, dtype or dtypes.get_default_dtype(), requires_grad, device)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor of fill_value; its dtype follows the value (1 -> int64, 1.0 -> float32).
    size is a tuple or list of ints, as torch's (an int alone is a TypeError there too)."""
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"full: size must be a tuple of ints, got {type(size).__name__} "
                        f"{size!r}; write full(({size!r},), ...)")
    return _filled("full", (tuple(size),), fill_value, dtype, requires_grad, device)


def zeros_like(x, *, dtype=None, requires_grad=False):
    return zeros(x.shape, dtype=dtype or x.dtype, requires_grad=requires_grad)


def ones_like(x, *, dtype=None, requires_grad=False):
    return ones(x.shape, dtype=dtype or x.dtype, requires_grad=requires_grad)


def full_like(x, fill_value, *, dtype=None, requires_grad=False):
    return full(x.shape, fill_value, dtype=dtype or x.dtype, requires_grad=requires_grad)


def randn_like(x, *, dtype=None, generator=None, requires_grad=False):
    _floating_dtype("randn_like", dtype or x.dtype)
    return randn(x.shape, dtype=dtype or x.dtype, generator=generator,
                 requires_grad=requires_grad)


def rand_like(x, *, dtype=None, generator=None, requires_grad=False):
    _floating_dtype("rand_like", dtype or x.dtype)
    return rand(x.shape, dtype=dtype or x.dtype, generator=generator,
                requires_grad=requires_grad)


def _floating_dtype(op, dtype):
    if np.dtype(dtype).kind != "f":
        raise NotImplementedError(f"{op}: random floats of dtype {np.dtype(dtype)} do not exist "
                                  f"(as in PyTorch); pass dtype=mg.float32")


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    """The n x m identity matrix (m defaults to n), float32 unless dtype is given."""
    n = _count("eye", "n", n)
    m = n if m is None else _count("eye", "m", m)
    return _made(np.eye(n, m, dtype=dtype or dtypes.get_default_dtype()), requires_grad, device)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """start, start + step, ... up to end (excluded): int64 when all three are ints, else
    float32, as torch.arange; arange(n) counts from 0."""
    if end is None:
        start, end = 0, start
    start, end, step = (_number("arange", name, value) for name, value in
                        (("start", start), ("end", end), ("step", step)))
    if not all(np.isfinite(float(v)) for v in (start, end)):
        raise RuntimeError(f"arange: unsupported range: {start} -> {end}")
    if not np.isfinite(float(step)) or step == 0:
        raise RuntimeError(f"arange: step must be nonzero and finite, got {step}")
    if (end - start) * step < 0:
        raise RuntimeError(f"arange: the bounds {start} -> {end} are inconsistent with the "
                           f"sign of step {step}")
    if any(isinstance(v, int) and not -2 ** 63 <= v < 2 ** 63 for v in (start, end, step)):
        raise OverflowError(f"arange: {start}, {end}, {step}: an int too big for int64")
    dtype = dtype or dtypes.result_type(start, end, step)
    return _made(np.arange(start, end, step).astype(dtype), requires_grad, device)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    """`steps` evenly spaced values from start to end, both included; float32 by default."""
    start, end = _number("linspace", "start", start), _number("linspace", "end", end)
    steps = _count("linspace", "steps", steps)
    return _made(np.linspace(start, end, steps).astype(dtype or dtypes.get_default_dtype()), requires_grad,
                 device)


def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal samples, float32 unless `dtype` is given; pass `generator=` (an
    mg.Generator or a numpy Generator) to reproduce them."""
    if dtype is not None:
        _floating_dtype("randn", dtype)
    data = rng(generator, "randn").standard_normal(_shape("randn", size)).astype(dtype or dtypes.get_default_dtype())
    return _made(data, requires_grad, device)


def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform samples on [0, 1), as `randn`."""
    if dtype is not None:
        _floating_dtype("rand", dtype)
    data = rng(generator, "rand").random(_shape("rand", size)).astype(dtype or dtypes.get_default_dtype())
    return _made(data, requires_grad, device)


def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None):
    """Random integers in [low, high) of shape size (int64), as torch.randint(low, high,
    size) or torch.randint(high, size)."""
    if size is None:  # randint(high, size)
        low, high, size = 0, low, high
    for name, value in (("low", low), ("high", high)):
        if not is_int(value):
            raise TypeError(f"randint: {name} must be an int, got {type(value).__name__} "
                            f"{value!r}")
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"randint: size must be a tuple of ints, got {type(size).__name__} "
                        f"{size!r}")
    size = _shape("randint", (tuple(size),))
    if high <= low:
        raise RuntimeError(f"randint: low must be less than high, got low={low} >= "
                           f"high={high}")
    data = rng(generator, "randint").integers(low, high, size=size).astype(dtype or np.int64)
    return _made(data, False, device)


def randperm(n, *, generator=None, dtype=None, device=None):
    """A random permutation of 0 ... n - 1 (int64)."""
    n = _count("randperm", "n", n)
    return _made(rng(generator, "randperm").permutation(n).astype(dtype or np.int64), False, device)


def cat(tensors, dim=0, *, axis=None):
    """Join tensors along an existing dim, as torch.cat (`concatenate` is the same)."""
    return shape_ops.Concatenate.apply(*tensors, axis=_joining_dim("cat", dim, axis))


concatenate = concat = cat


def stack(tensors, dim=0, *, axis=None):
    """Join same-shaped tensors along a new dim, as torch.stack."""
    return shape_ops.Stack.apply(*tensors, axis=_joining_dim("stack", dim, axis))


def _joining_dim(op, dim, axis):
    """The dim of cat / stack as an int (its range is the op's to check)."""
    dim = dim if axis is None else axis
    if not is_int(dim):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__} {dim!r}")
    return int(dim)
