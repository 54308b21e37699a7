"""The whole default report's wall time, and each experiment's, over a few runs.

    python benchmarks/bench_report.py [--rounds 2] [--size default]

Runs `python -m minigrad.analysis report` in a fresh process per round (so each round pays
the imports and the first-call costs a user pays), into a temporary folder, and reads the
per-experiment seconds from the report's run-time table. Prints the median and range of the
total and of each experiment. The report's budget is 180 s on 2 cores.
"""

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]


def one_round(size):
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "minigrad.analysis", "report", "--out", out,
                   "--no-progress"] + ([f"--{size}"] if size != "default" else [])
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        total = time.perf_counter() - start
        text = (Path(out) / "report.md").read_text()
    table = text.split("## Run time by experiment", 1)[1]
    parts = {name: float(seconds) for name, seconds in
             re.findall(r"^\| (\w+) \| ([\d.]+) \|", table, flags=re.M)}
    return total, parts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--size", default="default", choices=("quick", "default", "full"))
    args = parser.parse_args()
    rounds = [one_round(args.size) for _ in range(args.rounds)]
    totals = [total for total, _ in rounds]
    print(f"{args.size} report, {args.rounds} rounds: {median(totals):.0f} s wall "
          f"[{min(totals):.0f}..{max(totals):.0f}] (budget for default: 180 s)")
    for name in rounds[0][1]:
        values = [parts[name] for _, parts in rounds]
        print(f"  {name:13s} {median(values):6.1f} s [{min(values):.1f}..{max(values):.1f}]")


if __name__ == "__main__":
    main()
