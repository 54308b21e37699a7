"""The graph: ordering, accumulation, retain_graph, no_grad, hooks and memory release."""

import gc
import weakref

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import topological_order
from minigrad.function import Function


def test_tensor_used_twice_gets_the_sum_of_both_gradients():
    x = mg.tensor(3.0, requires_grad=True)
    (x * x + x).backward()
    assert x.grad == pytest.approx(2 * 3.0 + 1)


def test_diamond_graph():
    # x -> a, b -> y: the two paths meet again; d/dx of (2x)(x^2) = 6x^2.
    x = mg.tensor(np.array([1.0, -2.0]), requires_grad=True)
    a = x * 2
    b = x * x
    y = (a * b).sum()
    y.backward()
    np.testing.assert_allclose(x.grad, 6 * x.detach().numpy() ** 2)


def test_diamond_runs_each_backward_once():
    calls = []

    class Counted(Function, register=False):
        @staticmethod
        def forward(ctx, x):
            return x.copy()

        @staticmethod
        def backward(ctx, grad):
            calls.append(1)
            return (grad,)

    x = mg.tensor([1.0], requires_grad=True)
    shared = Counted.apply(x)
    (shared * 2 + shared * 3).sum().backward()
    assert len(calls) == 1
    np.testing.assert_allclose(x.grad, [5.0])


def test_topological_order_is_deterministic_and_complete():
    x = mg.tensor(1.0, requires_grad=True)
    a, b = x * 2, x * 3
    y = a + b
    order = topological_order(y)
    assert order[-1] is y and order[0] is x
    assert {id(t) for t in order} == {id(x), id(a), id(b), id(y)}
    assert [id(t) for t in topological_order(y)] == [id(t) for t in order]


def test_ten_thousand_op_chain_backpropagates():
    x = mg.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001 ** 10_000, rel=1e-3)
    del y
    gc.collect()


def test_second_backward_through_released_graph_raises():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward_and_grads_accumulate():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward(retain_graph=True)
    first = x.grad.clone()
    y.backward()
    np.testing.assert_allclose(x.grad, 2 * first)
    np.testing.assert_allclose(first, 2 * np.exp([1.0, 2.0]))


def test_leaf_grad_accumulates_across_graphs():
    x = mg.tensor([1.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 4).sum().backward()
    np.testing.assert_allclose(x.grad, [7.0])


def test_non_scalar_backward_needs_grad():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2,\).*gradient="):
        (x * 2).backward()
    (x * 2).backward(np.array([1.0, 10.0]))
    np.testing.assert_allclose(x.grad, [2.0, 20.0])
    with pytest.raises(ValueError, match="gradient has shape"):
        (x * 2).backward(np.ones(3))


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        mg.tensor(1.0).backward()


def test_no_grad_builds_no_graph_as_context_and_decorator():
    x = mg.tensor([1.0], requires_grad=True)
    with mg.no_grad():
        y = x * 2
        assert not mg.is_grad_enabled()
    assert mg.is_grad_enabled()
    assert not y.requires_grad and y._node is None

    @mg.no_grad()
    def inference(t):
        return t.exp()

    z = inference(x)
    assert not z.requires_grad and z._node is None
    with mg.no_grad():
        with mg.enable_grad():
            assert (x * 1).requires_grad


def test_constants_do_not_require_grad():
    x = mg.tensor([1.0])
    assert not (x * 2).requires_grad


def test_hook_fires_once_with_the_full_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    seen = []
    h.register_hook(lambda g: seen.append(g.clone()))
    (h * h).sum().backward()  # h is used twice; the hook sees the sum, once
    assert len(seen) == 1
    np.testing.assert_allclose(seen[0], 2 * h.detach().numpy())


def test_hook_can_replace_the_gradient():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.register_hook(lambda g: g * 0)
    (h * h).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_hook_on_leaf_and_removal():
    x = mg.tensor([1.0], requires_grad=True)
    seen = []
    handle = x.register_hook(lambda g: seen.append(g.clone()))
    (x * 5).sum().backward()
    handle.remove()
    (x * 5).sum().backward()
    assert len(seen) == 1 and seen[0][0] == 5.0


def test_retain_grad_keeps_non_leaf_grad():
    x = mg.tensor([2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad, [12.0])
    assert (x * 1).grad is None


def test_saved_arrays_are_released_after_backward():
    x = mg.tensor(np.ones(1000), requires_grad=True)
    h = x.tanh()  # saves its output y for backward
    saved = weakref.ref(h._node.ctx.saved[0])
    y = h.sum()
    del h
    gc.collect()
    assert saved() is not None  # still needed by backward
    y.backward()
    gc.collect()
    assert saved() is None


def test_retain_graph_keeps_saved_arrays():
    x = mg.tensor(np.ones(10), requires_grad=True)
    h = x.tanh()
    saved = weakref.ref(h._node.ctx.saved[0])
    y = h.sum()
    del h
    y.backward(retain_graph=True)
    gc.collect()
    assert saved() is not None


def test_ops_do_not_mutate_inputs():
    rng = np.random.default_rng(0)
    a = mg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = mg.tensor(rng.standard_normal((4,)), requires_grad=True)
    before = a.detach().numpy().copy(), b.detach().numpy().copy()
    upstream = np.ones((3, 4))
    ((a * b).exp() / (b.abs() + 1)).backward(upstream)
    np.testing.assert_array_equal(a.detach().numpy(), before[0])
    np.testing.assert_array_equal(b.detach().numpy(), before[1])
    np.testing.assert_array_equal(upstream, np.ones((3, 4)))


def test_gradient_dtype_follows_the_input_in_mixed_precision():
    a = mg.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    b = mg.tensor(np.ones(3, dtype=np.float64), requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_a_custom_op_returning_a_wrong_shape_is_reported():
    class Broken(Function, register=False):
        @staticmethod
        def forward(ctx, x):
            return x.sum()

        @staticmethod
        def backward(ctx, grad):
            return (np.ones(7),)

    x = mg.tensor(np.ones(3), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Broken.backward returned a gradient of shape \(7,\)"):
        Broken.apply(x).backward()
