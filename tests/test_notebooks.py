"""The teaching notebooks in docs/notebooks/ run from top to bottom as committed, and are
committed with their outputs cleared (a diff then shows code, not images).

Running them needs the optional `notebook` extra (`pip install ".[notebook]"`: nbclient,
nbformat, ipykernel); without it that test is skipped. The kernel is this interpreter, with
this checkout first on its path, whatever other Jupyter kernels the machine has.
"""

import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))


def test_the_teaching_notebook_is_there():
    assert ROOT / "docs" / "notebooks" / "the_plus_one.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_the_notebook_is_committed_without_outputs(path):
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, (
                f"{path.name}: clear the outputs before committing")


def run_notebook(path, tmp_path, monkeypatch):
    """Execute the notebook in a fresh kernel of this interpreter; returns the executed one."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    spec = tmp_path / "jupyter" / "kernels" / "minigrad-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "minigrad test", "language": "python", "env": {"PYTHONPATH": str(ROOT)}}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="minigrad-test",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    return notebook


def test_the_plus_one_notebook_runs_and_shows_what_it_says(tmp_path, monkeypatch):
    notebook = run_notebook(ROOT / "docs" / "notebooks" / "the_plus_one.ipynb", tmp_path,
                            monkeypatch)
    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.outputs]
    printed = "".join(out.get("text", "") for out in outputs if out.output_type == "stream")
    assert "by hand: True" in printed and "gradcheck: True" in printed
    assert "x -> SkipAdd (the shortcut) carried" in printed
    pictures = [out for out in outputs if {"image/png", "image/svg+xml"} & set(out.get("data", {}))]
    assert len(pictures) == 4  # three graphs and the plot of gradient norms against depth
