"""The gradient checker is itself tested: it must catch wrong gradients and mutation."""

import numpy as np
import pytest

import minigrad as mg
from minigrad.function import Function


class SquareWithWrongBackward(Function, register=False):
    """y = x^2, with a backward that forgets the factor 2."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved
        return (grad * x,)


class SlightlyWrongExp(Function, register=False):
    """exp(x) whose backward is off by 0.1% in one element only."""

    @staticmethod
    def forward(ctx, x):
        y = np.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved
        g = grad * y
        g.flat[-1] *= 1.01
        return (g,)


class MutatesInput(Function, register=False):
    @staticmethod
    def forward(ctx, x):
        x += 1
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return (grad,)


def test_correct_gradient_passes():
    x = mg.tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
    assert mg.gradcheck(lambda t: (t * t).tanh(), [x]) is True


def test_wrong_backward_is_caught_and_named():
    x = mg.tensor(np.array([0.5, -1.5, 2.0]), requires_grad=True)
    with pytest.raises(mg.GradcheckError) as err:
        mg.gradcheck(lambda t: SquareWithWrongBackward.apply(t).sum(), [x])
    message = str(err.value)
    assert "input 0" in message and "element (0,)" in message
    assert "analytic 0.5" in message and "numeric 1" in message


def test_a_single_wrong_element_is_caught():
    x = mg.tensor(np.linspace(-1, 1, 12).reshape(3, 4), requires_grad=True)
    with pytest.raises(mg.GradcheckError, match=r"element \(2, 3\)"):
        mg.gradcheck(SlightlyWrongExp.apply, [x])


def test_wrong_gradient_in_second_input_is_named():
    a = mg.tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = mg.tensor(np.array([0.5, 0.25]), requires_grad=True)
    with pytest.raises(mg.GradcheckError, match="input 1"):
        mg.gradcheck(lambda s, t: s * SquareWithWrongBackward.apply(t), [a, b])


def test_mutation_of_an_input_is_caught():
    x = mg.tensor(np.zeros(3), requires_grad=True)
    with pytest.raises(mg.GradcheckError, match="forward mutated input 0"):
        mg.gradcheck(MutatesInput.apply, [x])


def test_runs_in_float64_even_for_float32_inputs():
    x = mg.tensor(np.array([0.3, 0.7], dtype=np.float32), requires_grad=True)
    seen = []
    mg.gradcheck(lambda t: (seen.append(t.dtype), t.exp())[1], [x])
    assert set(seen) == {np.dtype(np.float64)}
    assert x.grad is None  # the caller's tensors are untouched


def test_random_subset_of_elements():
    x = mg.tensor(np.linspace(-1, 1, 400), requires_grad=True)
    calls = []

    def fn(t):
        calls.append(1)
        return t.tanh()

    assert mg.gradcheck(fn, [x], max_elements=10)
    assert len(calls) == 1 + 2 * 10
    with pytest.raises(mg.GradcheckError):
        mg.gradcheck(SquareWithWrongBackward.apply, [x], max_elements=10)


def test_inputs_that_do_not_require_grad_are_passed_through():
    a = mg.tensor(np.array([1.0, 2.0]), requires_grad=True)
    c = mg.tensor(np.array([3.0, 4.0]))
    assert mg.gradcheck(lambda s, t: s * t, [a, c])
    with pytest.raises(ValueError, match="nothing to check"):
        mg.gradcheck(lambda t: t * 2, [c])
