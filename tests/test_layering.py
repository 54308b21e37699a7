"""The layering the README's "How minigrad is built" writes down holds for every import, and
no source file outgrows the size budget.

The imports are read with `ast` (nothing is imported), so a new upward import, a kernel that
reaches for autograd or an op that imports the Tensor makes a test fail, naming the file.
"""

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
SOURCE_FOLDERS = ("minigrad", "models", "analysis")
MAX_LINES = 400


def layer_table():
    """{path prefix: (layer number, layer name)} from the README's layers block."""
    block = README.split("<!-- layers -->", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    table, current = {}, None
    for line in block.splitlines():
        opening = re.match(r"(\d)\s+(\w+)\s", line)
        if opening:
            current = int(opening.group(1)), opening.group(2)
        for path in re.findall(r"(?:minigrad|models|analysis)/[\w./]*", line):
            table[path] = current
    return table


LAYERS = layer_table()


def source_files():
    return sorted(p for folder in SOURCE_FOLDERS for p in (ROOT / folder).rglob("*.py"))


def module_name(path):
    """minigrad/ops/conv.py -> minigrad.ops.conv; models/x.py -> minigrad.models.x (as
    installed); a package's __init__.py -> the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] != "minigrad":
        parts.insert(0, "minigrad")
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def file_of(module):
    """The source file of a minigrad module name, or None if there is none."""
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("models", "analysis"):
        parts = parts[1:]
    base = ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def layer_of(path):
    relative = path.relative_to(ROOT).as_posix()
    matches = [prefix for prefix in LAYERS if relative == prefix or (
        prefix.endswith("/") and relative.startswith(prefix))]
    assert matches, f"{relative} is in no layer of the README's table"
    return LAYERS[max(matches, key=len)]


def imported_files(path):
    """The minigrad source files that `path` imports (relative imports resolved)."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(
        ".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from package import submodule` imports the submodule's file
            names = [f"{base}.{alias.name}" if file_of(f"{base}.{alias.name}") else base
                     for alias in node.names]
        else:
            continue
        found.update(f for f in map(file_of, (n for n in names if n.split(".")[0] == "minigrad"))
                     if f is not None and f != path)
    return found


def test_the_readme_table_covers_every_source_file():
    assert len({layer for layer in LAYERS.values()}) == 7
    for path in source_files():
        layer_of(path)


@pytest.mark.parametrize("path", source_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_imports_point_only_down_the_layers(path):
    own, own_name = layer_of(path)
    relative = path.relative_to(ROOT).as_posix()
    for target in imported_files(path):
        target_layer, target_name = layer_of(target)
        target_relative = target.relative_to(ROOT).as_posix()
        if relative.startswith("minigrad/tensor_") and relative != (
                "minigrad/tensor_functions.py") and (
                target_name == "ops"):
            continue  # the one arrow up: the Tensor's methods are ops
        assert target_layer <= own, (
            f"{relative} (layer {own}, {own_name}) imports {target_relative} (layer "
            f"{target_layer}, {target_name}): imports must point down the README's layers")
        if own_name == "kernels":
            assert target_name == "kernels", (
                f"{relative} imports {target_relative}: kernels use numpy only")
        if own_name == "ops":
            assert target_name in ("ops", "kernels") or target_relative == (
                "minigrad/function.py"), (
                f"{relative} imports {target_relative}: ops import only function.py, kernels/ "
                f"and other ops (never the Tensor: an op sees numpy arrays only)")


def test_the_checker_sees_relative_and_absolute_imports():
    conv = ROOT / "minigrad" / "ops" / "conv.py"
    assert ROOT / "minigrad" / "kernels" / "dispatch.py" in imported_files(conv)
    assert ROOT / "minigrad" / "function.py" in imported_files(conv)
    train = ROOT / "models" / "train.py"
    assert ROOT / "minigrad" / "optim" / "__init__.py" in imported_files(train)


@pytest.mark.parametrize("path", source_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_source_file_is_over_the_line_budget(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, (f"{path.relative_to(ROOT)} has {lines} lines; the budget is "
                                f"{MAX_LINES}: split it by purpose")
