"""The layers of issue 12's second slice, each against a loop or numpy reference, its gradient,
PyTorch's repr and errors, and (where torch is installed) PyTorch itself to 1e-12 in float64:
adaptive average pooling, ceil_mode pooling, layer and group norm, embedding, Conv1d,
Unflatten and the transposed convolution."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad as mg
import minigrad.functional as F
import minigrad.nn as nn
from cases_layers import (adaptive_config, conv_transpose_config, embedding_config,
                          group_norm_config, layer_norm_config, norm_input)
from strategies import distinct, leaf, values

TIGHT = dict(rtol=1e-12, atol=1e-12)


def numpy_of(t):
    return t.detach().numpy()


def torch_grads(torch, fn, arrays):
    """fn's output and the gradients of sum(output * v) for a fixed v, in torch float64."""
    leaves = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = fn(*leaves)
    v = torch.tensor(np.random.default_rng(0).normal(size=tuple(out.shape)))
    (out * v).sum().backward()
    return out.detach().numpy(), [t.grad.numpy() for t in leaves], v.numpy()


def minigrad_grads(fn, arrays, v):
    leaves = [leaf(a) for a in arrays]
    out = fn(*leaves)
    (out * mg.tensor(v)).sum().backward()
    return numpy_of(out), [t.grad.numpy() for t in leaves]


def assert_same_as_torch(torch, mg_fn, torch_fn, arrays):
    """Same output and same gradients (of one random projection of it) as PyTorch."""
    expected, expected_grads, v = torch_grads(torch, torch_fn, arrays)
    got, got_grads = minigrad_grads(mg_fn, arrays, v)
    np.testing.assert_allclose(got, expected, **TIGHT)
    for g, e in zip(got_grads, expected_grads):
        np.testing.assert_allclose(g, e, **TIGHT)


# ----- adaptive average pooling ----------------------------------------------------------------

def naive_adaptive_avg_pool(x, out_hw):
    """One output at a time, PyTorch's windows: floor(i H / out) to ceil((i + 1) H / out)."""
    h, w = x.shape[-2:]
    y = np.empty(x.shape[:-2] + tuple(out_hw))
    for i, j in np.ndindex(*out_hw):
        rows = slice(i * h // out_hw[0], math.ceil((i + 1) * h / out_hw[0]))
        cols = slice(j * w // out_hw[1], math.ceil((j + 1) * w / out_hw[1]))
        y[..., i, j] = x[..., rows, cols].mean(axis=(-2, -1))
    return y


def resolved(output_size, hw):
    sizes = (output_size,) * 2 if isinstance(output_size, int) else output_size
    return tuple(n if s is None else s for s, n in zip(sizes, hw))


@given(data=st.data())
def test_adaptive_avg_pool_matches_the_loop_reference(data):
    shape, output_size = adaptive_config(data)
    x = values(data, shape)
    y = F.adaptive_avg_pool2d(mg.tensor(x), output_size)
    expected = naive_adaptive_avg_pool(x, resolved(output_size, shape[-2:]))
    assert y.shape == expected.shape and y.dtype == mg.float64
    np.testing.assert_allclose(numpy_of(y), expected, **TIGHT)


def test_adaptive_avg_pool_windows_by_hand():
    # H = 5 into 3: rows [0, 2), [1, 4), [3, 5): overlapping windows of sizes 2, 3, 2.
    x = np.arange(5.0).reshape(1, 1, 5, 1)
    y = F.adaptive_avg_pool2d(mg.tensor(x), (3, 1))
    np.testing.assert_allclose(numpy_of(y).ravel(), [0.5, 2.0, 3.5])
    leaf_x = leaf(x)
    F.adaptive_avg_pool2d(leaf_x, (3, 1)).sum().backward()
    # Rows 1 and 3 sit in two windows each: 1/2 + 1/3.
    np.testing.assert_allclose(leaf_x.grad.numpy().ravel(), [1 / 2, 5 / 6, 1 / 3, 5 / 6, 1 / 2])


def test_adaptive_avg_pool_float32_module_and_repr():
    pool = nn.AdaptiveAvgPool2d((None, 2))
    assert repr(pool) == "AdaptiveAvgPool2d(output_size=(None, 2))"
    assert repr(nn.AdaptiveAvgPool2d(1)) == "AdaptiveAvgPool2d(output_size=1)"
    y = pool(mg.randn(2, 3, 4, 6))
    assert y.shape == (2, 3, 4, 2) and y.dtype == mg.float32
    np.testing.assert_allclose(numpy_of(nn.AdaptiveAvgPool2d(1)(mg.ones(1, 2, 3, 3))), 1.0)


@pytest.mark.parametrize("args, error, message", [
    ((np.zeros((4, 4)), 2), ValueError, r"adaptive_avg_pool2d: input must be 3-D \(C, H, W\) or "
                                        r"4-D \(N, C, H, W\) with C, H, W >= 1, got shape \(4, 4\)"),
    ((np.zeros((1, 3, 0, 4)), 2), ValueError, r"got shape \(1, 3, 0, 4\)"),
    ((np.zeros((1, 1, 4, 4), dtype=np.int64), 2), TypeError, "must be a floating-point tensor"),
    ((np.zeros((1, 1, 4, 4)), (2, 3, 4)), TypeError,
     r"output_size must be an int or a pair of ints or None \(H_out, W_out\), got \(2, 3, 4\)"),
    ((np.zeros((1, 1, 4, 4)), 2.0), TypeError, "output_size must be an int"),
    ((np.zeros((1, 1, 4, 4)), -1), ValueError, "output_size must be >= 0, got -1"),
])
def test_adaptive_avg_pool_bad_input(args, error, message):
    x, output_size = args
    with pytest.raises(error, match=message):
        F.adaptive_avg_pool2d(mg.tensor(x), output_size)
    if "output_size" in message:
        with pytest.raises(error, match=message.replace("adaptive_avg_pool2d", "")):
            nn.AdaptiveAvgPool2d(output_size)


@given(data=st.data())
def test_adaptive_avg_pool_is_torchs(data):
    torch = pytest.importorskip("torch")
    shape, output_size = adaptive_config(data)
    assert_same_as_torch(torch, lambda t: F.adaptive_avg_pool2d(t, output_size),
                         lambda t: torch.nn.functional.adaptive_avg_pool2d(t, output_size),
                         [values(data, shape)])


# ----- ceil_mode, dilation, count_include_pad, divisor_override --------------------------------

def pool_args(data, dilation=False):
    """A small pooling call with ceil_mode drawn: (x shape, kernel, stride, padding, dilation,
    ceil_mode); the padded input always holds one window, and with dilation every window
    holds an input element (else its max is -inf, as in PyTorch, which gradcheck cannot take)."""
    kernel = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    stride = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    padding = tuple(data.draw(st.integers(0, k // 2)) for k in kernel)
    dil = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))) if dilation else (1, 1)
    hw = tuple(data.draw(st.integers(d * (k - 1) + 1 if d > 1 else max(1, k - 2 * p), 6))
               for k, p, d in zip(kernel, padding, dil))
    shape = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))) + hw
    return shape, kernel, stride, padding, dil, data.draw(st.booleans())


def torch_rule_size(n, k, s, p, d, ceil_mode):
    """PyTorch's documented output size, written out again."""
    span = n + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    return out - 1 if ceil_mode and (out - 1) * s >= n + p else out


def naive_pool(x, kernel, stride, padding, dilation, ceil_mode, mode, count_include_pad=True,
               divisor_override=None):
    """One window at a time: the input elements it covers (padding is -inf for max, zeros for
    the average); the average divides by the window cut at the padded input's edge, by its
    input elements only, or by divisor_override."""
    (h, w), out = x.shape[2:], [torch_rule_size(n, k, s, p, d, ceil_mode) for n, k, s, p, d in
                                zip(x.shape[2:], kernel, stride, padding, dilation)]
    y = np.empty(x.shape[:2] + tuple(out))
    for i, j in np.ndindex(*out):
        r0, c0 = i * stride[0] - padding[0], j * stride[1] - padding[1]
        rows = [r0 + a * dilation[0] for a in range(kernel[0]) if 0 <= r0 + a * dilation[0] < h]
        cols = [c0 + b * dilation[1] for b in range(kernel[1]) if 0 <= c0 + b * dilation[1] < w]
        window = x[:, :, rows][:, :, :, cols]
        if mode == "max":
            y[:, :, i, j] = window.max(axis=(2, 3), initial=-np.inf)
            continue
        if divisor_override is not None:
            divisor = divisor_override
        elif count_include_pad:
            divisor = ((min(r0 + kernel[0], h + padding[0]) - r0)
                       * (min(c0 + kernel[1], w + padding[1]) - c0))
        else:
            divisor = len(rows) * len(cols)
        y[:, :, i, j] = window.sum(axis=(2, 3)) / divisor
    return y


@given(data=st.data())
def test_max_pool_ceil_mode_and_dilation_match_the_loop_reference(data):
    shape, kernel, stride, padding, dilation, ceil_mode = pool_args(data, dilation=True)
    x = values(data, shape)
    y = F.max_pool2d(mg.tensor(x), kernel, stride, padding, dilation, ceil_mode)
    np.testing.assert_array_equal(
        numpy_of(y), naive_pool(x, kernel, stride, padding, dilation, ceil_mode, "max"))


@given(data=st.data())
def test_avg_pool_ceil_mode_and_divisors_match_the_loop_reference(data):
    shape, kernel, stride, padding, _, ceil_mode = pool_args(data)
    count_include_pad = data.draw(st.booleans())
    divisor_override = data.draw(st.sampled_from([None, 1, 3]))
    x = values(data, shape)
    y = F.avg_pool2d(mg.tensor(x), kernel, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)
    np.testing.assert_allclose(numpy_of(y), naive_pool(
        x, kernel, stride, padding, (1, 1), ceil_mode, "avg", count_include_pad,
        divisor_override), **TIGHT)


def test_ceil_mode_sizes_by_hand():
    x = mg.zeros(1, 1, 5, 5)
    # floor: (5 - 2) // 2 + 1 = 2; ceil: 3, the last window holding only the last column.
    assert F.max_pool2d(x, 2).shape == (1, 1, 2, 2)
    assert F.max_pool2d(x, 2, ceil_mode=True).shape == (1, 1, 3, 3)
    # kernel 2, stride 2, padding 1 on 5: ceil((5 + 2 - 2) / 2) + 1 = 4, but the 4th window
    # would start at row 3 * 2 - 1 = 5, in the right padding, so PyTorch's rule stops at 3.
    assert F.max_pool2d(x, 2, 2, 1, ceil_mode=True).shape == (1, 1, 3, 3)
    # kernel 3, stride 2, padding 1 on 4: ceil(3 / 2) + 1 = 3; the 3rd starts at row 3, inside.
    assert F.max_pool2d(mg.zeros(1, 1, 4, 4), 3, 2, 1, ceil_mode=True).shape == (1, 1, 3, 3)
    assert F.max_pool2d(mg.zeros(1, 1, 4, 4), 3, 2, 1).shape == (1, 1, 2, 2)
    # avg with ceil_mode: the hanging last window averages the one column it covers.
    y = F.avg_pool2d(mg.tensor(np.arange(3.0).reshape(1, 1, 1, 3)), (1, 2), ceil_mode=True)
    np.testing.assert_allclose(numpy_of(y).ravel(), [0.5, 2.0])


@given(data=st.data())
def test_ceil_mode_pooling_gradcheck(data):
    shape, kernel, stride, padding, dilation, ceil_mode = pool_args(data, dilation=True)
    x = leaf(distinct(data, shape))  # no ties: max pooling's gradient is defined
    assert mg.gradcheck(lambda t: F.max_pool2d(t, kernel, stride, padding, dilation, ceil_mode),
                        [x])
    count_include_pad = data.draw(st.booleans())
    assert mg.gradcheck(lambda t: F.avg_pool2d(t, kernel, stride, padding, ceil_mode,
                                               count_include_pad, 2), [x])
    assert mg.gradcheck(lambda t: F.avg_pool2d(t, kernel, stride, padding, ceil_mode,
                                               count_include_pad), [x])


@given(data=st.data())
def test_ceil_mode_pooling_is_torchs(data):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    shape, kernel, stride, padding, dilation, ceil_mode = pool_args(data, dilation=True)
    x = distinct(data, shape)
    assert_same_as_torch(
        torch, lambda t: F.max_pool2d(t, kernel, stride, padding, dilation, ceil_mode),
        lambda t: tf.max_pool2d(t, kernel, stride, padding, dilation, ceil_mode), [x])
    count_include_pad = data.draw(st.booleans())
    divisor_override = data.draw(st.sampled_from([None, 2]))
    args = (kernel, stride, padding, ceil_mode, count_include_pad, divisor_override)
    assert_same_as_torch(torch, lambda t: F.avg_pool2d(t, *args),
                         lambda t: tf.avg_pool2d(t, *args), [x])


def test_pooling_layers_take_torchs_arguments_and_print_as_torch():
    assert repr(nn.MaxPool2d(2, ceil_mode=True)) == (
        "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=True)")
    assert repr(nn.MaxPool2d(3, 1, 1, 2)) == (
        "MaxPool2d(kernel_size=3, stride=1, padding=1, dilation=2, ceil_mode=False)")
    assert repr(nn.AvgPool2d(3, 1, 1, True, False)) == "AvgPool2d(kernel_size=3, stride=1, padding=1)"
    x = mg.randn(1, 1, 5, 5)
    np.testing.assert_array_equal(numpy_of(nn.MaxPool2d(2, ceil_mode=True)(x)),
                                  numpy_of(F.max_pool2d(x, 2, ceil_mode=True)))
    pool = nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False, divisor_override=3)
    np.testing.assert_array_equal(numpy_of(pool(x)),
                                  numpy_of(F.avg_pool2d(x, 2, None, 0, True, False, 3)))


@pytest.mark.parametrize("call, error, message", [
    (lambda x: F.max_pool2d(x, 2, return_indices=True), NotImplementedError,
     "max_pool2d: return_indices=True is not supported"),
    (lambda x: nn.MaxPool2d(2, return_indices=True), NotImplementedError, "return_indices"),
    (lambda x: F.max_pool2d(x, 3, dilation=0), ValueError, "max_pool2d: dilation must be >= 1"),
    (lambda x: nn.MaxPool2d(3, dilation=(1, 0)), ValueError, "MaxPool2d: dilation must be >= 1"),
    (lambda x: F.max_pool2d(x, 3, dilation=3), ValueError,
     r"max_pool2d: kernel_size \(3, 3\) \(extent \(7, 7\) with dilation \(3, 3\)\) is larger "
     r"than the padded input \(4, 4\)"),
    (lambda x: F.avg_pool2d(x, 2, divisor_override=0), ValueError,
     "avg_pool2d: divisor_override must not be zero"),
    (lambda x: F.avg_pool2d(x, 2, divisor_override=1.5), TypeError,
     "avg_pool2d: divisor_override must be an int or None, got 1.5"),
])
def test_pooling_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call(mg.zeros(1, 1, 4, 4))


# ----- layer norm and group norm -------------------------------------------------------------

def normalized(x, axes, eps=1e-5):
    return (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)


@given(data=st.data())
def test_layer_norm_is_the_formula(data):
    shape, normalized_shape, _ = layer_norm_config(data)
    k = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    x = norm_input(data, shape)
    weight, bias = values(data, shape[len(shape) - k:]), values(data, shape[len(shape) - k:])
    y = F.layer_norm(mg.tensor(x), normalized_shape, mg.tensor(weight), mg.tensor(bias))
    axes = tuple(range(len(shape) - k, len(shape)))
    np.testing.assert_allclose(numpy_of(y), normalized(x, axes) * weight + bias, **TIGHT)
    plain = F.layer_norm(mg.tensor(x), normalized_shape, eps=0.1)
    np.testing.assert_allclose(numpy_of(plain), normalized(x, axes, 0.1), **TIGHT)


@given(data=st.data())
def test_group_norm_is_the_formula(data):
    shape, groups, _ = group_norm_config(data)
    x = norm_input(data, shape)
    weight, bias = values(data, shape[1:2]), values(data, shape[1:2])
    y = F.group_norm(mg.tensor(x), groups, mg.tensor(weight), mg.tensor(bias))
    grouped = normalized(x.reshape(shape[0], groups, -1), (2,)).reshape(shape)
    per_channel = (1, -1) + (1,) * (len(shape) - 2)
    expected = grouped * weight.reshape(per_channel) + bias.reshape(per_channel)
    np.testing.assert_allclose(numpy_of(y), expected, **TIGHT)


@given(data=st.data())
def test_layer_norm_and_group_norm_are_torchs(data):
    torch = pytest.importorskip("torch")
    shape, normalized_shape, _ = layer_norm_config(data)
    size = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
    arrays = [norm_input(data, shape), values(data, size), values(data, size)]
    assert_same_as_torch(
        torch, lambda x, w, b: F.layer_norm(x, normalized_shape, w, b, 1e-3),
        lambda x, w, b: torch.nn.functional.layer_norm(x, size, w, b, 1e-3), arrays)
    shape, groups, _ = group_norm_config(data)
    arrays = [norm_input(data, shape), values(data, shape[1:2]), values(data, shape[1:2])]
    assert_same_as_torch(torch, lambda x, w, b: F.group_norm(x, groups, w, b),
                         lambda x, w, b: torch.nn.functional.group_norm(x, groups, w, b), arrays)


def test_norm_layers_init_dtype_and_repr():
    layer = nn.LayerNorm((3, 4))
    assert repr(layer) == "LayerNorm((3, 4), eps=1e-05, elementwise_affine=True, bias=True)"
    assert repr(nn.LayerNorm(3, bias=False)) == (
        "LayerNorm((3,), eps=1e-05, elementwise_affine=True, bias=False)")
    assert repr(nn.LayerNorm([3], 1e-3, False)) == (
        "LayerNorm((3,), eps=0.001, elementwise_affine=False, bias=False)")
    assert layer.normalized_shape == (3, 4) and layer.weight.dtype == mg.float32
    np.testing.assert_array_equal(numpy_of(layer.weight), np.ones((3, 4)))
    np.testing.assert_array_equal(numpy_of(layer.bias), np.zeros((3, 4)))
    assert [name for name, _ in nn.LayerNorm(3, bias=False).named_parameters()] == ["weight"]
    assert list(nn.LayerNorm(3, elementwise_affine=False).parameters()) == []
    group = nn.GroupNorm(2, 4)
    assert repr(group) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    assert repr(nn.GroupNorm(2, 4, affine=False)) == (
        "GroupNorm(2, 4, eps=1e-05, affine=False, bias=False)")
    assert group.weight.shape == (4,) and list(nn.GroupNorm(1, 4, bias=False).parameters())
    x = mg.randn(2, 4, 3)
    y = group(x)
    assert y.dtype == mg.float32 and y.shape == (2, 4, 3)
    np.testing.assert_allclose(numpy_of(y), numpy_of(F.group_norm(x, 2)), rtol=1e-6)
    np.testing.assert_allclose(numpy_of(nn.LayerNorm(3)(x)), numpy_of(F.layer_norm(x, 3)),
                               rtol=1e-6)


@pytest.mark.parametrize("call, error, message", [
    (lambda x: F.layer_norm(x, (4, 3)), ValueError,
     r"layer_norm: the input's last 2 axes must have normalized_shape \(4, 3\), got input shape "
     r"\(2, 3, 4\)"),
    (lambda x: F.layer_norm(x, (1, 2, 3, 4)), ValueError, "last 4 axes"),
    (lambda x: F.layer_norm(x, 4.0), TypeError, "layer_norm: normalized_shape must be an int or a"),
    (lambda x: F.layer_norm(x, 0), ValueError, "normalized_shape must hold sizes >= 1"),
    (lambda x: F.layer_norm(x, 4, mg.ones(3)), ValueError,
     r"layer_norm: weight must have shape \(4,\), got \(3,\)"),
    (lambda x: F.layer_norm(x, 4, None, mg.ones(4, dtype=mg.float64)), RuntimeError,
     "layer_norm: the input is float32 but bias is float64"),
    (lambda x: F.layer_norm(x, 4, eps=-1), ValueError, "layer_norm: eps must be in"),
    (lambda x: F.layer_norm(x.long(), 4), TypeError, "layer_norm: input must be floating point"),
    (lambda x: F.group_norm(x, 2), ValueError,
     r"group_norm: num_groups=2 must divide the input's channels \(C=3"),
    (lambda x: F.group_norm(x, 0), ValueError, "group_norm: num_groups must be >= 1"),
    (lambda x: F.group_norm(x[0, 0], 1), ValueError, "group_norm: input must be at least 2-D"),
    (lambda x: F.group_norm(x, 3, mg.ones(4)), ValueError,
     r"group_norm: weight must have shape \(3,\), got \(4,\)"),
    (lambda x: nn.GroupNorm(2, 3), ValueError, "GroupNorm: num_groups=2 must divide num_channels=3"),
    (lambda x: nn.GroupNorm(0, 3), ValueError, "GroupNorm: num_groups must be >= 1"),
    (lambda x: nn.LayerNorm((2, -1)), ValueError, "LayerNorm: normalized_shape must hold sizes"),
    (lambda x: nn.LayerNorm(3)(x), ValueError, "layer_norm: the input's last 1 axes"),
])
def test_norm_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call(mg.zeros(2, 3, 4))


# ----- embedding -------------------------------------------------------------------------------

@given(data=st.data())
def test_embedding_looks_up_rows_and_adds_the_gradients_of_repeats(data):
    indices, shape = embedding_config(data)
    weight = leaf(values(data, shape))
    y = F.embedding(mg.tensor(indices), weight)
    assert y.shape == indices.shape + (shape[1],) and y.dtype == mg.float64
    np.testing.assert_array_equal(numpy_of(y), weight.detach().numpy()[indices])
    y.sum().backward()
    counts = np.bincount(indices.ravel(), minlength=shape[0]).astype(float)
    np.testing.assert_array_equal(weight.grad.numpy(), np.repeat(counts[:, None], shape[1], 1))


def test_embedding_padding_row_gets_no_gradient():
    weight = leaf(np.arange(12.0).reshape(4, 3))
    F.embedding(np.array([[0, 2], [2, 3]]), weight, padding_idx=-2).sum().backward()
    np.testing.assert_array_equal(weight.grad.numpy()[:, 0], [1, 0, 0, 1])
    layer = nn.Embedding(4, 3, padding_idx=-2)
    assert layer.padding_idx == 2 and repr(layer) == "Embedding(4, 3, padding_idx=2)"
    np.testing.assert_array_equal(numpy_of(layer.weight)[2], 0)
    layer(np.array([2, 2, 1])).sum().backward()
    np.testing.assert_array_equal(layer.weight.grad.numpy()[:, 0], [0, 1, 0, 0])


def test_embedding_layer_init_is_standard_normal():
    layer = nn.Embedding(400, 50, generator=np.random.default_rng(0))
    assert repr(layer) == "Embedding(400, 50)" and layer.weight.dtype == mg.float32
    w = numpy_of(layer.weight)
    # 20,000 draws: the mean is within 4 / sqrt(20,000) of 0, the std within 2 % of 1.
    assert abs(w.mean()) < 0.03 and abs(w.std() - 1) < 0.02
    y = layer(mg.tensor([[1, 2, 3]]))
    assert y.shape == (1, 3, 50) and y.dtype == mg.float32


@pytest.mark.parametrize("call, error, message", [
    (lambda w: F.embedding(np.array([4]), w), IndexError,
     r"embedding: index 4 is out of range for a weight of num_embeddings = 4 rows "
     r"\(indices must be in \[0, 4\)\)"),
    (lambda w: F.embedding(np.array([[0, -1]]), w), IndexError, "embedding: index -1 is out of"),
    (lambda w: nn.Embedding(4, 3)(mg.tensor([7])), IndexError, "embedding: index 7"),
    (lambda w: F.embedding(np.array([0.0]), w), TypeError,
     "embedding: input must hold integer indices, got dtype float64"),
    (lambda w: F.embedding(np.array([0]), w[0]), ValueError, "embedding: weight must be 2-D"),
    (lambda w: F.embedding(np.array([0]), w, padding_idx=4), ValueError,
     r"embedding: padding_idx must be within num_embeddings = 4 \(in \[-4, 4\)\), got 4"),
    (lambda w: nn.Embedding(4, 3, padding_idx=-5), ValueError, "Embedding: padding_idx must be"),
    (lambda w: nn.Embedding(4, 0), ValueError, "Embedding: embedding_dim must be >= 1"),
    (lambda w: nn.Embedding(4, 3, max_norm=1.0), NotImplementedError, "max_norm"),
    (lambda w: F.embedding(np.array([0]), w, scale_grad_by_freq=True), NotImplementedError,
     "scale_grad_by_freq"),
])
def test_embedding_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call(mg.zeros(4, 3))


@given(data=st.data())
def test_embedding_is_torchs(data):
    torch = pytest.importorskip("torch")
    indices, shape = embedding_config(data)
    padding_idx = data.draw(st.one_of(st.none(), st.integers(-shape[0], shape[0] - 1)))
    assert_same_as_torch(
        torch, lambda w: F.embedding(indices, w, padding_idx),
        lambda w: torch.nn.functional.embedding(torch.tensor(indices), w, padding_idx),
        [values(data, shape)])


# ----- Conv1d ----------------------------------------------------------------------------------

def naive_conv1d(x, w, b, stride, padding, dilation, groups):
    """One multiply-add at a time; padding is (left, right)."""
    x = np.pad(x, ((0, 0), (0, 0), padding))
    c_out, c_group, k = w.shape
    length = (x.shape[2] - dilation * (k - 1) - 1) // stride + 1
    y = np.zeros((x.shape[0], c_out, length))
    for n, o, i, c, t in np.ndindex(x.shape[0], c_out, length, c_group, k):
        channel = o // (c_out // groups) * c_group + c
        y[n, o, i] += w[o, c, t] * x[n, channel, i * stride + t * dilation]
    return y if b is None else y + b[:, None]


def conv1d_config(data):
    groups = data.draw(st.integers(1, 2))
    c_in, c_out = groups * data.draw(st.integers(1, 2)), groups * data.draw(st.integers(1, 2))
    k, dilation = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 2))
    stride = data.draw(st.integers(1, 3))
    padding = data.draw(st.sampled_from(["valid", "same", 0, 1, 2] if stride == 1 else [0, 1, 2]))
    pads = ((dilation * (k - 1) // 2, dilation * (k - 1) - dilation * (k - 1) // 2)
            if padding == "same" else (0, 0) if padding == "valid" else (padding, padding))
    length = data.draw(st.integers(max(1, dilation * (k - 1) + 1 - sum(pads)), 6))
    bias = values(data, (c_out,)) if data.draw(st.booleans()) else None
    return (values(data, (data.draw(st.integers(1, 2)), c_in, length)),
            values(data, (c_out, c_in // groups, k)), bias,
            dict(stride=stride, padding=padding, dilation=dilation, groups=groups), pads)


@given(data=st.data())
def test_conv1d_matches_the_loop_reference_and_gradchecks(data):
    x, w, b, args, pads = conv1d_config(data)
    y = F.conv1d(mg.tensor(x), mg.tensor(w), None if b is None else mg.tensor(b), **args)
    expected = naive_conv1d(x, w, b, args["stride"], pads, args["dilation"], args["groups"])
    assert y.shape == expected.shape and y.dtype == mg.float64
    np.testing.assert_allclose(numpy_of(y), expected, **TIGHT)
    unbatched = F.conv1d(mg.tensor(x[0]), mg.tensor(w), None if b is None else mg.tensor(b),
                         **args)
    np.testing.assert_allclose(numpy_of(unbatched), expected[0], **TIGHT)
    leaves = [leaf(a) for a in (x, w, b) if a is not None]
    assert mg.gradcheck(lambda x, w, b=None: F.conv1d(x, w, b, **args), leaves)


def test_conv1d_same_pads_an_even_kernel_one_more_at_the_right():
    x, w = mg.tensor([[[0.0, 1.0, 2.0, 3.0]]]), mg.tensor([[[1.0, 10.0]]])
    # y[i] = x[i] + 10 x[i + 1], the zero added after x[3].
    np.testing.assert_array_equal(numpy_of(F.conv1d(x, w, padding="same")).ravel(),
                                  [10, 21, 32, 3])
    np.testing.assert_array_equal(numpy_of(F.conv1d(x, w, padding="valid")).ravel(), [10, 21, 32])
    # padded [0, 0, 1, 2, 3, 0], windows at 0, 2, 4.
    np.testing.assert_array_equal(numpy_of(F.conv1d(x, w, padding=1, stride=2)).ravel(), [0, 21, 3])


@given(data=st.data())
def test_conv1d_is_torchs(data):
    torch = pytest.importorskip("torch")
    x, w, b, args, _ = conv1d_config(data)
    b = values(data, (w.shape[0],))
    assert_same_as_torch(torch, lambda x, w, b: F.conv1d(x, w, b, **args),
                         lambda x, w, b: torch.nn.functional.conv1d(x, w, b, **args), [x, w, b])


def test_conv1d_layer_init_and_repr():
    assert repr(nn.Conv1d(2, 3, 3)) == "Conv1d(2, 3, kernel_size=(3,), stride=(1,))"
    assert repr(nn.Conv1d(2, 4, 3, 2, 1, 2, 2, False)) == (
        "Conv1d(2, 4, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), groups=2, "
        "bias=False)")
    assert repr(nn.Conv1d(2, 3, (3,), padding="same")) == (
        "Conv1d(2, 3, kernel_size=(3,), stride=(1,), padding=same)")
    layer = nn.Conv1d(4, 100, 5, groups=2, generator=np.random.default_rng(0))
    assert layer.weight.shape == (100, 2, 5) and layer.bias.shape == (100,)
    bound = 1 / math.sqrt(2 * 5)  # fan_in = C_in / groups * K
    for p in (layer.weight, layer.bias):
        assert np.abs(numpy_of(p)).max() <= bound
        assert np.abs(numpy_of(p)).max() > 0.9 * bound  # 1,000 draws reach the edges
    x = mg.randn(2, 4, 9)
    y = layer(x)
    assert y.shape == (2, 100, 5) and y.dtype == mg.float32
    np.testing.assert_allclose(numpy_of(y), numpy_of(F.conv1d(x, layer.weight, layer.bias,
                                                              groups=2)), rtol=1e-6)


@pytest.mark.parametrize("call, error, message", [
    (lambda x, w: F.conv1d(x[0, 0], w), ValueError,
     r"conv1d: input must be 3-D \(N, C_in, L\) or 2-D \(C_in, L\), got shape \(5,\)"),
    (lambda x, w: F.conv1d(x, w[0]), ValueError, r"conv1d: weight must be 3-D"),
    (lambda x, w: F.conv1d(x, w, groups=2), ValueError, "conv1d: groups=2 must divide"),
    (lambda x, w: F.conv1d(x, w, mg.zeros(2)), ValueError, r"conv1d: bias must have shape \(3,\)"),
    (lambda x, w: F.conv1d(x, w, stride=(1, 1)), TypeError,
     r"conv1d: stride must be an int or a 1-tuple of an int, got \(1, 1\)"),
    (lambda x, w: F.conv1d(x, w, dilation=0), ValueError, "conv1d: dilation must be >= 1"),
    (lambda x, w: F.conv1d(x, w, padding="same", stride=2), ValueError,
     "conv1d: padding='same' needs stride 1, got stride 2"),
    (lambda x, w: F.conv1d(x, w, padding="full"), ValueError, "conv1d: padding must be"),
    (lambda x, w: F.conv1d(x, w, dilation=3), ValueError,
     r"conv1d: the kernel \(extent 7 with dilation 3\) is longer than the padded input"),
    (lambda x, w: F.conv1d(x.long(), w), TypeError, "conv1d: input must be a floating-point"),
    (lambda x, w: F.conv1d(x, w.double()), RuntimeError, "conv1d: the input is float32 but"),
    (lambda x, w: nn.Conv1d(3, 3, 3, padding_mode="reflect"), NotImplementedError,
     "Conv1d: padding_mode='reflect' is not supported"),
    (lambda x, w: nn.Conv1d(3, 3, 3, padding_mode="mirror"), ValueError,
     "Conv1d: padding_mode must be 'zeros'"),
    (lambda x, w: nn.Conv1d(3, 3, 3, stride=2, padding="same"), ValueError,
     "Conv1d: padding='same' needs stride 1"),
    (lambda x, w: nn.Conv1d(3, 3, (3, 3)), TypeError, "Conv1d: kernel_size must be an int"),
    (lambda x, w: nn.Conv2d(3, 3, 3, padding_mode="circular"), NotImplementedError,
     "Conv2d: padding_mode='circular'"),
])
def test_conv1d_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call(mg.zeros(1, 2, 5), mg.zeros(3, 2, 3))


# ----- Unflatten -------------------------------------------------------------------------------

def test_unflatten_undoes_flatten():
    x = mg.randn(2, 3, 4, 5)
    layer = nn.Unflatten(1, (3, 4, 5))
    assert repr(layer) == "Unflatten(dim=1, unflattened_size=(3, 4, 5))"
    assert repr(nn.Unflatten(-1, [2, -1])) == "Unflatten(dim=-1, unflattened_size=[2, -1])"
    np.testing.assert_array_equal(numpy_of(layer(nn.Flatten()(x))), numpy_of(x))
    assert nn.Unflatten(-1, (5, -1))(x).shape == (2, 3, 4, 5, 1)
    assert nn.Unflatten(0, (1, 2))(x).shape == (1, 2, 3, 4, 5)
    leaf_x = leaf(np.arange(6.0).reshape(1, 6))
    assert mg.gradcheck(nn.Unflatten(1, (2, 3)), [leaf_x])


@pytest.mark.parametrize("call, error, message", [
    (lambda x: nn.Unflatten(1, (2, 4))(x), ValueError,
     r"Unflatten: sizes \(2, 4\) do not multiply up to the size of dim 1 \(6\)"),
    (lambda x: nn.Unflatten(1, (4, -1))(x), ValueError, "do not multiply up"),
    (lambda x: nn.Unflatten(2, (2, 3))(x), IndexError, "Dimension out of range"),
    (lambda x: nn.Unflatten(1, 6), TypeError, "unflattened_size must be a tuple or list of ints"),
    (lambda x: nn.Unflatten(1, (2.0, 3)), TypeError, "unflattened_size must be a tuple"),
    (lambda x: nn.Unflatten(1, (-1, -1)), ValueError, "at most one -1"),
    (lambda x: nn.Unflatten(1, ()), ValueError, "must be non-empty"),
    (lambda x: nn.Unflatten(1.0, (2, 3)), TypeError, "Unflatten: dim must be an int"),
])
def test_unflatten_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call(mg.zeros(2, 6))


# ----- the transposed convolution --------------------------------------------------------------

def naive_conv_transpose2d(x, w, b, stride, padding, output_padding, groups, dilation):
    """Each input pixel spread through its weights, one multiply-add at a time, into an output
    padded by `padding` on each side, which is then cut away."""
    c_in, c_group, kh, kw = w.shape
    out = [(n - 1) * s - 2 * p + d * (k - 1) + o + 1 for n, s, p, d, k, o in
           zip(x.shape[2:], stride, padding, dilation, (kh, kw), output_padding)]
    y = np.zeros((x.shape[0], c_group * groups, out[0] + 2 * padding[0], out[1] + 2 * padding[1]))
    for n, c, i, j, o, di, dj in np.ndindex(x.shape[0], c_in, *x.shape[2:], c_group, kh, kw):
        channel = c // (c_in // groups) * c_group + o
        row, col = i * stride[0] + di * dilation[0], j * stride[1] + dj * dilation[1]
        if row < y.shape[2] and col < y.shape[3]:
            y[n, channel, row, col] += w[c, o, di, dj] * x[n, c, i, j]
    y = y[:, :, padding[0]:padding[0] + out[0], padding[1]:padding[1] + out[1]]
    return y if b is None else y + b[:, None, None]


def transpose_args(config):
    return {k: config[k] for k in ("stride", "padding", "output_padding", "groups", "dilation")}


@given(data=st.data())
def test_conv_transpose2d_matches_the_loop_reference(data):
    config = conv_transpose_config(data)
    args = transpose_args(config)
    x, w, b = config["x"], config["weight"], config["bias"]
    y = F.conv_transpose2d(mg.tensor(x), mg.tensor(w), None if b is None else mg.tensor(b),
                           **args)
    expected = naive_conv_transpose2d(x, w, b, **args)
    assert y.shape == expected.shape and y.dtype == mg.float64
    np.testing.assert_allclose(numpy_of(y), expected, **TIGHT)


@given(data=st.data())
def test_conv_transpose2d_is_conv2ds_adjoint(data):
    # <conv_transpose2d(x), v> = <x, conv2d(v)> (conv2d cut to x's size, as the VJP says).
    config = conv_transpose_config(data)
    args = transpose_args(config)
    x, w = config["x"], config["weight"]
    y = numpy_of(F.conv_transpose2d(mg.tensor(x), mg.tensor(w), **args))
    v = values(data, y.shape)
    back = numpy_of(F.conv2d(mg.tensor(v), mg.tensor(w), stride=args["stride"],
                             padding=args["padding"], dilation=args["dilation"],
                             groups=args["groups"]))[:, :, :x.shape[2], :x.shape[3]]
    np.testing.assert_allclose((y * v).sum(), (x * back).sum(), rtol=1e-10, atol=1e-10)


@given(data=st.data())
def test_conv_transpose2d_is_torchs(data):
    torch = pytest.importorskip("torch")
    config = conv_transpose_config(data)
    args = transpose_args(config)
    arrays = [config["x"], config["weight"], values(data, (config["weight"].shape[1]
                                                           * args["groups"],))]
    assert_same_as_torch(torch, lambda x, w, b: F.conv_transpose2d(x, w, b, **args),
                         lambda x, w, b: torch.nn.functional.conv_transpose2d(x, w, b, **args),
                         arrays)


def test_conv_transpose2d_layer_init_and_repr():
    assert repr(nn.ConvTranspose2d(2, 3, 3)) == (
        "ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(1, 1))")
    assert repr(nn.ConvTranspose2d(2, 4, 3, 2, 1, 1, 2, False, 2)) == (
        "ConvTranspose2d(2, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
        "dilation=(2, 2), output_padding=(1, 1), groups=2, bias=False)")
    layer = nn.ConvTranspose2d(4, 40, 3, stride=2, output_padding=1, groups=2,
                               generator=np.random.default_rng(0))
    assert layer.weight.shape == (4, 20, 3, 3)
    bound = 1 / math.sqrt(20 * 9)  # PyTorch's fan_in of this layout: C_out / groups * kH * kW
    assert bound * 0.9 < np.abs(numpy_of(layer.weight)).max() <= bound
    assert np.abs(numpy_of(layer.bias)).max() <= bound
    x = mg.randn(1, 4, 3, 3)
    y = layer(x)
    assert y.shape == (1, 40, 8, 8) and y.dtype == mg.float32  # (3 - 1) 2 + 2 + 1 + 1
    np.testing.assert_allclose(numpy_of(y), numpy_of(F.conv_transpose2d(
        x, layer.weight, layer.bias, 2, 0, 1, 2)), rtol=1e-6)


@pytest.mark.parametrize("call, error, message", [
    (lambda x, w: F.conv_transpose2d(x, w, output_padding=1), ValueError,
     r"conv_transpose2d: output_padding must be smaller than the stride or the dilation, got "
     r"output_padding \(1, 1\) with stride \(1, 1\) and dilation \(1, 1\)"),
    (lambda x, w: F.conv_transpose2d(x, w, padding=3), ValueError,
     r"conv_transpose2d: the output would be \(-1, -1\)"),
    (lambda x, w: F.conv_transpose2d(x, w, padding="same"), TypeError,
     "conv_transpose2d: padding must be an int or a pair"),
    (lambda x, w: F.conv_transpose2d(x, mg.zeros(3, 3, 3, 3)), ValueError,
     r"conv_transpose2d: weight \(3, 3, 3, 3\) must be \(C_in, C_out/groups, kH, kW\) with C_in "
     r"= 2"),
    (lambda x, w: F.conv_transpose2d(x, w, groups=3), ValueError, "divisible by groups=3"),
    (lambda x, w: F.conv_transpose2d(x, w, mg.zeros(2)), ValueError,
     r"conv_transpose2d: bias must have shape \(3,\)"),
    (lambda x, w: F.conv_transpose2d(x[0], w), ValueError, "conv_transpose2d: input must be 4-D"),
    (lambda x, w: nn.ConvTranspose2d(2, 3, 3, output_padding=2, stride=2), ValueError,
     "ConvTranspose2d: output_padding must be smaller"),
    (lambda x, w: nn.ConvTranspose2d(2, 3, 3, groups=2), ValueError,
     "ConvTranspose2d: groups=2 must divide"),
])
def test_conv_transpose2d_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call(mg.zeros(1, 2, 3, 3), mg.zeros(2, 3, 3, 3))
