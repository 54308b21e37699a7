"""The project claims one import name, `minigrad`: models/ and analysis/ are minigrad.models
and minigrad.analysis, installed or from the checkout, and a user's own `models.py` or
`analysis.py` in the working folder changes nothing."""

import ast
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from minigrad import _checkout

ROOT = pathlib.Path(__file__).resolve().parent.parent
SUBPACKAGES = {"minigrad.models": "models", "minigrad.analysis": "analysis"}
OLD_NAMES = {"models", "analysis"}


def packages_under(folder, name):
    """Dotted names of `folder` and every package below it, `folder` being package `name`."""
    return {".".join([name, *init.parent.relative_to(folder).parts])
            for init in folder.rglob("__init__.py") if "__pycache__" not in init.parts}


def test_pyproject_installs_every_package_under_the_one_name_minigrad():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    setuptools = config["tool"]["setuptools"]
    expected = packages_under(ROOT / "minigrad", "minigrad")
    for package, folder in SUBPACKAGES.items():
        expected |= packages_under(ROOT / folder, package)
    listed = set(setuptools["packages"])
    assert listed == expected, (f"add to [tool.setuptools] packages: {expected - listed}; "
                                f"no such package: {listed - expected}")
    assert setuptools["package-dir"] == SUBPACKAGES
    assert config["project"]["scripts"] == {
        "minigrad-train": "minigrad.models.train:main",
        "minigrad-report": "minigrad.analysis.cli:report_main",
    }


def test_the_sibling_finder_is_on_only_in_a_checkout(tmp_path):
    checkout, wheel, bare = tmp_path / "checkout", tmp_path / "site", tmp_path / "bare"
    for folder in (checkout / "minigrad", checkout / "models", wheel / "minigrad" / "models",
                   wheel / "models", bare / "minigrad", bare / "models"):
        folder.mkdir(parents=True)
    (checkout / "pyproject.toml").write_text("")
    (wheel / "pyproject.toml").write_text("")
    assert _checkout.checkout_root(str(checkout / "minigrad")) == str(checkout)
    # Installed (minigrad/models/ exists), or no project beside it: an unrelated top-level
    # `models` next to minigrad/ is never used.
    assert _checkout.checkout_root(str(wheel / "minigrad")) is None
    assert _checkout.checkout_root(str(bare / "minigrad")) is None
    assert _checkout.checkout_root(str(ROOT / "minigrad")) == str(ROOT)


def test_the_sibling_finder_knows_exactly_two_names():
    finder = _checkout.SiblingFinder(str(ROOT))
    for package, folder in SUBPACKAGES.items():
        assert finder.find_spec(package).origin == str(ROOT / folder / "__init__.py")
    for name in ("models", "analysis", "minigrad.tests", "minigrad.benchmarks",
                 "minigrad.examples", "minigrad.models.train", "minigrad.nn"):
        assert finder.find_spec(name) is None, name


@pytest.fixture
def user_folder(tmp_path):
    """A working folder holding a user's own models.py and analysis.py."""
    for name in OLD_NAMES:
        (tmp_path / f"{name}.py").write_text('raise SystemExit("user file imported")\n')
    return tmp_path


def run_in(folder, command, source_tree):
    """Run `command` in `folder`, importing minigrad from this checkout (source_tree) or
    from wherever it is installed."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if source_tree:
        env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.parametrize("module", ["minigrad.models.train", "minigrad.analysis"])
def test_python_m_commands_ignore_the_users_models_and_analysis(user_folder, module):
    out = run_in(user_folder, [sys.executable, "-m", module, "--help"], source_tree=True)
    assert out.startswith("usage:")


@pytest.mark.parametrize("script", ["minigrad-train", "minigrad-report"])
def test_console_scripts_ignore_the_users_models_and_analysis(user_folder, script):
    path = shutil.which(script, path=os.path.dirname(sys.executable))
    if path is None:
        pytest.skip(f"{script} is not installed next to {sys.executable}")
    assert run_in(user_folder, [path, "--help"], source_tree=False).startswith("usage:")


IMPORTS = """
import json, sys
import minigrad
lazy = ("matplotlib", "models", "analysis", "minigrad.models", "minigrad.analysis")
eager = sorted(m for m in sys.modules if m.startswith(lazy))
import minigrad.models.train, minigrad.analysis
print(json.dumps({"eager": eager, "minigrad": minigrad.__file__,
                  "models": minigrad.models.__file__, "analysis": minigrad.analysis.__file__,
                  "top_level": sorted({"models", "analysis"} & set(sys.modules))}))
"""


@pytest.mark.parametrize("source_tree", [True, False], ids=["checkout", "installed"])
def test_import_minigrad_from_the_users_folder_gives_this_projects_models(user_folder,
                                                                        source_tree):
    if not source_tree and subprocess.run([sys.executable, "-c", "import minigrad"],
                                          cwd=user_folder, env={}).returncode != 0:
        pytest.skip("minigrad is not installed")
    found = json.loads(run_in(user_folder, [sys.executable, "-c", IMPORTS], source_tree))
    assert found["eager"] == [], "import minigrad should not load these"
    assert found["top_level"] == []
    package = pathlib.Path(found["minigrad"]).parent
    if source_tree:
        assert package == ROOT / "minigrad"
    # A checkout (or an editable install) has them beside minigrad/, a wheel inside it.
    home = package.parent if package == ROOT / "minigrad" else package
    for name in OLD_NAMES:
        assert pathlib.Path(found[name]) == home / name / "__init__.py"


def test_nothing_uses_the_old_top_level_names():
    folders = ("minigrad", "models", "analysis", "tests", "examples", "benchmarks", "docs")
    sources = [path for folder in folders for path in (ROOT / folder).rglob("*.py")]
    offences = []
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            offences += [f"{path}:{node.lineno} {name}" for name in names
                         if name.split(".")[0] in OLD_NAMES]
    command = re.compile(r"python3? -m (models|analysis)\b")
    texts = [ROOT / "README.md", *[p for f in folders for p in (ROOT / f).rglob("*.md")]]
    for path in sources + texts:
        offences += [f"{path}: {m.group(0)}" for m in command.finditer(path.read_text())]
    assert offences == []


def _installed_distribution():
    """The minigrad installed in this interpreter's site-packages (not a checkout's
    minigrad.egg-info, which the working folder on sys.path would find first), or None."""
    import importlib.metadata
    import sysconfig
    found = [d for d in importlib.metadata.distributions(path=[sysconfig.get_paths()["purelib"]])
             if d.metadata["Name"] == "minigrad"]
    return found[0] if found else None


def test_an_installed_wheel_holds_only_this_checkouts_files_and_its_licenses():
    """CI installs the project as a user gets it (not editable): every module in that install
    must be a file of this checkout, so a stale build/ folder cannot ship deleted modules."""
    dist = _installed_distribution()
    if dist is None or "editable" in (dist.read_text("direct_url.json") or ""):
        pytest.skip("minigrad is not installed from a wheel in this environment")
    import minigrad
    assert dist.version == minigrad.__version__
    modules = [f for f in dist.files if f.parts[0] == "minigrad" and f.suffix == ".py"]
    assert len(modules) > 50
    stale = []
    for module in modules:
        parts = module.parts[1:]
        source = (ROOT / parts[0] / pathlib.Path(*parts[1:]) if parts[0] in OLD_NAMES
                  else ROOT / "minigrad" / pathlib.Path(*parts))
        if not source.is_file():
            stale.append(str(module))
    assert not stale, f"installed modules with no source file in the checkout: {stale}"
    assert dist.metadata["License-Expression"] == "MIT"
    assert {"LICENSE", "minigrad/data/DIGITS_LICENSE.md"} <= set(
        dist.metadata.get_all("License-File"))
