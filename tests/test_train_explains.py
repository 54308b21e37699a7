"""The trainer explains itself (a start line, epoch lines with time and lr, how to go on after
--stop-after, --help with defaults, --version), and CIFAR's augmentation and normalization."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad.data.augment import channel_stats, normalize, random_crop_flip
from minigrad.models import train as train_module

from test_train import assert_same_weights, model_state, run


def test_start_line_epoch_lines_and_how_to_go_on(tmp_path, capsys):
    status, out = run(tmp_path, "run", "--epochs", "3", "--stop-after", "1")
    assert status == 0
    printed = capsys.readouterr()
    lines = printed.out.splitlines()
    assert lines[0].startswith("minigrad-train: training resnet8 (75,002 parameters) on digits "
                               "(96 training, 96 test examples) for 3 epochs of 3 batches; "
                               f"writing {out}; BLAS threads: ")
    assert lines[1].startswith("epoch   1/3  train loss ") and lines[1].endswith(" s")
    assert " lr 0.05 " in lines[1]
    assert lines[2] == (f"stopped after epoch 1 of 3, as --stop-after 1 asked; the checkpoint "
                        f"is in {out}; continue with: minigrad-train --resume --out {out}")
    assert "\r" not in printed.out + printed.err  # not a terminal: no progress bars
    status, _ = run(tmp_path, "run", "--epochs", "3", "--resume")
    assert capsys.readouterr().out.splitlines()[0].startswith("minigrad-train: resuming resnet8")


def test_help_shows_every_default_and_version_is_minigrads():
    done = subprocess.run([sys.executable, "-m", "minigrad.models.train", "--help"],
                          capture_output=True, text=True)
    assert done.returncode == 0
    text = " ".join(done.stdout.split())  # argparse wraps lines where it likes
    for default in ("(default: 0.05)", "(default: 64)", "(default: cosine)", "(default: 30)",
                    "(default: resnet20)", "(default: runs/latest)"):
        assert default in text, default
    assert "--resume continues the run" in done.stdout  # the epilog, as written
    done = subprocess.run([sys.executable, "-m", "minigrad.models.train", "--version"],
                          capture_output=True, text=True)
    assert done.stdout.strip() == f"minigrad {mg.__version__}"


def test_augmented_normalized_run_resumes_bit_for_bit_and_differs_from_plain(tmp_path):
    options = ["--epochs", "2", "--schedule", "none", "--augment", "--normalize"]
    _, straight = run(tmp_path, "straight", *options)
    run(tmp_path, "split", *options[:1], "2", "--stop-after", "1", *options[2:])
    status, resumed = run(tmp_path, "split", *options, "--resume")
    assert status == 0
    assert_same_weights(model_state(straight), model_state(resumed))
    _, plain = run(tmp_path, "plain", "--epochs", "2", "--schedule", "none")
    a, b = model_state(plain), model_state(straight)
    assert not all(np.array_equal(a[key], b[key]) for key in a)


def test_a_checkpoint_from_before_the_augment_option_resumes_without_it(tmp_path, capsys):
    _, out = run(tmp_path, "old", "--epochs", "2", "--stop-after", "1")
    path = os.path.join(out, "checkpoint.npz")
    checkpoint = mg.load(path)
    config = json.loads(checkpoint["config"])
    del config["augment"], config["normalize"]
    checkpoint["config"] = json.dumps(config)
    mg.save(checkpoint, path)
    status, _ = run(tmp_path, "old", "--epochs", "2", "--resume")
    assert status == 0
    status = train_module.main(["--resume", "--out", out, "--augment", "--epochs", "2"])
    assert status == 2  # the old run had no augmentation: refused, not silently changed
    assert "was started without --augment" in capsys.readouterr().err


def crop_flip_by_loops(images, top, left, flip, padding):
    """The definition, one image at a time."""
    padded = np.pad(images, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    h, w = images.shape[2:]
    out = np.empty_like(images)
    for k in range(len(images)):
        crop = padded[k, :, top[k]:top[k] + h, left[k]:left[k] + w]
        out[k] = crop[:, :, ::-1] if flip[k] else crop
    return out


def test_random_crop_flip_is_a_padded_shifted_mirrored_crop():
    images = np.arange(5 * 3 * 6 * 7, dtype=np.float32).reshape(5, 3, 6, 7)
    out = random_crop_flip(images, np.random.default_rng(3), padding=2)
    rng = np.random.default_rng(3)  # the same draws, in the same order
    top, left = rng.integers(0, 5, size=5), rng.integers(0, 5, size=5)
    flip = rng.random(5) < 0.5
    assert flip.any() and not flip.all()
    np.testing.assert_array_equal(out, crop_flip_by_loops(images, top, left, flip, 2))
    assert out.dtype == images.dtype
    np.testing.assert_array_equal(random_crop_flip(images, np.random.default_rng(0), 0)
                                  [~(np.random.default_rng(0).random(5) < 0.5)],
                                  images[~(np.random.default_rng(0).random(5) < 0.5)])


def test_channel_normalization_uses_the_given_statistics():
    rng = np.random.default_rng(0)
    images = rng.normal([1.0, -2.0, 5.0], [0.5, 2.0, 3.0], size=(400, 4, 4, 3)).transpose(0, 3, 1, 2)
    mean, std = channel_stats(images.astype(np.float32))
    assert mean.dtype == np.float32 and mean.shape == (3,)
    normalized = normalize(images, mean, std)
    np.testing.assert_allclose(normalized.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(normalized.std(axis=(0, 2, 3)), 1, atol=1e-5)


@pytest.mark.parametrize("call, message", [
    (lambda: random_crop_flip(np.zeros((3, 8, 8)), np.random.default_rng(0)),
     r"random_crop_flip: expected images of shape \(N, C, H, W\), got shape \(3, 8, 8\)"),
    (lambda: random_crop_flip(np.zeros((1, 1, 8, 8)), np.random.default_rng(0), padding=-1),
     "padding must be a non-negative int, got -1"),
    (lambda: channel_stats(np.zeros((0, 3, 2, 2))), "expected a non-empty batch"),
    (lambda: channel_stats(np.ones((2, 3, 2, 2))), "channel 0 is constant"),
])
def test_augmentation_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
