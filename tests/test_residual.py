"""Residual ops: skip_add (with its shortcut-gradient ablation), and the two shortcuts for
blocks that change shape (projection, option B; zero padding, option A)."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad as mg
import minigrad.functional as F
from cases_pool_norm_residual import skip_add_case
from strategies import leaf, values


@given(data=st.data())
def test_skip_add_gradcheck(data):
    fn, inputs = skip_add_case(data)
    assert mg.gradcheck(fn, inputs)


@pytest.mark.parametrize("scale", [1.0, 0.5, -3.0])
def test_shortcut_scale_multiplies_forward_and_shortcut_gradient(scale):
    rng = np.random.default_rng(0)
    x, fx = leaf(rng.standard_normal((2, 3))), leaf(rng.standard_normal((2, 3)))
    g = rng.standard_normal((2, 3))
    y = F.skip_add(x, fx, shortcut_scale=scale)
    np.testing.assert_array_equal(y.detach().numpy(), fx.detach().numpy() + scale * x.detach().numpy())
    y.backward(g)
    np.testing.assert_array_equal(x.grad, scale * g)
    np.testing.assert_array_equal(fx.grad, g)


def _block_input_grad(x_data, weight_data, g, scale, shortcut_grad):
    """Output and dL/dx of y = tanh(x @ W) + scale * x, where x reaches y along both paths."""
    x, weight = leaf(x_data), mg.tensor(weight_data)
    y = F.skip_add(x, (x @ weight).tanh(), shortcut_scale=scale, shortcut_grad=shortcut_grad)
    y.backward(g)
    return y.detach().numpy(), x.grad


@pytest.mark.parametrize("scale", [1.0, 0.5, 2.0])
@given(data=st.data())
def test_blocking_the_shortcut_removes_exactly_its_gradient(scale, data):
    n, d = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4))
    x, weight, g = values(data, (n, d)), values(data, (d, d)), values(data, (n, d))
    y_true, grad_true = _block_input_grad(x, weight, g, scale, shortcut_grad=True)
    y_blocked, grad_blocked = _block_input_grad(x, weight, g, scale, shortcut_grad=False)
    # The forward pass is untouched.
    np.testing.assert_array_equal(y_blocked, y_true)
    # dL/dx = g * (dF/dx + scale) with the shortcut; only the scale * g term goes.
    np.testing.assert_allclose(grad_blocked, grad_true - scale * g, rtol=1e-12, atol=1e-12)
    # ...which leaves exactly what flows through F's own graph.
    x_branch_only = leaf(x)
    (x_branch_only @ mg.tensor(weight)).tanh().backward(g)
    np.testing.assert_array_equal(grad_blocked, x_branch_only.grad)


def test_blocked_shortcut_gives_zero_not_missing_gradient():
    # x feeds only the shortcut: its gradient is an explicit 0, so plots show the block.
    x, fx = leaf(np.ones((2, 2))), leaf(np.ones((2, 2)))
    F.skip_add(x, fx, shortcut_grad=False).sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros((2, 2)))
    np.testing.assert_array_equal(fx.grad, np.ones((2, 2)))


def test_shortcut_keeps_the_gradient_alive_through_a_deep_stack():
    # 30 blocks with a weak branch F(h) = 0.1 * tanh(h): with the shortcut, dL/dx keeps the
    # "+1" at every block and stays near 1; without it, it is a product of 30 factors <= 0.1.
    def input_grad(shortcut_grad):
        x = leaf(np.full((1, 4), 0.3))
        h = x
        for _ in range(30):
            h = F.skip_add(h, h.tanh() * 0.1, shortcut_grad=shortcut_grad)
        h.sum().backward()
        return np.abs(x.grad).max()

    assert input_grad(True) >= 1.0
    assert input_grad(False) <= 0.1 ** 30


def test_skip_add_errors():
    with pytest.raises(ValueError, match=r"skip_add: x \(the shortcut\) has shape \(2, 3\) but "
                                         r"fx \(the residual branch\) has shape \(2, 4\); they "
                                         r"must match"):
        F.skip_add(mg.zeros(2, 3), mg.zeros(2, 4))
    with pytest.raises(ValueError, match=r"shortcut_projection or zero_pad_shortcut"):
        F.skip_add(mg.zeros(1, 16, 8, 8), mg.zeros(1, 32, 4, 4))
    with pytest.raises(TypeError, match=r"skip_add: shortcut_scale must be a number, got '1'"):
        F.skip_add(mg.zeros(2), mg.zeros(2), shortcut_scale="1")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_skip_add_keeps_the_dtype(dtype):
    x = mg.tensor(np.ones((2, 2), dtype=dtype), requires_grad=True)
    y = F.skip_add(x, x * 2, shortcut_scale=0.5)
    y.sum().backward()
    assert y.dtype == dtype and x.grad.dtype == dtype


# ----- option A: subsample and pad with zero channels -----------------------------------------


@given(data=st.data())
def test_zero_pad_shortcut_is_the_subsampled_input_then_zeros(data):
    n, c = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3))
    h, w = data.draw(st.integers(1, 6)), data.draw(st.integers(1, 6))
    out_channels = c + data.draw(st.integers(0, 3))
    stride = data.draw(st.sampled_from([1, 2, 3, (2, 1)]))
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    x = values(data, (n, c, h, w))
    y = F.zero_pad_shortcut(leaf(x), out_channels, stride)
    assert y.shape == (n, out_channels, -(-h // sh), -(-w // sw))
    np.testing.assert_array_equal(y.detach().numpy()[:, :c], x[:, :, ::sh, ::sw])
    np.testing.assert_array_equal(y.detach().numpy()[:, c:], 0)
    assert mg.gradcheck(lambda t: F.zero_pad_shortcut(t, out_channels, stride), [leaf(x)])


def test_zero_pad_shortcut_fits_a_downsampling_block():
    # The CIFAR ResNet transition: 16 channels at 32x32 -> 32 channels at 16x16.
    x = mg.randn(2, 16, 32, 32)
    assert F.zero_pad_shortcut(x, 32, stride=2).shape == (2, 32, 16, 16)


def test_zero_pad_shortcut_errors():
    with pytest.raises(ValueError, match=r"zero_pad_shortcut: out_channels must be >= the "
                                         r"input's 4 channels .* got 3"):
        F.zero_pad_shortcut(mg.zeros(1, 4, 4, 4), 3)
    with pytest.raises(ValueError, match=r"zero_pad_shortcut: x must be 4-D \(N, C, H, W\), "
                                         r"got shape \(4, 4\)"):
        F.zero_pad_shortcut(mg.zeros(4, 4), 8)
    with pytest.raises(ValueError, match=r"zero_pad_shortcut: stride must be >= 1, got 0$"):
        F.zero_pad_shortcut(mg.zeros(1, 4, 4, 4), 8, stride=0)
    with pytest.raises(TypeError, match=r"zero_pad_shortcut: out_channels must be an int"):
        F.zero_pad_shortcut(mg.zeros(1, 4, 4, 4), 8.0)


# ----- option B: projection by a strided 1x1 convolution --------------------------------------


def reference_projection(x, weight, stride):
    """y[n, o, i, j] = sum_c W[o, c] x[n, c, i * s, j * s], by einsum."""
    return np.einsum("oc,nchw->nohw", weight[:, :, 0, 0], x[:, :, ::stride, ::stride])


@given(data=st.data())
def test_shortcut_projection_is_a_strided_1x1_convolution(data):
    n, c_in, c_out = (data.draw(st.integers(1, 3)) for _ in range(3))
    h, w = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5))
    stride = data.draw(st.integers(1, 3))
    x, weight = values(data, (n, c_in, h, w)), values(data, (c_out, c_in, 1, 1))
    y = F.shortcut_projection(mg.tensor(x), mg.tensor(weight), stride)
    assert y.shape == (n, c_out, -(-h // stride), -(-w // stride))
    np.testing.assert_allclose(y.detach().numpy(), reference_projection(x, weight, stride), rtol=1e-10,
                               atol=1e-12)
    assert mg.gradcheck(lambda t, wt: F.shortcut_projection(t, wt, stride),
                        [leaf(x), leaf(weight)])


def test_shortcut_projection_equals_conv2d_with_stride():
    conv2d = F.conv2d

    rng = np.random.default_rng(0)
    x = mg.tensor(rng.standard_normal((2, 16, 8, 8)).astype(np.float32))
    weight = mg.tensor(rng.standard_normal((32, 16, 1, 1)).astype(np.float32))
    y = F.shortcut_projection(x, weight, stride=2)
    assert y.shape == (2, 32, 4, 4) and y.dtype == np.float32
    np.testing.assert_allclose(y.detach().numpy(), conv2d(x, weight, stride=2).detach().numpy(), rtol=1e-5, atol=1e-5)


def test_shortcut_projection_errors():
    with pytest.raises(ValueError, match=r"shortcut_projection: weight must be 4-D \(C_out, "
                                         r"C_in, 1, 1\), got shape \(8, 4, 3, 3\)"):
        F.shortcut_projection(mg.zeros(1, 4, 4, 4), mg.zeros(8, 4, 3, 3))
    with pytest.raises(ValueError, match=r"shortcut_projection: weight expects C_in=3 channels "
                                         r"but x has 4"):
        F.shortcut_projection(mg.zeros(1, 4, 4, 4), mg.zeros(8, 3, 1, 1))
    with pytest.raises(ValueError, match=r"shortcut_projection: x must be 4-D"):
        F.shortcut_projection(mg.zeros(4, 4, 4), mg.zeros(8, 4, 1, 1))
