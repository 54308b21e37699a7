"""Gradient-check cases for the loss and vector ops of issue 12: SmoothL1,
BinaryCrossEntropy, BinaryCrossEntropyWithLogits, Normalize and CosineSimilarity.
(The compositions built on them, cross_entropy with weights and the like, are checked in
tests/test_activations_losses.py.)

Each entry maps an op's Function name to `case(data) -> (fn, inputs)`, as in cases_core.py.
"""

from hypothesis import strategies as st

from minigrad.ops import loss, similarity
from strategies import away_from_zero, broadcast_pair, distinct, leaf, shapes, values

nonempty = shapes.filter(lambda s: len(s) >= 1)


def smooth_l1_case(data):
    beta = data.draw(st.sampled_from([1.0, 0.5, 2.0]))
    # a grid of 0.37 shifted by 0.1 (or by 0.1 - 0.185): |d| never within 0.01 of beta or 0
    d = distinct(data, data.draw(shapes)) + 0.1
    return (lambda t: loss.SmoothL1.apply(t, beta=beta)), [leaf(d)]


def _probabilities(data, shape):
    return values(data, shape, 0.05, 0.95)


def binary_cross_entropy_case(data):
    shape = data.draw(shapes)
    return loss.BinaryCrossEntropy.apply, [leaf(_probabilities(data, shape)),
                                           leaf(_probabilities(data, shape))]


def binary_cross_entropy_with_logits_case(data):
    shape = data.draw(nonempty)
    pos_weight = values(data, data.draw(st.sampled_from([(), shape[-1:]])), 0.2, 3.0)
    return loss.BinaryCrossEntropyWithLogits.apply, [
        leaf(values(data, shape, -4, 4)), leaf(_probabilities(data, shape)), leaf(pos_weight)]


def normalize_case(data):
    shape = data.draw(nonempty)
    axis = data.draw(st.integers(0, len(shape) - 1))
    p = data.draw(st.sampled_from([2.0, 1.0, 3.0, 0.5]))
    # away from zero: |x| has a kink there (p = 1) or an infinite slope (p < 1)
    x = away_from_zero(data, shape, margin=0.2)
    return (lambda t: similarity.Normalize.apply(t, p=p, axis=axis, eps=1e-12)), [leaf(x)]


def cosine_similarity_case(data):
    sa, sb = broadcast_pair(data)
    full = tuple(max(a, b) for a, b in zip((1,) * (len(sb) - len(sa)) + sa,
                                            (1,) * (len(sa) - len(sb)) + sb))
    if not full:
        sa, sb, full = (2,), (2,), (2,)
    axis = data.draw(st.integers(0, len(full) - 1))
    return (lambda a, b: similarity.CosineSimilarity.apply(a, b, axis=axis, eps=1e-8)), [
        leaf(away_from_zero(data, sa, margin=0.2)), leaf(away_from_zero(data, sb, margin=0.2))]


GRADCHECK_CASES = {
    "SmoothL1": smooth_l1_case,
    "BinaryCrossEntropy": binary_cross_entropy_case,
    "BinaryCrossEntropyWithLogits": binary_cross_entropy_with_logits_case,
    "Normalize": normalize_case,
    "CosineSimilarity": cosine_similarity_case,
}
