"""sort, topk, index_select, masked_fill, roll, unbind and the comparisons by name: values
against numpy, gradients against central differences on drawn shapes, and bad inputs.
(PyTorch's answers for the same calls are in tests/idioms_selection.py, which tests/test_pytorch_idioms.py runs.)"""

import numpy as np
import pytest
from hypothesis import given, strategies as st

import minigrad as mg
from strategies import distinct, leaf, shapes, values

nonempty = shapes.filter(lambda s: len(s) >= 1)


@given(data=st.data())
def test_sort_and_topk_pass_gradcheck_and_agree_with_numpy(data):
    shape = data.draw(nonempty)
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = distinct(data, shape)  # no ties: the order, hence the gradient, is well defined
    descending = data.draw(st.booleans())
    k = data.draw(st.integers(0, shape[dim]))
    assert mg.gradcheck(lambda t: t.sort(dim, descending=descending).values, [leaf(x)])
    assert mg.gradcheck(lambda t: t.topk(k, dim, largest=descending).values, [leaf(x)])
    expected = np.sort(x, axis=dim)
    expected = np.flip(expected, axis=dim) if descending else expected
    np.testing.assert_array_equal(mg.tensor(x).sort(dim, descending=descending).values.numpy(),
                                  expected)
    values_, indices = mg.tensor(x).topk(k, dim, largest=descending)
    np.testing.assert_array_equal(values_.numpy(), np.take(expected, np.arange(k), axis=dim))
    np.testing.assert_array_equal(np.take_along_axis(x, indices.numpy(), axis=dim),
                                  values_.numpy())


def test_sort_keeps_equal_values_in_order_both_ways():
    x = mg.tensor([2.0, 1.0, 2.0, 1.0])
    assert x.sort().indices.tolist() == [1, 3, 0, 2]
    assert x.sort(descending=True).indices.tolist() == [0, 2, 1, 3]
    assert mg.tensor([True, False, True]).sort(descending=True).indices.tolist() == [0, 2, 1]
    assert mg.tensor([1, 3, 2], dtype=mg.uint8).argsort(descending=True).tolist() == [1, 2, 0]


# Values with ties, NaN, infinities and each integer type's extremes, where a sort by
# negated values goes wrong.
EXTREMES = {
    np.float32: [np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.5],
    np.float64: [np.nan, np.inf, -np.inf, 0.0, 2.0, -1e300],
    np.int8: [-128, 127, 0, -1, 5], np.uint8: [0, 255, 128, 1],
    np.int64: [np.iinfo(np.int64).min, np.iinfo(np.int64).max, 0, -1], np.bool_: [True, False],
}


def reference_order(lane, descending):
    """Python's stable sort of one lane, NaN ranked above every number."""
    key = [(bool(v != v), 0 if v != v else v) for v in lane.tolist()]
    return sorted(range(len(key)), key=key.__getitem__, reverse=descending)


@given(data=st.data())
def test_sort_argsort_and_topk_rank_nan_highest_and_keep_ties_in_order(data):
    dtype = data.draw(st.sampled_from(sorted(EXTREMES, key=str)))
    shape = data.draw(st.lists(st.integers(1, 6), min_size=1, max_size=2).map(tuple))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = np.array(data.draw(st.lists(st.sampled_from(EXTREMES[dtype]), min_size=int(np.prod(
        shape)), max_size=int(np.prod(shape)))), dtype=dtype).reshape(shape)
    descending = data.draw(st.booleans())
    k = data.draw(st.integers(0, shape[dim]))
    lanes = np.moveaxis(x, dim, -1).reshape(-1, shape[dim])
    expected = np.moveaxis(np.array([reference_order(lane, descending) for lane in lanes])
                           .reshape(np.moveaxis(x, dim, -1).shape), -1, dim)
    values_, indices = mg.tensor(x).sort(dim, descending=descending)
    np.testing.assert_array_equal(indices.numpy(), expected)
    np.testing.assert_array_equal(values_.numpy(), np.take_along_axis(x, expected, axis=dim))
    np.testing.assert_array_equal(mg.tensor(x).argsort(dim, descending=descending).numpy(),
                                  expected)
    if dtype is not np.bool_:  # torch's topk refuses bools
        top = mg.tensor(x).topk(k, dim, largest=descending)
        first = np.take(expected, np.arange(k), axis=dim)
        np.testing.assert_array_equal(top.indices.numpy(), first)
        np.testing.assert_array_equal(top.values.numpy(), np.take_along_axis(x, first, dim))


def test_sort_and_topk_order_as_torchs():
    torch = pytest.importorskip("torch")
    for dtype, pool in EXTREMES.items():
        x = np.array(pool * 2, dtype=dtype)[::-1].copy()
        for descending in (False, True):
            ours = mg.tensor(x).sort(descending=descending)
            theirs = torch.from_numpy(x).sort(descending=descending, stable=True)
            np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
            np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
            if dtype is not np.bool_:  # torch's topk may order ties either way: the values
                ours = mg.tensor(x).topk(3, largest=descending).values.numpy()
                theirs = torch.from_numpy(x).topk(3, largest=descending).values.numpy()
                np.testing.assert_array_equal(ours, theirs)


@given(data=st.data())
def test_index_select_masked_fill_and_roll_pass_gradcheck(data):
    shape = data.draw(nonempty)
    dim = data.draw(st.integers(0, len(shape) - 1))
    index = np.array(data.draw(st.lists(st.integers(0, shape[dim] - 1), max_size=5)), np.int64)
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=shape[-1], max_size=shape[-1])))
    shift = data.draw(st.integers(-5, 5))
    x = values(data, shape)
    assert mg.gradcheck(lambda t: t.index_select(dim, mg.tensor(index)), [leaf(x)])
    assert mg.gradcheck(lambda t: t.masked_fill(mg.tensor(mask), 0.5), [leaf(x)])
    assert mg.gradcheck(lambda t: t.roll(shift, dim), [leaf(x)])
    np.testing.assert_array_equal(mg.tensor(x).index_select(dim, mg.tensor(index)).numpy(),
                                  np.take(x, index, axis=dim))
    np.testing.assert_array_equal(mg.tensor(x).roll(shift, dim).numpy(),
                                  np.roll(x, shift, axis=dim))
    np.testing.assert_array_equal(mg.tensor(x).roll(shift).numpy(), np.roll(x, shift))
    np.testing.assert_array_equal(mg.tensor(x).masked_fill(mg.tensor(mask), 0.5).numpy(),
                                  np.where(mask, 0.5, x))


def test_unbind_gives_views_whose_gradients_add_up():
    x = leaf(np.arange(6.0).reshape(2, 3))
    rows = x.unbind(0)
    assert [r.tolist() for r in rows] == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    (rows[0] * 2 + rows[1]).sum().backward()
    assert x.grad.tolist() == [[2.0, 2.0, 2.0], [1.0, 1.0, 1.0]]


def test_comparisons_by_name_match_the_operators():
    a, b = mg.tensor([1, 2, 3]), mg.tensor([3, 2, 1])
    for name, op in [("eq", "=="), ("ne", "!="), ("lt", "<"), ("le", "<="), ("gt", ">"),
                     ("ge", ">=")]:
        assert getattr(a, name)(b).tolist() == eval(f"a {op} b").tolist()
        assert getattr(mg, name)(a, 2).tolist() == eval(f"a {op} 2").tolist()


@pytest.mark.parametrize("call, error, words", [
    (lambda: mg.ones(3).topk(4), RuntimeError, r"topk: k \(4\) is out of range"),
    (lambda: mg.ones(3).topk(1.5), TypeError, "topk: k must be an int"),
    (lambda: mg.ones(3).index_select(0, mg.tensor([-1])), IndexError, "index_select: index"),
    (lambda: mg.ones(3).index_select(0, mg.tensor([0.5])), TypeError, "integer tensor"),
    (lambda: mg.ones(2, 3).masked_fill(mg.tensor([True, False]), 0.0), RuntimeError,
     "does not broadcast"),
    (lambda: mg.ones(2).masked_fill(mg.tensor([True, False]), mg.ones(2)), RuntimeError,
     "0-dim tensor"),
    (lambda: mg.ones(2).roll((1, 1), (0,)), RuntimeError, "roll: shifts"),
    (lambda: mg.ones(2).select(0, 2), IndexError, "select: index 2"),
    (lambda: mg.tensor(1.0).unbind(), IndexError, "Dimension specified as 0 but tensor has no"),
    (lambda: mg.tensor(1.0).select(0, 0), IndexError, "cannot be applied to a 0-dim tensor"),
    (lambda: mg.tensor(1.0).index_select(0, mg.tensor([1])), IndexError, "index_select: index"),
    (lambda: mg.tensor(1.0).index_select(0, mg.tensor([0, 0])), RuntimeError, "one value, got 2"),
    (lambda: mg.ones(3).index_select(0, [0]), TypeError, "index must be a Tensor, got list"),
    (lambda: mg.ones(2).eq("a"), TypeError, "eq: other must be"),
    (lambda: mg.set_default_dtype(mg.int64), TypeError, "set_default_dtype: only floating"),
    (lambda: mg.autograd.backward([mg.ones(2, requires_grad=True) * 2]), RuntimeError,
     "implicitly created"),
])
def test_bad_input_is_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_default_dtype_reaches_factories_and_promotion_and_is_restored():
    mg.set_default_dtype(mg.float64)
    try:
        assert mg.tensor([0.5]).dtype == mg.float64 and mg.randn(2).dtype == mg.float64
        assert (mg.arange(3) * 0.5).dtype == mg.float64 and mg.full((1,), 1.0).dtype == mg.float64
        assert mg.tensor([1, 2]).sigmoid().dtype == mg.float64
    finally:
        mg.set_default_dtype(mg.float32)
    assert mg.tensor([0.5]).dtype == mg.float32 and mg.get_default_dtype() == mg.float32
