"""Gradient-check cases for the ops behind PyTorch's Tensor vocabulary: casts, cumsum, prod,
expand, gather (max(dim)), maximum / minimum and where.

Each entry maps an op's Function name to `case(data) -> (fn, inputs)`, as in cases_core.py.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from minigrad.ops import elementwise, reduction, shape
from strategies import broadcast_pair, distinct, leaf, shapes, values

nonempty = shapes.filter(lambda s: len(s) >= 1)


def cast_case(data):
    # float64 to float64 (gradcheck works in float64); tests/test_tensor_api.py checks the
    # dtype of a float32 -> float64 cast's gradient.
    return (lambda t: elementwise.Cast.apply(t, dtype=np.dtype(np.float64))), [
        leaf(values(data, data.draw(shapes)))]


def cumsum_case(data):
    shape_ = data.draw(nonempty)
    axis = data.draw(st.integers(0, len(shape_) - 1))
    return (lambda t: reduction.Cumsum.apply(t, axis=axis)), [leaf(values(data, shape_))]


def prod_case(data):
    shape_ = data.draw(shapes)
    axis = None if not shape_ or data.draw(st.booleans()) else data.draw(
        st.integers(0, len(shape_) - 1))
    keepdims = data.draw(st.booleans())
    x = values(data, shape_, -1.5, 1.5)
    if x.size and data.draw(st.booleans()):
        x.flat[0] = 0.0  # the product of the others, not y / x, must reach a zero
    return (lambda t: reduction.Prod.apply(t, axis=axis, keepdims=keepdims)), [leaf(x)]


def expand_case(data):
    target = data.draw(nonempty)
    source = tuple(1 if data.draw(st.booleans()) else n for n in target)
    source = source[data.draw(st.integers(0, len(source) - 1)):]
    return (lambda t: shape.Expand.apply(t, shape=target)), [leaf(values(data, source))]


def gather_case(data):
    shape_ = data.draw(nonempty)
    axis = data.draw(st.integers(0, len(shape_) - 1))
    picked = list(shape_)
    picked[axis] = data.draw(st.integers(1, 4))
    index = data.draw(hnp.arrays(np.int64, tuple(picked),
                                 elements=st.integers(0, shape_[axis] - 1)))
    return (lambda t: shape.Gather.apply(t, index=index, axis=axis)), [leaf(values(data, shape_))]


def _extremum_case(op):
    def case(data):
        sa, sb = broadcast_pair(data)
        # a on a grid of 0.37, b on the same grid shifted by half a step: no two values are
        # within gradcheck's eps, so no tie (a kink) is ever met.
        return op.apply, [leaf(distinct(data, sa)), leaf(distinct(data, sb) + 0.185)]

    return case


def where_case(data):
    sa, sb = broadcast_pair(data)
    condition = data.draw(hnp.arrays(np.bool_, np.broadcast_shapes(sa, sb)))
    return (lambda a, b: mg.where(mg.tensor(condition), a, b)), [
        leaf(values(data, sa)), leaf(values(data, sb))]


def setitem_case(data):
    shape_ = data.draw(nonempty)
    stop = data.draw(st.integers(1, shape_[0]))
    index = (slice(0, stop),)
    target = (stop,) + tuple(shape_[1:])
    value_shape = target[data.draw(st.integers(0, len(target))):]  # broadcast from the right
    return (lambda x, v: shape.SetItem.apply(x, v, index=index)), [
        leaf(values(data, shape_)), leaf(values(data, value_shape))]


GRADCHECK_CASES = {
    "SetItem": setitem_case,
    "Cast": cast_case,
    "Cumsum": cumsum_case,
    "Prod": prod_case,
    "Expand": expand_case,
    "Gather": gather_case,
    "Maximum": _extremum_case(elementwise.Maximum),
    "Minimum": _extremum_case(elementwise.Minimum),
    "Where": where_case,
}
