"""Hostile checkpoints: nesting of any depth saves and loads without a RecursionError."""

import os

import numpy as np
import pytest

import minigrad as mg
from minigrad.serialization import HEADER_ENTRY

MiB = 1 << 20
GiB = 1 << 30
STATE = {"w": np.arange(3, dtype=np.float32), "step": 4, "nested": {"a": [1.5, (True, None)]},
         "t": mg.tensor([[1.0, 2.0]], requires_grad=True)}


def same(got, want):
    """Exactly equal: the same types, dtypes, shapes and values, through the nesting."""
    if isinstance(want, mg.Tensor):
        return (type(got) is mg.Tensor and got.requires_grad == want.requires_grad
                and same(got.detach().numpy(), want.detach().numpy()))
    if isinstance(want, np.ndarray):
        return (type(got) is np.ndarray and got.dtype == want.dtype
                and got.shape == want.shape and np.array_equal(got, want))
    if type(got) is not type(want):
        return False
    if isinstance(want, dict):
        return list(got) == list(want) and all(same(got[k], want[k]) for k in want)
    if isinstance(want, (list, tuple)):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    return got == want


@pytest.mark.parametrize("kind", [dict, list, tuple])
def test_nesting_10000_deep_saves_and_loads(tmp_path, kind):
    deep = leaf = {"w": np.ones(2, np.float32)}
    for _ in range(10_000):
        deep = {"inner": deep} if kind is dict else kind([deep])
    path = tmp_path / "deep.npz"
    mg.save(deep, path)
    loaded = mg.load(path)
    for _ in range(10_000):
        loaded = loaded["inner"] if kind is dict else loaded[0]
        assert type(loaded) in (kind, dict)
    assert same(loaded, leaf)


def test_a_deep_container_holding_itself_is_refused(tmp_path):
    outer = inner = {}
    for _ in range(5000):
        inner["x"] = {}
        inner = inner["x"]
    inner["loop"] = outer
    with pytest.raises(ValueError, match=r"save: state_dict\['x'\]\['x'\].*\['loop'\] "
                                         r"contains itself"):
        mg.save(outer, tmp_path / "c.npz")
    assert not os.listdir(tmp_path)


def test_a_deeply_nested_version_2_header_is_a_clear_error(tmp_path):
    tree = '{"type": "list", "items": [' * 100_000 + "]}" * 100_000
    header = ('{"format": "minigrad.checkpoint", "version": 2, "tree": ' + tree + "}").encode()
    path = tmp_path / "c.npz"
    np.savez(path, **{HEADER_ENTRY: np.frombuffer(header, np.uint8)})
    with pytest.raises(ValueError, match=rf"load: {path} is not a readable minigrad checkpoint"):
        mg.load(path)
