"""Gradient-check cases for pooling, batch normalization and the residual skip-add.

Each entry maps an op's Function name to `case(data) -> (fn, inputs)`: `data` is hypothesis's
`st.data()`, and the pair is ready for `mg.gradcheck(fn, inputs)`. The helpers below also
take fixed choices, so the test files can pin down each mode while the registry test draws.
"""

import numpy as np
from hypothesis import strategies as st

import minigrad.functional as F
from strategies import distinct, leaf, values


def pool_config(data, max_side=5):
    """(shape, kernel, stride, padding) of a small valid NCHW pooling call, as pairs."""
    n, c = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3))
    kernel = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    stride = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    padding = tuple(data.draw(st.integers(0, k // 2)) for k in kernel)
    # The padded input must hold at least one window.
    hw = tuple(data.draw(st.integers(max(1, k - 2 * p), max_side)) for k, p in zip(kernel, padding))
    return (n, c) + hw, kernel, stride, padding


def max_pool_case(data):
    shape, kernel, stride, padding = pool_config(data)
    # Distinct values: no two elements of a window tie, so gradcheck never sits on a kink.
    x = distinct(data, shape)
    return (lambda t: F.max_pool2d(t, kernel, stride, padding)), [leaf(x)]


def avg_pool_case(data):
    shape, kernel, stride, padding = pool_config(data)
    return (lambda t: F.avg_pool2d(t, kernel, stride, padding)), [leaf(values(data, shape))]


def batch_norm_case(data, ndim=None, training=None, affine=None):
    """A batch_norm call; ndim (2 or 4), training and affine are drawn unless given."""
    ndim = data.draw(st.sampled_from([2, 4])) if ndim is None else ndim
    training = data.draw(st.booleans()) if training is None else training
    affine = data.draw(st.booleans()) if affine is None else affine
    channels = data.draw(st.integers(1, 3))
    if ndim == 2:
        shape = (data.draw(st.integers(2, 5)), channels)
    else:
        shape = (data.draw(st.integers(1, 3)), channels, data.draw(st.integers(1, 3)),
                 data.draw(st.integers(2, 3)))
    # Values spread apart (distinct, spacing 0.37, plus a little noise) keep every channel's
    # variance well above eps, where the normalization is smooth.
    x = distinct(data, shape) + values(data, shape, -0.1, 0.1)
    # Buffers live in the closure, not among the inputs: training mode updates them in place
    # on every call, and gradcheck insists that its inputs are never mutated.
    running_mean = values(data, (channels,), -1.0, 1.0)
    running_var = values(data, (channels,), 0.5, 2.0)
    inputs = [leaf(x)]
    if affine:
        inputs += [leaf(values(data, (channels,))), leaf(values(data, (channels,)))]

    def fn(x, weight=None, bias=None):
        return F.batch_norm(x, running_mean, running_var, weight, bias, training=training)

    return fn, inputs


def skip_add_case(data):
    shape = data.draw(st.sampled_from([(3,), (2, 3), (2, 2, 3, 3)]))
    scale = data.draw(st.sampled_from([1.0, 0.5, -2.0]))
    # shortcut_grad=False is deliberately not the true gradient, so it is not checked here.
    return (
        lambda x, fx: F.skip_add(x, fx, shortcut_scale=scale, shortcut_grad=True),
        [leaf(values(data, shape)), leaf(values(data, shape))],
    )


GRADCHECK_CASES = {
    "MaxPool2d": max_pool_case,
    "AvgPool2d": avg_pool_case,
    "BatchNorm": batch_norm_case,
    "SkipAdd": skip_add_case,
}
