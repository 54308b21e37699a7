"""The training script: metrics, checkpoints, exact resume, Ctrl-C, NaN, determinism."""

import json
import os
import signal

import numpy as np
import pytest

import minigrad as mg
from minigrad.models import train as train_module

TINY = ["--model", "resnet8", "--limit", "96", "--batch-size", "32", "--no-progress",
        "--lr", "0.05"]


def run(tmp_path, name, *extra):
    out = str(tmp_path / name)
    status = train_module.main([*TINY, "--out", out, *extra])
    return status, out


def model_state(out):
    return mg.load(os.path.join(out, "checkpoint.npz"))["model"]


def assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def test_run_writes_metrics_and_checkpoint(tmp_path):
    status, out = run(tmp_path, "run", "--epochs", "2")
    assert status == 0
    rows = [json.loads(line) for line in open(os.path.join(out, "metrics.jsonl"))]
    assert [r["epoch"] for r in rows] == [1, 2]
    for row in rows:
        assert set(row) == set(train_module.METRIC_FIELDS)
        assert 0 <= row["test_acc"] <= 1 and np.isfinite(row["train_loss"])
    csv_lines = open(os.path.join(out, "metrics.csv")).read().splitlines()
    assert csv_lines[0].split(",") == list(train_module.METRIC_FIELDS) and len(csv_lines) == 3
    checkpoint = mg.load(os.path.join(out, "checkpoint.npz"))
    assert checkpoint["position"]["epoch"] == 2


@pytest.mark.parametrize("schedule", ["none", "cosine"])
def test_resume_equals_straight_run_bit_for_bit(tmp_path, schedule):
    # A schedule spans the planned --epochs, so the first half is run with --stop-after.
    _, straight = run(tmp_path, "straight", "--epochs", "4", "--schedule", schedule)
    if schedule == "none":
        run(tmp_path, "split", "--epochs", "2", "--schedule", schedule)
    else:
        run(tmp_path, "split", "--epochs", "4", "--stop-after", "2", "--schedule", schedule)
    status, resumed = run(tmp_path, "split", "--epochs", "4", "--resume", "--schedule", schedule)
    assert status == 0
    assert_same_weights(model_state(straight), model_state(resumed))
    a = [json.loads(line) for line in open(os.path.join(straight, "metrics.jsonl"))]
    b = [json.loads(line) for line in open(os.path.join(resumed, "metrics.jsonl"))]
    assert [r["train_loss"] for r in a] == [r["train_loss"] for r in b]


def test_ctrl_c_saves_mid_epoch_and_resume_is_exact(tmp_path, monkeypatch):
    _, straight = run(tmp_path, "straight", "--epochs", "2")
    real_step = mg.optim.SGD.step
    calls = {"n": 0}

    def step_then_interrupt(self):
        real_step(self)
        calls["n"] += 1
        if calls["n"] == 4:  # epoch 2, batch 1 (3 batches per epoch)
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(mg.optim.SGD, "step", step_then_interrupt)
    status, out = run(tmp_path, "interrupted", "--epochs", "2")
    assert status == 130
    position = mg.load(os.path.join(out, "checkpoint.npz"))["position"]
    assert (position["epoch"], position["batch"]) == (1, 1)
    monkeypatch.setattr(mg.optim.SGD, "step", real_step)
    status, out = run(tmp_path, "interrupted", "--epochs", "2", "--resume")
    assert status == 0
    assert_same_weights(model_state(straight), model_state(out))


def test_non_finite_loss_stops_and_keeps_last_good_checkpoint(tmp_path, monkeypatch, capsys):
    _, out = run(tmp_path, "nan", "--epochs", "1")
    good = model_state(out)
    real_loss = train_module.F.cross_entropy
    calls = {"n": 0}

    def loss_that_breaks(logits, labels):
        calls["n"] += 1
        loss = real_loss(logits, labels)
        return loss * float("nan") if calls["n"] == 2 else loss

    monkeypatch.setattr(train_module.F, "cross_entropy", loss_that_breaks)
    status, out = run(tmp_path, "nan", "--epochs", "2", "--resume")
    assert status == 1
    assert "loss became nan" in capsys.readouterr().err
    assert_same_weights(good, model_state(out))


def test_training_is_deterministic_for_a_seed(tmp_path):
    _, a = run(tmp_path, "a", "--epochs", "1", "--seed", "3")
    _, b = run(tmp_path, "b", "--epochs", "1", "--seed", "3")
    assert_same_weights(model_state(a), model_state(b))


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(SystemExit):
        train_module.parse_args(["--data", "mnist"])  # needs --data-dir
    with pytest.raises(SystemExit):
        train_module.parse_args(["--epochs", "0"])
    with pytest.raises(SystemExit, match="no checkpoint"):
        run(tmp_path, "empty", "--resume")
