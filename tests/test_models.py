"""The model zoo: parameter counts from the papers, output shapes, and plain/residual twins."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import models
from minigrad.models.resnet import plain_net, resnet
from minigrad.models.stacks import plain_cnn, plain_mlp, residual_cnn, residual_mlp


def count(model):
    return sum(p.numel() for p in model.parameters())


def shapes(model, skip=()):
    return sorted(p.shape for name, p in model.named_parameters()
                  if not any(s in name for s in skip))


def test_resnet20_has_0_27M_parameters_as_in_he_et_al_table_6():
    model = models.resnet20(in_channels=3, num_classes=10)
    assert round(count(model) / 1e6, 2) == 0.27
    # Option A adds no parameters, so the plain twin has exactly the same count.
    assert count(models.plain20(in_channels=3, num_classes=10)) == count(model)


@pytest.mark.parametrize("n", [1, 3])
def test_residual_and_plain_twins_differ_only_in_their_shortcuts(n):
    assert shapes(resnet(n, shortcut="A")) == shapes(plain_net(n))
    with_projection = resnet(n, shortcut="B")
    assert shapes(with_projection, skip=("shortcut",)) == shapes(plain_net(n))
    assert count(with_projection) > count(plain_net(n))


def test_resnet_has_6n_plus_2_weighted_layers():
    for n in (1, 2, 3):
        weighted = [p for p in resnet(n).parameters() if p.ndim >= 2]
        assert len(weighted) == 6 * n + 2


@pytest.mark.parametrize("name", sorted(models.CONSTRUCTORS))
def test_every_constructor_gives_logits_on_digits(name):
    model = models.build(name, in_channels=1, num_classes=10)
    out = model(mg.randn(2, 1, 8, 8, generator=np.random.default_rng(0)))
    assert out.shape == (2, 10)


def test_resnet20_on_cifar_shape_and_blocks():
    model = models.resnet20(in_channels=3, num_classes=10)
    assert model(mg.randn(2, 3, 32, 32)).shape == (2, 10)
    assert len(model.blocks) == 9


@pytest.mark.parametrize("block", ["depthwise_separable", "spatial_separable"])
def test_resnet_from_other_conv_variants(block):
    model = resnet(1, block=block, in_channels=1, num_classes=10)
    assert model(mg.randn(2, 1, 8, 8)).shape == (2, 10)
    assert count(model) < count(resnet(1, in_channels=1, num_classes=10))


def test_stacks_have_depth_weight_layers_in_their_body():
    for build in (plain_mlp, residual_mlp):
        model = build(7, width=16)
        assert len(model.blocks) == 7
        body_weights = [p for p in model.blocks.parameters() if p.ndim >= 2]
        assert len(body_weights) == 7
        assert model(mg.randn(3, 1, 8, 8)).shape == (3, 10)
    for build in (plain_cnn, residual_cnn):
        model = build(3, width=4)
        assert len([p for p in model.blocks.parameters() if p.ndim == 4]) == 3
        assert model(mg.randn(2, 1, 8, 8)).shape == (2, 10)


def test_mlp_twins_have_identical_forward_at_zero_shortcut():
    # With shortcut_scale 0 the residual stack computes exactly the plain one.
    x = mg.randn(4, 1, 8, 8, generator=np.random.default_rng(1))
    plain = plain_mlp(5, width=8, generator=np.random.default_rng(3))
    residual = residual_mlp(5, width=8, shortcut_scale=0.0, generator=np.random.default_rng(3))
    np.testing.assert_allclose(plain(x).detach().numpy(), residual(x).detach().numpy(), rtol=1e-6)


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown block"):
        resnet(1, block="fancy")
    with pytest.raises(ValueError, match="shortcut"):
        resnet(1, shortcut="C")
    with pytest.raises(ValueError, match="depth"):
        plain_mlp(0)
    with pytest.raises(ValueError, match="unknown model"):
        models.build("resnet7", 1, 10)
