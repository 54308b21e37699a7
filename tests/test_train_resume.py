"""The trainer's --resume and --out rules: the run's options come from its checkpoint, a
conflicting or impossible one is refused in one sentence, a new run never mixes with an old
one, and nothing is written through a symlink."""

import json
import os

import numpy as np
import pytest

import minigrad as mg
from train_run import assert_one_line_error, cli

from minigrad.models import train as train_module

TINY = ["--model", "resnet8", "--limit", "64", "--batch-size", "32", "--no-progress",
        "--lr", "0.05"]


def checkpoint_of(out):
    return mg.load(os.path.join(out, "checkpoint.npz"))


@pytest.fixture
def half_run(tmp_path, capsys):
    """A run of 2 planned epochs stopped after the first; its --out."""
    out = str(tmp_path / "run")
    assert cli(capsys, *TINY, "--out", out, "--epochs", "2", "--stop-after", "1")[0] == 0
    return out


@pytest.mark.parametrize("option", [("--model", "plain8"), ("--optimizer", "adam"),
                                    ("--batch-size", "16"), ("--seed", "1"), ("--limit", "32"),
                                    ("--lr", "0.1"), ("--schedule", "step"),
                                    ("--momentum", "0.5"), ("--weight-decay", "0"),
                                    ("--epochs", "3"), ("--data", "mnist")])
def test_resume_refuses_an_option_that_would_change_the_run(half_run, capsys, option):
    before = open(os.path.join(half_run, "checkpoint.npz"), "rb").read()
    extra = ["--data-dir", half_run] if option[0] == "--data" else []
    status, _, err = cli(capsys, *TINY, "--out", half_run, "--epochs", "2", "--resume",
                         *option, *extra)
    assert_one_line_error(status, err, option[0])
    assert open(os.path.join(half_run, "checkpoint.npz"), "rb").read() == before


def test_resume_takes_the_options_from_the_checkpoint(tmp_path, capsys):
    options = ["--model", "plain8", "--limit", "64", "--batch-size", "16", "--lr", "0.02",
               "--seed", "4", "--optimizer", "adam", "--epochs", "2", "--no-progress"]
    straight, split = str(tmp_path / "straight"), str(tmp_path / "split")
    cli(capsys, *options, "--out", straight)
    cli(capsys, *options, "--out", split, "--stop-after", "1")
    status, out, _ = cli(capsys, "--out", split, "--resume", "--no-progress")
    assert status == 0 and "resuming at epoch 2" in out
    a, b = checkpoint_of(straight)["model"], checkpoint_of(split)["model"]
    for key in a:
        np.testing.assert_array_equal(a[key].numpy(), b[key].numpy(), err_msg=key)


def test_resuming_a_finished_run_says_so(tmp_path, capsys):
    out = str(tmp_path / "run")
    cli(capsys, *TINY, "--out", out, "--epochs", "1")
    before = open(os.path.join(out, "checkpoint.npz"), "rb").read()
    status, stdout, _ = cli(capsys, *TINY, "--out", out, "--epochs", "1", "--resume")
    assert status == 0 and "already finished" in stdout
    assert open(os.path.join(out, "checkpoint.npz"), "rb").read() == before


def craft(out, change):
    checkpoint = checkpoint_of(out)
    change(checkpoint)
    mg.save(checkpoint, os.path.join(out, "checkpoint.npz"))


@pytest.mark.parametrize("position", [{"epoch": -1}, {"batch": 99}, {"epoch": 5},
                                      {"batch": -2}, {"seen": 10 ** 6}, {"epoch": "1"}])
def test_a_checkpoint_with_an_impossible_position_is_refused(half_run, capsys, position):
    craft(half_run, lambda c: c["position"].update(position))
    status, _, err = cli(capsys, *TINY, "--out", half_run, "--epochs", "2", "--resume")
    assert_one_line_error(status, err, "impossible position")


def test_weights_of_another_model_get_one_sentence(half_run, capsys):
    def claim_plain8(checkpoint):
        config = json.loads(checkpoint["config"])
        checkpoint["config"] = json.dumps({**config, "model": "plain8"})

    craft(half_run, claim_plain8)
    status, _, err = cli(capsys, "--out", half_run, "--resume", "--no-progress")
    assert_one_line_error(status, err, "does not fit --model plain8")


@pytest.mark.parametrize("damage", ["truncate", "garble"])
def test_a_damaged_checkpoint_gets_one_sentence(half_run, capsys, damage):
    path = os.path.join(half_run, "checkpoint.npz")
    data = bytearray(open(path, "rb").read())
    if damage == "truncate":
        data = data[:len(data) // 2]
    else:
        data[100:400] = os.urandom(300)
    open(path, "wb").write(bytes(data))
    status, _, err = cli(capsys, *TINY, "--out", half_run, "--epochs", "2", "--resume")
    assert_one_line_error(status, err, "checkpoint.npz")


def test_a_new_run_refuses_a_folder_holding_a_run(half_run, capsys):
    before = open(os.path.join(half_run, "metrics.jsonl")).read()
    status, _, err = cli(capsys, *TINY, "--out", half_run, "--epochs", "2")
    assert_one_line_error(status, err, "--resume", "--overwrite")
    assert open(os.path.join(half_run, "metrics.jsonl")).read() == before
    status, _, _ = cli(capsys, *TINY, "--out", half_run, "--epochs", "1", "--overwrite")
    assert status == 0 and checkpoint_of(half_run)["position"]["epoch"] == 1
    assert len(open(os.path.join(half_run, "metrics.jsonl")).readlines()) == 1


def test_overwrite_refuses_a_folder_with_foreign_files(half_run, capsys):
    notes = os.path.join(half_run, "notes.txt")
    open(notes, "w").write("mine")
    status, _, err = cli(capsys, *TINY, "--out", half_run, "--epochs", "2", "--overwrite")
    assert_one_line_error(status, err, "notes.txt")
    assert open(notes).read() == "mine" and checkpoint_of(half_run)["position"]["epoch"] == 1


def test_the_default_out_is_protected_too(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli(capsys, *TINY, "--epochs", "1")[0] == 0
    assert os.path.isfile(tmp_path / "runs" / "latest" / "checkpoint.npz")
    assert_one_line_error(*cli(capsys, *TINY, "--epochs", "1")[::2], "--resume")


@pytest.mark.parametrize("name", ["metrics.csv", "metrics.jsonl", "checkpoint.npz"])
@pytest.mark.parametrize("mode", ["--resume", "--overwrite"])
def test_run_files_that_are_symlinks_are_refused_not_followed(half_run, tmp_path, capsys,
                                                              name, mode):
    target = tmp_path / "elsewhere"
    path = os.path.join(half_run, name)
    os.replace(path, target)
    os.symlink(target, path)
    before = open(target, "rb").read()
    status, _, err = cli(capsys, *TINY, "--out", half_run, "--epochs", "2", mode)
    assert_one_line_error(status, err, "symbolic link")
    assert open(target, "rb").read() == before


def test_resume_of_an_mnist_run_needs_no_data_options(tmp_path, capsys, monkeypatch):
    arrays = {train: (np.random.default_rng(0).random((64, 1, 28, 28), dtype=np.float32),
                      np.arange(64) % 10) for train in (True, False)}
    monkeypatch.setattr(train_module.mgdata, "load_mnist",
                        lambda directory, train=True: arrays[train])
    out = str(tmp_path / "run")
    options = [*TINY, "--out", out, "--data", "mnist", "--data-dir", str(tmp_path)]
    assert cli(capsys, *options, "--epochs", "2", "--stop-after", "1")[0] == 0
    status, stdout, _ = cli(capsys, "--out", out, "--resume", "--no-progress")
    assert status == 0 and "resuming at epoch 2" in stdout


def test_a_checkpoint_with_non_finite_weights_is_refused(half_run, capsys):
    def poison(checkpoint):
        name = next(iter(checkpoint["model"]))
        checkpoint["model"][name].numpy()[...] = float("nan")

    craft(half_run, poison)
    status, _, err = cli(capsys, *TINY, "--out", half_run, "--epochs", "2", "--resume")
    assert_one_line_error(status, err, "not finite")


@pytest.mark.parametrize("option", [("model", "vgg"), ("epochs", "2"), ("lr", "fast"),
                                    ("limit", 0.5), ("seed", True), ("schedule", None)])
def test_a_checkpoint_with_an_impossible_config_is_refused(half_run, capsys, option):
    def set_option(checkpoint):
        config = json.loads(checkpoint["config"])
        checkpoint["config"] = json.dumps({**config, option[0]: option[1]})

    craft(half_run, set_option)
    status, _, err = cli(capsys, "--out", half_run, "--resume", "--no-progress")
    assert_one_line_error(status, err, "config is damaged", option[0])
