"""`minigrad.models` and `minigrad.analysis` when running from a source checkout.

The repository keeps models/ and analysis/ at its top level, beside minigrad/; a wheel
installs them as minigrad/models/ and minigrad/analysis/ (pyproject's package-dir), so that
the project claims the one import name `minigrad`. From a checkout that is not installed
(the tests, examples, benchmarks), nothing puts them under minigrad/, so this finder maps
exactly those two names to the sibling folders. It is never active in an installed wheel:
there minigrad/ holds models/ itself, and its parent folder (site-packages) may hold an
unrelated top-level `models` that must not be picked up. Appending the repository root to
`minigrad.__path__` instead would also make minigrad.tests, minigrad.benchmarks, ... exist.
"""

import importlib.abc
import importlib.util
import os
import sys

SIBLINGS = ("models", "analysis")


def checkout_root(package_dir):
    """The repository root if the package folder `package_dir` (minigrad/) sits in a source
    checkout: pyproject.toml beside it and no models/ inside it. Otherwise None."""
    root = os.path.dirname(os.path.abspath(package_dir))
    if os.path.isdir(os.path.join(package_dir, "models")):
        return None  # installed: minigrad/models/ is the real one
    if not os.path.isfile(os.path.join(root, "pyproject.toml")):
        return None
    return root


class SiblingFinder(importlib.abc.MetaPathFinder):
    """Finds minigrad.models and minigrad.analysis in `root`, and nothing else. Their
    submodules then come from the packages' own __path__, as usual."""

    def __init__(self, root):
        self.root = root

    def find_spec(self, fullname, path=None, target=None):
        parent, _, name = fullname.partition(".")
        if parent != "minigrad" or name not in SIBLINGS:
            return None
        init = os.path.join(self.root, name, "__init__.py")
        if not os.path.isfile(init):
            return None
        return importlib.util.spec_from_file_location(
            fullname, init, submodule_search_locations=[os.path.dirname(init)])


def install(package_dir):
    """Register a SiblingFinder when `package_dir` is in a checkout (once per process)."""
    root = checkout_root(package_dir)
    if root is not None and not any(isinstance(f, SiblingFinder) for f in sys.meta_path):
        # First: an editable install of another checkout (a worktree's venv) must not win.
        sys.meta_path.insert(0, SiblingFinder(root))
