"""Faster early training (analysis/early_training.py): its statistics on hand-built curves
whose answers are known, its claims and report text, and the claim at the quick size.

The quick run trains the 8-layer pair for one epoch (the shared networks at that size);
the 20-layer claims need the default report's training and are checked there only.
"""

import inspect
import json
import math

import pytest

from minigrad.analysis import cli, dynamics, early_training as early


def test_the_batch_size_is_the_training_recipes():
    default = inspect.signature(dynamics.fit).parameters["batch_size"].default
    assert early.TRAINING_BATCH == default
    assert early.steps_per_epoch(1438) == 23  # the digits' training split: 22 full batches + 30
    assert early.steps_per_epoch(64) == 1 and early.steps_per_epoch(65) == 2


def test_first_step_below_counts_the_trailing_window_from_step_one():
    # Ten steps at 1 then zeros: the mean of steps s-4..s is below 0.5 once 3 of the 5 are 0,
    # at step 13.
    assert early.first_step_below([1.0] * 10 + [0.0] * 10) == 13
    assert early.first_step_below([0.1] * 5) == 5  # the first full window
    assert early.first_step_below([0.1] * 4) is None  # no full window yet
    assert early.first_step_below([0.5] * 20) is None  # equal is not below
    assert early.first_step_below([1.0] * 50) is None  # never: no fake step
    # A NaN loss spoils the windows it is in, never counting as below.
    assert early.first_step_below([0.0] * 4 + [float("nan")] + [0.0] * 5) == 10


def test_running_mean_and_epoch1_mean():
    assert list(early.running_mean([1, 2, 3, 4, 5, 6], window=5)) == [3.0, 4.0]
    assert len(early.running_mean([1, 2])) == 0
    assert early.epoch1_mean([2.0, 4.0, 100.0], steps=2) == 3.0


def test_crossing_ratio_is_exact_a_lower_bound_or_nan():
    assert early.crossing_ratio(30, 15, 100) == (2.0, True)
    assert early.crossing_ratio(None, 20, 99) == (5.0, False)  # plain's step is >= 100
    ratio, exact = early.crossing_ratio(20, None, 99)
    assert math.isnan(ratio) and not exact


def fit_result(losses, accuracy, train_loss=0.001):
    return {"loss": losses, "test_accuracy": accuracy, "train_loss": train_loss}


def hand_built_summary(layers=(8, 20), plain_20=None):
    """Curves with known statistics: epoch 1 is 4 steps; the residual nets' running mean
    drops below 0.5 at step 7 (3 zeros in the window), the plain nets' at step 11."""
    residual = [1.0] * 4 + [0.0] * 8
    plain = [2.0] * 4 + [1.0] * 4 + [0.0] * 4
    rows = [early.depth_row(d, fit_result(plain_20 if d == 20 and plain_20 else plain, 0.95),
                            fit_result(residual, 0.96), steps=4) for d in layers]
    return {"rows": rows, "steps_per_epoch": 4, "epochs": 3, "test_images": 100,
            "epochs_shown": 3, "missing": [d for d in early.DEPTHS if d not in layers]}


def test_depth_row_and_claims_on_hand_built_curves():
    summary = hand_built_summary()
    row = summary["rows"][1]
    assert row["epoch1_mean"] == {"plain": 2.0, "residual": 1.0} and row["epoch1_ratio"] == 2.0
    assert row["first_below"] == {"plain": 11, "residual": 7}
    assert row["first_below_ratio"] == 11 / 7 and row["first_below_exact"]
    assert row["accuracy_gap_points"] == pytest.approx(1.0)
    found = early.claims(summary)
    assert len(found) == 4 and all(c["holds"] for c in found)
    assert found[3]["value"] == [2.0, 11 / 7]


def test_a_plain_net_that_never_gets_below_is_a_bound_and_the_text_says_never():
    summary = hand_built_summary(plain_20=[2.0] * 12)
    row = summary["rows"][1]
    assert row["first_below"]["plain"] is None
    assert row["first_below_ratio"] == 13 / 7 and not row["first_below_exact"]
    text = "\n".join(early.report_section(summary))
    assert "| never |" in text and ">= 1.86" in text and "lower bound" in text


def test_claims_that_fail_say_so_and_missing_depths_are_left_out():
    summary = hand_built_summary()
    summary["rows"][1]["accuracy_gap_points"] = -3.0
    text = "\n".join(early.report_section(summary))
    assert "within 2 points (after 3 epochs): -3.00, does NOT hold" in text
    assert "Not measured here: the 56-layer" in text
    assert "Speed-up at 8 layers: the residual net is 100% faster by the epoch-1 loss and 57%" \
        in text
    only_8 = hand_built_summary(layers=(8,))
    assert [c["claim"][:8] for c in early.claims(only_8)] == ["8 layers"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("early")
    assert cli.main(["early", "--quick", "--out", str(out), "--no-progress"]) == 0
    return out


def test_the_quick_subcommand_writes_its_files(quick_run):
    for name in ("early_training.png", "early_training.json"):
        assert (quick_run / name).stat().st_size > 0, name


def test_at_8_layers_the_residual_net_trains_faster_in_epoch_1(quick_run):
    # He et al. 2015, Fig. 4, at the quick size: one epoch of the 8-layer pair (23 steps).
    # Seed 0 measures a mean epoch-1 loss of 1.48 (plain) against 1.22 (residual); the
    # residual net's running mean is below 0.5 at step 20, the plain net's not in epoch 1.
    row = json.loads((quick_run / "early_training.json").read_text())["rows"][0]
    assert row["layers"] == 8
    assert row["epoch1_ratio"] > 1.1, row["epoch1_mean"]
    below = row["first_below"]
    assert below["residual"] is not None
    assert below["plain"] is None or below["plain"] > below["residual"]
