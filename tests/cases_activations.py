"""Gradient-check cases for the activations of issue 12: LeakyReLU, Hardtanh (and relu6),
SiLU, ELU, Softplus and GELU. Values are kept away from each op's kinks (0, or min_val and
max_val, or the softplus threshold), where the derivative jumps.

Each entry maps an op's Function name to `case(data) -> (fn, inputs)`, as in cases_core.py.
"""

from hypothesis import strategies as st

from minigrad.ops import activation
from strategies import away_from_zero, distinct, leaf, shapes, values


def leaky_relu_case(data):
    slope = data.draw(st.sampled_from([0.01, 0.2, -0.5, 1.5]))
    return (lambda t: activation.LeakyReLU.apply(t, negative_slope=slope)), [
        leaf(away_from_zero(data, data.draw(shapes)))]


def hardtanh_case(data):
    low, high = data.draw(st.sampled_from([(-1.0, 1.0), (-0.5, 2.0), (0.0, 6.0)]))
    # a grid of 0.37 shifted by 0.1 (or by 0.1 - 0.185): never within 0.01 of the bounds
    x = distinct(data, data.draw(shapes)) * (3.0 if high == 6.0 else 1.0) + 0.1
    return (lambda t: activation.Hardtanh.apply(t, min_val=low, max_val=high)), [leaf(x)]


def silu_case(data):
    return activation.SiLU.apply, [leaf(values(data, data.draw(shapes), -6.0, 6.0))]


def elu_case(data):
    alpha = data.draw(st.sampled_from([1.0, 0.5, 2.0]))
    return (lambda t: activation.ELU.apply(t, alpha=alpha)), [
        leaf(away_from_zero(data, data.draw(shapes), high=4.0))]


def softplus_case(data):
    beta = data.draw(st.sampled_from([1.0, 2.0, 0.5, -1.0]))
    threshold = data.draw(st.sampled_from([20.0, 1.0]))
    # beta x = threshold at x = 1/beta in {1, 0.5, 2, -1} (or far away): the grid misses them
    x = distinct(data, data.draw(shapes)) + 0.05
    return (lambda t: activation.Softplus.apply(t, beta=beta, threshold=threshold)), [leaf(x)]


def gelu_case(data):
    approximate = data.draw(st.sampled_from(["none", "tanh"]))
    return (lambda t: activation.GELU.apply(t, approximate=approximate)), [
        leaf(values(data, data.draw(shapes), -4.0, 4.0))]


GRADCHECK_CASES = {
    "LeakyReLU": leaky_relu_case,
    "Hardtanh": hardtanh_case,
    "SiLU": silu_case,
    "ELU": elu_case,
    "Softplus": softplus_case,
    "GELU": gelu_case,
}
