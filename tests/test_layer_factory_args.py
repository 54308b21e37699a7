"""Layers take torch's `device=` and `dtype=` (and BatchNorm its `bias=`), and their weights
follow mg.set_default_dtype as torch's do."""

import inspect

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn

LAYERS = {
    "Linear": lambda **kw: nn.Linear(2, 3, **kw),
    "Conv1d": lambda **kw: nn.Conv1d(2, 3, 3, **kw),
    "Conv2d": lambda **kw: nn.Conv2d(2, 3, 3, **kw),
    "ConvTranspose2d": lambda **kw: nn.ConvTranspose2d(2, 3, 3, **kw),
    "BatchNorm1d": lambda **kw: nn.BatchNorm1d(3, **kw),
    "BatchNorm2d": lambda **kw: nn.BatchNorm2d(3, **kw),
    "LayerNorm": lambda **kw: nn.LayerNorm(3, **kw),
    "GroupNorm": lambda **kw: nn.GroupNorm(1, 3, **kw),
    "Embedding": lambda **kw: nn.Embedding(4, 3, **kw),
    "DepthwiseConv2d": lambda **kw: nn.DepthwiseConv2d(2, 3, **kw),
    "PointwiseConv2d": lambda **kw: nn.PointwiseConv2d(2, 3, **kw),
    "ProjectionShortcut": lambda **kw: nn.ProjectionShortcut(2, 3, **kw),
}


def dtypes_of(layer):
    return {t.dtype for t in list(layer.parameters()) + list(layer.buffers())
            if t.is_floating_point()}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_weights_follow_the_default_dtype_and_dtype_argument(name):
    assert dtypes_of(LAYERS[name]()) == {mg.float32}
    assert dtypes_of(LAYERS[name](dtype=mg.float64, device="cpu")) == {mg.float64}
    mg.set_default_dtype(mg.float64)
    try:
        assert dtypes_of(LAYERS[name]()) == {mg.float64}
    finally:
        mg.set_default_dtype(mg.float32)
    with pytest.raises(RuntimeError, match="CPU only"):
        LAYERS[name](device="cuda")
    with pytest.raises(TypeError, match=f"{name}: dtype must be a floating dtype"):
        LAYERS[name](dtype=mg.int64)


def test_batch_norm_without_bias_learns_only_its_weight():
    layer = nn.BatchNorm2d(3, bias=False)
    assert [n for n, _ in layer.named_parameters()] == ["weight"]
    x = mg.tensor(np.arange(24.0, dtype=np.float32).reshape(2, 3, 2, 2))
    np.testing.assert_allclose(layer(x).detach().numpy().mean(axis=(0, 2, 3)), 0, atol=1e-6)


@pytest.mark.parametrize("data", [np.arange(3), [1, 2], mg.tensor([True, False]),
                                  mg.tensor([1, 2], dtype=mg.int32)])
def test_a_parameter_of_integer_data_requires_no_grad_as_torchs(data):
    """torch: "Only Tensors of floating point and complex dtype can require gradients"; a
    frozen one keeps its integer dtype (no silent conversion to float)."""
    with pytest.raises(TypeError, match=r"Parameter: only Tensors of floating point dtype can "
                                        r"require gradients, got dtype (int|bool)"):
        nn.Parameter(data)
    frozen = nn.Parameter(data, requires_grad=False)
    assert frozen.dtype == np.asarray(getattr(data, "_array", data)).dtype
    assert not frozen.requires_grad
    np.testing.assert_array_equal(frozen.numpy(), np.asarray(getattr(data, "_array", data)))


@pytest.mark.parametrize("name", ["Linear", "Conv1d", "Conv2d", "ConvTranspose2d",
                                  "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm",
                                  "Embedding"])
def test_signature_is_torchs(name):
    torch = pytest.importorskip("torch")

    def parameters(cls):
        # Embedding's device and dtype come after torch's private _weight and _freeze, which
        # minigrad lacks; they are keyword-only there, so compare names and defaults only.
        return [(p.name, p.default) + (() if name == "Embedding" else (p.kind,))
                for p in inspect.signature(cls).parameters.values()
                if not p.name.startswith("_") and p.name != "generator"]

    assert parameters(getattr(nn, name)) == parameters(getattr(torch.nn, name))
