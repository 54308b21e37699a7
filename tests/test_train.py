"""The training script: metrics, checkpoints, exact resume, Ctrl-C, NaN, determinism."""

import json
import os
import signal
import warnings

import numpy as np
import pytest

import minigrad as mg
from minigrad.models import run_directory, train as train_module

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
        assert set(row) == set(run_directory.METRIC_FIELDS)
        assert 0 <= row["test_acc"] <= 1 and np.isfinite(row["train_loss"])
    csv_lines = open(os.path.join(out, "metrics.csv")).read().splitlines()
    assert csv_lines[0].split(",") == list(run_directory.METRIC_FIELDS) and len(csv_lines) == 3
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
    _, out = run(tmp_path, "nan", "--epochs", "2", "--stop-after", "1")
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
    assert run(tmp_path, "mnist", "--data", "mnist")[0] == 2  # needs --data-dir
    with pytest.raises(SystemExit):
        train_module.parse_args(["--epochs", "0"])
    assert run(tmp_path, "empty", "--resume")[0] == 2


def metrics_rows(out):
    """metrics.jsonl's rows without the timing, and check that metrics.csv agrees."""
    rows = [json.loads(line) for line in open(os.path.join(out, "metrics.jsonl"))]
    csv_lines = open(os.path.join(out, "metrics.csv")).read().splitlines()
    assert [line.split(",")[0] for line in csv_lines[1:]] == [str(r["epoch"]) for r in rows]
    return [{k: v for k, v in r.items() if k != "seconds"} for r in rows]


class Crash(BaseException):
    """Stands for a kill: nothing after it runs, no handler catches it."""


def crash_on_call(monkeypatch, owner, name, n):
    real, calls = getattr(owner, name), {"n": 0}

    def crashing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise Crash
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, crashing)


@pytest.mark.parametrize("where", ["checkpoint", "metrics"])
def test_a_crash_between_checkpoint_and_metrics_leaves_them_consistent(tmp_path, monkeypatch,
                                                                       where):
    _, straight = run(tmp_path, "straight", "--epochs", "3")
    if where == "checkpoint":  # epoch 2's checkpoint is never written
        crash_on_call(monkeypatch, mg, "save", 2)
    else:  # epoch 2's checkpoint is written, its metrics are not
        crash_on_call(monkeypatch, train_module, "write_metrics", 2)
    with pytest.raises(Crash):
        run(tmp_path, "crashed", "--epochs", "3")
    monkeypatch.undo()
    status, out = run(tmp_path, "crashed", "--epochs", "3", "--resume")
    assert status == 0
    assert [r["epoch"] for r in metrics_rows(out)] == [1, 2, 3]
    assert metrics_rows(out) == metrics_rows(straight)
    assert_same_weights(model_state(straight), model_state(out))


def test_resume_truncates_metrics_to_the_checkpoint_and_removes_temporary_files(tmp_path):
    _, out = run(tmp_path, "run", "--epochs", "3", "--stop-after", "1")
    with open(os.path.join(out, "metrics.jsonl"), "a") as f:  # a row the checkpoint never saw
        f.write(json.dumps({"epoch": 2}) + "\n")
    orphan = os.path.join(out, ".checkpoint.npz." + "ab" * 16 + ".tmp")
    open(orphan, "wb").write(b"half a checkpoint")
    status, _ = run(tmp_path, "run", "--epochs", "3", "--resume", "--stop-after", "1")
    assert status == 0 and not os.path.exists(orphan)
    assert [r["epoch"] for r in metrics_rows(out)] == [1, 2]


@pytest.mark.parametrize("lr", ["inf", "1e4"])
def test_a_diverging_run_keeps_no_non_finite_checkpoint_and_no_numpy_warning(tmp_path, capsys,
                                                                            lr):
    # One batch per epoch: the step that overflows is the last before the epoch's checkpoint.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status, out = run(tmp_path, "diverge", "--epochs", "3", "--lr", lr, "--limit", "32",
                          "--schedule", "none")
    assert status == 1
    assert "non-finite" in capsys.readouterr().err
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    path = os.path.join(out, "checkpoint.npz")
    if os.path.exists(path):
        for key, value in mg.load(path)["model"].items():
            assert np.isfinite(value.numpy()).all(), key


def test_a_non_finite_test_loss_stops_the_run(tmp_path, monkeypatch, capsys):
    real_evaluate, calls = train_module.evaluate, {"n": 0}

    def evaluate_that_breaks(*args, **kwargs):
        calls["n"] += 1
        loss, accuracy = real_evaluate(*args, **kwargs)
        return (float("nan") if calls["n"] == 2 else loss), accuracy

    monkeypatch.setattr(train_module, "evaluate", evaluate_that_breaks)
    status, out = run(tmp_path, "run", "--epochs", "3")
    assert status == 1 and "test loss (nan)" in capsys.readouterr().err
    assert mg.load(os.path.join(out, "checkpoint.npz"))["position"]["epoch"] == 1
    assert [r["epoch"] for r in metrics_rows(out)] == [1]


def test_a_non_finite_batch_norm_buffer_stops_the_run(tmp_path, monkeypatch, capsys):
    real_build, built = train_module.build, []
    monkeypatch.setattr(train_module, "build",
                        lambda *a, **k: built.append(real_build(*a, **k)) or built[-1])
    real_step, calls = mg.optim.SGD.step, {"n": 0}

    def step_then_poison(self):
        real_step(self)
        calls["n"] += 1
        if calls["n"] == 6:  # the last step of epoch 2
            norm = next(m for m in built[0].modules() if hasattr(m, "running_var"))
            norm.running_var.numpy()[0] = float("inf")

    monkeypatch.setattr(mg.optim.SGD, "step", step_then_poison)
    status, out = run(tmp_path, "run", "--epochs", "3")
    assert status == 1 and "running_var became non-finite" in capsys.readouterr().err
    assert mg.load(os.path.join(out, "checkpoint.npz"))["position"]["epoch"] == 1
