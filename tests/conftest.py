"""Shared test settings: a bounded hypothesis profile so the suite stays within minutes, and
an optional kernel set for the whole run."""

import os

import pytest
from hypothesis import HealthCheck, settings

import minigrad as mg

settings.register_profile(
    "ci",
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def kernel_set_from_the_environment():
    """MINIGRAD_TEST_KERNELS=reference runs every test on the reference kernels, to show that
    the whole suite passes on them too (slow: the reference convolutions are ~10x slower)."""
    name = os.environ.get("MINIGRAD_TEST_KERNELS")
    if name is None:
        yield
        return
    with mg.kernels.use(name):
        yield
