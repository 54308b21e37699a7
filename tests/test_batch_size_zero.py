"""Batch size 0: every layer and loss returns an empty output (or, for a mean over 0
elements, NaN; a sum is 0) and back-propagates empty gradients, as torch does. A BatchNorm in
training takes it too, as torch's (its running statistics stay, its count moves); only one
value per channel is refused."""

import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as mnn


def _residual(nn):
    return nn.ResidualBlock(nn.Sequential(nn.Conv2d(2, 2, 3, padding=1),
                                          nn.BatchNorm2d(2).eval()))


# name: (make the layer from an nn namespace, input shape, whether torch.nn has it)
LAYERS = {
    "Conv1d": (lambda nn: nn.Conv1d(2, 3, 3, padding=1), (0, 2, 5), True),
    "Conv2d": (lambda nn: nn.Conv2d(2, 3, 3, padding=1), (0, 2, 5, 5), True),
    "Conv2d stride 2": (lambda nn: nn.Conv2d(2, 3, 3, stride=2), (0, 2, 5, 5), True),
    "Conv2d on a small map": (lambda nn: nn.Conv2d(2, 3, 3, padding=1), (0, 2, 3, 3), True),
    "Conv2d groups": (lambda nn: nn.Conv2d(4, 4, 3, padding=1, groups=2), (0, 4, 9, 9), True),
    "DepthwiseConv2d": (lambda nn: nn.DepthwiseConv2d(2, 3, padding=1), (0, 2, 5, 5), False),
    "PointwiseConv2d": (lambda nn: nn.PointwiseConv2d(2, 3), (0, 2, 5, 5), False),
    "SpatialSeparableConv2d": (lambda nn: nn.SpatialSeparableConv2d(2, 3, 3, padding=1),
                               (0, 2, 5, 5), False),
    "DepthwiseSeparableConv2d": (lambda nn: nn.DepthwiseSeparableConv2d(2, 3, 3, padding=1),
                                 (0, 2, 5, 5), False),
    "ConvTranspose2d": (lambda nn: nn.ConvTranspose2d(2, 3, 3, stride=2), (0, 2, 5, 5), True),
    "Linear": (lambda nn: nn.Linear(4, 3), (0, 4), True),
    "BatchNorm1d eval": (lambda nn: nn.BatchNorm1d(4).eval(), (0, 4), True),
    "BatchNorm1d eval (N, C, L)": (lambda nn: nn.BatchNorm1d(4).eval(), (0, 4, 3), True),
    "BatchNorm2d eval": (lambda nn: nn.BatchNorm2d(2).eval(), (0, 2, 3, 3), True),
    "BatchNorm1d train": (lambda nn: nn.BatchNorm1d(4), (0, 4), True),
    "BatchNorm1d train (N, C, L)": (lambda nn: nn.BatchNorm1d(4, momentum=None), (0, 4, 3),
                                    True),
    "BatchNorm2d train": (lambda nn: nn.BatchNorm2d(2), (0, 2, 3, 3), True),
    "BatchNorm2d without running stats": (
        lambda nn: nn.BatchNorm2d(2, track_running_stats=False).eval(), None, True),
    "LayerNorm": (lambda nn: nn.LayerNorm(4), (0, 4), True),
    "GroupNorm": (lambda nn: nn.GroupNorm(1, 2), (0, 2, 3, 3), True),
    "MaxPool2d": (lambda nn: nn.MaxPool2d(2), (0, 2, 4, 4), True),
    "AvgPool2d": (lambda nn: nn.AvgPool2d(3, stride=2, padding=1), (0, 2, 4, 4), True),
    "AdaptiveAvgPool2d": (lambda nn: nn.AdaptiveAvgPool2d(2), (0, 2, 5, 5), True),
    "GlobalAvgPool2d": (lambda nn: nn.GlobalAvgPool2d(), (0, 2, 5, 5), False),
    "Dropout": (lambda nn: nn.Dropout(0.5), (0, 4), True),
    "Dropout eval": (lambda nn: nn.Dropout(0.5).eval(), (0, 4), True),
    "Flatten": (lambda nn: nn.Flatten(), (0, 2, 3, 3), True),
    "Unflatten": (lambda nn: nn.Unflatten(1, (2, 2)), (0, 4), True),
    "Identity": (lambda nn: nn.Identity(), (0, 4), True),
    "Sequential": (lambda nn: nn.Sequential(nn.Linear(4, 3), nn.ReLU()), (0, 4), True),
    "ResidualBlock": (_residual, (0, 2, 4, 4), False),
    "ZeroPadShortcut": (lambda nn: nn.ZeroPadShortcut(4, stride=2), (0, 2, 4, 4), False),
    "ProjectionShortcut": (lambda nn: nn.ProjectionShortcut(2, 4, stride=2), (0, 2, 4, 4),
                           False),
}
for _name in ["ReLU", "ReLU6", "SiLU", "LeakyReLU", "ELU", "Hardtanh", "Softplus", "GELU",
              "Tanh", "Sigmoid"]:
    LAYERS[_name] = (lambda nn, name=_name: getattr(nn, name)(), (0, 4), True)
for _name in ["Softmax", "LogSoftmax"]:
    LAYERS[_name] = (lambda nn, name=_name: getattr(nn, name)(dim=1), (0, 4), True)
LAYERS["BatchNorm2d without running stats"] = LAYERS["BatchNorm2d without running stats"][:1] \
    + ((0, 2, 3, 3), True)

#: (make the loss, its two inputs from a library (minigrad or torch)), for each reduction
LOSSES = {
    "CrossEntropyLoss": (lambda nn, **k: nn.CrossEntropyLoss(**k),
                         lambda t: (t.randn(0, 3), t.zeros(0, dtype=t.int64))),
    "CrossEntropyLoss of probabilities": (lambda nn, **k: nn.CrossEntropyLoss(**k),
                                          lambda t: (t.randn(0, 3), t.zeros(0, 3))),
    "CrossEntropyLoss smoothed, weighted": (
        lambda nn, **k: nn.CrossEntropyLoss(weight=nn_ones(nn, 3), label_smoothing=0.1, **k),
        lambda t: (t.randn(0, 3), t.zeros(0, dtype=t.int64))),
    "CrossEntropyLoss per pixel": (lambda nn, **k: nn.CrossEntropyLoss(**k),
                                   lambda t: (t.randn(0, 3, 2, 2), t.zeros(0, 2, 2,
                                                                           dtype=t.int64))),
    "NLLLoss": (lambda nn, **k: nn.NLLLoss(**k),
                lambda t: (t.randn(0, 3), t.zeros(0, dtype=t.int64))),
    "NLLLoss weighted": (lambda nn, **k: nn.NLLLoss(weight=nn_ones(nn, 3), **k),
                         lambda t: (t.randn(0, 3), t.zeros(0, dtype=t.int64))),
    "MSELoss": (lambda nn, **k: nn.MSELoss(**k), lambda t: (t.randn(0, 3), t.zeros(0, 3))),
    "L1Loss": (lambda nn, **k: nn.L1Loss(**k), lambda t: (t.randn(0, 3), t.zeros(0, 3))),
    "SmoothL1Loss": (lambda nn, **k: nn.SmoothL1Loss(**k),
                     lambda t: (t.randn(0, 3), t.zeros(0, 3))),
    "BCELoss": (lambda nn, **k: nn.BCELoss(**k), lambda t: (t.rand(0, 3), t.zeros(0, 3))),
    "BCEWithLogitsLoss": (lambda nn, **k: nn.BCEWithLogitsLoss(pos_weight=nn_ones(nn, 3), **k),
                          lambda t: (t.randn(0, 3), t.zeros(0, 3))),
}


def nn_ones(nn, n):
    return (mg if nn is mnn else __import__("torch")).ones(n)


def _run_layer(library, name):
    make, shape, _ = LAYERS[name]
    layer = make(library.nn)
    x = library.randn(*shape, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning on the way
        y = layer(x)
        y.sum().backward()
    return tuple(y.shape), str(y.dtype).replace("torch.", ""), tuple(x.grad.shape), [
        (tuple(p.grad.shape), float(p.grad.abs().sum())) for p in layer.parameters()
        if p.grad is not None]


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_a_layer_takes_a_batch_of_zero(name):
    y_shape, dtype, grad_shape, param_grads = _run_layer(mg, name)
    assert y_shape[0] == 0 and grad_shape == LAYERS[name][1] and dtype == "float32"
    assert all(total == 0 for _, total in param_grads)  # no example, no gradient


@pytest.mark.parametrize("name", sorted(n for n in LAYERS if LAYERS[n][2]))
def test_a_layer_on_a_batch_of_zero_is_torchs(name):
    torch = pytest.importorskip("torch")
    assert _run_layer(mg, name) == _run_layer(torch, name)


def _buffers(module):
    return {name: value.detach().numpy().tolist() for name, value in module.named_buffers()}


@pytest.mark.parametrize("shape", [(0, 2), (0, 2, 4), (0, 2, 3, 3), (1, 2), (1, 2, 1, 1)])
def test_batch_norm_in_training_on_no_or_one_value_per_channel_is_torchs(shape):
    """torch refuses exactly one value per channel ("Expected more than 1 value per channel
    when training"); on none its running statistics stay and num_batches_tracked moves.
    (A refused call moves torch's count, not minigrad's: docs/pytorch.md.)"""
    torch = pytest.importorskip("torch")
    layer = "BatchNorm2d" if len(shape) == 4 else "BatchNorm1d"
    answers = []
    for library in (mg, torch):
        module = getattr(library.nn, layer)(2)
        try:
            answers.append(tuple(module(library.randn(*shape)).shape))
        except ValueError as error:
            assert "xpected more than 1 value per channel when training" in str(error)
            answers.append("refused")
            assert library is torch or int(module.num_batches_tracked.item()) == 0
            module.num_batches_tracked.zero_()
        answers.append(_buffers(module))
    assert answers[:2] == answers[2:]


def test_batch_norm_in_training_on_a_batch_of_zero_keeps_its_statistics():
    module = mnn.BatchNorm2d(2)
    module(mg.randn(4, 2, 3, 3))
    before = _buffers(module)
    assert module(mg.randn(0, 2, 3, 3)).shape == (0, 2, 3, 3)
    assert _buffers(module)["running_mean"] == before["running_mean"]
    assert _buffers(module)["running_var"] == before["running_var"]
    assert _buffers(module)["num_batches_tracked"] == 2


def _run_loss(library, name, reduction):
    make, inputs = LOSSES[name]
    x, target = inputs(library)
    x.requires_grad_(True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = make(library.nn, reduction=reduction)(x, target)
        loss.sum().backward()
    value = float(loss.item()) if loss.ndim == 0 else None
    return tuple(loss.shape), value, tuple(x.grad.shape)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_a_loss_of_a_batch_of_zero_is_nan_for_a_mean_and_0_for_a_sum(name, reduction):
    shape, value, grad_shape = _run_loss(mg, name, reduction)
    assert grad_shape[0] == 0
    if reduction == "none":
        assert shape[0] == 0 and value is None
    else:
        assert shape == () and (np.isnan(value) if reduction == "mean" else value == 0)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_a_loss_of_a_batch_of_zero_is_torchs(name, reduction):
    torch = pytest.importorskip("torch")
    got, expected = _run_loss(mg, name, reduction), _run_loss(torch, name, reduction)
    assert got[0] == expected[0] and got[2] == expected[2]
    assert got[1] == expected[1] or (np.isnan(got[1]) and np.isnan(expected[1]))


def _run_embedding(library):
    layer = library.nn.Embedding(5, 3, padding_idx=1)
    y = layer(library.zeros(0, 4, dtype=library.int64))
    y.sum().backward()
    return tuple(y.shape), tuple(layer.weight.grad.shape), float(layer.weight.grad.abs().sum())


def test_embedding_of_no_indices_is_torchs():
    assert _run_embedding(mg) == ((0, 4, 3), (5, 3), 0.0)
    torch = pytest.importorskip("torch")
    assert _run_embedding(torch) == _run_embedding(mg)
