"""Hypothesis helpers shared by the test files: tensors of drawn shapes and safe values."""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg

# 0-d, size-1 axes and up to 3 dims: the shapes where broadcasting bugs hide.
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)


def values(data, shape, low=-2.0, high=2.0):
    """A float64 array of `shape` with elements drawn from [low, high]."""
    return data.draw(
        hnp.arrays(np.float64, shape, elements=st.floats(low, high, allow_nan=False, width=64))
    )


def away_from_zero(data, shape, margin=0.1, high=2.0):
    """Values in [-high, -margin] U [margin, high]: keeps relu, abs and division off their kinks."""
    magnitude = values(data, shape, margin, high)
    sign = data.draw(hnp.arrays(np.int8, shape, elements=st.sampled_from([-1, 1])))
    return magnitude * sign


def distinct(data, shape, spacing=0.37):
    """Distinct values (no ties) spaced well beyond gradcheck's eps: for max, min, max-pool."""
    size = int(np.prod(shape))
    order = data.draw(st.permutations(list(range(size))))
    return (np.array(order, dtype=np.float64) - size / 2).reshape(shape) * spacing


def leaf(array):
    """A float64 Tensor that requires grad."""
    return mg.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


def broadcast_pair(data, max_dims=3):
    result = data.draw(
        hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=max_dims, max_side=3)
    )
    return result.input_shapes


def axis_choice(data, ndim):
    """None, one axis (possibly negative), or a tuple of distinct axes."""
    if ndim == 0:
        return None
    kind = data.draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    if kind == "int":
        return data.draw(st.integers(-ndim, ndim - 1))
    return tuple(data.draw(st.lists(st.integers(0, ndim - 1), min_size=1, unique=True)))
