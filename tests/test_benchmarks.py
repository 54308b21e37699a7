"""The benchmark scripts run, and their statistics are what benchmarks/README.md says."""

import pathlib
import subprocess
import sys

BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import bench_conv  # noqa: E402


def test_ratios_are_medians_of_paired_rounds():
    ours = [{"train_ms": 2.0}, {"train_ms": 4.0}, {"train_ms": 3.0}]
    theirs = [{"train_ms": 1.0}, {"train_ms": 1.0}, {"train_ms": 2.0}]
    # per round 2.0, 4.0, 1.5: the median pair ratio, not 3.0 / 1.0
    assert bench_conv.paired_ratio(ours, theirs, "train_ms") == 2.0
    assert bench_conv.median_of_rounds(ours) == {"train_ms": 3.0}
    assert bench_conv.median([4.0, 1.0, 3.0, 2.0]) == 2.5


def test_bench_conv_prints_a_row_per_shape():
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_conv.py"), "--no-torch", "--shapes", "DIG", "D1",
         "--repeats", "1", "--rounds", "2"], capture_output=True, text=True, check=True)
    rows = [line.split()[0] for line in done.stdout.splitlines()[3:]]
    assert rows == ["DIG", "D1"], done.stdout


def test_bench_overhead_prints_forward_and_backward_per_op():
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench_overhead.py"), "--length",
                           "50", "--repeats", "1"], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines[1].split()[:2] == ["minigrad", "forward"] and "backward" in lines[1], done.stdout
    assert lines[-1].split()[0] == "numpy", done.stdout


def test_bench_depth_prints_a_row_per_depth():
    done = subprocess.run([sys.executable, str(BENCHMARKS / "bench_depth.py"), "--depths", "3",
                           "7", "--rounds", "1"], capture_output=True, text=True, check=True)
    rows = [line.split() for line in done.stdout.splitlines()[2:]]
    assert [row[0] for row in rows] == ["3", "7"], done.stdout
    assert all(float(row[-1]) > 0 for row in rows)  # KiB of graph per block
