"""The README's code runs as written, and CI runs the README's test command."""

import os
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_readme_python_examples_run(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "the README should show Python examples"
    # The example that reads a trained run back finds one where it looks (a tiny one).
    from minigrad.models import train
    assert train.main(["--model", "resnet20", "--epochs", "1", "--limit", "64", "--no-progress",
                       "--out", str(tmp_path / "runs" / "resnet20")]) == 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                                   os.environ.get("PYTHONPATH")]))}
    for block in blocks:
        # A fresh process: the README defines an op, which must not enter this process's registry.
        result = subprocess.run([sys.executable, "-c", block], cwd=tmp_path, capture_output=True,
                                text=True, timeout=120, env=env)
        assert result.returncode == 0, f"README example failed:\n{block}\n{result.stderr}"
    assert (tmp_path / "runs" / "resnet20" / "metrics.png").is_file()


def test_readme_has_both_commands_and_ci_reads_the_test_one():
    for marker in ("<!-- ci:main -->", "<!-- ci:test -->"):
        assert marker in README
    ci = (ROOT / ".ci" / "run").read_text()
    assert "ci:test" in ci and "README.md" in ci


def test_readme_figures_and_links_exist():
    targets = re.findall(r"\]\(([^)#]+)\)", README)
    assert any(t.endswith(".png") for t in targets), "the README should show figures"
    for target in targets:
        assert (ROOT / target).exists(), f"README links to missing {target}"


def test_main_job_is_the_installed_report_command():
    main = README.split("<!-- ci:main -->", 1)[1].split("```", 2)[1]
    assert "minigrad-report" in main
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'minigrad-report = "minigrad.analysis.cli:report_main"' in pyproject
