"""A training run read back: load_checkpoint gives the trained model for inference, and
plot_metrics draws its metrics.csv."""

import json
import os

import numpy as np
import pytest

import minigrad as mg
from minigrad.data import load_digits
from minigrad.models import load_checkpoint, plot_metrics, saved_run

from test_train import run


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    _, out = run(tmp_path_factory.mktemp("runs"), "run", "--epochs", "2")
    return out


def test_the_loaded_model_scores_what_the_run_recorded(finished_run):
    model, config = load_checkpoint(finished_run)
    assert config["model"] == "resnet8" and config["epochs"] == 2 and not model.training
    split = load_digits(seed=config["seed"])
    x, y = split.x_test[:config["limit"]], split.y_test[:config["limit"]]
    with mg.no_grad():
        accuracy = float((model(mg.tensor(x)).argmax(1).numpy() == y).mean())
    last = [json.loads(line) for line in open(os.path.join(finished_run, "metrics.jsonl"))][-1]
    assert accuracy == pytest.approx(last["test_acc"])
    again, _ = load_checkpoint(os.path.join(finished_run, "checkpoint.npz"))
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(again.state_dict()[key].numpy(), value.numpy())


def test_plot_metrics_writes_a_png_beside_the_metrics(finished_run, tmp_path):
    path = plot_metrics(finished_run)
    assert path == os.path.join(finished_run, "metrics.png")
    assert open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    assert saved_run.main([finished_run]) == 0
    elsewhere = plot_metrics(os.path.join(finished_run, "metrics.csv"), str(tmp_path / "m.png"))
    assert os.path.getsize(elsewhere) > 1000


def test_missing_and_damaged_runs_are_named_errors(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="neither a run folder nor a file in one"):
        load_checkpoint(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="holds no checkpoint.npz"):
        load_checkpoint(tmp_path)
    (tmp_path / "checkpoint.npz").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match=r"^load_checkpoint: .*checkpoint.npz is damaged"):
        load_checkpoint(tmp_path)
    with pytest.raises(FileNotFoundError, match="holds no metrics.csv"):
        plot_metrics(tmp_path)
    assert saved_run.main([str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("plot_metrics: error: ")
    assert saved_run.main([]) == 2
