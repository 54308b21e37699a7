"""The convolutions: conv2d (stride, padding, dilation, groups), depthwise, pointwise, and the
two factorized convolutions composed from them (spatial separable, depthwise separable).

Each function checks its arguments, then calls its op (ops/conv.py), where the formula, the
VJP and the kernels it runs on are written down. The compositions need no op of their own:
their gradients follow from their parts'.
"""

from ..kernels.reference import conv_output_size
from ..ops.conv import Conv2d, DepthwiseConv2d, PointwiseConv2d
from .checks import (conv_padding, feature_map, groups_divide, int_pair, positive_int,
                     same_dtype, shape_of)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution (cross-correlation) over NCHW input, as `torch.nn.functional.conv2d`.

    Args:
        input: Tensor (N, C_in, H, W), floating point.
        weight: Tensor (C_out, C_in / groups, kH, kW).
        bias: Tensor (C_out,) or None.
        stride, dilation: an int or a pair (h, w), each >= 1.
        padding: zeros added on each side, an int or a pair; or 'valid' (none), or 'same'
            (output as large as the input; stride 1 only; an odd total pads one more row and
            column at the bottom and right, as PyTorch).
        groups: split input and output channels into this many independent groups; output
            channel o sees only the input channels of its group.

    Returns:
        Tensor (N, C_out, H_out, W_out),
        H_out = (H + 2 pad - dilation (kH - 1) - 1) // stride + 1.

    Formula, VJP and how it is computed: see `Conv2d`.
    """
    op = "conv2d"
    x_shape = feature_map(op, input)
    same_dtype(op, input, weight=weight, bias=bias)
    w_shape = _check_weight(op, weight, "weight", "(C_out, C_in/groups, kH, kW)")
    stride, padding, dilation, groups = _conv_args(op, x_shape, w_shape, bias, stride, padding,
                                                   dilation, groups)
    inputs = (input, weight) if bias is None else (input, weight, bias)
    return Conv2d.apply(*inputs, stride=stride, padding=padding, dilation=dilation,
                        groups=groups)



def depthwise_conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1):
    """Depthwise convolution: each input channel filtered on its own, no channel mixing.

    Args:
        x: Tensor (N, C, H, W).
        weight: Tensor (C * m, 1, kH, kW): m filters per input channel (channel multiplier);
            output channel c * m + k is input channel c filtered by weight[c * m + k, 0].
        bias: Tensor (C * m,) or None.
        stride, padding, dilation: as `conv2d` (padding also 'valid' or 'same').

    Returns:
        Tensor (N, C * m, H_out, W_out); equal to conv2d(x, weight, bias, ..., groups=C).
        C * m * kH * kW weights, and kH * kW multiply-adds per output element (a standard
        convolution spends C_in * kH * kW).

    Formula, VJP and how it is computed: see `DepthwiseConv2d`.
    """
    op = "depthwise_conv2d"
    x_shape = feature_map(op, x)
    same_dtype(op, x, weight=weight, bias=bias)
    stride, padding, dilation = _depthwise_args(op, x_shape, weight, bias, stride, padding,
                                                dilation)
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return DepthwiseConv2d.apply(*inputs, stride=stride, padding=padding, dilation=dilation)



def pointwise_conv2d(x, weight, bias=None):
    """1x1 convolution: mixes channels at every pixel, no spatial extent.

    Args:
        x: Tensor (N, C_in, H, W).
        weight: Tensor (C_out, C_in, 1, 1).
        bias: Tensor (C_out,) or None.

    Returns:
        Tensor (N, C_out, H, W); equal to conv2d(x, weight, bias). C_out * C_in weights and
        C_out * C_in multiply-adds per pixel.

    Formula and VJP: see `PointwiseConv2d`.
    """
    op = "pointwise_conv2d"
    _pointwise_args(op, feature_map(op, x), weight, bias)
    same_dtype(op, x, weight=weight, bias=bias)
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return PointwiseConv2d.apply(*inputs)



def spatial_separable_conv2d(x, weight_row, weight_col, bias=None, stride=1, padding=0,
                             groups=1):
    """A kH x kW convolution factorized into a 1 x kW (row) convolution then a kH x 1 (column)
    convolution.

    Channels: the row step maps C_in -> C_mid channels, the column step C_mid -> C_out, each
    with `groups` (as conv2d). The row step takes the width parts of stride and padding
    (stride (1, sW), padding (0, pW)), the column step the height parts (stride (sH, 1),
    padding (pH, 0)); the bias is added after the column step. The output has the shape of a
    kH x kW conv2d with this stride and padding.

    With one channel (or groups = C, C_mid = C_out = C) it equals conv2d with the rank-1
    kernel outer(col, row): a Sobel filter [[1, 0, -1], [2, 0, -2], [1, 0, -1]] is the column
    [1, 2, 1] times the row [1, 0, -1]. It costs kH + kW weights and multiply-adds per output
    instead of kH * kW, but can only express such rank-1 kernels.

    Args:
        x: Tensor (N, C_in, H, W).
        weight_row: Tensor (C_mid, C_in / groups, 1, kW).
        weight_col: Tensor (C_out, C_mid / groups, kH, 1).
        bias: Tensor (C_out,) or None.
        stride, padding: of the combined kernel, an int or a pair (h, w); padding also 'valid',
            or 'same' (stride 1).
        groups: as conv2d, for both steps.

    Returns:
        Tensor (N, C_out, H_out, W_out).
    """
    op = "spatial_separable_conv2d"
    x_shape = feature_map(op, x)
    same_dtype(op, x, weight_row=weight_row, weight_col=weight_col, bias=bias)
    row_shape = _check_weight(op, weight_row, "weight_row", "(C_mid, C_in/groups, 1, kW)")
    col_shape = _check_weight(op, weight_col, "weight_col", "(C_out, C_mid/groups, kH, 1)")
    if row_shape[2] != 1:
        raise ValueError(f"{op}: weight_row must be (C_mid, C_in/groups, 1, kW), got {row_shape}")
    if col_shape[3] != 1:
        raise ValueError(f"{op}: weight_col must be (C_out, C_mid/groups, kH, 1), got {col_shape}")
    # The combined geometry first, so that errors quote the caller's stride and padding.
    stride, pad, _ = _geometry(op, x_shape, (col_shape[2], row_shape[3]), stride, padding, 1)
    (sh, sw), ((top, _), (left, _)) = stride, pad
    # 'same' is passed on as 'same': with an even kernel its two sides differ.
    row_padding, col_padding = (padding, padding) if isinstance(padding, str) else (
        (0, left), (top, 0))
    row_args = _conv_args(op, x_shape, row_shape, None, (1, sw), row_padding, 1, groups,
                          "weight_row")
    middle_shape = (x_shape[0], row_shape[0], x_shape[2],
                    conv_output_size(x_shape[2:], row_shape[2:], *row_args[:3])[1])
    col_args = _conv_args(op, middle_shape, col_shape, bias, (sh, 1), col_padding, 1, groups,
                          "weight_col")
    names = ("stride", "padding", "dilation", "groups")
    middle = Conv2d.apply(x, weight_row, **dict(zip(names, row_args)))
    inputs = (middle, weight_col) if bias is None else (middle, weight_col, bias)
    return Conv2d.apply(*inputs, **dict(zip(names, col_args)))


def depthwise_separable_conv2d(x, depthwise_weight, pointwise_weight, depthwise_bias=None,
                               pointwise_bias=None, stride=1, padding=0, dilation=1):
    """Depthwise k x k convolution (spatial filtering per channel), then a pointwise 1x1
    convolution (channel mixing): MobileNet's building block.

    Args:
        x: Tensor (N, C_in, H, W).
        depthwise_weight: Tensor (C_in * m, 1, kH, kW) (usually m = 1).
        pointwise_weight: Tensor (C_out, C_in * m, 1, 1).
        depthwise_bias: Tensor (C_in * m,) or None; pointwise_bias: Tensor (C_out,) or None.
        stride, padding, dilation: of the depthwise step, as `conv2d`.

    Returns:
        Tensor (N, C_out, H_out, W_out), the shape a kH x kW conv2d would give.
        C_in kH kW + C_in C_out weights instead of C_out C_in kH kW: for 3x3 and 32 -> 64
        channels, 288 + 2,048 = 2,336 instead of 18,432 (see minigrad.conv_cost).
    """
    op = "depthwise_separable_conv2d"
    x_shape = feature_map(op, x)
    same_dtype(op, x, depthwise_weight=depthwise_weight, pointwise_weight=pointwise_weight,
               depthwise_bias=depthwise_bias, pointwise_bias=pointwise_bias)
    stride, padding, dilation = _depthwise_args(op, x_shape, depthwise_weight, depthwise_bias,
                                                stride, padding, dilation, "depthwise_weight",
                                                "depthwise_bias")
    middle_shape = (x_shape[0], shape_of(depthwise_weight)[0]) + conv_output_size(
        x_shape[2:], shape_of(depthwise_weight)[2:], stride, padding, dilation)
    _pointwise_args(op, middle_shape, pointwise_weight, pointwise_bias, "pointwise_weight",
                    "pointwise_bias")
    inputs = ((x, depthwise_weight) if depthwise_bias is None
              else (x, depthwise_weight, depthwise_bias))
    middle = DepthwiseConv2d.apply(*inputs, stride=stride, padding=padding, dilation=dilation)
    inputs = ((middle, pointwise_weight) if pointwise_bias is None
              else (middle, pointwise_weight, pointwise_bias))
    return PointwiseConv2d.apply(*inputs)


# ----- argument checks shared by the convolutions ---------------------------------------

def _check_weight(op, weight, name, layout):
    shape = shape_of(weight)
    if len(shape) != 4 or min(shape) < 1:
        raise ValueError(f"{op}: {name} must be 4-D {layout} with every size >= 1, "
                         f"got shape {shape}")
    return shape


def _check_bias(op, bias, channels, name="bias"):
    if bias is not None and shape_of(bias) != (channels,):
        raise ValueError(f"{op}: {name} must have shape ({channels},), one per output channel, "
                         f"got {shape_of(bias)}")


def _check_output_size(op, x_shape, kernel, stride, padding, dilation):
    out_hw = conv_output_size(x_shape[2:], kernel, stride, padding, dilation)
    if min(out_hw) < 1:
        extent = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
        padded = tuple(n + a + b for n, (a, b) in zip(x_shape[2:], padding))
        raise ValueError(f"{op}: the kernel (extent {extent} with dilation {dilation}) is larger "
                         f"than the padded input {padded} (H, W = {x_shape[2:]} plus padding "
                         f"{padding}); the output would be {out_hw}")
    return out_hw


def _geometry(op, x_shape, kernel, stride, padding, dilation):
    """Validated (stride, padding, dilation): pairs, and padding as ((top, bottom), (l, r))."""
    stride = int_pair(op, "stride", stride, 1)
    dilation = int_pair(op, "dilation", dilation, 1)
    padding = conv_padding(op, padding, kernel, stride, dilation)
    _check_output_size(op, x_shape, kernel, stride, padding, dilation)
    return stride, padding, dilation


def _conv_args(op, x_shape, w_shape, bias, stride, padding, dilation, groups,
               weight_name="weight", bias_name="bias"):
    """Check a conv2d call's channels, groups, geometry and bias; return the normalized
    (stride, padding, dilation, groups)."""
    groups = check_channels(op, x_shape[1], w_shape, groups, weight_name)
    stride, padding, dilation = _geometry(op, x_shape, w_shape[2:], stride, padding, dilation)
    _check_bias(op, bias, w_shape[0], bias_name)
    return stride, padding, dilation, groups


def check_channels(op, c_in, w_shape, groups, weight_name="weight"):
    """groups divides both channel counts and the weight (C_out, C_in / groups, ...) fits an
    input of c_in channels; returns groups as an int."""
    groups = positive_int(op, "groups", groups)
    groups_divide(op, groups, c_in, w_shape[0],
                  "" if weight_name == "weight" else f" of {weight_name}")
    if w_shape[1] * groups != c_in:
        raise ValueError(f"{op}: the input has {c_in} channels but {weight_name} {w_shape} "
                         f"expects {weight_name}.shape[1] * groups = {w_shape[1]} * {groups} = "
                         f"{w_shape[1] * groups}")
    return groups


def _depthwise_args(op, x_shape, weight, bias, stride, padding, dilation,
                    weight_name="weight", bias_name="bias"):
    w_shape = _check_weight(op, weight, weight_name, "(C * m, 1, kH, kW)")
    c = x_shape[1]
    if w_shape[1] != 1 or w_shape[0] % c:
        raise ValueError(f"{op}: {weight_name} must be (C * m, 1, kH, kW) for the input's "
                         f"C = {c} channels (m filters per channel), got shape {w_shape}")
    geometry = _geometry(op, x_shape, w_shape[2:], stride, padding, dilation)
    _check_bias(op, bias, w_shape[0], bias_name)
    return geometry


def _pointwise_args(op, x_shape, weight, bias, weight_name="weight", bias_name="bias"):
    w_shape = _check_weight(op, weight, weight_name, "(C_out, C_in, 1, 1)")
    if w_shape[2:] != (1, 1) or w_shape[1] != x_shape[1]:
        raise ValueError(f"{op}: {weight_name} must be (C_out, C_in, 1, 1) with C_in = "
                         f"{x_shape[1]} (the input's channels), got shape {w_shape}")
    _check_bias(op, bias, w_shape[0], bias_name)
