"""One vocabulary for argument checks, used by the functional API and the nn layers alike,
so that the same mistake gets the same exception and message from `F.conv2d` and
`nn.Conv2d`. The rule: TypeError for a wrong type, ValueError for a wrong value. Each
message names the op (or layer), the argument, what was expected and what came.
"""

import numpy as np

from ..tensor import Tensor


def array_of(x):
    """The numpy array behind a Tensor, or x as an array."""
    return x._array if isinstance(x, Tensor) else np.asarray(x)


def shape_of(x):
    return tuple(np.shape(x._array if isinstance(x, Tensor) else x))


def is_int(value):
    """A Python or numpy integer, not a bool."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def positive_int(op, name, value):
    """An int >= 1, as a Python int."""
    if not is_int(value):
        raise TypeError(f"{op}: {name} must be an int, got {value!r}")
    if value < 1:
        raise ValueError(f"{op}: {name} must be >= 1, got {value!r}")
    return int(value)


def int_pair(op, name, value, minimum):
    """An int or a pair of ints -> (h, w), each >= minimum."""
    if is_int(value):
        pair = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(map(is_int, value)):
        pair = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{op}: {name} must be an int or a pair of ints (h, w), got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return pair


def pool_pair(op, name, value, minimum):
    """int_pair, where PyTorch's pooling also takes a 1-tuple (k,) for (k, k)."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    return int_pair(op, name, value, minimum)


def padding_spec(op, padding):
    """A conv padding as given: 'valid', 'same', or an int or pair >= 0 as (h, w)."""
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"{op}: padding must be an int, a pair, 'valid' or 'same', "
                             f"got {padding!r}")
        return padding
    return int_pair(op, "padding", padding, 0)


def same_needs_stride_1(op, padding, stride):
    """PyTorch's rule: padding='same' only with stride 1 (stride as an (h, w) pair)."""
    if padding == "same" and stride != (1, 1):
        raise ValueError(f"{op}: padding='same' needs stride 1, got stride {stride}")


def conv_padding(op, padding, kernel, stride, dilation):
    """int, pair, 'valid' or 'same' -> ((top, bottom), (left, right))."""
    padding = padding_spec(op, padding)
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        same_needs_stride_1(op, padding, stride)
        # As PyTorch: an odd total puts the extra row/column at the bottom/right.
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    return tuple((p, p) for p in padding)


def groups_divide(op, groups, c_in, c_out, of=""):
    """groups must divide both channel counts; `of` names the weight when it is not the only
    one (" of weight_row")."""
    if c_in % groups or c_out % groups:
        raise ValueError(f"{op}: groups={groups} must divide both the input channels (C_in="
                         f"{c_in}) and the output channels{of} (C_out={c_out})")


def pool_padding(op, kernel, padding):
    """PyTorch's rule for pooling: padding at most half the kernel (kernel, padding pairs);
    with more, edge windows would lie mostly or wholly in it."""
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"{op}: padding must be at most half of kernel_size, got padding "
                         f"{padding} for kernel_size {kernel}")


def number(op, name, value, low=None, high=None, low_open=False):
    """A real number (not a bool) in [low, high], or (low, high] with low_open."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: {name} must be a number, got {value!r}")
    if (low is not None and (value <= low if low_open else value < low)) or (
            high is not None and value > high):
        interval = f"{'(' if low_open else '['}{low}, {'inf' if high is None else high}]"
        raise ValueError(f"{op}: {name} must be in {interval}, got {value!r}")
    return value


def same_dtype(op, x, **others):
    """Every given tensor has x's dtype: as in PyTorch, a layer does not mix float32
    activations with float64 parameters (it raises instead of promoting)."""
    dtype = array_of(x).dtype
    for name, value in others.items():
        if value is not None and array_of(value).dtype != dtype:
            raise RuntimeError(f"{op}: the input is {dtype} but {name} is "
                               f"{array_of(value).dtype}; they must match (convert the input "
                               f"with x.to({array_of(value).dtype.name}) or the layer with "
                               f".{'double' if dtype == np.float64 else 'float'}())")


def feature_map(op, x, name="x"):
    """x must be a floating-point (N, C, H, W) Tensor or array; returns its shape."""
    data = array_of(x)
    if data.ndim != 4:
        raise ValueError(f"{op}: {name} must be 4-D (N, C, H, W), got shape {data.shape}")
    if not np.issubdtype(data.dtype, np.floating):
        raise TypeError(f"{op}: {name} must be a floating-point tensor, got dtype {data.dtype}")
    return data.shape


def positive_ints(op, **values):
    """positive_int for each keyword: positive_ints("Linear", in_features=3, out_features=2)."""
    return [positive_int(op, name, value) for name, value in values.items()]


def bounded_number(op, name, value, low=None, high=None, low_open=False):
    """`number` in [low, high] (or (low, high]), NaN refused: NaN is in no interval (it
    passes every comparison, then turns each answer NaN). For the arguments where NaN
    means nothing: an eps, a momentum, a probability, a scale."""
    number(op, name, value, low, high, low_open)
    if value != value:
        where = ("" if low is None and high is None else
                 f" in {'(' if low_open else '['}{low}, {'inf' if high is None else high}]")
        raise ValueError(f"{op}: {name} must be a number{where}, got nan")
    return value
