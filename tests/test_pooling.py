"""Pooling: max_pool2d, avg_pool2d and global_avg_pool2d against loop references, gradients,
dtypes, and the errors bad arguments get."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad as mg
import minigrad.functional as F
from cases_pool_norm_residual import avg_pool_case, max_pool_case, pool_config
from strategies import leaf, values


def naive_pool(x, kernel, stride, padding, reduce):
    """One output element at a time: pad, cut out the window, reduce it."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    fill = -np.inf if reduce is np.max else 0.0
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    out_h = (padded.shape[2] - kh) // sh + 1
    out_w = (padded.shape[3] - kw) // sw + 1
    out = np.empty(x.shape[:2] + (out_h, out_w))
    for n, c, i, j in np.ndindex(*out.shape):
        out[n, c, i, j] = reduce(padded[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw])
    return out


def naive_max_pool_backward(x, grad, kernel, stride, padding):
    """Route each output gradient to the first maximal element of its window (np.argmax)."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    grad_padded = np.zeros_like(padded)
    for n, c, i, j in np.ndindex(*grad.shape):
        window = padded[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
        di, dj = np.unravel_index(np.argmax(window), window.shape)
        grad_padded[n, c, i * sh + di, j * sw + dj] += grad[n, c, i, j]
    return grad_padded[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]]


def _mean(window):
    # count_include_pad=True: the padded zeros are part of the window, so divide by kH * kW.
    return window.sum() / window.size


@given(data=st.data())
def test_max_pool_forward_matches_loop_reference(data):
    shape, kernel, stride, padding = pool_config(data)
    x = values(data, shape)
    y = F.max_pool2d(mg.tensor(x), kernel, stride, padding)
    np.testing.assert_array_equal(y.detach().numpy(), naive_pool(x, kernel, stride, padding, np.max))


@given(data=st.data())
def test_avg_pool_forward_matches_loop_reference(data):
    shape, kernel, stride, padding = pool_config(data)
    x = values(data, shape)
    y = F.avg_pool2d(mg.tensor(x), kernel, stride, padding)
    np.testing.assert_allclose(y.detach().numpy(), naive_pool(x, kernel, stride, padding, _mean), rtol=1e-12,
                               atol=1e-12)


@given(data=st.data())
def test_max_pool_backward_sends_ties_to_the_first_max(data):
    shape, kernel, stride, padding = pool_config(data)
    # Only three distinct values: windows are full of ties.
    x = data.draw(st.lists(st.sampled_from([-1.0, 0.0, 1.0]), min_size=int(np.prod(shape)),
                           max_size=int(np.prod(shape))))
    x = np.array(x).reshape(shape)
    t = leaf(x)
    y = F.max_pool2d(t, kernel, stride, padding)
    grad = values(data, y.shape)
    y.backward(grad)
    np.testing.assert_allclose(t.grad, naive_max_pool_backward(x, grad, kernel, stride, padding),
                               rtol=1e-12, atol=1e-12)


@given(data=st.data())
def test_max_pool_gradcheck(data):
    fn, inputs = max_pool_case(data)
    assert mg.gradcheck(fn, inputs)


@given(data=st.data())
def test_avg_pool_gradcheck(data):
    fn, inputs = avg_pool_case(data)
    assert mg.gradcheck(fn, inputs)


def test_overlapping_windows_add_up_their_gradients():
    # Each output of avg_pool2d(kernel 2, stride 1) gives 1/4 of its gradient to its 4 inputs;
    # the centre of a 3x3 input lies in all 4 windows, a corner in 1, an edge midpoint in 2.
    x = leaf(np.zeros((1, 1, 3, 3)))
    F.avg_pool2d(x, 2, stride=1).sum().backward()
    np.testing.assert_array_equal(x.grad[0, 0], [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5],
                                                 [0.25, 0.5, 0.25]])


def test_max_pool_padding_is_never_the_max():
    # All inputs negative: zero padding would win; -inf padding must not.
    x = -np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    y = F.max_pool2d(mg.tensor(x), 3, stride=1, padding=1)
    assert y.detach().numpy().max() < 0
    np.testing.assert_array_equal(y.detach().numpy(), naive_pool(x, (3, 3), (1, 1), (1, 1), np.max))


def test_max_pool_propagates_nan():
    # A NaN must not be hidden by the max: its window's output is NaN, the others are not.
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    x[0, 0, 0, 1] = np.nan
    y = F.max_pool2d(mg.tensor(x), 2).detach().numpy()[0, 0]
    assert np.isnan(y[0, 0]) and not np.isnan(y[0, 1]) and not np.isnan(y[1]).any()


def test_avg_pool_counts_padding_in_the_divisor():
    y = F.avg_pool2d(mg.tensor(np.ones((1, 1, 2, 2))), 2, stride=1, padding=1)
    # Corner windows hold one real 1 and three padded zeros: 1/4, not 1.
    assert y.shape == (1, 1, 3, 3)
    assert y.detach().numpy()[0, 0, 0, 0] == 0.25 and y.detach().numpy()[0, 0, 1, 1] == 1.0


def test_stride_defaults_to_kernel_size():
    x = mg.tensor(np.arange(36.0).reshape(1, 1, 6, 6))
    for pool in (F.max_pool2d, F.avg_pool2d):
        np.testing.assert_array_equal(pool(x, 3).detach().numpy(), pool(x, 3, stride=3).detach().numpy())
        assert pool(x, (2, 3)).shape == (1, 1, 3, 2)


@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pooling_keeps_the_dtype(pool, dtype):
    x = mg.tensor(np.random.default_rng(0).standard_normal((2, 3, 6, 6)).astype(dtype),
                  requires_grad=True)
    y = pool(x, 3, stride=2, padding=1)
    y.backward(np.ones(y.shape, dtype=dtype))
    assert y.dtype == dtype and x.grad.dtype == dtype


@given(data=st.data())
def test_global_avg_pool_is_the_mean_of_each_map(data):
    shape = tuple(data.draw(st.integers(1, 4)) for _ in range(4))
    x = values(data, shape)
    y = F.global_avg_pool2d(mg.tensor(x))
    assert y.shape == shape[:2] + (1, 1)
    np.testing.assert_allclose(y.detach().numpy()[:, :, 0, 0], x.reshape(shape[:2] + (-1,)).mean(axis=2),
                               rtol=1e-12)
    assert mg.gradcheck(F.global_avg_pool2d, [leaf(x)])


def test_global_avg_pool_equals_avg_pool_over_the_whole_map():
    x = mg.tensor(np.random.default_rng(1).standard_normal((2, 3, 4, 5)))
    np.testing.assert_allclose(F.global_avg_pool2d(x).detach().numpy(), F.avg_pool2d(x, (4, 5)).detach().numpy(),
                               rtol=1e-12)


@pytest.mark.parametrize(
    "pool, args, error, message",
    [
        (F.max_pool2d, (np.zeros((1, 4, 4)), 2), ValueError,
         r"max_pool2d: x must be 4-D \(N, C, H, W\), got shape \(1, 4, 4\)"),
        (F.avg_pool2d, (np.zeros((2, 1, 2, 2)), 3), ValueError,
         r"avg_pool2d: kernel_size \(3, 3\) is larger than the padded input \(2, 2\)"),
        (F.max_pool2d, (np.zeros((1, 1, 1, 5)), (4, 1), 1, (1, 0)), ValueError,
         r"kernel_size \(4, 1\) is larger than the padded input \(3, 5\)"),
        (F.max_pool2d, (np.zeros((1, 1, 5, 5)), 3, 1, 2), ValueError,
         r"max_pool2d: padding must be at most half of kernel_size, got padding \(2, 2\) for "
         r"kernel_size \(3, 3\)"),
        (F.avg_pool2d, (np.zeros((1, 1, 5, 5)), 2, (1, 0)), ValueError,
         r"avg_pool2d: stride must be >= 1, got \(1, 0\)"),
        (F.max_pool2d, (np.zeros((1, 1, 5, 5)), 0), ValueError,
         r"max_pool2d: kernel_size must be >= 1, got 0$"),
        (F.max_pool2d, (np.zeros((1, 1, 5, 5)), 2, 2, -1), ValueError,
         r"max_pool2d: padding must be >= 0"),
        (F.max_pool2d, (np.zeros((1, 1, 5, 5)), (2, 2, 2)), TypeError,
         r"max_pool2d: kernel_size must be an int or a pair of ints \(h, w\), got \(2, 2, 2\)"),
        (F.avg_pool2d, (np.zeros((1, 1, 5, 5)), 2.0), TypeError,
         r"avg_pool2d: kernel_size must be an int or a pair of ints"),
        (F.max_pool2d, (np.zeros((1, 1, 5, 5), dtype=np.int64), 2), TypeError,
         r"max_pool2d: x must be a floating-point tensor, got dtype int64"),
        (F.global_avg_pool2d, (np.zeros((3, 4)),), ValueError,
         r"global_avg_pool2d: x must be 4-D \(N, C, H, W\), got shape \(3, 4\)"),
    ],
)
def test_bad_arguments_get_clear_errors(pool, args, error, message):
    with pytest.raises(error, match=message):
        pool(*args)


def test_padding_of_half_the_kernel_is_allowed():
    # PyTorch's bound is inclusive: padding 1 for kernel 2 or 3, padding 2 for kernel 4.
    x = mg.tensor(np.zeros((1, 1, 4, 4)))
    assert F.max_pool2d(x, 2, padding=1).shape == (1, 1, 3, 3)
    assert F.avg_pool2d(x, 4, stride=1, padding=2).shape == (1, 1, 5, 5)


def test_matches_torch_including_ties():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    # Rounded values: many ties, which PyTorch also sends to the first max.
    x = np.round(rng.standard_normal((2, 3, 7, 6)) * 2) / 2
    for name in ("max_pool2d", "avg_pool2d"):
        for kernel, stride, padding in [(3, 2, 1), ((2, 3), (1, 2), (1, 0)), (2, None, 0)]:
            xt = torch.tensor(x, requires_grad=True)
            yt = getattr(torch.nn.functional, name)(xt, kernel, stride, padding)
            grad = rng.standard_normal(tuple(yt.shape))
            yt.backward(torch.tensor(grad))
            xm = leaf(x)
            ym = getattr(F, name)(xm, kernel, stride, padding)
            ym.backward(grad)
            np.testing.assert_allclose(ym.detach().numpy(), yt.detach().numpy(), rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(xm.grad, xt.grad.numpy(), rtol=1e-12, atol=1e-12)
