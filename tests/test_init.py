"""minigrad.nn.init: fan computation, gains, the statistics of each initializer (tolerances
derived from the sample size), reproducibility, and the layers' default initialization."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad as mg
from minigrad import nn
from minigrad.nn import init

# A conv weight with fan_in = 64 * 3 * 3 = 576 and fan_out = 128 * 9 = 1152: 73,728 samples.
BIG_SHAPE = (128, 64, 3, 3)
N_SAMPLES = 128 * 64 * 9
SIGMAS = 5  # an honest run fails these checks with probability below 1e-6


def assert_std(values, std):
    """Sample std and mean within 5 standard errors. SE(mean) = std / sqrt(n);
    SE(sample std) ~ std / sqrt(2n) for normal data and std * sqrt(0.2 / n), smaller, for
    uniform data (from the fourth moments), so one bound serves both."""
    n = values.size
    assert abs(values.std() - std) <= SIGMAS * std / math.sqrt(2 * n), (values.std(), std)
    assert abs(values.mean()) <= SIGMAS * std / math.sqrt(n), values.mean()


def assert_uniform(values, bound):
    """Inside [-bound, bound] and reaching its ends: with n samples from U(-bound, bound),
    P(max |x| < (1 - 20/n) bound) = (1 - 20/n)^n ~ e^-20."""
    assert np.abs(values).max() <= bound
    assert np.abs(values).max() >= (1 - 20 / values.size) * bound
    assert_std(values, bound / math.sqrt(3))


def big(dtype=np.float32):
    return nn.Parameter(np.empty(BIG_SHAPE, dtype=dtype))


# ----- fans and gains -----------------------------------------------------------------------


@given(c_out=st.integers(1, 8), c_in=st.integers(1, 8), k_h=st.integers(1, 4),
       k_w=st.integers(1, 4))
def test_fans_of_a_conv_weight(c_out, c_in, k_h, k_w):
    weight = mg.zeros(c_out, c_in, k_h, k_w)
    assert init.calculate_fan_in_and_fan_out(weight) == (c_in * k_h * k_w, c_out * k_h * k_w)


def test_fans_of_linear_and_grouped_conv_weights():
    assert init.calculate_fan_in_and_fan_out(nn.Linear(7, 3).weight) == (7, 3)
    # groups=4: each filter sees 8 / 4 = 2 input channels, so fan_in = 2 * 3 * 5
    conv = nn.Conv2d(8, 12, kernel_size=(3, 5), groups=4)
    assert init.calculate_fan_in_and_fan_out(conv.weight) == (2 * 15, 12 * 15)
    with pytest.raises(ValueError, match="at least 2 dims"):
        init.calculate_fan_in_and_fan_out(mg.zeros(5))


def test_gains():
    assert init.calculate_gain("linear") == 1.0
    assert init.calculate_gain("conv2d") == 1.0
    assert init.calculate_gain("sigmoid") == 1.0
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("leaky_relu") == math.sqrt(2 / (1 + 0.01 ** 2))
    assert init.calculate_gain("leaky_relu", math.sqrt(5)) == math.sqrt(2 / 6)
    with pytest.raises(ValueError, match="unsupported nonlinearity 'gelu'"):
        init.calculate_gain("gelu")


# ----- statistics ------------------------------------------------------------------------


def test_kaiming_normal_std_is_sqrt_2_over_fan_in():
    w = init.kaiming_normal_(big(), nonlinearity="relu", generator=np.random.default_rng(0))
    assert_std(w.detach().numpy(), math.sqrt(2 / 576))


def test_kaiming_normal_fan_out_and_leaky_slope():
    w = init.kaiming_normal_(big(), a=0.2, mode="fan_out", generator=np.random.default_rng(1))
    assert_std(w.detach().numpy(), math.sqrt(2 / (1 + 0.04)) / math.sqrt(1152))


def test_kaiming_uniform_bound_is_gain_sqrt_3_over_fan():
    w = init.kaiming_uniform_(big(), nonlinearity="relu", generator=np.random.default_rng(2))
    assert_uniform(w.detach().numpy(), math.sqrt(2) * math.sqrt(3 / 576))
    # PyTorch's layer default, a = sqrt(5): the bound is exactly 1 / sqrt(fan_in)
    w = init.kaiming_uniform_(big(), a=math.sqrt(5), generator=np.random.default_rng(3))
    assert_uniform(w.detach().numpy(), 1 / math.sqrt(576))


def test_xavier_uniform_and_normal():
    w = init.xavier_uniform_(big(), gain=init.calculate_gain("tanh"),
                             generator=np.random.default_rng(4))
    assert_uniform(w.detach().numpy(), 5 / 3 * math.sqrt(6 / (576 + 1152)))
    w = init.xavier_normal_(big(), generator=np.random.default_rng(5))
    assert_std(w.detach().numpy(), math.sqrt(2 / (576 + 1152)))


def test_uniform_normal_and_constants():
    rng = np.random.default_rng(6)
    w = init.uniform_(big(), -0.5, 2.0, generator=rng)
    assert w.detach().numpy().min() >= -0.5 and w.detach().numpy().max() <= 2.0
    assert_std(w.detach().numpy() - 0.75, 2.5 / math.sqrt(12))
    w = init.normal_(big(), mean=3.0, std=0.5, generator=rng)
    assert_std(w.detach().numpy() - 3.0, 0.5)
    assert np.all(init.zeros_(big()).detach().numpy() == 0)
    assert np.all(init.ones_(big()).detach().numpy() == 1)
    assert np.all(init.constant_(big(), 0.25).detach().numpy() == 0.25)


def test_init_is_in_place_and_keeps_the_dtype():
    for dtype in (np.float32, np.float64):
        w = big(dtype)
        array = w.detach().numpy()
        for fn in (init.kaiming_normal_, init.kaiming_uniform_, init.xavier_normal_,
                   init.xavier_uniform_, init.uniform_, init.normal_, init.zeros_, init.ones_):
            assert fn(w) is w
            assert w.detach().numpy() is array and w.detach().numpy().dtype == dtype


def test_bad_arguments():
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_normal_(big(), mode="fan_avg")
    with pytest.raises(TypeError, match="expected a Tensor"):
        init.normal_(np.zeros(3))
    with pytest.raises(ValueError, match="std must be >= 0"):
        init.normal_(big(), std=-1.0)
    with pytest.raises(ValueError, match="lower bound"):
        init.uniform_(big(), 1.0, 0.0)


# ----- reproducibility ---------------------------------------------------------------------


def test_generator_and_manual_seed_reproduce():
    a = init.normal_(big(), generator=np.random.default_rng(7))
    b = init.normal_(big(), generator=np.random.default_rng(7))
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    mg.manual_seed(11)
    c = init.kaiming_uniform_(big())
    first_layer = nn.Linear(5, 4)
    mg.manual_seed(11)
    d = init.kaiming_uniform_(big())
    second_layer = nn.Linear(5, 4)
    np.testing.assert_array_equal(c.detach().numpy(), d.detach().numpy())
    np.testing.assert_array_equal(first_layer.weight.detach().numpy(), second_layer.weight.detach().numpy())
    assert not np.array_equal(c.detach().numpy(), a.detach().numpy())


def test_layer_generator_argument_reproduces():
    first = nn.Conv2d(3, 4, 3, generator=np.random.default_rng(8))
    second = nn.Conv2d(3, 4, 3, generator=np.random.default_rng(8))
    for key, value in first.state_dict().items():
        np.testing.assert_array_equal(value, second.state_dict()[key])


# ----- the layers' default initialization ---------------------------------------------------


def assert_default_init(weight, bias, fan_in):
    """PyTorch's default: weight and bias both U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    assert_uniform(weight.detach().numpy(), 1 / math.sqrt(fan_in))
    if bias is not None:
        bound = 1 / math.sqrt(fan_in)
        assert np.abs(bias.detach().numpy()).max() <= bound


def test_linear_default_init():
    layer = nn.Linear(400, 300, generator=np.random.default_rng(9))
    assert_default_init(layer.weight, layer.bias, fan_in=400)
    assert layer.weight.dtype == np.float32 and layer.bias.shape == (300,)


def test_conv_default_inits():
    rng = np.random.default_rng(10)
    conv = nn.Conv2d(32, 64, 3, groups=2, generator=rng)
    assert_default_init(conv.weight, conv.bias, fan_in=16 * 9)
    depthwise = nn.DepthwiseConv2d(64, 5, channel_multiplier=2, generator=rng)
    assert_default_init(depthwise.weight, depthwise.bias, fan_in=25)
    pointwise = nn.PointwiseConv2d(64, 128, generator=rng)
    assert_default_init(pointwise.weight, pointwise.bias, fan_in=64)
    separable = nn.DepthwiseSeparableConv2d(64, 128, 3, generator=rng)
    assert_default_init(separable.depthwise_weight, separable.depthwise_bias, fan_in=9)
    assert_default_init(separable.pointwise_weight, separable.pointwise_bias, fan_in=64)
    spatial = nn.SpatialSeparableConv2d(32, 64, 3, mid_channels=48, generator=rng)
    assert_default_init(spatial.weight_row, None, fan_in=32 * 3)
    assert_default_init(spatial.weight_col, spatial.bias, fan_in=48 * 3)
    projection = nn.ProjectionShortcut(64, 128, stride=2, generator=rng)
    assert_default_init(projection.weight, None, fan_in=64)


def test_batch_norm_default_init():
    bn = nn.BatchNorm2d(6)
    np.testing.assert_array_equal(bn.weight.detach().numpy(), np.ones(6))
    np.testing.assert_array_equal(bn.bias.detach().numpy(), np.zeros(6))
    np.testing.assert_array_equal(bn.running_mean.detach().numpy(), np.zeros(6))
    np.testing.assert_array_equal(bn.running_var.detach().numpy(), np.ones(6))
    assert bn.num_batches_tracked.detach().numpy() == 0 and bn.num_batches_tracked.dtype == np.int64
