"""The classic PyTorch programs run on minigrad with only their import lines changed, and
print the same numbers as PyTorch.

Each program in tests/pytorch_programs/ is written in PyTorch (`import torch ...`). The test
runs it twice, each in its own process (numpy's and torch's thread pools fight on a small
machine): as written, on PyTorch, and with its `import torch...` lines turned into
`import minigrad...`. program_support.py gives both runs the same data, the same initial
weights, the same shuffled order and the same dropout masks. Then:
- every number the two runs print is the same: as printed in float32; in float64 to
  round-off (the printed digits, and the final weights to 1e-9);
- in float64, the final weights agree to 1e-9 relative.
Skipped when PyTorch is not installed; a few minutes in all, so marked slow
(`python -m pytest -m slow tests/test_pytorch_programs.py`).
"""

import os
import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest

HERE = pathlib.Path(__file__).parent / "pytorch_programs"
ROOT = pathlib.Path(__file__).parents[1]

PROGRAMS = {
    "quickstart": [],
    "mnist_example": ["--epochs", "2", "--batch-size", "32", "--test-batch-size", "40",
                      "--log-interval", "1"],
    "cifar_resnet": ["--epochs", "3", "--batch-size", "16", "--print-freq", "1", "--warm-up",
                     "--lr", "0.02"],
    "mobilenet": [],
}

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def minigrad_version(source):
    """The program with `torch` in its import lines replaced by `minigrad`: nothing else."""
    lines = []
    for line in source.splitlines():
        if line == "import torch":
            line = "import minigrad as torch"
        elif re.match(r"(import|from) torch\.", line) or line.startswith("from torch import"):
            line = line.replace("torch", "minigrad", 1)
        elif line.startswith("import torch."):
            line = line.replace("import torch.", "import minigrad.", 1)
        lines.append(line)
    return "\n".join(lines) + "\n"


def run(program, role, dtype, folder):
    source = (HERE / f"{program}.py").read_text()
    if role == "candidate":
        source = minigrad_version(source)
    script = folder / f"{program}_{role}.py"
    script.write_text(source)
    env = dict(os.environ, PROGRAM_ROLE=role, PROGRAM_DIR=str(folder), PROGRAM_DTYPE=dtype,
               PYTHONPATH=os.pathsep.join([str(HERE), str(ROOT)]))
    done = subprocess.run([sys.executable, str(script), *PROGRAMS[program]], env=env,
                          capture_output=True, text=True, timeout=600, cwd=folder)
    assert done.returncode == 0, f"{program} on {role} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def test_only_import_lines_change():
    for program in PROGRAMS:
        source = (HERE / f"{program}.py").read_text().splitlines()
        changed = [(a, b) for a, b in zip(source, minigrad_version("\n".join(source))
                                          .splitlines()) if a != b]
        assert changed and all(re.match(r"(import|from) ", a) for a, _ in changed), changed


@pytest.mark.slow
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("program", sorted(PROGRAMS))
def test_program_prints_what_pytorch_prints(program, dtype, tmp_path):
    pytest.importorskip("torch")
    reference = run(program, "reference", dtype, tmp_path)
    candidate = run(program, "candidate", dtype, tmp_path)
    expected, got = reference.splitlines(), candidate.splitlines()
    assert len(got) == len(expected), f"{len(got)} lines, PyTorch printed {len(expected)}"
    for want, have in zip(expected, got):
        assert NUMBER.findall(have) == NUMBER.findall(want), (
            f"{program} ({dtype}) printed\n  {have}\nwhere PyTorch printed\n  {want}")
    if dtype == "float64":
        with np.load(tmp_path / "final_weights_reference.npz") as a, \
                np.load(tmp_path / "final_weights_candidate.npz") as b:
            assert sorted(a.files) == sorted(b.files)
            for key in a.files:
                np.testing.assert_allclose(b[key], a[key], rtol=1e-9, atol=1e-12,
                                           err_msg=f"{program}: final {key}")
