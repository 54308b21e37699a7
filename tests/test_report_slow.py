"""The default-size report, run whole, and its headline findings checked (slow: about a
minute on 2 cores; run with `python -m pytest -m slow`)."""

import math

import pytest

from minigrad.analysis.report import ORDER, run


@pytest.fixture(scope="module")
def summaries(tmp_path_factory):
    return run(list(ORDER), size="default", out=str(tmp_path_factory.mktemp("report")),
               show_progress=False)


@pytest.mark.slow
def test_depth_100_plain_vanishes_residual_keeps_and_the_plus_one_carries_it(summaries):
    ratios = summaries["flow"]["ratios"]["mlp_tanh_standard"]
    assert ratios["plain"] < 1e-6
    assert 0.3 < ratios["residual (branch x 1/sqrt(L))"] < 10
    assert ratios["residual, no +1 (shortcut_grad=False)"] < 1e-6


@pytest.mark.slow
def test_lambda_power_law_holds(summaries):
    for lam, slope in summaries["depth"]["fits"].items():
        assert abs(slope - math.log(lam)) < 0.05


@pytest.mark.slow
def test_degradation_of_plain_resnet_twin_at_56_layers(summaries):
    rows = {(r["family"], r["depth"], r["kind"]): r for r in summaries["training"]["table"]}
    plain = rows[("ResNet (batch norm)", 56, "plain")]["train_loss"]
    residual = rows[("ResNet (batch norm)", 56, "residual")]["train_loss"]
    assert plain > 10 * residual


@pytest.mark.slow
def test_lesions_hurt_plain_far_more_than_residual(summaries):
    lesion = summaries["lesion"]["summary"]
    assert lesion["residual"]["mean_removed"] > lesion["plain"]["mean_removed"] + 0.3
    assert lesion["plain"]["baseline"] > 0.9  # the plain pair did train: its collapse means something
