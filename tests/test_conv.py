"""The convolution family against a loop reference (tests/naive_conv.py), gradcheck, the
equivalences between the kinds, the costs of conv_cost, and the errors bad arguments get."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad as mg
import minigrad.functional as F
import naive_conv
from kernel_sets import KERNEL_SETS, KERNELS, kernels
from minigrad.kernels import batch_last, dispatch, shifted_views
from minigrad.ops.conv import Conv2d
from cases_conv import (GRADCHECK_CASES, as_pair, conv_config, depthwise_config,
                        explicit_padding, pointwise_config)
from strategies import leaf, values

TIGHT = dict(rtol=1e-10, atol=1e-10)


def _run(function, config):
    """Call `function` on leaves made from config; backprop a random upstream gradient.
    Returns (output array, upstream gradient, [grad of x, weight, bias])."""
    params = {k: v for k, v in config.items() if k not in ("x", "weight", "bias")}
    leaves = [leaf(config["x"]), leaf(config["weight"])]
    leaves.append(None if config["bias"] is None else leaf(config["bias"]))
    y = function(*leaves, **params)
    upstream = np.random.default_rng(0).standard_normal(y.shape)
    y.backward(upstream)
    return y.detach().numpy(), upstream, [None if t is None else t.grad for t in leaves]


def _check_against_naive(function, config, groups):
    y, upstream, grads = _run(function, config)
    x, w = config["x"], config["weight"]
    stride, dilation = as_pair(config.get("stride", 1)), as_pair(config.get("dilation", 1))
    padding = explicit_padding(config.get("padding", 0), w.shape[2:], dilation)
    expected = naive_conv.conv2d(x, w, config["bias"], stride, padding, dilation, groups)
    np.testing.assert_allclose(y, expected, **TIGHT)
    grad_x, grad_w, grad_b = naive_conv.conv2d_vjp(x, w, upstream, stride, padding, dilation,
                                                   groups)
    np.testing.assert_allclose(grads[0], grad_x, **TIGHT)
    np.testing.assert_allclose(grads[1], grad_w, **TIGHT)
    if config["bias"] is not None:
        np.testing.assert_allclose(grads[2], grad_b, **TIGHT)


# ----- each op against the loop reference, and gradcheck ----------------------------------

@pytest.mark.parametrize("kernel_set", sorted(KERNELS))
@given(data=st.data())
def test_conv2d_matches_loop_reference(kernel_set, data):
    """Every way conv2d is computed: the reference kernel, and each fast layout forced on the
    same small shapes (batch last; shifted views for stride 1, im2col otherwise; im2col
    built a kernel row at a time, as a patch matrix above patch_bytes is)."""
    config = conv_config(data)
    with kernels(kernel_set):
        _check_against_naive(F.conv2d, config, config["groups"])


@pytest.mark.parametrize("kernel_set", ["reference", "fast: shifted views or im2col"])
@given(data=st.data(), pad=st.tuples(*[st.integers(0, 4)] * 4), dilation=st.integers(1, 2),
       kernel=st.tuples(st.integers(1, 3), st.integers(1, 3)), groups=st.integers(1, 2))
def test_conv2d_unequal_padding_matches_loop_reference(kernel_set, data, pad, dilation,
                                                        kernel, groups):
    """Stride 1 goes through the shifted views (no patch matrix; dL/dx as a convolution of g
    with the flipped kernel). Padding on any side up to beyond the kernel's reach (an output
    larger than the input), unequal sides, dilation and groups all change which positions
    wrap around and where g is placed."""
    top, bottom, left, right = pad
    n, c_in, c_out = data.draw(st.integers(1, 2)), groups * 2, groups * 3
    hw = tuple(max(1, d * (k - 1) + 1 - a - b) + data.draw(st.integers(0, 3))
               for k, d, a, b in zip(kernel, (dilation,) * 2, (top, left), (bottom, right)))
    x, w = values(data, (n, c_in) + hw), values(data, (c_out, 2) + kernel)
    # The op directly: the public conv2d pads both sides alike (but for 'same').
    padding = ((top, bottom), (left, right))
    x_t, w_t = leaf(x), leaf(w)
    with kernels(kernel_set):
        y = Conv2d.apply(x_t, w_t, stride=(1, 1), padding=padding,
                         dilation=(dilation, dilation), groups=groups)
        upstream = np.random.default_rng(0).standard_normal(y.shape)
        y.backward(upstream)
    expected = naive_conv.conv2d(x, w, None, (1, 1), padding, (dilation, dilation), groups)
    np.testing.assert_allclose(y.detach().numpy(), expected, **TIGHT)
    grad_x, grad_w, _ = naive_conv.conv2d_vjp(x, w, upstream, (1, 1), padding,
                                              (dilation, dilation), groups)
    np.testing.assert_allclose(x_t.grad, grad_x, **TIGHT)
    np.testing.assert_allclose(w_t.grad, grad_w, **TIGHT)


def test_conv2d_layout_choice_follows_the_output_size():
    """resnet20's 8x8, 4x4 and 2x2 maps go batch last, 16x16 and larger use the shifted views;
    strides above 1 on large maps use im2col; the reference set uses the reference."""
    def kernel(n, c, hw, stride=(1, 1)):
        out = (hw // stride[0],) * 2
        with kernels("fast"):
            return dispatch.conv2d_kernel((n, c, hw, hw), 4, (3, 3), stride, out)

    assert kernel(128, 16, 8) is kernel(128, 32, 4) is kernel(128, 64, 2) is batch_last
    assert kernel(64, 32, 16) is kernel(64, 16, 32) is shifted_views
    assert kernel(64, 16, 32, (2, 2)).forward.__self__.patch_bytes == 64 * 2**20
    # A patch matrix above patch_bytes is built in pieces, which only im2col does.
    assert kernel(2 ** 16, 64, 2) is shifted_views
    with mg.kernels.use("reference"):
        assert dispatch.conv2d_kernel((128, 16, 8, 8), 4, (3, 3), (1, 1), (8, 8)) is (
            dispatch.ReferenceConv2d)


def test_skewed_batch_copies_x_with_its_examples_16_elements_further_apart():
    x = np.arange(2 * 3 * 4 * 4, dtype=np.float32).reshape(2, 3, 4, 4)
    skewed = batch_last.skewed_batch(x)
    np.testing.assert_array_equal(skewed, x)
    assert skewed.dtype == x.dtype and not np.shares_memory(skewed, x)
    assert skewed.strides == ((48 + 16) * 4,) + x.strides[1:]


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
@given(data=st.data())
def test_depthwise_matches_loop_reference(kernel_set, data):
    config = depthwise_config(data)
    with kernels(kernel_set):
        _check_against_naive(F.depthwise_conv2d, config, groups=config["x"].shape[1])


@pytest.mark.parametrize("hw, kernel, params", [
    ((5, 6), (3, 3), dict(padding=3)),                  # padding beyond the kernel's reach
    ((2, 3), (3, 2), dict(padding=(2, 1))),             # every row window reaches the padding
    ((9, 8), (3, 3), dict(stride=3, dilation=2, padding=2)),  # G's rows spread 3 apart
    ((7, 7), (1, 3), dict(stride=(2, 1), padding=(0, 1))),
])
@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
def test_depthwise_row_window_edges_match_loop_reference(kernel_set, hw, kernel, params):
    """The depthwise op copies only the row windows that lie inside the image as one view
    and assembles the ones that reach into the padding: the edge cases of that split."""
    rng = np.random.default_rng(3)
    config = dict(x=rng.standard_normal((2, 3) + hw), bias=rng.standard_normal(6),
                  weight=rng.standard_normal((6, 1) + kernel), **params)
    with kernels(kernel_set):
        _check_against_naive(F.depthwise_conv2d, config, groups=3)


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
@given(data=st.data())
def test_pointwise_matches_loop_reference(kernel_set, data):
    config = pointwise_config(data)
    with kernels(kernel_set):
        _check_against_naive(F.pointwise_conv2d, config, groups=1)


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
@pytest.mark.parametrize("op_name", sorted(GRADCHECK_CASES))
@given(data=st.data())
def test_gradcheck(kernel_set, op_name, data):
    fn, inputs = GRADCHECK_CASES[op_name](data)
    with kernels(kernel_set):
        assert mg.gradcheck(fn, inputs)


@pytest.mark.parametrize("config_of, function", [
    (conv_config, F.conv2d), (depthwise_config, F.depthwise_conv2d),
    (pointwise_config, F.pointwise_conv2d)])
@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
@given(data=st.data())
def test_float32_stays_float32_and_agrees_with_float64(kernel_set, config_of, function, data):
    with kernels(kernel_set):
        _float32_agrees_with_float64(config_of(data), function)


def _float32_agrees_with_float64(config, function):
    y64, upstream, grads64 = _run(function, config)
    config32 = {k: (v.astype(np.float32) if isinstance(v, np.ndarray) else v)
                for k, v in config.items()}
    params = {k: v for k, v in config32.items() if k not in ("x", "weight", "bias")}
    leaves = [mg.tensor(config32[k], requires_grad=True) if config32[k] is not None else None
              for k in ("x", "weight", "bias")]
    y32 = function(*leaves, **params)
    y32.backward(upstream.astype(np.float32))
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32.detach().numpy(), y64, rtol=1e-4, atol=1e-4)
    for t, g64 in zip(leaves, grads64):
        if t is not None:
            assert t.grad.dtype == np.float32
            np.testing.assert_allclose(t.grad, g64, rtol=1e-4, atol=1e-4)


def test_same_padding_keeps_the_size_and_puts_the_odd_pad_bottom_right():
    x = np.arange(2 * 1 * 5 * 6, dtype=np.float64).reshape(2, 1, 5, 6)
    w = np.random.default_rng(1).standard_normal((3, 1, 2, 4))
    y = F.conv2d(mg.tensor(x), mg.tensor(w), padding="same").detach().numpy()
    assert y.shape == (2, 3, 5, 6)
    # total padding 1 (rows) and 3 (columns): (0 top, 1 bottom), (1 left, 2 right)
    expected = naive_conv.conv2d(x, w, padding=((0, 1), (1, 2)))
    np.testing.assert_allclose(y, expected, **TIGHT)


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
def test_backward_gives_only_the_gradients_asked_for(kernel_set):
    with kernels(kernel_set):
        _backward_gives_only_the_gradients_asked_for()


def _backward_gives_only_the_gradients_asked_for():
    rng = np.random.default_rng(2)
    x = mg.tensor(rng.standard_normal((2, 4, 5, 5)), requires_grad=True)
    w = mg.tensor(rng.standard_normal((6, 2, 3, 3)))  # a constant weight
    F.conv2d(x, w, groups=2).sum().backward()
    assert x.grad is not None and w.grad is None
    x2 = mg.tensor(x.detach().numpy())  # now only the weight
    w2 = mg.tensor(w.detach().numpy(), requires_grad=True)
    F.conv2d(x2, w2, groups=2).sum().backward()
    assert w2.grad is not None and x2.grad is None
    with mg.no_grad():
        assert not F.conv2d(x, w, groups=2).requires_grad


# ----- the kinds are each other in disguise -----------------------------------------------

def _grads(fn, arrays):
    leaves = [leaf(a) for a in arrays]
    y = fn(*leaves)
    y.backward(np.cos(np.arange(y.detach().numpy().size)).reshape(y.shape))
    return [y.detach().numpy()] + [t.grad for t in leaves]


def _assert_same(fn_a, fn_b, arrays):
    for a, b in zip(_grads(fn_a, arrays), _grads(fn_b, arrays)):
        np.testing.assert_allclose(a, b, **TIGHT)


@given(data=st.data())
def test_depthwise_is_grouped_conv_with_groups_equal_to_channels(data):
    config = depthwise_config(data)
    params = {k: config[k] for k in ("stride", "padding", "dilation")}
    c = config["x"].shape[1]
    arrays = [config["x"], config["weight"], values(data, (config["weight"].shape[0],))]
    _assert_same(lambda x, w, b: F.depthwise_conv2d(x, w, b, **params),
                 lambda x, w, b: F.conv2d(x, w, b, groups=c, **params), arrays)


@given(data=st.data())
def test_pointwise_is_a_matrix_product_over_channels(data):
    config = pointwise_config(data)
    x, w = config["x"], config["weight"]
    y = F.pointwise_conv2d(mg.tensor(x), mg.tensor(w)).detach().numpy()
    np.testing.assert_allclose(y, np.einsum("oc,nchw->nohw", w[:, :, 0, 0], x), **TIGHT)
    _assert_same(F.pointwise_conv2d, F.conv2d, [x, w])


def _separable_config(data):
    n, c = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3))
    kh, kw = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    stride = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)))
    padding = data.draw(st.sampled_from([0, 1, (2, 0), (0, 2), "valid"] +
                                        (["same"] if stride == (1, 1) else [])))
    pads = explicit_padding(padding, (kh, kw), (1, 1))
    hw = (max(1, kh - sum(pads[0])) + data.draw(st.integers(0, 3)),
          max(1, kw - sum(pads[1])) + data.draw(st.integers(0, 3)))
    return n, c, (kh, kw), stride, padding, hw


@given(data=st.data())
def test_spatial_separable_is_conv_with_the_outer_product_kernel(data):
    """Per channel (groups = C, C_mid = C_out = C), the row-then-column conv equals one conv
    whose kernel is outer(column, row), in value and in every gradient."""
    n, c, (kh, kw), stride, padding, hw = _separable_config(data)
    row, col = values(data, (c, 1, 1, kw)), values(data, (c, 1, kh, 1))
    x, bias = values(data, (n, c) + hw), values(data, (c,))

    def full_kernel(row, col):
        return col * row  # (c, 1, kh, 1) * (c, 1, 1, kw) -> (c, 1, kh, kw), built from ops

    _assert_same(
        lambda x, row, col, b: F.spatial_separable_conv2d(x, row, col, b, stride, padding, c),
        lambda x, row, col, b: F.conv2d(x, full_kernel(row, col), b, stride, padding, groups=c),
        [x, row, col, bias])


@given(data=st.data())
def test_spatial_separable_is_a_row_conv_then_a_column_conv(data):
    """With channel mixing (C_in -> C_mid -> C_out) it is exactly the documented composition."""
    n, c_in, (kh, kw), stride, padding, hw = _separable_config(data)
    c_mid, c_out = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    arrays = [values(data, (n, c_in) + hw), values(data, (c_mid, c_in, 1, kw)),
              values(data, (c_out, c_mid, kh, 1)), values(data, (c_out,))]
    (sh, sw) = stride
    pads = explicit_padding(padding, (kh, kw), (1, 1))

    def two_convs(x, row, col, b):
        middle = F.conv2d(F.pad(x, tuple(pads[1])), row, stride=(1, sw))  # the last dim
        return F.conv2d(F.pad(middle, (0, 0) + tuple(pads[0])), col, b, (sh, 1))

    _assert_same(lambda x, row, col, b: F.spatial_separable_conv2d(x, row, col, b, stride,
                                                                   padding),
                 two_convs, arrays)


def test_sobel_kernel_splits_into_smoothing_column_and_difference_row():
    sobel = np.array([[1.0, 0, -1], [2, 0, -2], [1, 0, -1]])
    column, row = np.array([1.0, 2, 1]), np.array([1.0, 0, -1])
    np.testing.assert_array_equal(np.outer(column, row), sobel)
    image = np.random.default_rng(3).standard_normal((2, 1, 9, 11))
    full = F.conv2d(mg.tensor(image), mg.tensor(sobel.reshape(1, 1, 3, 3)), padding=1)
    separable = F.spatial_separable_conv2d(
        mg.tensor(image), mg.tensor(row.reshape(1, 1, 1, 3)),
        mg.tensor(column.reshape(1, 1, 3, 1)), padding=1)
    np.testing.assert_allclose(separable.detach().numpy(), full.detach().numpy(), **TIGHT)
    # and it does detect vertical edges: a step from 0 to 1 along the width
    step = np.zeros((1, 1, 5, 6))
    step[..., 3:] = 1.0
    edges = F.conv2d(mg.tensor(step), mg.tensor(sobel.reshape(1, 1, 3, 3))).detach().numpy()[0, 0]
    np.testing.assert_array_equal(edges, [[0, -4, -4, 0]] * 3)


@given(data=st.data())
def test_depthwise_separable_is_depthwise_then_pointwise(data):
    config = depthwise_config(data)
    params = {k: config[k] for k in ("stride", "padding", "dilation")}
    c_mid, c_out = config["weight"].shape[0], data.draw(st.integers(1, 3))
    arrays = [config["x"], config["weight"], values(data, (c_out, c_mid, 1, 1)),
              values(data, (c_mid,)), values(data, (c_out,))]
    _assert_same(
        lambda x, dw, pw, db, pb: F.depthwise_separable_conv2d(x, dw, pw, db, pb, **params),
        lambda x, dw, pw, db, pb: F.pointwise_conv2d(F.depthwise_conv2d(x, dw, db, **params),
                                                     pw, pb),
        arrays)


@given(data=st.data())
def test_matches_torch_in_float64(data):
    torch = pytest.importorskip("torch")
    config = conv_config(data)
    y, upstream, grads = _run(F.conv2d, config)
    x_t = torch.tensor(config["x"], requires_grad=True)
    w_t = torch.tensor(config["weight"], requires_grad=True)
    b_t = None if config["bias"] is None else torch.tensor(config["bias"], requires_grad=True)
    padding = config["padding"]
    y_t = torch.nn.functional.conv2d(x_t, w_t, b_t, config["stride"], padding,
                                     config["dilation"], config["groups"])
    y_t.backward(torch.tensor(upstream))
    np.testing.assert_allclose(y, y_t.detach().numpy(), **TIGHT)
    for ours, t in zip(grads, (x_t, w_t, b_t)):
        if t is not None:
            np.testing.assert_allclose(ours, t.grad.numpy(), **TIGHT)


# ----- costs ------------------------------------------------------------------------------

def test_the_seed_figures():
    standard = F.conv_cost("standard", 32, 64, 3).params
    depthwise = F.conv_cost("depthwise", 32, 32, 3).params
    pointwise = F.conv_cost("pointwise", 32, 64, 1).params
    separable = F.conv_cost("depthwise_separable", 32, 64, 3).params
    assert (standard, depthwise, pointwise, separable) == (18_432, 288, 2_048, 2_336)
    assert depthwise + pointwise == separable
    assert round(standard / separable) == 8


@pytest.mark.parametrize("k", [1, 2, 3, 5, 7])
def test_spatial_separable_spends_2k_instead_of_k_squared(k):
    assert F.conv_cost("standard", 1, 1, k).params == k * k
    assert F.conv_cost("spatial_separable", 1, 1, k).params == 2 * k
    assert F.conv_cost("spatial_separable", 1, 1, k, 10, 10).mult_adds == 2 * k * 100


@given(c_in=st.integers(1, 512), n=st.integers(1, 1024), k=st.integers(1, 7),
       size=st.integers(1, 64))
def test_mobilenet_cost_ratio(c_in, n, k, size):
    separable = F.conv_cost("depthwise_separable", c_in, n, k, size, size).mult_adds
    standard = F.conv_cost("standard", c_in, n, k, size, size).mult_adds
    assert Fraction(separable, standard) == Fraction(1, n) + Fraction(1, k * k)


# For each kind: conv_cost's arguments, the op with its weight shapes, and the single steps
# it is made of, each as (op, input shape, weight shape, params) with a 7x7 output.
COST_CASES = {
    "standard": (dict(c_in=4, c_out=6, k=3, groups=2),
                 (F.conv2d, [(6, 2, 3, 3)], dict(groups=2)),
                 [(F.conv2d, (1, 4, 9, 9), (6, 2, 3, 3), dict(groups=2))]),
    "depthwise": (dict(c_in=4, c_out=8, k=3),
                  (F.depthwise_conv2d, [(8, 1, 3, 3)], {}),
                  [(F.depthwise_conv2d, (1, 4, 9, 9), (8, 1, 3, 3), {})]),
    "pointwise": (dict(c_in=4, c_out=6, k=1),
                  (F.pointwise_conv2d, [(6, 4, 1, 1)], None),
                  [(F.pointwise_conv2d, (1, 4, 7, 7), (6, 4, 1, 1), {})]),
    "depthwise_separable": (dict(c_in=4, c_out=6, k=3),
                            (F.depthwise_separable_conv2d, [(4, 1, 3, 3), (6, 4, 1, 1)], {}),
                            [(F.depthwise_conv2d, (1, 4, 9, 9), (4, 1, 3, 3), {}),
                             (F.pointwise_conv2d, (1, 4, 7, 7), (6, 4, 1, 1), {})]),
    "spatial_separable": (dict(c_in=4, c_out=6, k=3, c_mid=5),
                          (F.spatial_separable_conv2d, [(5, 4, 1, 3), (6, 5, 3, 1)], {}),
                          [(F.conv2d, (1, 4, 7, 9), (5, 4, 1, 3), {}),
                           (F.conv2d, (1, 5, 9, 7), (6, 5, 3, 1), {})]),
}


def _ones(shape):
    return mg.tensor(np.ones(shape))


@pytest.mark.parametrize("kind", sorted(COST_CASES))
def test_cost_counts_the_weights_and_multiply_adds_the_ops_use(kind):
    """Weights: the sizes of the weight tensors the op takes. Multiply-adds: with input and
    weights all ones and no padding, each output element is the number of multiply-adds that
    made it, so a step's outputs sum to its multiply-adds."""
    args, (op, weight_shapes, params), steps = COST_CASES[kind]
    cost = F.conv_cost(kind, h=7, w=7, **args)
    if params is not None:
        params = dict(params, padding="same")
    y = op(_ones((1, 4, 7, 7)), *(_ones(s) for s in weight_shapes), **(params or {}))
    assert y.shape == (1, args["c_out"], 7, 7)
    assert cost.params == sum(np.prod(s) for s in weight_shapes)
    counted = 0
    for step, x_shape, w_shape, step_params in steps:
        out = step(_ones(x_shape), _ones(w_shape), **step_params)
        assert out.shape[2:] == (7, 7)
        counted += out.detach().numpy().sum()
    assert cost.mult_adds == counted
    assert F.conv_cost(kind, bias=True, **args).params > cost.params


def test_cost_errors():
    with pytest.raises(ValueError, match="kind must be one of"):
        F.conv_cost("dilated", 3, 3, 3)
    with pytest.raises(ValueError, match="1x1 kernel"):
        F.conv_cost("pointwise", 3, 3, 3)
    with pytest.raises(ValueError, match="c_out = c_in \\* m"):
        F.conv_cost("depthwise", 4, 6, 3)


# ----- errors -----------------------------------------------------------------------------

def _t(*shape, dtype=np.float64):
    return mg.tensor(np.zeros(shape, dtype=dtype))


X = (1, 3, 8, 8)  # the input shape most error cases use
W = (4, 3, 3, 3)

ERRORS = [
    # (call, exception, words the message must contain)
    (lambda: F.conv2d(_t(3, 8, 8), _t(*W)), ValueError, ["conv2d", "x", "4-D", "(3, 8, 8)"]),
    (lambda: F.conv2d(_t(*X), _t(4, 3, 3)), ValueError,
     ["conv2d", "weight", "4-D", "(4, 3, 3)"]),
    (lambda: F.conv2d(_t(*X), _t(4, 2, 3, 3)), ValueError, ["conv2d", "3 channels", "2"]),
    (lambda: F.conv2d(_t(1, 4, 8, 8), _t(6, 1, 3, 3), groups=4), ValueError,
     ["conv2d", "groups=4", "C_out=6"]),
    (lambda: F.conv2d(_t(*X), _t(4, 1, 3, 3), groups=2), ValueError,
     ["conv2d", "groups=2", "C_in=3"]),
    (lambda: F.conv2d(_t(*X), _t(*W), groups=0), ValueError, ["groups", ">= 1", "0"]),
    (lambda: F.conv2d(_t(1, 3, 2, 8), _t(*W)), ValueError,
     ["conv2d", "larger than the padded input", "(2, 8)"]),
    (lambda: F.conv2d(_t(1, 3, 5, 5), _t(*W), dilation=3), ValueError,
     ["conv2d", "larger than the padded input", "dilation"]),
    (lambda: F.conv2d(_t(*X), _t(*W), stride=0), ValueError, ["conv2d", "stride", ">= 1", "0"]),
    (lambda: F.conv2d(_t(*X), _t(*W), dilation=(1, 0)), ValueError,
     ["conv2d", "dilation", ">= 1"]),
    (lambda: F.conv2d(_t(*X), _t(*W), padding=-1), ValueError,
     ["conv2d", "padding", ">= 0", "-1"]),
    (lambda: F.conv2d(_t(*X), _t(*W), padding="full"), ValueError,
     ["conv2d", "padding", "'same'", "'full'"]),
    (lambda: F.conv2d(_t(*X), _t(*W), stride=2, padding="same"), ValueError,
     ["conv2d", "'same'", "stride"]),
    (lambda: F.conv2d(_t(*X), _t(*W), stride=1.5), TypeError, ["conv2d", "stride", "1.5"]),
    (lambda: F.conv2d(_t(*X), _t(*W), stride=(1, 2, 3)), TypeError, ["conv2d", "stride"]),
    (lambda: F.conv2d(_t(*X), _t(*W), _t(3)), ValueError, ["conv2d", "bias", "(4,)", "(3,)"]),
    (lambda: F.conv2d(_t(*X), _t(*W), _t(4, 1)), ValueError, ["conv2d", "bias", "(4, 1)"]),
    (lambda: F.conv2d(_t(*X, dtype=np.int64), _t(*W)), TypeError,
     ["conv2d", "floating", "int64"]),
    (lambda: F.depthwise_conv2d(_t(8, 8, 3), _t(3, 1, 3, 3)), ValueError,
     ["depthwise_conv2d", "4-D"]),
    (lambda: F.depthwise_conv2d(_t(*X), _t(3, 3, 3, 3)), ValueError,
     ["depthwise_conv2d", "(C * m, 1, kH, kW)", "(3, 3, 3, 3)"]),
    (lambda: F.depthwise_conv2d(_t(*X), _t(4, 1, 3, 3)), ValueError,
     ["depthwise_conv2d", "C = 3"]),
    (lambda: F.depthwise_conv2d(_t(*X), _t(3, 1, 9, 3)), ValueError,
     ["depthwise_conv2d", "larger than the padded input"]),
    (lambda: F.depthwise_conv2d(_t(*X), _t(3, 1, 3, 3), stride=(0, 1)), ValueError,
     ["depthwise_conv2d", "stride"]),
    (lambda: F.depthwise_conv2d(_t(*X), _t(3, 1, 3, 3), _t(6)), ValueError,
     ["depthwise_conv2d", "bias", "(3,)", "(6,)"]),
    (lambda: F.pointwise_conv2d(_t(*X), _t(4, 3, 3, 3)), ValueError,
     ["pointwise_conv2d", "(C_out, C_in, 1, 1)", "(4, 3, 3, 3)"]),
    (lambda: F.pointwise_conv2d(_t(*X), _t(4, 2, 1, 1)), ValueError,
     ["pointwise_conv2d", "C_in = 3"]),
    (lambda: F.pointwise_conv2d(_t(*X), _t(4, 3)), ValueError,
     ["pointwise_conv2d", "4-D", "(4, 3)"]),
    (lambda: F.pointwise_conv2d(_t(*X), _t(4, 3, 1, 1), _t(5)), ValueError,
     ["pointwise_conv2d", "bias"]),
    (lambda: F.spatial_separable_conv2d(_t(*X), _t(4, 3, 3, 3), _t(4, 4, 3, 1)), ValueError,
     ["spatial_separable_conv2d", "weight_row", "(C_mid, C_in/groups, 1, kW)"]),
    (lambda: F.spatial_separable_conv2d(_t(*X), _t(4, 3, 1, 3), _t(4, 4, 3, 3)), ValueError,
     ["spatial_separable_conv2d", "weight_col", "(C_out, C_mid/groups, kH, 1)"]),
    (lambda: F.spatial_separable_conv2d(_t(*X), _t(4, 3, 1, 3), _t(4, 5, 3, 1)), ValueError,
     ["spatial_separable_conv2d", "weight_col", "5"]),
    (lambda: F.spatial_separable_conv2d(_t(1, 2, 8, 8), _t(4, 3, 1, 3), _t(4, 4, 3, 1)),
     ValueError, ["spatial_separable_conv2d", "weight_row", "2 channels"]),
    (lambda: F.spatial_separable_conv2d(_t(*X), _t(4, 3, 1, 3), _t(4, 4, 3, 1), stride=2,
                                        padding="same"),
     ValueError, ["spatial_separable_conv2d", "'same'", "stride"]),
    (lambda: F.spatial_separable_conv2d(_t(1, 3, 8, 2), _t(4, 3, 1, 3), _t(4, 4, 3, 1)),
     ValueError, ["spatial_separable_conv2d", "larger than the padded input"]),
    (lambda: F.spatial_separable_conv2d(_t(*X), _t(4, 3, 1, 3), _t(4, 4, 3, 1), _t(3)),
     ValueError, ["spatial_separable_conv2d", "bias", "(4,)"]),
    (lambda: F.depthwise_separable_conv2d(_t(*X), _t(3, 1, 3, 3), _t(5, 4, 1, 1)), ValueError,
     ["depthwise_separable_conv2d", "pointwise_weight", "C_in = 3"]),
    (lambda: F.depthwise_separable_conv2d(_t(*X), _t(3, 3, 3, 3), _t(5, 3, 1, 1)), ValueError,
     ["depthwise_separable_conv2d", "depthwise_weight"]),
    (lambda: F.depthwise_separable_conv2d(_t(*X), _t(3, 1, 3, 3), _t(5, 3, 1, 1), _t(5)),
     ValueError, ["depthwise_separable_conv2d", "depthwise_bias", "(3,)"]),
    (lambda: F.depthwise_separable_conv2d(_t(*X), _t(3, 1, 3, 3), _t(5, 3, 1, 1), None, _t(3)),
     ValueError, ["depthwise_separable_conv2d", "pointwise_bias", "(5,)"]),
]


@pytest.mark.parametrize("call, exception, words", ERRORS)
def test_errors_name_the_op_argument_expected_and_got(call, exception, words):
    with pytest.raises(exception) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} not in {str(info.value)!r}"
