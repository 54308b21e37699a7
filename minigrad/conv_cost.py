"""What each kind of convolution costs: weights, and multiply-adds for one input.

For C_in -> C_out channels, a k x k kernel (kH x kW in general) and an H x W output:

    kind                  parameters                         multiply-adds
    standard              C_out * C_in/groups * kH * kW       params * H * W
    depthwise (C -> C m)  C m * kH * kW                       params * H * W
    pointwise             C_out * C_in                        params * H * W
    depthwise_separable   C_in * kH * kW + C_in * C_out       params * H * W
    spatial_separable     C_mid * C_in * kW + C_out * C_mid * kH     params * H * W

(every weight is used once per output pixel, so multiply-adds = parameters * H * W; this
assumes each step of a factorized conv works at the output size: stride 1 and 'same' padding,
as in MobileNet's cost formula).

Examples that follow (each asserted in tests/test_conv.py):
- 3x3, 32 -> 64 channels: standard 18,432 weights; depthwise separable 288 + 2,048 = 2,336,
  about 8 times fewer.
- One channel, k x k: standard k^2, spatial separable k + k = 2k.
- MobileNet (Howard et al. 2017): depthwise separable / standard multiply-adds
  = (C_in k^2 + C_in N) / (C_in N k^2) = 1/N + 1/k^2, with N = C_out.
"""

from collections import namedtuple
from numbers import Integral

#: params: number of weights (plus biases when asked); mult_adds: for one input of the given
#: output size, or None when no size was given.
ConvCost = namedtuple("ConvCost", ["params", "mult_adds"])

KINDS = ("standard", "depthwise", "pointwise", "depthwise_separable", "spatial_separable")


def conv_cost(kind, c_in, c_out, k, h=None, w=None, *, groups=1, c_mid=None, bias=False):
    """Parameters and multiply-adds of one convolution layer.

    Args:
        kind: 'standard', 'depthwise', 'pointwise', 'depthwise_separable' or
            'spatial_separable'.
        c_in, c_out: input and output channels. For 'depthwise', c_out = c_in * m (m filters
            per channel).
        k: kernel size, an int or (kH, kW); 1 for 'pointwise'.
        h, w: the output's height and width, for multiply-adds (w defaults to h).
        groups: for 'standard' only (C_in/groups input channels per filter).
        c_mid: channels between the 1 x kW and kH x 1 steps of 'spatial_separable'
            (default c_out, as nn.SpatialSeparableConv2d).
        bias: count biases too (one per output channel of each step that has one; as the
            functional ops: one for 'spatial_separable', two for 'depthwise_separable').
            A bias is an addition, not a multiply-add.

    Returns:
        ConvCost(params, mult_adds); mult_adds is None when h is None.
    """
    kh, kw = _kernel(k)
    for name, value in (("c_in", c_in), ("c_out", c_out), ("groups", groups)):
        _check_positive(name, value)
    if kind == "standard":
        if c_in % groups or c_out % groups:
            raise ValueError(f"conv_cost: groups={groups} must divide c_in={c_in} and "
                             f"c_out={c_out}")
        params, biases = c_out * (c_in // groups) * kh * kw, c_out
    elif kind == "depthwise":
        if c_out % c_in:
            raise ValueError(f"conv_cost: a depthwise conv has c_out = c_in * m, got c_in={c_in}"
                             f", c_out={c_out}")
        params, biases = c_out * kh * kw, c_out
    elif kind == "pointwise":
        if (kh, kw) != (1, 1):
            raise ValueError(f"conv_cost: a pointwise conv has a 1x1 kernel, got k={k!r}")
        params, biases = c_out * c_in, c_out
    elif kind == "depthwise_separable":
        params, biases = c_in * kh * kw + c_in * c_out, c_in + c_out
    elif kind == "spatial_separable":
        c_mid = c_out if c_mid is None else c_mid
        _check_positive("c_mid", c_mid)
        params, biases = c_mid * c_in * kw + c_out * c_mid * kh, c_out
    else:
        raise ValueError(f"conv_cost: kind must be one of {', '.join(KINDS)}, got {kind!r}")
    mult_adds = None
    if h is not None:
        w = h if w is None else w
        _check_positive("h", h)
        _check_positive("w", w)
        mult_adds = params * h * w
    return ConvCost(params + (biases if bias else 0), mult_adds)


def _kernel(k):
    pair = (k, k) if isinstance(k, Integral) else tuple(k)
    if len(pair) != 2 or not all(isinstance(v, Integral) and v >= 1 for v in pair):
        raise ValueError(f"conv_cost: k must be an int >= 1 or a pair of them, got {k!r}")
    return int(pair[0]), int(pair[1])


def _check_positive(name, value):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"conv_cost: {name} must be an int >= 1, got {value!r}")
