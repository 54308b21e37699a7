"""batch_norm: forward against a per-channel formula, the running-statistics rule, gradients
in both modes and both layouts, and errors."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad as mg
from kernel_sets import KERNEL_SETS, kernels
import minigrad.functional as F
from cases_pool_norm_residual import batch_norm_case
from strategies import leaf, values


def reference_batch_norm(x, mean, var, weight, bias, eps):
    """Channel by channel: (x - mean) / sqrt(var + eps) * weight + bias."""
    out = np.empty_like(x)
    for c in range(x.shape[1]):
        out[:, c] = (x[:, c] - mean[c]) / np.sqrt(var[c] + eps) * weight[c] + bias[c]
    return out


def channel_values(x, c):
    """Every value of channel c, whatever the layout."""
    return x[:, c].ravel()


def batch_shape(data, ndim):
    channels = data.draw(st.integers(1, 3))
    if ndim == 2:
        return (data.draw(st.integers(2, 6)), channels)
    return (data.draw(st.integers(1, 3)), channels, data.draw(st.integers(1, 3)),
            data.draw(st.integers(2, 3)))


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
@pytest.mark.parametrize("ndim", [2, 4])
@given(data=st.data())
def test_training_forward_uses_biased_batch_statistics(kernel_set, ndim, data):
    with kernels(kernel_set):
        shape = batch_shape(data, ndim)
        channels = shape[1]
        x = values(data, shape, -3, 3) + np.arange(np.prod(shape)).reshape(shape) * 0.1
        weight, bias = values(data, (channels,)), values(data, (channels,))
        mean = np.array([channel_values(x, c).sum() / channel_values(x, c).size
                         for c in range(channels)])
        var = np.array([((channel_values(x, c) - mean[c]) ** 2).sum() / channel_values(x, c).size
                        for c in range(channels)])
        y = F.batch_norm(mg.tensor(x), np.zeros(channels), np.ones(channels), mg.tensor(weight),
                         mg.tensor(bias), training=True, eps=1e-3)
        np.testing.assert_allclose(y.detach().numpy(), reference_batch_norm(x, mean, var, weight, bias, 1e-3),
                                   rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
@pytest.mark.parametrize("ndim", [2, 4])
@given(data=st.data())
def test_eval_forward_uses_running_statistics(kernel_set, ndim, data):
    with kernels(kernel_set):
        shape = batch_shape(data, ndim)
        channels = shape[1]
        x = values(data, shape)
        running_mean, running_var = values(data, (channels,)), values(data, (channels,), 0.1, 3)
        weight, bias = values(data, (channels,)), values(data, (channels,))
        before = running_mean.copy(), running_var.copy()
        y = F.batch_norm(mg.tensor(x), running_mean, running_var, mg.tensor(weight),
                         mg.tensor(bias), training=False)
        np.testing.assert_allclose(
            y.detach().numpy(), reference_batch_norm(x, running_mean, running_var, weight, bias, 1e-5),
            rtol=1e-10, atol=1e-10)
        # Eval mode reads the running statistics and leaves them alone.
        np.testing.assert_array_equal(running_mean, before[0])
        np.testing.assert_array_equal(running_var, before[1])


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
def test_training_output_has_zero_mean_unit_variance_per_channel(kernel_set):
    with kernels(kernel_set):
        scales = [[[[5.0]], [[0.1]], [[2.0]]]]
        x = np.random.default_rng(0).standard_normal((8, 3, 4, 4)) * scales + 7
        y = F.batch_norm(mg.tensor(x), None, None, training=True, eps=0.0).detach().numpy()
        np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-12)
        np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1, rtol=1e-12)


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
def test_running_statistics_follow_the_pytorch_rule(kernel_set):
    with kernels(kernel_set):
        # Channel 0 holds 1, 2, 3, 4: mean 2.5, biased variance 1.25, unbiased 5/3.
        # Channel 1 holds 0, 0, 0, 8: mean 2, biased variance 12, unbiased 16.
        x = mg.tensor(np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 8.0]]))
        running_mean = np.array([1.0, -1.0])
        running_var = np.array([1.0, 2.0])
        F.batch_norm(x, running_mean, running_var, training=True, momentum=0.1)
        np.testing.assert_allclose(running_mean, [0.9 * 1.0 + 0.1 * 2.5, 0.9 * -1.0 + 0.1 * 2.0])
        np.testing.assert_allclose(running_var, [0.9 * 1.0 + 0.1 * 5 / 3, 0.9 * 2.0 + 0.1 * 16.0])
        # A second step with momentum 0.5 starts from the updated values.
        F.batch_norm(x, running_mean, running_var, training=True, momentum=0.5)
        np.testing.assert_allclose(running_mean, [0.5 * 1.15 + 0.5 * 2.5, 0.5 * -0.7 + 0.5 * 2.0])
        np.testing.assert_allclose(running_var, [0.5 * (0.9 + 1 / 6) + 0.5 * 5 / 3,
                                                 0.5 * 3.4 + 0.5 * 16.0])


def test_running_statistics_as_tensors_are_updated_in_place():
    # x[n, c, 0, w] = 4n + 2c + w: channel 0 holds 0, 1, 4, 5 (n = 4 over N, H and W),
    # mean 2.5, unbiased variance (6.25 + 2.25 + 2.25 + 6.25) / 3 = 17/3.
    x = mg.tensor(np.arange(8.0).reshape(2, 2, 1, 2))
    running_mean, running_var = mg.zeros(2), mg.ones(2)
    mean_array, var_array = running_mean.detach().numpy(), running_var.detach().numpy()
    F.batch_norm(x, running_mean, running_var, training=True)
    assert running_mean.detach().numpy() is mean_array and running_var.detach().numpy() is var_array
    assert running_mean.dtype == np.float32
    np.testing.assert_allclose(running_mean.detach().numpy()[0], 0.1 * 2.5, rtol=1e-6)
    np.testing.assert_allclose(running_var.detach().numpy()[0], 0.9 + 0.1 * 17 / 3, rtol=1e-6)


def test_running_statistics_update_under_no_grad():
    # As in PyTorch: no_grad turns off the graph, not training-mode statistics.
    running_mean = np.zeros(2)
    with mg.no_grad():
        F.batch_norm(mg.tensor(np.array([[1.0, 2.0], [3.0, 6.0]])), running_mean, np.ones(2),
                     training=True)
    np.testing.assert_allclose(running_mean, [0.2, 0.4])


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
def test_eval_mode_normalizes_each_example_on_its_own(kernel_set):
    with kernels(kernel_set):
        rng = np.random.default_rng(0)
        x = rng.standard_normal((5, 3, 2, 2))
        stats = rng.standard_normal(3), rng.random(3) + 0.5
        whole = F.batch_norm(mg.tensor(x), *stats, training=False).detach().numpy()
        first = F.batch_norm(mg.tensor(x[:1]), *stats, training=False).detach().numpy()
        np.testing.assert_allclose(whole[:1], first, rtol=1e-12)


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
@pytest.mark.parametrize("ndim", [2, 4])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("affine", [True, False])
@given(data=st.data())
def test_gradcheck(kernel_set, ndim, training, affine, data):
    with kernels(kernel_set):
        fn, inputs = batch_norm_case(data, ndim=ndim, training=training, affine=affine)
        assert mg.gradcheck(fn, inputs)


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
def test_gradient_in_x_needs_no_weight_gradient(kernel_set):
    with kernels(kernel_set):
        # Only x requires grad: the op must not need weight or bias to carry gradients.
        x = leaf(np.random.default_rng(2).standard_normal((4, 3)))
        weight = mg.tensor(np.array([1.0, -2.0, 0.5]))
        assert mg.gradcheck(lambda t: F.batch_norm(t, None, None, weight, None, training=True), [x])


@pytest.mark.parametrize("kernel_set", KERNEL_SETS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("training", [True, False])
def test_keeps_the_dtype(kernel_set, dtype, training):
    with kernels(kernel_set):
        x = mg.tensor(np.random.default_rng(0).standard_normal((4, 3, 2, 2)).astype(dtype),
                      requires_grad=True)
        weight = mg.tensor(np.ones(3, dtype=dtype), requires_grad=True)
        y = F.batch_norm(x, np.zeros(3, dtype=dtype), np.ones(3, dtype=dtype), weight, None,
                         training=training)
        y.backward(np.ones(y.shape, dtype=dtype))
        assert y.dtype == dtype and x.grad.dtype == dtype and weight.grad.dtype == dtype


def _stats(c):
    return np.zeros(c), np.ones(c)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: F.batch_norm(mg.tensor(np.ones((1, 3))), *_stats(3), training=True),
         ValueError, r"batch_norm: expected more than 1 value per channel when training, got "
                     r"input shape \(1, 3\)"),
        (lambda: F.batch_norm(mg.tensor(np.ones((1, 3, 1, 1))), *_stats(3), training=True),
         ValueError, r"expected more than 1 value per channel when training"),
        (lambda: F.batch_norm(mg.tensor(np.ones((4, 3))), np.zeros(4), np.ones(3)),
         ValueError, r"batch_norm: running_mean must have shape \(3,\) \(one value per "
                     r"channel\), got \(4,\)"),
        (lambda: F.batch_norm(mg.tensor(np.ones((4, 3, 2, 2))), np.zeros(3), np.ones((3, 1))),
         ValueError, r"batch_norm: running_var must have shape \(3,\)"),
        (lambda: F.batch_norm(mg.tensor(np.ones((4, 3))), *_stats(3), mg.ones(2)),
         ValueError, r"batch_norm: weight must have shape \(3,\) \(one value per channel\), "
                     r"got \(2,\)"),
        (lambda: F.batch_norm(mg.tensor(np.ones((4, 3))), *_stats(3), None, mg.ones(3, 1)),
         ValueError, r"batch_norm: bias must have shape \(3,\)"),
        (lambda: F.batch_norm(mg.tensor(np.ones((4, 3, 5))), *_stats(3)),
         ValueError, r"batch_norm: input must be 2-D \(N, C\) or 4-D \(N, C, H, W\), got shape "
                     r"\(4, 3, 5\)"),
        (lambda: F.batch_norm(mg.tensor(np.ones((4, 3))), None, None, training=False),
         ValueError, r"batch_norm: eval mode .* running_mean and running_var, so they cannot "
                     r"be None"),
        (lambda: F.batch_norm(mg.tensor(np.ones((4, 3))), np.zeros(3), None, training=True),
         ValueError, r"batch_norm: give both running_mean and running_var, or neither"),
        (lambda: F.batch_norm(mg.tensor(np.ones((4, 3))), mg.zeros(3, requires_grad=True),
                              np.ones(3)),
         TypeError, r"batch_norm: running_mean is a buffer updated in place and must not "
                    r"require grad"),
        (lambda: F.batch_norm(mg.tensor(np.ones((4, 3))), np.zeros(3, dtype=np.int64),
                              np.ones(3)),
         TypeError, r"batch_norm: running_mean must be floating point, got dtype int64"),
        (lambda: F.batch_norm(mg.tensor(np.ones((4, 3))), [0.0, 0.0, 0.0], np.ones(3)),
         TypeError, r"batch_norm: running_mean must be a numpy array or Tensor of shape \(3,\), "
                    r"got list"),
    ],
)
def test_bad_arguments_get_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for shape in [(6, 4), (3, 4, 5, 2)]:
        for training in (True, False):
            x = rng.standard_normal(shape).astype(np.float32)
            weight, bias = rng.standard_normal((2, 4)).astype(np.float32)
            mean, var = rng.standard_normal(4).astype(np.float32), rng.random(4).astype(
                np.float32) + 0.5
            grad = rng.standard_normal(shape).astype(np.float32)

            xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, weight, bias))
            mean_t, var_t = torch.tensor(mean), torch.tensor(var)
            yt = torch.nn.functional.batch_norm(xt, mean_t, var_t, wt, bt, training, 0.1, 1e-5)
            yt.backward(torch.tensor(grad))

            xm, wm, bm = (mg.tensor(a, requires_grad=True) for a in (x, weight, bias))
            ym = F.batch_norm(xm, mean, var, wm, bm, training=training, momentum=0.1, eps=1e-5)
            ym.backward(grad)

            pairs = [(ym.detach().numpy(), yt), (mean, mean_t), (var, var_t), (xm.grad, xt.grad),
                     (wm.grad, wt.grad), (bm.grad, bt.grad)]
            for ours, theirs in pairs:
                np.testing.assert_allclose(ours, theirs.detach().numpy(), rtol=1e-4, atol=1e-5)
