"""1-D convolution, as `torch.nn.functional.conv1d`: a conv2d over maps of height 1, so it
runs on conv2d's op and kernels (ops/conv.py) and its gradient follows from theirs and the
reshapes around them."""

from ..ops.conv import Conv2d
from ..ops.shape import Reshape
from .checks import array_of, is_int, padding_spec, shape_of, same_dtype
from .conv import _check_bias, check_channels


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution (cross-correlation) over (N, C_in, L) input, as
    `torch.nn.functional.conv1d`.

    Args:
        input: Tensor (N, C_in, L) or (C_in, L), floating point.
        weight: Tensor (C_out, C_in / groups, K).
        bias: Tensor (C_out,) or None.
        stride, dilation: an int (or a 1-tuple) >= 1.
        padding: zeros added on each side, an int (or a 1-tuple); or 'valid' (none), or
            'same' (L_out = L; stride 1 only; an odd total pads one more at the right).
        groups: as conv2d.

    Returns:
        Tensor (N, C_out, L_out) (or (C_out, L_out)),
        L_out = (L + 2 padding - dilation (K - 1) - 1) // stride + 1.
        y[n, o, i] = b[o] + sum_(c, k) w[o, c, k] x_pad[n, g Cg + c, i stride + k dilation],
        computed as conv2d of x (N, C_in, 1, L) with w (C_out, C_in / groups, 1, K).
    """
    op = "conv1d"
    data = array_of(input)
    if data.ndim not in (2, 3):
        raise ValueError(f"{op}: input must be 3-D (N, C_in, L) or 2-D (C_in, L), got shape "
                         f"{data.shape}")
    if data.dtype.kind != "f":
        raise TypeError(f"{op}: input must be a floating-point tensor, got dtype {data.dtype}")
    x_shape = (1,) * (3 - data.ndim) + data.shape
    w_shape = shape_of(weight)
    if len(w_shape) != 3 or min(w_shape) < 1:
        raise ValueError(f"{op}: weight must be 3-D (C_out, C_in/groups, K) with every size "
                         f">= 1, got shape {w_shape}")
    same_dtype(op, input, weight=weight, bias=bias)
    groups = check_channels(op, x_shape[1], w_shape, groups)
    _check_bias(op, bias, w_shape[0])
    stride, dilation = single(op, "stride", stride, 1), single(op, "dilation", dilation, 1)
    if isinstance(padding, str):
        if padding_spec(op, padding) == "same" and stride != 1:
            raise ValueError(f"{op}: padding='same' needs stride 1, got stride {stride}")
        total = dilation * (w_shape[2] - 1) if padding == "same" else 0
        before, after = total // 2, total - total // 2  # the odd one at the right, as PyTorch
    else:
        before = after = single(op, "padding", padding, 0)
    extent = dilation * (w_shape[2] - 1) + 1
    if x_shape[2] + before + after < extent:
        raise ValueError(f"{op}: the kernel (extent {extent} with dilation {dilation}) is "
                         f"longer than the padded input ({x_shape[2]} plus padding {before} "
                         f"on each side)")
    x = Reshape.apply(input, shape=x_shape[:2] + (1, x_shape[2]))
    w = Reshape.apply(weight, shape=w_shape[:2] + (1, w_shape[2]))
    y = Conv2d.apply(*((x, w) if bias is None else (x, w, bias)), stride=(1, stride),
                     padding=((0, 0), (before, after)), dilation=(1, dilation), groups=groups)
    out_shape = y.shape[:2] + y.shape[3:]
    return Reshape.apply(y, shape=out_shape if data.ndim == 3 else out_shape[1:])


def single(op, name, value, minimum):
    """An int or a 1-tuple of an int, >= minimum, as an int (PyTorch's 1-D arguments)."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not is_int(value):
        raise TypeError(f"{op}: {name} must be an int or a 1-tuple of an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return int(value)
