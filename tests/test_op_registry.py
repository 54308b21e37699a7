"""The op registry in a notebook: defining a user's op again replaces it with a warning, a
user's op may share a built-in's name, and minigrad's own ops stay protected."""

import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.functional  # noqa: F401  (fills the registry with every built-in op)


def define(name, module, scale):
    """A class statement run in `module` (as a notebook cell runs in __main__)."""
    def forward(ctx, x):
        return x * scale

    def backward(ctx, grad):
        return (grad * scale,)

    return type(name, (mg.Function,), {"__module__": module, "__qualname__": name,
                                       "forward": staticmethod(forward),
                                       "backward": staticmethod(backward)})


@pytest.fixture
def clean_registry():
    before = dict(mg.Function.registry)
    yield
    mg.Function.registry.clear()
    mg.Function.registry.update(before)


def test_a_cell_run_twice_replaces_the_op_with_a_warning(clean_registry):
    first = define("Triple", "__main__", 3.0)
    assert mg.Function.registry["__main__.Triple"] is first
    with pytest.warns(UserWarning, match=r"__main__\.Triple is defined again; the new "
                                         r"definition replaces the earlier one"):
        second = define("Triple", "__main__", 4.0)
    assert mg.Function.registry["__main__.Triple"] is second
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    second.apply(x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 4.0])


def test_a_users_op_named_like_a_built_in_leaves_the_built_in_alone(clean_registry):
    built_in = mg.Function.registry["Softplus"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the first definition is not a redefinition
        mine = define("Softplus", "__main__", 2.0)
    assert mg.Function.registry["Softplus"] is built_in
    assert built_in.__module__.startswith("minigrad.")
    assert mg.Function.registry["__main__.Softplus"] is mine
    x = mg.tensor([0.0])
    assert float(mg.functional.softplus(x)) == pytest.approx(np.log(2.0))


def test_a_second_built_in_op_with_a_taken_name_is_still_an_error(clean_registry):
    with pytest.raises(TypeError, match="an op named 'Softplus' is already registered"):
        define("Softplus", "minigrad.ops.somewhere_new", 1.0)
    assert mg.Function.registry["Softplus"].__module__ != "minigrad.ops.somewhere_new"


def test_register_false_keeps_an_op_out(clean_registry):
    before = set(mg.Function.registry)

    class Scratch(mg.Function, register=False):
        pass

    assert set(mg.Function.registry) == before
