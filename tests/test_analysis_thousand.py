"""A thousand layers (analysis/thousand_layers.py): the claims at a depth that runs in
seconds, the subcommand's files, and the statistics on cases whose answer is known."""

import json
import math

import numpy as np

from minigrad.analysis import cli, dynamics, thousand_layers
from minigrad.data import load_digits
from minigrad.models.stacks import residual_mlp


def test_at_200_blocks_residual_learns_plain_stays_at_chance_and_lr_times_depth_decides():
    """The default's phenomenon at 200 blocks: lr * L is kept (0.005 * 200 = 0.001 * 1000
    trains; 0.1 * 200 = 0.02 * 1000 diverges), and the issue's calibration must hold."""
    result = thousand_layers.thousand(load_digits(seed=0), depth=200, lr=0.005, epochs=2,
                                      energy_depths=(10, 30, 100), diverge_steps=5,
                                      diverge_lr=0.1, seed=0)
    for claim in thousand_layers.claims(thousand_layers.summarize(result)):
        assert claim["holds"], claim


def test_the_subcommand_writes_its_figure_and_data_and_a_report_section(tmp_path):
    assert cli.main(["thousand", "--quick", "--out", str(tmp_path), "--no-progress"]) == 0
    assert (tmp_path / "thousand.png").stat().st_size > 0
    result = json.loads((tmp_path / "thousand.json").read_text())
    lines = thousand_layers.report_section(thousand_layers.summarize(result))
    assert lines[0].startswith("## ") and "![a thousand layers](thousand.png)" in lines
    assert sum(line.startswith("- holds") or line.startswith("- DOES NOT HOLD")
               for line in lines) == 6


def _identity_stack(depth, like=None):
    """A residual stack whose branches are zero (every block is the identity), with the
    stem and head of `like` if given."""
    model = residual_mlp(depth, 64, activation="relu", init="he", branch_scale=0.0)
    if like is not None:
        model.stem.load_state_dict(like.stem.state_dict())
        model.head.load_state_dict(like.head.state_dict())
    return model


def test_gradient_energy_adds_coherently_over_identical_blocks():
    """With zero branches x_l = x_0 and dLoss/dx_l = dLoss/dx_L in every block, so every
    block has the same gradient and G(L) = L G(1) exactly; the signal passes unchanged."""
    split = load_digits(seed=0)
    x, y = split.x_train[:32], split.y_train[:32]
    one = _identity_stack(1)
    e1, w1, growth1 = thousand_layers.gradient_energy(one, x, y)
    e7, w7, growth7 = thousand_layers.gradient_energy(_identity_stack(7, like=one), x, y)
    assert e1 > w1 > 0
    np.testing.assert_allclose([e7, w7], [7 * e1, 7 * w1], rtol=1e-5)
    assert growth1 == growth7 == 1.0


def test_gradient_energy_is_zero_when_the_head_passes_no_gradient_down():
    model = dynamics.make_stack(True, 5, 64, seed=0)
    model.head[1].weight.data *= 0.0
    split = load_digits(seed=0)
    energy, weights, _ = thousand_layers.gradient_energy(model, split.x_train[:16],
                                                         split.y_train[:16])
    assert energy == weights == 0.0


def test_loglog_slope_and_geometric_mean_on_known_values():
    depths = [10, 100, 1000]
    assert math.isclose(thousand_layers.loglog_slope(depths, [3 * d ** 2 for d in depths]), 2.0)
    assert math.isclose(thousand_layers.loglog_slope(depths, [0.0, 5.0, 50.0]), 1.0)
    assert math.isnan(thousand_layers.loglog_slope(depths, [0.0, 0.0, 7.0]))
    assert math.isclose(thousand_layers.geometric_mean([1.0, 100.0]), 10.0)
    assert thousand_layers.geometric_mean([0.0, 3.0]) == 0.0
    assert math.isnan(thousand_layers.geometric_mean([1.0, float("inf")]))


def test_divergence_finds_the_first_non_finite_step_and_the_largest_finite_loss():
    assert thousand_layers._divergence({"loss": [2.0, 9.0, float("nan")]}) == (3, 9.0)
    assert thousand_layers._divergence({"loss": [2.0, 5.0, 3.0]}) == (None, 5.0)


def test_first_steps_stop_at_a_non_finite_loss():
    split = load_digits(seed=0)
    assert len(thousand_layers.first_steps(dynamics.make_stack(True, 4, 64, 0), split, 0.0,
                                           3)) == 3
    losses = thousand_layers.first_steps(dynamics.make_stack(True, 20, 64, 0), split, 1e4, 20)
    assert len(losses) < 20 and math.isnan(losses[-1]) and all(map(math.isfinite, losses[:-1]))
