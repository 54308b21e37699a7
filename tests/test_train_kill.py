"""kill -9 at random moments of a run, and at chosen points of its checkpoint and metrics
writes; then --resume must finish the run with the weights and metrics of an uninterrupted
one. Small enough for CI: a few seconds per trial, two trials at a time."""

import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import minigrad as mg
from minigrad.models import train as train_module

TINY = ["--model", "resnet8", "--limit", "64", "--batch-size", "32", "--no-progress",
        "--epochs", "3"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Runs the trainer, killing itself with SIGKILL at the KILL_AT=<point>:<n> point of its n-th
# checkpoint (or metrics) write.
DRIVER = """
import os, signal, sys
from minigrad.models import train
point, n = os.environ["KILL_AT"].split(":")
n, counts = int(n), {}

def reached(name):
    counts[name] = counts.get(name, 0) + 1
    if name == point and counts[name] == n:
        os.kill(os.getpid(), signal.SIGKILL)

real_fsync, real_replace = os.fsync, os.replace

def fsync(descriptor):
    # Every checkpoint write ends with one fsync of its temporary file, however mg.save
    # writes it: cutting the file there stands for a kill in the middle of the write.
    if os.path.basename(os.readlink(f"/proc/self/fd/{descriptor}")).startswith(".checkpoint."):
        if point == "checkpoint-half-written" and counts.get(point, 0) + 1 == n:
            os.ftruncate(descriptor, os.fstat(descriptor).st_size // 2)
        reached("checkpoint-half-written")
    real_fsync(descriptor)

def replace(source, target):
    name = os.path.basename(target)
    reached(f"before-replacing-{name}")
    real_replace(source, target)
    reached(f"after-replacing-{name}")

os.fsync = fsync
os.replace = replace  # what mg.save and the metrics writer rename with
sys.exit(train.main(sys.argv[1:]))
"""


def command(out, *extra):
    return [sys.executable, "-m", "minigrad.models.train", *TINY, "--out", out, *extra]


def resume_until_done(out):
    """Finish the run in `out` (a fresh start if it never saved a checkpoint)."""
    extra = ["--resume"] if os.path.exists(os.path.join(out, "checkpoint.npz")) else []
    result = subprocess.run(command(out, *extra), cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr


def final_state(out):
    weights = {key: value.numpy() for key, value in
               mg.load(os.path.join(out, "checkpoint.npz"))["model"].items()}
    rows = [json.loads(line) for line in open(os.path.join(out, "metrics.jsonl"))]
    csv_epochs = [line.split(",")[0] for line in open(os.path.join(out, "metrics.csv"))][1:]
    assert csv_epochs == [str(row["epoch"]) for row in rows]
    assert [name for name in os.listdir(out) if name.endswith(".tmp")] == []
    return weights, [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("straight") / "run")
    assert train_module.main([*TINY, "--out", out]) == 0
    return final_state(out)


def assert_same_run(out, uninterrupted):
    weights, rows = final_state(out)
    assert rows == uninterrupted[1]
    assert [row["epoch"] for row in rows] == [1, 2, 3]
    for key, value in uninterrupted[0].items():
        np.testing.assert_array_equal(weights[key], value, err_msg=key)


def run_trials(trial, arguments):
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(trial, arguments))  # list(): re-raises a trial's failure


POINTS = ["checkpoint-half-written", "before-replacing-checkpoint.npz",
          "after-replacing-checkpoint.npz", "after-replacing-metrics.csv"]


def test_kill_during_the_checkpoint_and_metrics_writes(tmp_path, uninterrupted):
    def trial(where):
        point, n = where
        out = str(tmp_path / f"{point}-{n}")
        killed = subprocess.run([sys.executable, "-c", DRIVER, *TINY, "--out", out], cwd=ROOT,
                                capture_output=True, text=True, timeout=120,
                                env={**os.environ, "KILL_AT": f"{point}:{n}"})
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        resume_until_done(out)
        assert_same_run(out, uninterrupted)

    run_trials(trial, [(point, n) for point in POINTS for n in (1, 2)])


def test_kill_at_random_moments(tmp_path, uninterrupted):
    rng = np.random.default_rng(13)
    plans = [(i, rng.uniform(0.4, 1.4, size=rng.integers(1, 3))) for i in range(8)]

    def trial(plan):
        index, delays = plan
        out = str(tmp_path / f"random-{index}")
        for delay in delays:
            extra = ["--resume"] if os.path.exists(os.path.join(out, "checkpoint.npz")) else []
            process = subprocess.Popen(command(out, *extra), cwd=ROOT, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE, text=True)
            time.sleep(delay)
            process.kill()
            _, err = process.communicate(timeout=60)
            assert process.returncode in (0, -signal.SIGKILL), err
        resume_until_done(out)
        assert_same_run(out, uninterrupted)

    run_trials(trial, plans)
