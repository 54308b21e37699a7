"""The activations, losses and vector functions of issue 12 against PyTorch: a table of
cases whose values, dtypes, shapes and gradients must agree with PyTorch's to 1e-12 in
float64. Skipped where PyTorch is not installed (tests/test_activations_losses.py checks the
same functions by hand)."""

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from test_activations_losses import (LABELS, LOGITS, SPATIAL_LABELS, SPATIAL_LOGITS, WEIGHT, X,
                                     _soft_targets)

SOFT_SPATIAL, SOFT_A, SOFT_B = _soft_targets((2, 3, 2, 3)), _soft_targets((4, 3)), _soft_targets(
    (4, 3))


#: name -> case(F, tensor): F is minigrad's or PyTorch's functional module, tensor(array,
#: grad=False) makes that library's tensor. The case returns (leaves, output); the output's
#: value and the leaves' gradients of a fixed random projection of it must agree.
TORCH_CASES = {
    **{f"{name} {kw}": (lambda F, tensor, name=name, kw=kw: (
        lambda x: ([x], getattr(F, name)(x, **kw)))(tensor(X * 4, True)))
       for name, kw in [("leaky_relu", {}), ("leaky_relu", {"negative_slope": 0.3}),
                        ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}),
                        ("elu", {}), ("elu", {"alpha": 0.4}), ("softplus", {}),
                        ("softplus", {"beta": 2.0, "threshold": 4.0}), ("hardtanh", {}),
                        ("hardtanh", {"min_val": -3.0, "max_val": 2.5}), ("relu6", {}),
                        ("normalize", {}), ("normalize", {"p": 1.0, "dim": 0}),
                        ("normalize", {"p": 3.0}), ("normalize", {"p": float("inf")}),
                        ("normalize", {"p": -1.5, "dim": 0}), ("normalize", {"p": 0.0})]},
    **{f"cross_entropy {reduction} {kw}": (
        lambda F, tensor, reduction=reduction, kw=kw: (lambda x, w: ([x], F.cross_entropy(
            x, tensor(kw.get("labels", LABELS)), w, reduction=reduction,
            **{k: v for k, v in kw.items() if k not in ("labels", "weighted")})))(
            tensor(LOGITS, True), tensor(WEIGHT) if kw.get("weighted") else None))
       for reduction in ("mean", "sum", "none")
       for kw in [{}, {"weighted": True}, {"label_smoothing": 0.15},
                  {"weighted": True, "label_smoothing": 0.3},
                  {"labels": np.array([1, 1, 2, 0]), "ignore_index": 1, "weighted": True,
                   "label_smoothing": 0.05}]},
    **{f"spatial {loss} {reduction}": (
        lambda F, tensor, loss=loss, reduction=reduction: (lambda x: ([x], getattr(F, loss)(
            x, tensor(SPATIAL_LABELS), tensor(WEIGHT), reduction=reduction,
            **({"label_smoothing": 0.2} if loss == "cross_entropy" else {}))))(
            tensor(SPATIAL_LOGITS, True)))
       for loss in ("cross_entropy", "nll_loss") for reduction in ("mean", "sum", "none")},
    **{f"probabilities {reduction}": (lambda F, tensor, reduction=reduction: (
        lambda x, q: ([x, q], F.cross_entropy(x, q, tensor(WEIGHT), reduction=reduction,
                                              label_smoothing=0.1)))(
        tensor(SPATIAL_LOGITS, True), tensor(SOFT_SPATIAL, True)))
       for reduction in ("mean", "sum", "none")},
    "cross_entropy one sample": lambda F, tensor: (lambda x: ([x], F.cross_entropy(
        x, tensor(np.array(2)), label_smoothing=0.1)))(tensor(LOGITS[0], True)),
    "cross_entropy all ignored": lambda F, tensor: (lambda x: ([x], F.cross_entropy(
        x, tensor(np.full(4, -100)))))(tensor(LOGITS, True)),
    **{f"{loss} {reduction}": (lambda F, tensor, loss=loss, reduction=reduction: (
        lambda x, t: ([x, t], getattr(F, loss)(x, t, tensor(WEIGHT), reduction=reduction)))(
        tensor(SOFT_A if loss == "binary_cross_entropy" else LOGITS * 5, True),
        tensor(SOFT_B, True)))
       for loss in ("binary_cross_entropy", "binary_cross_entropy_with_logits")
       for reduction in ("mean", "sum", "none")},
    "binary_cross_entropy at 0 and 1": lambda F, tensor: (lambda x: ([x], F.binary_cross_entropy(
        x, tensor(np.array([1.0, 0.0, 0.0, 1.0])), reduction="none")))(
        tensor(np.array([0.0, 1.0, 0.0, 1.0]), True)),
    "pos_weight": lambda F, tensor: (lambda x: ([x], F.binary_cross_entropy_with_logits(
        x, tensor(SOFT_A), tensor(WEIGHT[::-1].copy()), pos_weight=tensor(WEIGHT))))(
        tensor(LOGITS * 5, True)),
    **{f"smooth_l1_loss {reduction} {beta}": (lambda F, tensor, reduction=reduction, beta=beta:
                                              (lambda x, t: ([x, t], F.smooth_l1_loss(
                                                  x, t, reduction=reduction, beta=beta)))(
        tensor(X, True), tensor(X[::-1] * 0.5, True)))
       for reduction in ("mean", "sum", "none") for beta in (1.0, 0.3, 0.0)},
    "cosine_similarity": lambda F, tensor: (lambda a, b: ([a, b], F.cosine_similarity(a, b)))(
        tensor(X, True), tensor(X[:1] * 2 + 1, True)),
    "cosine_similarity dim 0 tiny": lambda F, tensor: (lambda a, b: ([a, b], F.cosine_similarity(
        a, b, dim=0, eps=1e-3)))(tensor(X[:, :2] * 1e-5, True), tensor(X[:, 1:3], True)),
    "one_hot": lambda F, tensor: ([], F.one_hot(tensor(np.array([[0, 3], [2, 2]])), 5)),
}


def _answer(library, case):
    if library == "torch":
        import torch
        functional = torch.nn.functional

        def tensor(array, grad=False):
            return torch.tensor(array, requires_grad=grad)
    else:
        functional = F

        def tensor(array, grad=False):
            return mg.tensor(array, requires_grad=grad)
    leaves, out = case(functional, tensor)
    if leaves:
        # a random upstream gradient, not out.sum()'s ones: a backward that forgot to
        # multiply by g would pass with those
        values = out.detach().numpy()
        projection = np.random.default_rng(12).normal(size=values.shape).astype(values.dtype)
        (out * tensor(projection)).sum().backward()
    return [np.asarray(out.detach().numpy())] + [leaf.grad.numpy() for leaf in leaves]


@pytest.mark.parametrize("name", TORCH_CASES)
def test_answers_agree_with_pytorch(name):
    pytest.importorskip("torch")
    ours, theirs = _answer("minigrad", TORCH_CASES[name]), _answer("torch", TORCH_CASES[name])
    for mine, torch_answer in zip(ours, theirs):
        assert mine.dtype == torch_answer.dtype and mine.shape == torch_answer.shape
        np.testing.assert_allclose(mine, torch_answer, rtol=1e-12, atol=1e-12, equal_nan=True)
