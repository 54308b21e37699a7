"""Dtypes with PyTorch's names, and PyTorch's rules for which dtype a result has.

minigrad's dtypes are numpy's dtype objects (`mg.float32 == np.float32`), named as in torch. Two rules
differ from numpy's and are PyTorch's here:

- Construction: `mg.tensor(data)` makes Python floats float32 (torch's default dtype),
  Python ints int64 and bools bool; numpy arrays keep their dtype.
- Promotion (`result_type`): operands are ranked in three kinds, bool < integer < floating.
  Tensors with at least one dimension decide the dtype; a 0-d tensor or a Python number
  changes it only if it is of a higher kind, and then to that kind's default (a Python
  float makes int64 * 2.5 float32). So `x * 2.0` and `x * torch.tensor(2.0, dtype=float64)`
  stay float32 when x is float32, where numpy would make some of them float64.
"""

import numpy as np

# numpy's dtype objects, which are singletons: `x.dtype is mg.float32` and
# `{mg.float32: ...}[x.dtype]` work, as with torch's dtypes.
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
float16 = np.dtype(np.float16)
int64 = np.dtype(np.int64)
int32 = np.dtype(np.int32)
int16 = np.dtype(np.int16)
int8 = np.dtype(np.int8)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)
# torch's other spellings: float, double, half, long, int, short, bool (set on the package)
ALIASES = {"float": float32, "double": float64, "half": float16, "long": int64, "int": int32,
           "short": int16, "bool": bool_}

# torch's default dtype: what Python floats and the float factories (zeros, randn, ...)
# become. One setting for the whole process, as in torch; change it with set_default_dtype.
_default_float = [np.dtype(np.float32)]


def get_default_dtype():
    """The dtype Python floats and the float factories give (float32 unless changed)."""
    return _default_float[0]


def set_default_dtype(d):
    """Make `d` (float32 or float64) the default floating dtype, as torch.set_default_dtype:
    `mg.tensor([1.5])`, `mg.zeros(2)`, `int_tensor * 2.5` and new layers' weights follow it."""
    try:
        dtype = np.dtype(d)
    except TypeError:
        dtype = None
    if dtype not in (float32, float64, float16):
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the "
                        f"default type, got {d!r}")
    _default_float[0] = dtype

_KIND = {"b": 0, "u": 1, "i": 1, "f": 2}  # bool < integer < floating


def kind(dtype):
    """0 for bool, 1 for integers, 2 for floating point."""
    return _KIND[np.dtype(dtype).kind]


def is_floating(dtype):
    return np.dtype(dtype).kind == "f"


def promote_types(a, b):
    """The dtype of a op b for two tensors: the higher kind wins; within a kind, the wider
    type (numpy's rule there). None stands for "no operand of this sort"."""
    if a is None or b is None:
        return b if a is None else a
    if kind(a) != kind(b):
        return np.dtype(a if kind(a) > kind(b) else b)
    return np.promote_types(a, b)


def _combine(higher, lower):
    """PyTorch's combine_categories: `lower` (0-d tensors, Python numbers) changes `higher`
    (the dimensioned tensors) only when it is of a higher kind."""
    if higher is None or lower is None:
        return lower if higher is None else higher
    if kind(higher) == 2:
        return higher
    if kind(higher) == 0 or kind(lower) == 2:
        return promote_types(higher, lower)
    return higher


def result_type(*operands):
    """The dtype PyTorch gives an elementwise op on these operands: Tensors or numpy arrays
    (by their dimensions) and Python bools, ints and floats."""
    dimensioned = zero_dim = number = None
    for x in operands:
        if isinstance(x, (bool, np.bool_)):
            number = promote_types(number, np.dtype(np.bool_))
        elif isinstance(x, (int, np.integer)):  # numpy scalars count as Python numbers
            number = promote_types(number, np.dtype(np.int64))
        elif isinstance(x, (float, np.floating)):
            number = promote_types(number, get_default_dtype())
        elif np.ndim(x):
            dimensioned = promote_types(dimensioned, x.dtype)
        else:
            zero_dim = promote_types(zero_dim, np.asarray(x).dtype if not hasattr(
                x, "dtype") else x.dtype)
    return _combine(dimensioned, _combine(zero_dim, number))


def construction_dtype(array, from_python):
    """The dtype `mg.tensor(data)` gives: numpy data keeps its dtype; data made of Python
    numbers (`from_python`) is float32, int64 or bool by its kind."""
    if not from_python:
        return array.dtype
    return {0: np.dtype(np.bool_), 1: np.dtype(np.int64), 2: get_default_dtype()}[
        kind(array.dtype)]
