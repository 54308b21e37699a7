"""Every registered differentiable op passes gradcheck on hypothesis-drawn shapes and values.

Cases come from every `tests/cases_*.py` module's GRADCHECK_CASES. An op defined anywhere in
minigrad without a case makes `test_every_registered_op_has_a_case` fail.
"""

import importlib
import pathlib

import pytest
from hypothesis import given, strategies as st

import minigrad as mg
import minigrad.functional  # noqa: F401  (imports every op module, filling the registry)


def _load_cases():
    cases = {}
    for path in sorted(pathlib.Path(__file__).parent.glob("cases_*.py")):
        module = importlib.import_module(path.stem)
        for name, case in module.GRADCHECK_CASES.items():
            assert name not in cases, f"two case files define a gradcheck case for {name}"
            cases[name] = case
    return cases


CASES = _load_cases()
# minigrad's own ops; ops defined outside minigrad register as "module.Name" (function.py).
BUILT_IN = {name for name, op in mg.Function.registry.items()
            if op.__module__.startswith("minigrad.")}


def test_every_registered_op_has_a_case():
    missing = sorted(BUILT_IN - set(CASES))
    assert not missing, f"ops without a gradcheck case: {missing}"


def test_every_case_names_a_registered_op():
    unknown = sorted(set(CASES) - BUILT_IN)
    assert not unknown, f"gradcheck cases for ops that are not registered: {unknown}"


@pytest.mark.parametrize("op_name", sorted(CASES))
@given(data=st.data())
def test_op_passes_gradcheck(op_name, data):
    fn, inputs = CASES[op_name](data)
    assert mg.gradcheck(fn, inputs)


def test_every_op_states_its_vjp():
    """One op, one place: its docstring gives the formula and the vector-Jacobian product."""
    ops = {name: op for name, op in mg.Function.registry.items()
           if op.__module__.startswith("minigrad.")}
    assert "BatchNorm" in ops and "Conv2d" in ops
    silent = sorted(name for name, op in ops.items() if "VJP:" not in (op.__doc__ or ""))
    assert not silent, f"ops whose docstring does not state its VJP: {silent}"
