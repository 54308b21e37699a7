"""Gradient-check cases for the convolution ops, and the drawn configurations test_conv.py uses.

Each GRADCHECK_CASES entry maps a Function name to `case(data) -> (fn, inputs)`, ready for
`mg.gradcheck(fn, inputs)`; `data` is hypothesis's `st.data()`.
"""

from hypothesis import strategies as st

import minigrad.functional as F
from strategies import leaf, values


def explicit_padding(padding, kernel, dilation):
    """An int, pair, 'valid' or 'same' as ((top, bottom), (left, right)), as PyTorch documents
    it: 'same' pads d (k - 1) in all, the odd one at the bottom/right."""
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    return (ph, ph), (pw, pw)


def _side(data, kernel, dilation, padding_before_after, extra=3):
    """An input size that leaves at least one output position."""
    smallest = max(1, dilation * (kernel - 1) + 1 - sum(padding_before_after))
    return data.draw(st.integers(smallest, smallest + extra))


def geometry(data, max_kernel=3, allow_same=True):
    """Drawn (kernel, stride, padding, dilation): stride/dilation pairs (or ints), padding an
    int, a pair, 'valid' or 'same' (only with stride 1)."""
    kernel = (data.draw(st.integers(1, max_kernel)), data.draw(st.integers(1, max_kernel)))
    stride = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    dilation = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)))
    kinds = ["int", "pair", "valid"] + (["same"] if allow_same and stride == (1, 1) else [])
    kind = data.draw(st.sampled_from(kinds))
    if kind == "int":
        padding = data.draw(st.integers(0, 2))
    elif kind == "pair":
        padding = (data.draw(st.integers(0, 2)), data.draw(st.integers(0, 2)))
    else:
        padding = kind
    # Ints are accepted wherever a pair is: sometimes pass them that way.
    if stride[0] == stride[1] and data.draw(st.booleans()):
        stride = stride[0]
    if dilation[0] == dilation[1] and data.draw(st.booleans()):
        dilation = dilation[0]
    return kernel, stride, padding, dilation


def as_pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def conv_config(data):
    """A small valid conv2d call: dict of x, weight, bias (float64 arrays or None) and params."""
    groups = data.draw(st.integers(1, 3))
    c_in = groups * data.draw(st.integers(1, 2))
    c_out = groups * data.draw(st.integers(1, 2))
    kernel, stride, padding, dilation = geometry(data)
    pads = explicit_padding(padding, kernel, as_pair(dilation))
    hw = tuple(_side(data, k, d, p) for k, d, p in zip(kernel, as_pair(dilation), pads))
    n = data.draw(st.integers(1, 2))
    bias = values(data, (c_out,)) if data.draw(st.booleans()) else None
    weight = values(data, (c_out, c_in // groups) + kernel)
    return dict(x=values(data, (n, c_in) + hw), weight=weight, bias=bias, stride=stride,
                padding=padding, dilation=dilation, groups=groups)


def depthwise_config(data):
    """A small valid depthwise_conv2d call (channel multiplier 1 or 2)."""
    c, m = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 2))
    kernel, stride, padding, dilation = geometry(data)
    pads = explicit_padding(padding, kernel, as_pair(dilation))
    hw = tuple(_side(data, k, d, p) for k, d, p in zip(kernel, as_pair(dilation), pads))
    n = data.draw(st.integers(1, 2))
    bias = values(data, (c * m,)) if data.draw(st.booleans()) else None
    return dict(x=values(data, (n, c) + hw), weight=values(data, (c * m, 1) + kernel), bias=bias,
                stride=stride, padding=padding, dilation=dilation)


def pointwise_config(data):
    n, c_in, c_out = (data.draw(st.integers(1, 3)) for _ in range(3))
    hw = (data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4)))
    bias = values(data, (c_out,)) if data.draw(st.booleans()) else None
    return dict(x=values(data, (n, c_in) + hw), weight=values(data, (c_out, c_in, 1, 1)),
                bias=bias)


def _case(function, config):
    """(fn, inputs) for gradcheck: x, weight and (when drawn) bias all require grad."""
    params = {k: v for k, v in config.items() if k not in ("x", "weight", "bias")}
    inputs = [leaf(config["x"]), leaf(config["weight"])]
    if config["bias"] is not None:
        inputs.append(leaf(config["bias"]))
    return (lambda x, w, b=None: function(x, w, b, **params)), inputs


def conv2d_case(data):
    return _case(F.conv2d, conv_config(data))


def depthwise_case(data):
    return _case(F.depthwise_conv2d, depthwise_config(data))


def pointwise_case(data):
    return _case(F.pointwise_conv2d, pointwise_config(data))


GRADCHECK_CASES = {
    "Conv2d": conv2d_case,
    "DepthwiseConv2d": depthwise_case,
    "PointwiseConv2d": pointwise_case,
}
