"""mg.summary: a torchinfo-style table of output shapes, parameters and multiply-adds, which
reproduces the seed's figures and counts the zoo's models as the trainer does."""

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn
from minigrad.models import build, resnet20


def test_the_seeds_18432_against_2336_parameters():
    standard = mg.summary(nn.Conv2d(32, 64, 3, padding=1, bias=False), (1, 32, 16, 16), verbose=0)
    separable = mg.summary(nn.DepthwiseSeparableConv2d(32, 64, 3, padding=1, bias=False),
                           (1, 32, 16, 16), verbose=0)
    assert standard.total_params == 18_432
    assert separable.total_params == 2_336  # 288 + 2,048
    # Each weight once per output pixel: 16 x 16 of them.
    assert standard.total_mult_adds == 18_432 * 256
    assert separable.total_mult_adds == 2_336 * 256


def test_mobilenets_8_to_9_times_fewer_multiply_adds():
    """Howard et al. 2017: a depthwise-separable 3x3 layer costs 1/N + 1/9 of a standard one,
    here at MobileNet's 14x14x512 stage."""
    size = (1, 512, 14, 14)
    standard = mg.summary(nn.Conv2d(512, 512, 3, padding=1, bias=False), size, verbose=0)
    separable = mg.summary(nn.DepthwiseSeparableConv2d(512, 512, 3, padding=1, bias=False), size,
                           verbose=0)
    ratio = standard.total_mult_adds / separable.total_mult_adds
    assert ratio == pytest.approx(1 / (1 / 512 + 1 / 9))
    assert 8 < ratio < 9


def test_the_zoos_resnets_count_as_the_trainer_prints_them(capsys):
    model = resnet20(in_channels=3, num_classes=10)
    table = mg.summary(model, (1, 3, 32, 32))
    printed = capsys.readouterr().out
    assert table.total_params == sum(p.numel() for p in model.parameters()) == 269_722
    assert "Total params: 269,722" in printed and str(table) in printed
    digits = build("resnet8", in_channels=1, num_classes=10)
    assert mg.summary(digits, (1, 1, 8, 8), verbose=0).total_params == 75_002  # as trained
    # The convs and the classifier: 16*3*9 stem weights used at 32x32 pixels, and so on.
    assert table.total_mult_adds == sum(row["mult_adds"] for row in table.rows
                                        if row["depth"] == 1)
    assert table.rows[0]["type"] == "Stack" and table.rows[0]["output_shape"] == (1, 10)


def test_linear_and_batch_counts():
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 5), nn.ReLU(), nn.Linear(5, 2))
    table = mg.summary(model, (7, 3, 4), verbose=0)
    assert table.total_mult_adds == 7 * (12 * 5 + 5 * 2)
    assert [row["output_shape"] for row in table.rows] == [(7, 2), (7, 12), (7, 5), (7, 5), (7, 2)]
    assert [row["params"] for row in table.rows] == [None, 0, 65, 0, 12]
    collapsed = mg.summary(model, (7, 3, 4), depth=0, verbose=0)
    assert len(collapsed.rows) == 1 and collapsed.rows[0]["params"] == 77


def test_the_model_is_left_as_it_was():
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    mg.summary(model, (2, 1, 6, 6), verbose=0)
    assert model.training
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), before[key], err_msg=key)
    assert all(not m._forward_hooks for m in model.modules())


@pytest.mark.parametrize("size, depth, message", [
    ((), 3, r"input_size must be a tuple of positive ints"),
    ((1, 0, 4), 3, r"input_size must be a tuple of positive ints.*got \(1, 0, 4\)"),
    (5, 3, r"input_size must be a tuple.*got 5"),
    ((1, 4), -1, r"depth must be a non-negative int, got -1"),
])
def test_bad_arguments(size, depth, message):
    with pytest.raises(ValueError, match=f"summary: {message}"):
        mg.summary(nn.Linear(4, 2), size, depth=depth, verbose=0)
