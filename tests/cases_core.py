"""Gradient-check cases for the core ops (issue: the autograd engine).

Each entry maps an op's Function name to `case(data) -> (fn, inputs)`: `data` is hypothesis's
`st.data()`, and the pair is ready for `mg.gradcheck(fn, inputs)`. The registry test demands
one entry per registered op.
"""

import numpy as np
from hypothesis import strategies as st

import minigrad as mg
import minigrad.functional as F
from minigrad.ops import arithmetic, reduction
from strategies import (
    away_from_zero,
    axis_choice,
    broadcast_pair,
    distinct,
    leaf,
    shapes,
    values,
)


def _binary(op):
    def case(data):
        sa, sb = broadcast_pair(data)
        return op.apply, [leaf(values(data, sa)), leaf(values(data, sb))]

    return case


def div_case(data):
    sa, sb = broadcast_pair(data)
    return arithmetic.Div.apply, [leaf(values(data, sa)), leaf(away_from_zero(data, sb, 0.5))]


def pow_case(data):
    if data.draw(st.booleans()):
        # Tensor exponent: log(a) must exist, so the base stays positive.
        sa, sb = broadcast_pair(data)
        return arithmetic.Pow.apply, [leaf(values(data, sa, 0.5, 2.0)), leaf(values(data, sb))]
    exponent = data.draw(st.sampled_from([2, 3, -1, 0.5]))
    shape_ = data.draw(shapes)
    base = values(data, shape_, 0.5, 2.0) if exponent == 0.5 else away_from_zero(data, shape_, 0.3)
    return (lambda a: a ** exponent), [leaf(base)]


def matmul_case(data):
    n, k, m = (data.draw(st.integers(1, 4)) for _ in range(3))
    kind = data.draw(st.sampled_from(["mm", "vm", "mv", "vv", "batched"]))
    a_shape, b_shape = {
        "mm": ((n, k), (k, m)),
        "vm": ((k,), (k, m)),
        "mv": ((n, k), (k,)),
        "vv": ((k,), (k,)),
        # Batch axes that broadcast: (2, 1, n, k) @ (3, k, m).
        "batched": ((2, 1, n, k), (3, k, m)),
    }[kind]
    return arithmetic.MatMul.apply, [leaf(values(data, a_shape)), leaf(values(data, b_shape))]


def _reduction(op, need_distinct=False):
    def case(data):
        shape_ = data.draw(shapes)
        x = distinct(data, shape_) if need_distinct else values(data, shape_)
        axis = axis_choice(data, len(shape_))
        keepdims = data.draw(st.booleans())
        return (lambda t: op.apply(t, axis=axis, keepdims=keepdims)), [leaf(x)]

    return case


def reshape_case(data):
    shape_ = data.draw(shapes)
    target = data.draw(st.sampled_from([(-1,), tuple(reversed(shape_)), (1,) + shape_]))
    return (lambda t: t.reshape(target)), [leaf(values(data, shape_))]


def permute_case(data):
    shape_ = data.draw(shapes)
    dims = tuple(data.draw(st.permutations(list(range(len(shape_))))))
    return (lambda t: t.permute(dims)), [leaf(values(data, shape_))]


def getitem_case(data):
    rows, cols = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 4))
    x = leaf(values(data, (rows, cols)))
    kind = data.draw(st.sampled_from(["slice", "int_array", "mixed", "scalar"]))
    if kind == "slice":
        start = data.draw(st.integers(-rows, rows - 1))
        step = data.draw(st.sampled_from([1, 2]))  # a negative step raises, as in PyTorch
        index = (slice(start, None, step), slice(None, None, 2))
    elif kind == "int_array":
        # Repeated indices must accumulate.
        index = np.array(data.draw(st.lists(st.integers(-rows, rows - 1), min_size=1, max_size=6)))
    elif kind == "mixed":
        picks = data.draw(st.lists(st.integers(0, cols - 1), min_size=1, max_size=4))
        index = (slice(None), np.array(picks))
    else:
        index = (data.draw(st.integers(0, rows - 1)), data.draw(st.integers(0, cols - 1)))
    return (lambda t: t[index]), [x]


def concatenate_case(data):
    base = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    axis = data.draw(st.integers(0, len(base) - 1))
    count = data.draw(st.integers(1, 3))
    parts = []
    for _ in range(count):
        part_shape = list(base)
        part_shape[axis] = data.draw(st.integers(1, 3))
        parts.append(leaf(values(data, tuple(part_shape))))
    return (lambda *ts: mg.concatenate(ts, axis=axis)), parts


def stack_case(data):
    shape_ = data.draw(shapes)
    axis = data.draw(st.integers(-(len(shape_) + 1), len(shape_)))
    parts = [leaf(values(data, shape_)) for _ in range(data.draw(st.integers(1, 3)))]
    return (lambda *ts: mg.stack(ts, axis=axis)), parts


def pad_case(data):
    shape_ = data.draw(shapes)
    widths = tuple((data.draw(st.integers(0, 2)), data.draw(st.integers(0, 2))) for _ in shape_)
    value = data.draw(st.sampled_from([0.0, -1.5]))
    flat = tuple(n for pair in reversed(widths) for n in pair)  # torch's order: last dim first
    return (lambda t: F.pad(t, flat, value=value)), [leaf(values(data, shape_))]


def _unary(method, sample=values):
    def case(data):
        return (lambda t: getattr(t, method)()), [leaf(sample(data, data.draw(shapes)))]

    return case


def _positive(data, shape_):
    return values(data, shape_, 0.5, 3.0)


def clip_case(data):
    # Values sit on a 0.25 grid offset by 0.1, bounds on the grid: none is within eps of a bound.
    shape_ = data.draw(shapes)
    ints = data.draw(
        st.lists(st.integers(-8, 8), min_size=int(np.prod(shape_)), max_size=int(np.prod(shape_)))
    )
    x = (np.array(ints, dtype=np.float64) * 0.25 + 0.1).reshape(shape_)
    low = data.draw(st.sampled_from([None, -1.0, -0.5]))
    high = data.draw(st.sampled_from([None, 0.5, 1.0])) if low is not None else 0.75
    return (lambda t: t.clip(low, high)), [leaf(x)]


def _softmax_family(method):
    def case(data):
        shape_ = data.draw(shapes.filter(lambda s: len(s) >= 1))
        axis = data.draw(st.integers(-len(shape_), len(shape_) - 1))
        return (lambda t: getattr(t, method)(axis=axis)), [leaf(values(data, shape_, -3, 3))]

    return case


def cross_entropy_case(data):
    n, c = data.draw(st.integers(1, 5)), data.draw(st.integers(1, 5))
    labels = np.array(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    return (lambda t: F.cross_entropy(t, labels)), [leaf(values(data, (n, c), -3, 3))]


GRADCHECK_CASES = {
    "Add": _binary(arithmetic.Add),
    "Sub": _binary(arithmetic.Sub),
    "Mul": _binary(arithmetic.Mul),
    "Div": div_case,
    "Neg": _unary("__neg__"),
    "Pow": pow_case,
    "MatMul": matmul_case,
    "Sum": _reduction(reduction.Sum),
    "Mean": _reduction(reduction.Mean),
    "Max": _reduction(reduction.Max, need_distinct=True),
    "Min": _reduction(reduction.Min, need_distinct=True),
    "Reshape": reshape_case,
    "Permute": permute_case,
    "GetItem": getitem_case,
    "Concatenate": concatenate_case,
    "Stack": stack_case,
    "Pad": pad_case,
    "Exp": _unary("exp"),
    "Log": _unary("log", _positive),
    "Sqrt": _unary("sqrt", _positive),
    "Abs": _unary("abs", away_from_zero),
    "Clip": clip_case,
    "ReLU": _unary("relu", away_from_zero),
    "Tanh": _unary("tanh"),
    "Sigmoid": _unary("sigmoid"),
    "Softmax": _softmax_family("softmax"),
    "LogSoftmax": _softmax_family("log_softmax"),
    "CrossEntropy": cross_entropy_case,
}
