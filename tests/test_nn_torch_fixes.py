"""Regressions found by comparing the functional and nn layers with PyTorch: signatures,
gradients at edge values (NaN, inf, zeros, ignored targets), against torch where installed
and against hand-computed answers always."""

import inspect

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
import minigrad.nn.functional as F

LOSS_FUNCTIONS = ["mse_loss", "l1_loss", "smooth_l1_loss", "binary_cross_entropy",
                  "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss"]
LOSS_MODULES = ["MSELoss", "L1Loss", "SmoothL1Loss", "BCELoss", "BCEWithLogitsLoss",
                "CrossEntropyLoss", "NLLLoss"]


def _parameters(function):
    return [(p.name, p.default, p.kind) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
def test_loss_function_signature_is_torchs(name):
    torch = pytest.importorskip("torch")
    assert _parameters(getattr(F, name)) == _parameters(getattr(torch.nn.functional, name))


@pytest.mark.parametrize("name", LOSS_MODULES)
def test_loss_module_signature_is_torchs(name):
    torch = pytest.importorskip("torch")
    assert _parameters(getattr(nn, name)) == _parameters(getattr(torch.nn, name))


@pytest.mark.parametrize("name", LOSS_MODULES)
def test_loss_modules_refuse_size_average_and_reduce(name):
    with pytest.raises(TypeError, match="size_average and reduce are deprecated"):
        getattr(nn, name)(**{"size_average": False})
    with pytest.raises(TypeError, match="size_average and reduce are deprecated"):
        getattr(nn, name)(reduce=False)


def test_weighted_mse_and_l1_gradients():
    x = mg.tensor([[1.0, 2.0], [3.0, 5.0]], dtype=mg.float64, requires_grad=True)
    w = mg.tensor([[1.0, 3.0], [2.0, 0.5]], dtype=mg.float64, requires_grad=True)
    y = mg.zeros(2, 2, dtype=mg.float64)
    for loss in (F.mse_loss, F.l1_loss):
        for reduction in ("mean", "sum", "none"):
            assert mg.gradcheck(lambda a, b: loss(a, y, reduction=reduction, weight=b), (x, w))


def test_cross_entropy_gradient_with_ignored_targets_and_smoothing():
    x = mg.tensor(np.random.default_rng(0).normal(size=(4, 3)), requires_grad=True)
    target = mg.tensor([2, -100, 0, -100])
    for reduction in ("mean", "sum", "none"):
        assert mg.gradcheck(lambda a: F.cross_entropy(a, target, reduction=reduction,
                                                      label_smoothing=0.2), (x,))


@pytest.mark.parametrize("kernels", ["fast", "reference"])
def test_empty_batches_pass_through_every_conv_and_norm_layer(kernels):
    layers = [nn.DepthwiseConv2d(2, 3), nn.PointwiseConv2d(2, 3), nn.Conv2d(2, 3, 3, stride=2),
              nn.Conv2d(2, 3, 3), nn.BatchNorm2d(2).eval(), nn.GroupNorm(2, 2)]
    with mg.kernels.use(kernels):
        for layer in layers:
            for size in (6, 40):  # batch last at 6 x 6, shifted views or im2col at 40 x 40
                x = mg.zeros(0, 2, size, size, requires_grad=True)
                y = layer(x)
                (y * 2).sum().backward()
                assert y.shape[:2] == (0, layer(mg.zeros(1, 2, size, size)).shape[1])
                assert x.grad.shape == x.shape


def test_cross_entropy_of_probabilities_gradient_in_weight():
    rng = np.random.default_rng(1)
    x = mg.tensor(rng.normal(size=(3, 4, 2)), requires_grad=True)
    q = mg.tensor(rng.dirichlet(np.ones(4), size=(3, 2)).transpose(0, 2, 1))
    w = mg.tensor(rng.uniform(0.5, 2, size=4), requires_grad=True)
    for reduction in ("mean", "sum", "none"):
        assert mg.gradcheck(lambda a, b: F.cross_entropy(a, q, b, reduction=reduction,
                                                         label_smoothing=0.1), (x, w))
