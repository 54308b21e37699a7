"""minigrad-train's user errors: one line on stderr, status 2, no traceback, and no --out
created by a command that fails."""

import errno
import os
import signal
import subprocess
import sys
import time

import pytest

import minigrad as mg
from train_run import assert_one_line_error, cli as run_cli

TINY = ["--model", "resnet8", "--limit", "64", "--batch-size", "32", "--no-progress"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(capsys, *argv):
    status, _, err = run_cli(capsys, *argv)
    return status, err


def test_out_that_is_a_file(tmp_path, capsys):
    path = tmp_path / "file"
    path.write_text("x")
    assert_one_line_error(*cli(capsys, *TINY, "--out", str(path)), "not a folder")
    assert_one_line_error(*cli(capsys, *TINY, "--out", str(path / "run")), "not a folder")
    assert path.read_text() == "x"


def test_empty_out(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(*cli(capsys, *TINY, "--out", ""), "--out is empty")
    assert os.listdir(tmp_path) == []


@pytest.fixture
def read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root ignores the mode: a read-only mount instead
        folder.chmod(0o755)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
                          capture_output=True).returncode != 0:
            pytest.skip("running as root, and no read-only tmpfs can be mounted")
        yield folder
        subprocess.run(["umount", str(folder)], check=True)
        return
    yield folder
    folder.chmod(0o755)


def test_read_only_out(read_only_folder, capsys):
    for out in (read_only_folder, read_only_folder / "run"):
        assert_one_line_error(*cli(capsys, *TINY, "--out", str(out)), "not writable")


@pytest.fixture
def tiny_disk(tmp_path):
    folder = tmp_path / "disk"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk(tiny_disk, capsys):
    # resnet8's checkpoint is about 0.3 MB: the first checkpoint cannot fit in 64 KiB.
    out = tiny_disk / "run"
    status, err = cli(capsys, *TINY, "--out", str(out), "--epochs", "1")
    assert_one_line_error(status, err, "No space left on device")
    assert [name for name in os.listdir(out) if name.endswith(".tmp")] == []


def test_a_full_disk_in_the_middle_of_a_run_keeps_the_last_checkpoint(tmp_path, capsys,
                                                                       monkeypatch):
    straight, out = str(tmp_path / "straight"), str(tmp_path / "run")
    cli(capsys, *TINY, "--out", straight, "--epochs", "3")
    real_save, calls = mg.save, {"n": 0}

    def save_until_the_disk_is_full(obj, f):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_save(obj, f)

    monkeypatch.setattr(mg, "save", save_until_the_disk_is_full)
    assert_one_line_error(*cli(capsys, *TINY, "--out", out, "--epochs", "3"),
                          "No space left on device")
    monkeypatch.undo()
    assert mg.load(os.path.join(out, "checkpoint.npz"))["position"]["epoch"] == 1
    assert len(open(os.path.join(out, "metrics.jsonl")).readlines()) == 1
    assert cli(capsys, *TINY, "--out", out, "--epochs", "3", "--resume")[0] == 0
    assert (open(os.path.join(out, "metrics.csv")).read().count("\n")
            == open(os.path.join(straight, "metrics.csv")).read().count("\n") == 4)


@pytest.mark.parametrize("argv, words", [
    (["--seed", "-1"], ["--seed"]),
    (["--epochs", "0"], ["--epochs"]),
    (["--lr", "-1"], ["--lr"]),
    (["--lr", "nan"], ["--lr"]),
    (["--momentum", "-0.5"], ["--momentum"]),
    (["--data", "mnist"], ["--data-dir"]),
    (["--resume", "--overwrite"], ["--overwrite"]),
    (["--data-dir", "."], ["--data-dir"]),
    (["--optimizer", "adam", "--momentum", "0.5"], ["--momentum"]),
])
def test_bad_options(tmp_path, capsys, argv, words):
    out = tmp_path / "run"
    assert_one_line_error(*cli(capsys, *TINY, "--out", str(out), *argv), *words)
    assert not out.exists()


@pytest.mark.parametrize("data", ["mnist", "cifar10"])
@pytest.mark.parametrize("content", ["missing", "empty", "garbage"])
def test_an_empty_or_malformed_data_folder(tmp_path, capsys, data, content):
    folder, out = tmp_path / "data", tmp_path / "run"
    if content != "missing":
        folder.mkdir()
    if content == "garbage":
        names = (["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                  "t10k-labels-idx1-ubyte"] if data == "mnist" else
                 [f"cifar-10-batches-py/data_batch_{i}" for i in range(1, 6)]
                 + ["cifar-10-batches-py/test_batch"])
        for name in names:
            (folder / name).parent.mkdir(exist_ok=True)
            (folder / name).write_bytes(b"\x00\x00\x08\x03 not really")
    status, err = cli(capsys, *TINY, "--out", str(out), "--data", data, "--data-dir", str(folder))
    assert_one_line_error(status, err, "--data-dir")
    assert not out.exists()


def test_resume_with_another_optimizer(tmp_path, capsys):
    out = str(tmp_path / "run")
    cli(capsys, *TINY, "--out", out, "--epochs", "2", "--stop-after", "1")
    assert_one_line_error(*cli(capsys, *TINY, "--out", out, "--epochs", "2", "--resume",
                               "--optimizer", "adam"), "--optimizer sgd, not adam")


def test_resume_without_a_checkpoint_creates_nothing(tmp_path, capsys):
    out = tmp_path / "run"
    assert_one_line_error(*cli(capsys, *TINY, "--out", str(out), "--resume"), "no checkpoint")
    assert not out.exists()


# The driver makes every checkpoint write after the first slow, as on a slow disk, so that
# the second Ctrl-C surely lands during the graceful stop's write.
SLOW_DISK = """
import os, sys, time
from minigrad.models import train
real_fsync, calls = os.fsync, []
def slow_fsync(descriptor):
    if os.path.basename(os.readlink(f"/proc/self/fd/{descriptor}")).startswith(".checkpoint."):
        calls.append(1)
        if len(calls) > 1:
            time.sleep(60)
    real_fsync(descriptor)
os.fsync = slow_fsync
sys.exit(train.main(sys.argv[1:]))
"""


def test_a_second_ctrl_c_stops_at_once_with_the_checkpoint_intact(tmp_path):
    out = str(tmp_path / "run")
    command = [sys.executable, "-c", SLOW_DISK, *TINY, "--limit", "256", "--batch-size", "8",
               "--epochs", "5", "--out", out]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout.readline().startswith("minigrad-train: training")
    assert process.stdout.readline().startswith("epoch   1")
    process.send_signal(signal.SIGINT)
    assert "stopping after this step" in process.stderr.readline() + process.stderr.readline()
    time.sleep(0.5)  # into the slow write
    process.send_signal(signal.SIGINT)
    started = time.monotonic()
    _, err = process.communicate(timeout=30)
    assert time.monotonic() - started < 5
    assert process.returncode == 130 and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1 and "stopped at once" in err, err
    assert mg.load(os.path.join(out, "checkpoint.npz"))["position"]["epoch"] == 1
    assert [name for name in os.listdir(out) if name.startswith(".")] == []


def test_the_console_script_prints_no_traceback(tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    result = subprocess.run([sys.executable, "-m", "minigrad.models.train", "--out", str(path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
