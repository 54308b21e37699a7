"""The activations, losses and vector functions of issue 12: values against numpy computed
by hand, gradients (central differences), dtypes and reprs. Their bad inputs are in
tests/test_activations_losses_errors.py, their PyTorch answers (to 1e-12 in float64) in
tests/test_activations_losses_torch.py."""

import math

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad import nn
from minigrad.kernels.special import erf_and_erfc

RNG = np.random.default_rng(12)
X = RNG.normal(size=(5, 4)) * 3  # away from every kink: checked below
assert np.abs(X).min() > 1e-3 and np.abs(np.abs(X) - 1).min() > 1e-3


def leaf(array):
    return mg.tensor(np.asarray(array, dtype=np.float64), requires_grad=True)


# ---- erf ----

def test_erf_and_erfc_agree_with_math_to_round_off():
    x = np.concatenate([np.linspace(-7, 7, 14001), np.geomspace(1e-300, 27, 400),
                        -np.geomspace(1e-300, 27, 400), [0.0, 1.0, 2.0, -2.0]])
    erf, erfc = erf_and_erfc(x)
    np.testing.assert_allclose(erf, [math.erf(v) for v in x], rtol=2e-15, atol=0)
    np.testing.assert_allclose(erfc, [math.erfc(v) for v in x], rtol=5e-15, atol=0)
    erf, erfc = erf_and_erfc(np.array([np.inf, -np.inf, np.nan]))
    assert erf[:2].tolist() == [1.0, -1.0] and erfc[:2].tolist() == [0.0, 2.0]
    assert np.isnan(erf[2]) and np.isnan(erfc[2])


# ---- activations: values by hand ----

def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


ACTIVATIONS_BY_HAND = {
    "leaky_relu": (lambda x: F.leaky_relu(x), lambda x: np.where(x > 0, x, 0.01 * x)),
    "leaky_relu 0.2": (lambda x: F.leaky_relu(x, 0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    "gelu": (lambda x: F.gelu(x),
             lambda x: x * np.array([(1 + math.erf(v / math.sqrt(2))) / 2 for v in x.flat]
                                    ).reshape(x.shape)),
    "gelu tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda x: 0.5 * x * (1 + np.tanh(
        math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))),
    "silu": (F.silu, lambda x: x * _sigmoid(x)),
    "elu": (F.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    "elu 0.5": (lambda x: F.elu(x, 0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    "softplus": (F.softplus, lambda x: np.log1p(np.exp(x))),
    "softplus beta 2 threshold 3": (lambda x: F.softplus(x, 2.0, 3.0), lambda x: np.where(
        2 * x > 3, x, np.log1p(np.exp(2 * x)) / 2)),
    "hardtanh": (F.hardtanh, lambda x: np.clip(x, -1, 1)),
    "hardtanh -2 3": (lambda x: F.hardtanh(x, -2.0, 3.0), lambda x: np.clip(x, -2, 3)),
    "relu6": (F.relu6, lambda x: np.clip(x, 0, 6)),
}


@pytest.mark.parametrize("name", ACTIVATIONS_BY_HAND)
def test_activation_values_by_hand_and_gradcheck(name):
    ours, by_hand = ACTIVATIONS_BY_HAND[name]
    np.testing.assert_allclose(ours(mg.tensor(X)).numpy(), by_hand(X), rtol=1e-13, atol=1e-15)
    assert mg.gradcheck(ours, [leaf(X)])
    assert ours(mg.tensor(X.astype(np.float32))).dtype == mg.float32


def test_activations_are_stable_at_large_inputs():
    big = mg.tensor([-1e4, -800.0, 800.0, 1e4], dtype=mg.float64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no inf or NaN on the way
        assert F.softplus(big).numpy().tolist() == [0.0, 0.0, 800.0, 1e4]
        assert F.silu(big).numpy().tolist() == [-0.0, -0.0, 800.0, 1e4]
        assert F.elu(big).numpy().tolist() == [-1.0, -1.0, 800.0, 1e4]
        assert F.gelu(big).numpy().tolist() == [-0.0, -0.0, 800.0, 1e4]
    # the normal CDF through erfc keeps its relative precision far in the left tail
    assert F.gelu(mg.tensor([-10.0], dtype=mg.float64)).item() == pytest.approx(
        -10 * math.erfc(10 / math.sqrt(2)) / 2, rel=1e-13)
    # softplus is the identity above the threshold, as PyTorch's
    assert F.softplus(mg.tensor([20.5], dtype=mg.float64)).item() == 20.5


@pytest.mark.parametrize("function", [F.relu, F.hardtanh, F.relu6])
def test_integer_input_stays_integer_where_pytorch_keeps_it(function):
    y = function(mg.tensor([-2, 0, 3, 7]))
    assert y.dtype == mg.int64 and y.tolist() == {F.relu: [0, 0, 3, 7], F.hardtanh: [
        -1, 0, 1, 1], F.relu6: [0, 0, 3, 6]}[function]


@pytest.mark.parametrize("function", [F.leaky_relu, F.gelu, F.silu, F.elu, F.softplus])
def test_integer_input_raises_where_pytorch_raises(function):
    with pytest.raises(NotImplementedError, match=f"{function.__name__}: not implemented for "
                                                  f"a int64 tensor"):
        function(mg.tensor([1, 2]))


def test_inplace_writes_into_the_input_and_keeps_the_graph():
    x = leaf([-1.0, 2.0, -3.0])
    h = x * 2
    out = F.leaky_relu(h, 0.25, inplace=True)
    assert out is h and h.detach().numpy().tolist() == [-0.5, 4.0, -1.5]
    h.sum().backward()
    assert x.grad.numpy().tolist() == [0.5, 2.0, 0.5]
    with pytest.raises(RuntimeError, match="leaf tensor that requires grad"):
        F.relu(leaf([1.0]), inplace=True)
    y = mg.tensor([-1.0, 7.0])
    assert nn.ReLU6(inplace=True)(y) is y and y.tolist() == [0.0, 6.0]


def test_modules_call_their_functions_and_print_as_pytorch():
    x = mg.tensor(X)
    for module, function in [(nn.LeakyReLU(0.2), lambda t: F.leaky_relu(t, 0.2)),
                             (nn.GELU("tanh"), lambda t: F.gelu(t, approximate="tanh")),
                             (nn.SiLU(), F.silu), (nn.ELU(2.0), lambda t: F.elu(t, 2.0)),
                             (nn.Softplus(2, 5), lambda t: F.softplus(t, 2, 5)),
                             (nn.Hardtanh(-2, 3), lambda t: F.hardtanh(t, -2, 3)),
                             (nn.ReLU6(), F.relu6), (nn.ReLU(), F.relu),
                             (nn.Softmax(dim=1), lambda t: F.softmax(t, 1)),
                             (nn.LogSoftmax(0), lambda t: F.log_softmax(t, 0))]:
        np.testing.assert_array_equal(module(x).numpy(), function(x).numpy())
    # PyTorch's reprs, as torch 2 prints them
    expected = {
        nn.LeakyReLU(): "LeakyReLU(negative_slope=0.01)",
        nn.LeakyReLU(0.2, True): "LeakyReLU(negative_slope=0.2, inplace=True)",
        nn.GELU(): "GELU(approximate='none')", nn.GELU("tanh"): "GELU(approximate='tanh')",
        nn.SiLU(): "SiLU()", nn.SiLU(True): "SiLU(inplace=True)", nn.ELU(): "ELU(alpha=1.0)",
        nn.ELU(inplace=True): "ELU(alpha=1.0, inplace=True)",
        nn.Softplus(): "Softplus(beta=1.0, threshold=20.0)",
        nn.Softplus(2, 10): "Softplus(beta=2, threshold=10)",
        nn.Hardtanh(): "Hardtanh(min_val=-1.0, max_val=1.0)",
        nn.Hardtanh(-2, 3): "Hardtanh(min_val=-2, max_val=3)", nn.ReLU6(): "ReLU6()",
        nn.ReLU(): "ReLU()", nn.ReLU(True): "ReLU(inplace=True)",
        nn.Softmax(): "Softmax(dim=None)", nn.Softmax(1): "Softmax(dim=1)",
        nn.LogSoftmax(): "LogSoftmax(dim=None)", nn.CrossEntropyLoss(reduction="sum"):
        "CrossEntropyLoss()", nn.BCEWithLogitsLoss(): "BCEWithLogitsLoss()",
        nn.SmoothL1Loss(beta=0.5): "SmoothL1Loss()", nn.BCELoss(): "BCELoss()",
        nn.NLLLoss(ignore_index=1): "NLLLoss()",
    }
    assert {repr(m): r for m, r in expected.items()} == {r: r for r in expected.values()}
    assert not isinstance(nn.SiLU(), nn.ReLU) and not isinstance(nn.LogSoftmax(1), nn.Softmax)


def test_softmax_modules_made_without_dim_raise_when_called():
    for module in (nn.Softmax(), nn.LogSoftmax()):
        with pytest.raises(TypeError, match=rf"{type(module).__name__}: made without dim.*"
                                            rf"nn.{type(module).__name__}\(dim=1\)"):
            module(mg.ones(2, 3))


# ---- losses: by hand ----

LOGITS = RNG.normal(size=(4, 3))
LABELS = np.array([2, 0, -100, 1])
WEIGHT = np.array([0.5, 2.0, 1.5])


def _log_softmax(z, axis=1):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def test_cross_entropy_with_weight_ignore_index_and_smoothing_by_hand():
    logp = _log_softmax(LOGITS)
    eps, rows = 0.2, [0, 1, 3]
    per_row = np.zeros(4)
    for n in rows:  # torch's documented formula, one sample at a time
        y = LABELS[n]
        per_row[n] = (-(1 - eps) * WEIGHT[y] * logp[n, y]
                      - eps / 3 * (WEIGHT * logp[n]).sum())
    weight = mg.tensor(WEIGHT)
    args = dict(weight=weight, label_smoothing=eps)
    x = mg.tensor(LOGITS)
    np.testing.assert_allclose(F.cross_entropy(x, LABELS, reduction="none", **args).numpy(),
                               per_row, rtol=1e-13)
    assert F.cross_entropy(x, LABELS, reduction="sum", **args).item() == pytest.approx(
        per_row.sum(), rel=1e-13)
    mean = per_row.sum() / WEIGHT[LABELS[rows]].sum()
    assert F.cross_entropy(x, LABELS, **args).item() == pytest.approx(mean, rel=1e-13)
    assert nn.CrossEntropyLoss(weight, label_smoothing=eps)(x, mg.tensor(LABELS)).item() == \
        pytest.approx(mean, rel=1e-13)
    # the module keeps its weight as a buffer, saved by state_dict, as PyTorch's
    assert list(nn.CrossEntropyLoss(weight).state_dict()) == ["weight"]
    assert list(nn.BCEWithLogitsLoss(pos_weight=weight).state_dict()) == ["pos_weight"]
    assert nn.NLLLoss().state_dict() == {}
    # nll_loss: the mean divides by the weights of the targets kept
    nll = -WEIGHT[LABELS[rows]] * logp[rows, LABELS[rows]]
    assert F.nll_loss(mg.tensor(logp), LABELS, weight).item() == pytest.approx(
        nll.sum() / WEIGHT[LABELS[rows]].sum(), rel=1e-13)
    assert nn.NLLLoss(ignore_index=0)(mg.tensor(logp), np.array([2, 0, 1, 1])).item() == \
        pytest.approx(-(logp[0, 2] + logp[2, 1] + logp[3, 1]) / 3, rel=1e-13)
    # every target ignored: the mean is 0 / 0, NaN, as PyTorch
    assert np.isnan(F.cross_entropy(x, np.full(4, -100)).item())


def test_cross_entropy_over_spatial_positions_and_of_probabilities_by_hand():
    z = RNG.normal(size=(2, 3, 2, 2))
    y = RNG.integers(0, 3, size=(2, 2, 2))
    logp = _log_softmax(z)
    picked = np.take_along_axis(logp, y[:, None], axis=1)[:, 0]
    np.testing.assert_allclose(F.cross_entropy(mg.tensor(z), y, reduction="none").numpy(),
                               -picked, rtol=1e-13)
    assert F.cross_entropy(mg.tensor(z), y).item() == pytest.approx(-picked.mean(), rel=1e-13)
    q = np.exp(_log_softmax(RNG.normal(size=(2, 3, 2, 2))))
    smoothed = q * 0.9 + 0.1 / 3
    w = WEIGHT[None, :, None, None]
    assert F.cross_entropy(mg.tensor(z), mg.tensor(q), mg.tensor(WEIGHT),
                           label_smoothing=0.1).item() == pytest.approx(
        -(w * smoothed * logp).sum() / 8, rel=1e-13)
    # one sample (C,) with a 0-d target
    assert F.cross_entropy(mg.tensor(z[0, :, 0, 0]), np.array(1)).item() == pytest.approx(
        -logp[0, 1, 0, 0], rel=1e-13)


def test_binary_losses_and_smooth_l1_by_hand():
    p = np.array([[0.2, 0.9], [0.0, 1.0]])
    t = np.array([[0.0, 1.0], [1.0, 1.0]])
    with np.errstate(divide="ignore"):  # log(0) counts as -100
        logs = np.maximum(np.log(np.where(t == 1, p, 1 - p)), -100)
    np.testing.assert_allclose(F.binary_cross_entropy(mg.tensor(p), mg.tensor(t), reduction=
                                                      "none").numpy(), -logs, rtol=1e-13)
    w = mg.tensor([2.0, 0.5], dtype=mg.float64)
    assert nn.BCELoss(w)(mg.tensor(p), mg.tensor(t)).item() == pytest.approx(
        (-logs * [2.0, 0.5]).mean(), rel=1e-13)
    z = np.array([[-30.0, 2.0], [0.5, 40.0]])
    pos = np.array([3.0, 1.0])
    # -log sigmoid(z) = log(1 + exp(-z)), -log(1 - sigmoid(z)) = log(1 + exp(z))
    by_hand = pos * t * np.log1p(np.exp(-z)) + (1 - t) * np.log1p(np.exp(z))
    ours = F.binary_cross_entropy_with_logits(mg.tensor(z), mg.tensor(t), pos_weight=mg.tensor(
        pos), reduction="none").numpy()
    np.testing.assert_allclose(ours, by_hand, rtol=1e-12)
    big = F.binary_cross_entropy_with_logits(mg.tensor([-1e4, 1e4]), mg.tensor([1.0, 0.0]),
                                             reduction="none").numpy()
    assert big.tolist() == [1e4, 1e4]  # finite where sigmoid rounds to 0 or 1
    d = np.array([0.3, -0.8, 2.0, -5.0])
    for beta, expected in [(1.0, [0.045, 0.32, 1.5, 4.5]), (0.5, [0.09, 0.55, 1.75, 4.75]),
                           (0.0, [0.3, 0.8, 2.0, 5.0])]:
        np.testing.assert_allclose(F.smooth_l1_loss(mg.tensor(d), mg.zeros(4, dtype=mg.float64),
                                                    reduction="none", beta=beta).numpy(),
                                   expected, rtol=1e-13)
    assert nn.SmoothL1Loss(reduction="sum")(mg.tensor(d), mg.tensor(np.zeros(4))).item() == \
        pytest.approx(6.365)


def test_one_hot_normalize_and_cosine_similarity_by_hand():
    code = F.one_hot(mg.tensor([[0, 2], [1, 1]]))
    assert code.dtype == mg.int64 and code.shape == (2, 2, 3)
    assert code.tolist() == [[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [0, 1, 0]]]
    assert F.one_hot(mg.tensor([1]), 4).tolist() == [[0, 1, 0, 0]]
    assert F.one_hot(mg.tensor([], dtype=mg.int64), 3).shape == (0, 3)
    v = np.array([[3.0, -4.0], [0.0, 0.0]])
    np.testing.assert_allclose(F.normalize(mg.tensor(v)).numpy(), [[0.6, -0.8], [0, 0]])
    np.testing.assert_allclose(F.normalize(mg.tensor(v), p=1, dim=1).numpy(),
                               [[3 / 7, -4 / 7], [0, 0]])
    np.testing.assert_allclose(F.normalize(mg.tensor(v), p=float("inf"), dim=0).numpy(),
                               [[1.0, -1.0], [0, 0]])
    a, b = RNG.normal(size=(3, 4)), RNG.normal(size=(1, 4))
    expected = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b)
    np.testing.assert_allclose(F.cosine_similarity(mg.tensor(a), mg.tensor(b)).numpy(),
                               expected, rtol=1e-13)
    # torch.cosine_similarity, the top-level form, is the same function
    np.testing.assert_array_equal(mg.cosine_similarity(mg.tensor(a), mg.tensor(b)).numpy(),
                                  F.cosine_similarity(mg.tensor(a), mg.tensor(b)).numpy())
    # each norm is clamped to eps separately (PyTorch 2)
    tiny = np.array([[1e-10, 0.0]])
    assert F.cosine_similarity(mg.tensor(tiny), mg.tensor([[1.0, 0.0]])).item() == \
        pytest.approx(1e-10 / 1e-8)


# ---- losses: gradients under every reduction and option ----

def _soft_targets(shape):
    return np.exp(_log_softmax(RNG.normal(size=shape)))


SPATIAL_LOGITS = RNG.normal(size=(2, 3, 2, 3))
SPATIAL_LABELS = np.array([[[0, 2, 1], [1, -100, 2]], [[2, 2, 0], [1, 0, 1]]])
PROBABILITIES = _soft_targets((4, 3))
GRADCHECKS = {
    "cross_entropy": (lambda x, r: F.cross_entropy(x, LABELS, reduction=r), LOGITS),
    "cross_entropy weight": (lambda x, r: F.cross_entropy(x, LABELS, mg.tensor(WEIGHT),
                                                          reduction=r), LOGITS),
    "cross_entropy weight smoothing": (lambda x, r: F.cross_entropy(
        x, LABELS, mg.tensor(WEIGHT), reduction=r, label_smoothing=0.3), LOGITS),
    "cross_entropy ignore_index 0": (lambda x, r: F.cross_entropy(
        x, np.array([0, 1, 0, 2]), ignore_index=0, reduction=r, label_smoothing=0.1), LOGITS),
    "cross_entropy spatial": (lambda x, r: F.cross_entropy(
        x, SPATIAL_LABELS, mg.tensor(WEIGHT), reduction=r, label_smoothing=0.2),
        SPATIAL_LOGITS),
    "cross_entropy one sample": (lambda x, r: F.cross_entropy(x, np.array(2), reduction=r),
                                 LOGITS[0]),
    "cross_entropy probabilities": (lambda x, r: F.cross_entropy(
        x, mg.tensor(PROBABILITIES), mg.tensor(WEIGHT), reduction=r, label_smoothing=0.1),
        LOGITS),
    "nll_loss weight ignore": (lambda x, r: F.nll_loss(x, LABELS, mg.tensor(WEIGHT),
                                                       reduction=r), _log_softmax(LOGITS)),
    "nll_loss spatial": (lambda x, r: F.nll_loss(x, SPATIAL_LABELS, reduction=r),
                         _log_softmax(SPATIAL_LOGITS)),
    "smooth_l1_loss": (lambda x, r: F.smooth_l1_loss(x, mg.tensor(np.zeros((5, 4))),
                                                     reduction=r), X),
    "smooth_l1_loss beta 0.5": (lambda x, r: F.smooth_l1_loss(
        x, mg.tensor(np.full((5, 4), 0.6)), reduction=r, beta=0.5), X),
    "smooth_l1_loss beta 0": (lambda x, r: F.smooth_l1_loss(x, mg.tensor(np.zeros((5, 4))),
                                                            reduction=r, beta=0.0), X),
    "binary_cross_entropy": (lambda x, r: F.binary_cross_entropy(
        x, mg.tensor(PROBABILITIES), reduction=r), _soft_targets((4, 3))),
    "binary_cross_entropy weight": (lambda x, r: F.binary_cross_entropy(
        x, mg.tensor(PROBABILITIES), mg.tensor(WEIGHT), reduction=r), _soft_targets((4, 3))),
    "binary_cross_entropy_with_logits": (lambda x, r: F.binary_cross_entropy_with_logits(
        x, mg.tensor(PROBABILITIES), reduction=r), LOGITS),
    "binary_cross_entropy_with_logits weights": (
        lambda x, r: F.binary_cross_entropy_with_logits(
            x, mg.tensor(PROBABILITIES), mg.tensor(WEIGHT[:, None].T), reduction=r,
            pos_weight=mg.tensor(WEIGHT[::-1].copy())), LOGITS),
}


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", GRADCHECKS)
def test_losses_pass_gradcheck(name, reduction):
    loss, x = GRADCHECKS[name]
    assert mg.gradcheck(lambda t: loss(t, reduction), [leaf(x)])


def test_gradients_reach_the_targets():
    p, q = leaf(_soft_targets((3, 2))), leaf(_soft_targets((3, 2)))
    assert mg.gradcheck(lambda a, b: F.binary_cross_entropy(a, b), [p, q])
    z, pos = leaf(LOGITS), mg.tensor([1.5, 0.5, 2.0], dtype=mg.float64)
    assert mg.gradcheck(lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=pos),
                        [z, leaf(PROBABILITIES)])
    assert mg.gradcheck(lambda a, b: F.cross_entropy(a, b, label_smoothing=0.2),
                        [z, leaf(PROBABILITIES)])


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, float("inf")])
def test_normalize_and_cosine_similarity_pass_gradcheck(p):
    assert mg.gradcheck(lambda t: F.normalize(t, p=p, dim=1), [leaf(X)])
    assert mg.gradcheck(lambda t: F.normalize(t, p=p, dim=0), [leaf(X)])
    assert mg.gradcheck(lambda a, b: F.cosine_similarity(a, b, dim=-1),
                        [leaf(X), leaf(X[:1] + 0.5)])
    assert mg.gradcheck(lambda a, b: F.cosine_similarity(a, b, dim=0), [leaf(X), leaf(X[::-1])])
