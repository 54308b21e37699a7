"""Gradient-check cases for the layers of issue 12's second slice: adaptive average pooling,
layer and group normalization, the embedding lookup and the transposed convolution.

Each GRADCHECK_CASES entry maps a Function name to `case(data) -> (fn, inputs)`, ready for
`mg.gradcheck(fn, inputs)`; `data` is hypothesis's `st.data()`. The config helpers are also
what tests/test_layers.py draws from.
"""

import numpy as np
from hypothesis import strategies as st

import minigrad.functional as F
from cases_conv import _case as conv_case
from strategies import distinct, leaf, values


def adaptive_config(data):
    """(shape, output_size): 3-D or 4-D input, output sizes below, at and above the input's,
    None entries included."""
    shape = (data.draw(st.integers(1, 3)),) * data.draw(st.integers(0, 1)) + (
        data.draw(st.integers(1, 2)), data.draw(st.integers(1, 6)), data.draw(st.integers(1, 6)))
    sizes = [data.draw(st.one_of(st.none(), st.integers(1, 7))) for _ in range(2)]
    output_size = sizes[0] if data.draw(st.booleans()) and sizes[0] is not None else tuple(sizes)
    return shape, output_size


def adaptive_avg_pool_case(data):
    shape, output_size = adaptive_config(data)
    return (lambda t: F.adaptive_avg_pool2d(t, output_size)), [leaf(values(data, shape))]


def norm_input(data, shape):
    """Distinct values plus a little noise: every group's variance stays well above eps."""
    return distinct(data, shape) + values(data, shape, -0.1, 0.1)


def _norm_case(data, function, x_shape, param_shape, affine, *args):
    """(fn, inputs) for function(x, *args, weight, bias), with weight and bias leaves as
    `affine` ("both", "weight", "bias", "none") asks and None for the others."""
    has_weight, has_bias = affine in ("both", "weight"), affine in ("both", "bias")
    params = [leaf(values(data, param_shape)) for _ in range(has_weight + has_bias)]

    def fn(x, *params):
        weight = params[0] if has_weight else None
        bias = params[-1] if has_bias else None
        return function(x, *args, weight, bias)

    return fn, [leaf(norm_input(data, x_shape))] + params


def layer_norm_config(data):
    """(shape, normalized_shape, affine): 1 to 4 axes, the last 1 to 3 normalized."""
    shape = tuple(data.draw(st.integers(1, 3)) for _ in range(data.draw(st.integers(1, 4))))
    k = data.draw(st.integers(1, len(shape)))
    if np.prod(shape[len(shape) - k:]) < 2:  # a single value has variance 0: xhat is 0
        shape = shape[:len(shape) - 1] + (2,)
    normalized = shape[len(shape) - k:]
    if k == 1 and data.draw(st.booleans()):
        normalized = normalized[0]
    return shape, normalized, data.draw(st.sampled_from(["both", "weight", "bias", "none"]))


def layer_norm_case(data):
    shape, normalized, affine = layer_norm_config(data)
    size = (normalized,) if isinstance(normalized, int) else normalized
    return _norm_case(data, F.layer_norm, shape, size, affine, normalized)


def group_norm_config(data):
    """(shape, num_groups, affine): (N, C, *) with 0 to 2 spatial axes."""
    groups = data.draw(st.integers(1, 3))
    channels = groups * data.draw(st.integers(1, 2))
    spatial = tuple(data.draw(st.integers(1, 3)) for _ in range(data.draw(st.integers(0, 2))))
    if channels // groups * int(np.prod(spatial)) < 2:
        spatial = spatial + (2,)
    shape = (data.draw(st.integers(1, 2)), channels) + spatial
    return shape, groups, data.draw(st.sampled_from(["both", "weight", "bias", "none"]))


def group_norm_case(data):
    shape, groups, affine = group_norm_config(data)
    return _norm_case(data, F.group_norm, shape, (shape[1],), affine, groups)


def embedding_config(data):
    """(indices, weight shape): repeated indices included, any index shape up to 2-D."""
    rows, dim = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 3))
    index_shape = tuple(data.draw(st.integers(1, 4)) for _ in range(data.draw(st.integers(0, 2))))
    indices = np.array(data.draw(st.lists(st.integers(0, rows - 1), min_size=int(
        np.prod(index_shape)), max_size=int(np.prod(index_shape)))), dtype=np.int64)
    return indices.reshape(index_shape), (rows, dim)


def embedding_case(data):
    # padding_idx is deliberately not the true gradient (its row gets none): tested apart.
    indices, shape = embedding_config(data)
    return (lambda w: F.embedding(indices, w)), [leaf(values(data, shape))]


GRADCHECK_CASES = {
    "AdaptiveAvgPool2d": adaptive_avg_pool_case,
    "LayerNorm": layer_norm_case,
    "GroupNorm": group_norm_case,
    "Embedding": embedding_case,
}


def conv_transpose_config(data):
    """A small conv_transpose2d call: dict of x, weight, bias (float64 arrays or None) and
    its keyword arguments, output_padding below the stride or the dilation."""
    groups = data.draw(st.integers(1, 2))
    c_in, c_out = groups * data.draw(st.integers(1, 2)), groups * data.draw(st.integers(1, 2))
    kernel = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    stride = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    dilation = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)))
    output_padding = tuple(data.draw(st.integers(0, max(s, d) - 1))
                           for s, d in zip(stride, dilation))
    hw = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    # Padding cuts at most what leaves one output row and column.
    padding = tuple(data.draw(st.integers(0, ((n - 1) * s + d * (k - 1) + o) // 2))
                    for n, s, d, k, o in zip(hw, stride, dilation, kernel, output_padding))
    bias = values(data, (c_out,)) if data.draw(st.booleans()) else None
    return dict(x=values(data, (data.draw(st.integers(1, 2)), c_in) + hw),
                weight=values(data, (c_in, c_out // groups) + kernel), bias=bias,
                stride=stride, padding=padding, output_padding=output_padding, groups=groups,
                dilation=dilation)


def conv_transpose_case(data):
    return conv_case(F.conv_transpose2d, conv_transpose_config(data))


GRADCHECK_CASES["ConvTranspose2d"] = conv_transpose_case
