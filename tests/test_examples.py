"""Every script in examples/ runs in quick mode and prints what its docstring promises.

Scripts are found by a glob, so a new example is run without touching this file. The
convention: each example takes `--quick` (a tiny budget for this test); a script that
predates it is listed in QUICK_ARGS with its own small budget. Each runs in a fresh process
from the repository root, as a reader would run it.
"""

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))

#: Scripts whose quick run needs other arguments than --quick (none today).
QUICK_ARGS = {}

#: "about 60 lines" is the examples' style; this leaves room without letting one grow long.
MAX_LINES = 70


def run_quick(script):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    args = QUICK_ARGS.get(script.name, ["--quick"])
    result = subprocess.run([sys.executable, str(script), *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, (
        f"{script.name} {' '.join(args)} exited with {result.returncode}:\n{result.stderr}")
    return result.stdout


def number_after(label, text):
    match = re.search(re.escape(label) + r"\s*([-+0-9.e]+)", text)
    assert match, f"no {label!r} in the output:\n{text}"
    return float(match.group(1))


def check_mlp_by_hand(out):
    # One epoch of plain SGD already gets most digits right; chance is 0.1.
    assert number_after("test accuracy", out) > 0.75


def check_custom_op(out):
    assert "gradcheck Softplus: True" in out
    assert "gradcheck WrongSoftplus caught the bug: gradcheck: gradient mismatch" in out
    assert "dL/dx at x = 0: 0.5000" in out


def check_seed_figures(out):
    assert re.search(r"Conv2d \(standard\)\s+18432\n", out)
    assert re.search(r"DepthwiseConv2d\s+288\n", out)
    assert re.search(r"PointwiseConv2d\s+2048\n", out)
    assert re.search(r"DepthwiseSeparableConv2d\s+2336\n", out)
    assert "depthwise separable = 288 + 2048 = 2336 against 18432" in out
    assert re.search(r"Conv2d, 1 -> 1 channel\s+9\n", out)
    assert re.search(r"SpatialSeparableConv2d, 1 -> 1\s+6\n", out)
    assert "[[1, 0, -1], [2, 0, -2], [1, 0, -1]]" in out
    assert "separable equals 2-D conv: True (max |difference| 0;" in out


def check_watch_the_plus_one(out):
    # With the "+1" the gradient arrives at x_0 about as large as it left x_30; without it,
    # it is a product of 30 factors well below 1.
    match = re.search(r"ratio .*: with \+1 (\S+), without (\S+)\n", out)
    assert match, out
    assert 0.3 < float(match.group(1)) < 10
    assert float(match.group(2)) < 1e-10
    assert len(re.findall(r"^\s+\d+\s+\S+\s+\S+$", out, flags=re.M)) == 31  # x_0 .. x_30


def check_fit_a_curve(out):
    first = number_after("step     0  mse", out)
    assert number_after("final mse", out) < first / 10


def check_draw_the_plus_one(out):
    plus_one, cut = out.split("shortcut_grad=False:")
    # The skip edge hands x_0 what SkipAdd received, dL/dx_1, unchanged (the "+1"); x_0
    # gets the sum of the skip and branch edges' gradients, at most the sum of their norms.
    skip, branch, received = (number_after(label, plus_one) for label in
                              ("skip edge", "branch edge", "received"))
    assert skip == number_after("SkipAdd -> blocks.1 (ResidualBlock)", plus_one) > 0
    assert max(skip, branch) - min(skip, branch) <= received <= skip + branch
    assert re.search(r"stem\.1 \(Linear\) -> SkipAdd +0 \(cut\)\n", cut)
    assert "(cut)" not in plus_one
    assert number_after("skip edge", cut) == 0
    assert number_after("received", cut) == number_after("branch edge", cut) > 0


CHECKS = {
    "mlp_by_hand.py": check_mlp_by_hand,
    "custom_op.py": check_custom_op,
    "seed_figures.py": check_seed_figures,
    "watch_the_plus_one.py": check_watch_the_plus_one,
    "fit_a_curve.py": check_fit_a_curve,
    "draw_the_plus_one.py": check_draw_the_plus_one,
}


def test_the_examples_are_found():
    assert {path.name for path in EXAMPLES} >= set(CHECKS)


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.name)
def test_example_runs_quick(script):
    out = run_quick(script)
    assert out.strip(), f"{script.name} printed nothing"
    check = CHECKS.get(script.name)
    if check is not None:
        check(out)


def test_fit_a_curve_refuses_a_step_count_below_one():
    script = ROOT / "examples" / "fit_a_curve.py"
    for steps in ("0", "-3"):
        done = subprocess.run([sys.executable, str(script), "--steps", steps],
                              capture_output=True, text=True)
        assert done.returncode == 2
        assert f"--steps must be a positive integer, got {steps}" in done.stderr
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.name)
def test_example_is_short_and_says_how_to_run_it(script):
    text = script.read_text()
    assert len(text.splitlines()) <= MAX_LINES, f"{script.name} is longer than {MAX_LINES} lines"
    assert f"python examples/{script.name}" in text, f"{script.name}: say how to run it"
