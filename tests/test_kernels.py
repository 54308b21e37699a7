"""The fast kernels change nothing but time: on every conv variant and batch norm they agree
with kernels/reference.py to 1e-10 in float64, gradients included. And `mg.kernels.use`
switches kernel sets as a context manager and as a global setting."""

import os
import threading

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad as mg
import minigrad.functional as F
from cases_conv import conv_config, depthwise_config, geometry, pointwise_config
from kernel_sets import KERNELS, kernels
from minigrad.kernels import channel_rows, depthwise_bands, dispatch, pointwise
from strategies import leaf, values

AGREE = dict(rtol=1e-10, atol=1e-12)
FAST_SETS = sorted(name for name in KERNELS if name != "reference")


def _outputs_and_grads(kernel_set, function, arrays, params):
    """y and the gradient of every input for a fixed random upstream gradient."""
    leaves = [None if a is None else leaf(a) for a in arrays]
    with kernels(kernel_set):
        y = function(*leaves, **params)
        y.backward(np.random.default_rng(0).standard_normal(y.shape))
    return [y.detach().numpy()] + [t.grad for t in leaves if t is not None]


def _assert_agree(function, arrays, params, fast_set):
    reference = _outputs_and_grads("reference", function, arrays, params)
    fast = _outputs_and_grads(fast_set, function, arrays, params)
    assert len(reference) == len(fast)
    for ref, got in zip(reference, fast):
        assert ref.dtype == got.dtype == np.float64 and ref.shape == got.shape
        np.testing.assert_allclose(got, ref, **AGREE)


def _split(config):
    params = {k: v for k, v in config.items() if k not in ("x", "weight", "bias")}
    return [config["x"], config["weight"], config["bias"]], params


@pytest.mark.parametrize("fast_set", FAST_SETS)
@given(data=st.data())
def test_conv2d_fast_layouts_agree_with_the_reference(fast_set, data):
    _assert_agree(F.conv2d, *_split(conv_config(data)), fast_set)


@given(data=st.data())
def test_depthwise_fast_kernel_agrees_with_the_reference(data):
    _assert_agree(F.depthwise_conv2d, *_split(depthwise_config(data)), "fast")


@given(data=st.data())
def test_pointwise_fast_kernel_agrees_with_the_reference(data):
    _assert_agree(F.pointwise_conv2d, *_split(pointwise_config(data)), "fast")


@pytest.mark.parametrize("fast_set", FAST_SETS)
@given(data=st.data())
def test_spatial_separable_agrees_with_the_reference(fast_set, data):
    (kh, kw), stride, padding, _ = geometry(data, allow_same=False)
    c_in, c_mid, c_out = (data.draw(st.integers(1, 3)) for _ in range(3))
    hw = tuple(data.draw(st.integers(k, k + 3)) for k in (kh, kw))
    arrays = [values(data, (2, c_in) + hw), values(data, (c_mid, c_in, 1, kw)),
              values(data, (c_out, c_mid, kh, 1)), values(data, (c_out,))]
    _assert_agree(F.spatial_separable_conv2d, arrays, dict(stride=stride, padding=padding),
                  fast_set)


@given(data=st.data())
def test_depthwise_separable_agrees_with_the_reference(data):
    kernel, stride, padding, dilation = geometry(data)
    c_in, m, c_out = (data.draw(st.integers(1, 3)) for _ in range(3))
    hw = tuple(data.draw(st.integers(d * (k - 1) + 1, d * (k - 1) + 4)) for k, d in zip(
        kernel, (dilation,) * 2 if isinstance(dilation, int) else dilation))
    arrays = [values(data, (2, c_in) + hw), values(data, (c_in * m, 1) + kernel),
              values(data, (c_out, c_in * m, 1, 1)), values(data, (c_in * m,)),
              values(data, (c_out,))]
    _assert_agree(F.depthwise_separable_conv2d, arrays,
                  dict(stride=stride, padding=padding, dilation=dilation), "fast")


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("ndim", [2, 4])
@given(data=st.data())
def test_batch_norm_fast_kernel_agrees_with_the_reference(training, ndim, data):
    shape = (data.draw(st.integers(2, 4)), data.draw(st.integers(1, 3))) + (2, 3)[:ndim - 2]
    channels = shape[1]
    arrays = [values(data, shape), values(data, (channels,)), values(data, (channels,))]
    stats = [values(data, (channels,)), np.abs(values(data, (channels,))) + 0.5]
    results = []
    for kernel_set in ("reference", "fast"):
        running = [s.copy() for s in stats]  # updated in place in training

        def norm(x, weight, bias):
            return F.batch_norm(x, *running, weight, bias, training=training)

        results.append(_outputs_and_grads(kernel_set, norm, arrays, {}) + running)
    for ref, got in zip(*results):
        np.testing.assert_allclose(got, ref, **AGREE)


SETS_ITS_OWN = pytest.mark.skipif("MINIGRAD_TEST_KERNELS" in os.environ,
                                  reason="checks the default kernel set")


@SETS_ITS_OWN
def test_use_is_a_context_manager_and_a_global_setting():
    assert mg.kernels.current().name == "fast"
    with mg.kernels.use("reference") as chosen:
        assert chosen.name == "reference" and mg.kernels.current() is chosen
        with mg.kernels.use("fast", batch_last_positions=0):
            assert mg.kernels.current().batch_last_positions == 0
        assert mg.kernels.current().name == "reference"
    assert mg.kernels.current().name == "fast"
    try:
        mg.kernels.use("reference")  # no `with`: from now on, in every thread
        assert mg.kernels.current().name == "reference"
        assert _in_another_thread(lambda: mg.kernels.current().name) == "reference"
    finally:
        mg.kernels.use("fast")
    assert mg.kernels.current() == dispatch.KernelSet()
    switch = mg.kernels.use("reference")
    mg.kernels.use("fast")
    for _ in range(2):  # one instance may serve several `with` blocks
        with switch:
            assert mg.kernels.current().name == "reference"
        assert mg.kernels.current().name == "fast"


def _in_another_thread(function):
    seen = []
    worker = threading.Thread(target=lambda: seen.append(function()))
    worker.start()
    worker.join()
    return seen[0]


@SETS_ITS_OWN
def test_a_with_block_holds_only_in_its_own_thread():
    with mg.kernels.use("reference"):
        assert _in_another_thread(lambda: mg.kernels.current().name) == "fast"


@pytest.mark.parametrize("kernel_set, expected", [
    ("fast", (depthwise_bands, pointwise, channel_rows)),
    ("reference", (dispatch.ReferenceDepthwise, dispatch.ReferencePointwise,
                   dispatch.ReferenceBatchNorm))])
def test_each_op_runs_on_the_kernel_set_in_force(kernel_set, expected):
    x = mg.randn(2, 3, 4, 4, requires_grad=True, dtype=np.float64)
    with kernels(kernel_set):
        ys = [F.depthwise_conv2d(x, mg.randn(3, 1, 3, 3, dtype=np.float64)),
              F.pointwise_conv2d(x, mg.randn(2, 3, 1, 1, dtype=np.float64)),
              F.batch_norm(x, None, None, training=True)]
    assert tuple(y._node.ctx.kernel for y in ys) == expected


def test_an_op_keeps_the_kernel_it_was_run_on_for_its_backward():
    x = mg.randn(2, 3, 8, 8, requires_grad=True, dtype=np.float64)
    w = mg.randn(4, 3, 3, 3, requires_grad=True, dtype=np.float64)
    with mg.kernels.use("reference"):
        y = F.conv2d(x, w, padding=1)
    assert y._node.ctx.kernel is dispatch.ReferenceConv2d
    y.sum().backward()  # outside the block: still the reference kernel's backward
    expected_x = x.grad.clone()
    x.grad = None
    F.conv2d(x, w, padding=1).sum().backward()
    np.testing.assert_allclose(x.grad, expected_x, **AGREE)


@pytest.mark.parametrize("call, error, words", [
    (lambda: mg.kernels.use("slow"), ValueError, r"kernels.use: name must be one of"),
    (lambda: mg.kernels.use("fast", patch=1), TypeError, r"unknown threshold 'patch'"),
    (lambda: mg.kernels.use("fast", patch_bytes="x"), TypeError, r"patch_bytes must be an int"),
    (lambda: mg.kernels.use("fast", batch_last_positions=-1), ValueError, r"must be >= 0"),
])
def test_bad_kernel_sets_get_clear_errors(call, error, words):
    before = mg.kernels.current()
    with pytest.raises(error, match=words):
        call()
    assert mg.kernels.current() is before
