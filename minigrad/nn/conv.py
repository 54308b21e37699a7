"""Convolution layers: the standard Conv2d and the factorized convolutions that trade
expressiveness for fewer parameters and multiplies. Each holds its weights and calls one
function of minigrad.functional (the op and its gradient live in minigrad/ops/conv.py).

Parameter counts for C_in -> C_out channels and a k x k kernel (biases aside):
    Conv2d                     C_out * C_in * k * k
    DepthwiseConv2d (C -> C*m) C * m * k * k        spatial filtering, one filter per channel
    PointwiseConv2d            C_out * C_in         channel mixing, no spatial extent (1x1)
    DepthwiseSeparableConv2d   C_in * k * k + C_in * C_out
    SpatialSeparableConv2d     C_mid * C_in * k + C_out * C_mid * k   (a 1 x k then a k x 1)
e.g. 3x3, 32 -> 64 channels: Conv2d 18,432; depthwise separable 288 + 2,048 = 2,336.

Initialization, every layer here (PyTorch's Conv2d default): each weight from
kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with that weight's
fan_in = (its C_in / groups) * kH * kW; each bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in))
with the fan_in of the weight it follows.
"""

import numpy as np

from .. import functional as F
from ..functional.checks import (groups_divide, int_pair, padding_spec, positive_ints,
                                 same_needs_stride_1)
from .linear import reset_weight_and_bias
from .module import Module, Parameter, factory_dtype


def _new_parameter(shape, dtype):
    return Parameter(np.empty(shape, dtype=dtype))


def check_padding_mode(layer, padding_mode):
    """Only zero padding: PyTorch's other modes raise rather than pad differently."""
    if padding_mode != "zeros":
        if padding_mode in ("reflect", "replicate", "circular"):
            raise NotImplementedError(f"{layer}: padding_mode={padding_mode!r} is not supported "
                                      f"in minigrad; only 'zeros'")
        raise ValueError(f"{layer}: padding_mode must be 'zeros', 'reflect', 'replicate' or "
                         f"'circular', got {padding_mode!r}")


def set_up_conv(layer, in_channels, out_channels, groups, padding_mode):
    """Check and store the channel counts, groups and padding_mode of a conv layer."""
    name = type(layer).__name__
    positive_ints(name, in_channels=in_channels, out_channels=out_channels, groups=groups)
    groups_divide(name, groups, in_channels, out_channels)
    check_padding_mode(name, padding_mode)
    layer.in_channels, layer.out_channels = in_channels, out_channels
    layer.groups, layer.padding_mode = groups, padding_mode


def new_weight_and_bias(layer, weight_shape, bias, dtype, generator):
    """layer.weight of weight_shape and layer.bias (out_channels,) or None, with PyTorch's
    conv init (`reset_weight_and_bias`)."""
    layer.weight = _new_parameter(weight_shape, dtype)
    layer.bias = _new_parameter(layer.out_channels, dtype) if bias else None
    reset_weight_and_bias(layer.weight, layer.bias, generator)


class _ConvBase(Module):
    """Stores kernel_size, stride, padding, dilation as (h, w) pairs and prints them."""

    def _set_geometry(self, kernel_size, stride, padding, dilation=1):
        name = type(self).__name__
        self.kernel_size = int_pair(name, "kernel_size", kernel_size, 1)
        self.stride = int_pair(name, "stride", stride, 1)
        self.padding = padding_spec(name, padding)  # a pair, or 'same'/'valid' for F to work out
        same_needs_stride_1(name, self.padding, self.stride)
        self.dilation = int_pair(name, "dilation", dilation, 1)

    def _geometry_repr(self):
        text = f"kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        return text


class Conv2d(_ConvBase):
    """2-D convolution over NCHW input, as `torch.nn.Conv2d` (cross-correlation, no kernel flip).

    Args:
        in_channels, out_channels: C_in, C_out.
        kernel_size, stride, padding, dilation: an int or a pair (h, w). Zero padding;
            padding may also be 'valid' (none) or 'same' (output size = input size, stride 1).
        groups: split the channels into this many independent groups; both channel counts
            must be divisible by it (groups = C_in = C_out is a depthwise convolution).
        bias: learn a bias per output channel.
        padding_mode: 'zeros' only (PyTorch's others raise NotImplementedError).
        generator: numpy Generator for the initial weights; device, dtype: as torch's (dtype:
            of the parameters, the default dtype unless given).

    Shapes: x (N, C_in, H, W) -> y (N, C_out, H_out, W_out),
        H_out = (H + 2 * padding_h - dilation_h * (kH - 1) - 1) // stride_h + 1.
    Parameters: weight (C_out, C_in / groups, kH, kW), bias (C_out,).
    Initialization: weight kaiming_uniform_(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
    fan_in = C_in / groups * kH * kW; bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", device=None, dtype=None, *,
                 generator=None):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        set_up_conv(self, in_channels, out_channels, groups, padding_mode)
        self._set_geometry(kernel_size, stride, padding, dilation)
        new_weight_and_bias(self, (out_channels, in_channels // groups) + self.kernel_size, bias,
                            dtype, generator)

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias, stride=self.stride, padding=self.padding,
                        dilation=self.dilation, groups=self.groups)

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, {self._geometry_repr()}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        return text + ("" if self.bias is not None else ", bias=False")


class DepthwiseConv2d(_ConvBase):
    """Depthwise convolution: each channel filtered by its own k x k kernels, no channel mixing.

    Args:
        channels: C, the input channels.
        kernel_size, stride, padding, dilation: an int or a pair (h, w).
        channel_multiplier: m filters per input channel, so C*m output channels
            (output channel c*m + j comes from input channel c).
        bias: learn a bias per output channel.

    Equal to Conv2d(C, C*m, kernel_size, groups=C). Shapes: (N, C, H, W) -> (N, C*m, H_out, W_out).
    Parameters: weight (C*m, 1, kH, kW), bias (C*m,). C*m*kH*kW weights.
    Initialization: weight U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = kH * kW (one input
    channel per filter); bias the same.
    """

    def __init__(self, channels, kernel_size, stride=1, padding=0, dilation=1,
                 channel_multiplier=1, bias=True, *, generator=None, device=None,
                 dtype=None):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        positive_ints("DepthwiseConv2d", channels=channels,
                      channel_multiplier=channel_multiplier)
        self._set_geometry(kernel_size, stride, padding, dilation)
        self.channels, self.channel_multiplier = channels, channel_multiplier
        out_channels = channels * channel_multiplier
        self.weight = _new_parameter((out_channels, 1) + self.kernel_size, dtype)
        self.bias = _new_parameter(out_channels, dtype) if bias else None
        reset_weight_and_bias(self.weight, self.bias, generator)

    def forward(self, x):
        return F.depthwise_conv2d(x, self.weight, self.bias, stride=self.stride,
                                  padding=self.padding, dilation=self.dilation)

    def extra_repr(self):
        text = f"{self.channels}, {self._geometry_repr()}"
        if self.channel_multiplier != 1:
            text += f", channel_multiplier={self.channel_multiplier}"
        return text + ("" if self.bias is not None else ", bias=False")


class PointwiseConv2d(Module):
    """1x1 convolution: at every pixel, the same linear map across channels (no spatial extent).

    Args: in_channels, out_channels, bias.
    Equal to Conv2d(C_in, C_out, 1). Shapes: (N, C_in, H, W) -> (N, C_out, H, W).
    Parameters: weight (C_out, C_in, 1, 1), bias (C_out,). C_out*C_in weights.
    Initialization: weight U(-1/sqrt(C_in), 1/sqrt(C_in)) (kaiming_uniform_(a=sqrt(5)));
    bias the same.
    """

    def __init__(self, in_channels, out_channels, bias=True, *, generator=None, device=None,
                 dtype=None):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        positive_ints("PointwiseConv2d", in_channels=in_channels, out_channels=out_channels)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.weight = _new_parameter((out_channels, in_channels, 1, 1), dtype)
        self.bias = _new_parameter(out_channels, dtype) if bias else None
        reset_weight_and_bias(self.weight, self.bias, generator)

    def forward(self, x):
        return F.pointwise_conv2d(x, self.weight, self.bias)

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}"
        return text + ("" if self.bias is not None else ", bias=False")


class SpatialSeparableConv2d(_ConvBase):
    """A kH x kW convolution factorized into a 1 x kW convolution then a kH x 1 one.

    With one channel this is a rank-1 kernel, the outer product col x row (as a Sobel or a
    Gaussian blur): kH + kW weights instead of kH * kW, but it cannot express kernels of
    higher rank.

    Args:
        in_channels, out_channels: C_in, C_out.
        kernel_size: (kH, kW) of the combined kernel, an int or a pair.
        stride, padding: of the combined kernel, an int or a pair (the 1 x kW step takes the
            width parts, the kH x 1 step the height parts).
        mid_channels: C_mid, channels between the two steps; defaults to out_channels (as
            Inception-v3's 1x7 / 7x1 pairs, which keep the width).
        bias: learn a bias per output channel, added after the second step.

    Shapes: (N, C_in, H, W) -> (N, C_out, H_out, W_out), the same as Conv2d with this geometry.
    Parameters: weight_row (C_mid, C_in, 1, kW), weight_col (C_out, C_mid, kH, 1), bias (C_out,).
    Initialization: each weight kaiming_uniform_(a=sqrt(5)) with its own fan_in (C_in * kW for
    weight_row, C_mid * kH for weight_col); bias U(-1/sqrt(C_mid*kH), 1/sqrt(C_mid*kH)).
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 mid_channels=None, bias=True, *, generator=None, device=None,
                 dtype=None):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        mid_channels = out_channels if mid_channels is None else mid_channels
        positive_ints("SpatialSeparableConv2d", in_channels=in_channels,
                      out_channels=out_channels, mid_channels=mid_channels)
        self._set_geometry(kernel_size, stride, padding)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.mid_channels = mid_channels
        k_h, k_w = self.kernel_size
        self.weight_row = _new_parameter((mid_channels, in_channels, 1, k_w), dtype)
        self.weight_col = _new_parameter((out_channels, mid_channels, k_h, 1), dtype)
        self.bias = _new_parameter(out_channels, dtype) if bias else None
        reset_weight_and_bias(self.weight_row, None, generator)
        reset_weight_and_bias(self.weight_col, self.bias, generator)

    def forward(self, x):
        return F.spatial_separable_conv2d(x, self.weight_row, self.weight_col, self.bias,
                                          stride=self.stride, padding=self.padding)

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, {self._geometry_repr()}"
        text += f", mid_channels={self.mid_channels}"
        return text + ("" if self.bias is not None else ", bias=False")


class DepthwiseSeparableConv2d(_ConvBase):
    """Depthwise k x k convolution (spatial filtering per channel) followed by a pointwise 1x1
    convolution (channel mixing): the building block of MobileNet.

    Args:
        in_channels, out_channels: C_in, C_out.
        kernel_size, stride, padding, dilation: of the depthwise step, an int or a pair.
        bias: learn a bias after each step (depthwise_bias (C_in,), pointwise_bias (C_out,)),
            as a DepthwiseConv2d followed by a PointwiseConv2d would.

    Shapes: (N, C_in, H, W) -> (N, C_out, H_out, W_out), the same as Conv2d with this geometry.
    Parameters: depthwise_weight (C_in, 1, kH, kW), pointwise_weight (C_out, C_in, 1, 1):
    C_in*kH*kW + C_in*C_out weights instead of Conv2d's C_out*C_in*kH*kW.
    Initialization: depthwise_weight U(+-1/sqrt(kH*kW)), pointwise_weight U(+-1/sqrt(C_in))
    (kaiming_uniform_(a=sqrt(5)) each); each bias with the fan_in of its weight.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, bias=True, *, generator=None, device=None, dtype=None):
        super().__init__()
        dtype = factory_dtype(self, device, dtype)
        positive_ints("DepthwiseSeparableConv2d", in_channels=in_channels,
                      out_channels=out_channels)
        self._set_geometry(kernel_size, stride, padding, dilation)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.depthwise_weight = _new_parameter((in_channels, 1) + self.kernel_size, dtype)
        self.pointwise_weight = _new_parameter((out_channels, in_channels, 1, 1), dtype)
        self.depthwise_bias = _new_parameter(in_channels, dtype) if bias else None
        self.pointwise_bias = _new_parameter(out_channels, dtype) if bias else None
        reset_weight_and_bias(self.depthwise_weight, self.depthwise_bias, generator)
        reset_weight_and_bias(self.pointwise_weight, self.pointwise_bias, generator)

    def forward(self, x):
        return F.depthwise_separable_conv2d(
            x, self.depthwise_weight, self.pointwise_weight, self.depthwise_bias,
            self.pointwise_bias, stride=self.stride, padding=self.padding,
            dilation=self.dilation)

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, {self._geometry_repr()}"
        return text + ("" if self.depthwise_bias is not None else ", bias=False")
