"""minigrad.save / minigrad.load: exact round trips of nested state dicts (types, dtypes,
128-bit generator states, Tensors back as Tensors), paths and file objects, torch.load's
keywords, old (version 1) files, resuming training and data order from a checkpoint, refusing
what would need pickle, atomic writes, and clear errors for truncated or foreign files."""

import collections
import hashlib
import io

import json
import math
import os
import zipfile

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import minigrad as mg
from minigrad import nn, optim
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.serialization import HEADER_ENTRY


def assert_same(got, want, where="state"):
    """Equal values of exactly the same types; arrays and Tensors of the same dtype, shape
    and bits (Tensors with the same requires_grad)."""
    if isinstance(want, mg.Tensor):
        assert type(got) is mg.Tensor, f"{where}: {type(got)} is not a Tensor"
        assert got.requires_grad == want.requires_grad, where
        got, want = got.detach().numpy(), want.detach().numpy()
    if isinstance(want, np.ndarray):
        assert type(got) is np.ndarray, where
        assert got.dtype == want.dtype and got.shape == want.shape, where
        np.testing.assert_array_equal(got, want, err_msg=where)
        return
    assert type(got) is type(want), f"{where}: {type(got)} != {type(want)}"
    if isinstance(want, dict):
        assert list(got.keys()) == list(want.keys()), where
        for key in want:
            assert type(next(k for k in got if k == key)) is type(key), where
            assert_same(got[key], want[key], f"{where}[{key!r}]")
    elif isinstance(want, (list, tuple)):
        assert len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, (float, np.floating)):
        assert repr(got) == repr(want), where  # exact, and tells nan, inf and -0.0 apart
    else:
        assert got == want, where


def round_trip(state, tmp_path):
    path = tmp_path / "checkpoint.npz"
    mg.save(state, path)
    return mg.load(path)


# ----- round trips ----------------------------------------------------------------------------


def test_round_trip_of_a_nested_checkpoint(tmp_path):
    rng = np.random.default_rng(0)
    state = {
        "model": {"conv1.weight": rng.standard_normal((4, 1, 3, 3)).astype(np.float32),
                  "bn.num_batches_tracked": np.array(12, dtype=np.int64),
                  "fc.bias": mg.tensor([0.5, -1.5])},
        "optimizer": {"state": {0: {"step": 5, "exp_avg": np.ones(3, dtype=np.float64)}},
                      "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8,
                                        "params": [0, 1], "nesterov": False, "name": None}]},
        "epoch": 3,
        "note": "ünïcode ✓",
        "labels": np.arange(10, dtype=np.int64),
        "mask": np.array([[True, False]]),
        "names": np.array(["cat", "dog"]),
        "empty": {"dict": {}, "list": [], "tuple": (), "array": np.zeros((0, 3), np.float32)},
        "numpy_scalars": [np.float32(0.25), np.int64(-7), np.bool_(True)],
    }
    loaded = round_trip(state, tmp_path)
    assert_same(loaded, state)
    assert type(loaded["model"]["fc.bias"]) is mg.Tensor  # as torch.load gives tensors
    assert type(loaded["model"]["conv1.weight"]) is np.ndarray  # and arrays stay arrays


def test_what_pytorch_scripts_save_round_trips(tmp_path):
    """A dict of state dicts, numbers, and optimizer state that holds Tensors inside a
    defaultdict: they come back as dicts, with the Tensors as Tensors."""
    model = nn.Linear(3, 2, generator=np.random.default_rng(0))
    state = collections.defaultdict(dict)
    state[0] = {"step": mg.tensor(4.0), "exp_avg": mg.zeros(2, 3)}
    checkpoint = {"epoch": 7, "loss": 0.25, "model": model.state_dict(),
                  "optimizer": {"state": state, "param_groups": [{"lr": 0.1, "params": [0]}]},
                  "order": collections.OrderedDict([("b", mg.ones(1)), ("a", np.ones(1))])}
    loaded = round_trip(checkpoint, tmp_path)
    assert type(loaded["optimizer"]["state"]) is dict and type(loaded["order"]) is dict
    assert list(loaded["order"]) == ["b", "a"]
    assert type(loaded["model"]["weight"]) is mg.Tensor
    np.testing.assert_array_equal(loaded["model"]["weight"].numpy(), model.weight.detach().numpy())
    assert type(loaded["optimizer"]["state"][0]["step"]) is mg.Tensor
    assert loaded["optimizer"]["state"][0]["step"].item() == 4.0
    other = nn.Linear(3, 2, generator=np.random.default_rng(1))
    other.load_state_dict(loaded["model"])
    np.testing.assert_array_equal(other.weight.detach().numpy(), model.weight.detach().numpy())


def test_a_saved_parameter_keeps_requires_grad(tmp_path):
    model = nn.Linear(2, 1, generator=np.random.default_rng(0))
    loaded = round_trip({"params": list(model.parameters()), "plain": mg.ones(2)}, tmp_path)
    assert [p.requires_grad for p in loaded["params"]] == [True, True]
    assert loaded["plain"].requires_grad is False
    loaded["params"][0].sum().backward()  # an ordinary leaf
    assert loaded["params"][0].grad is not None


def test_save_and_load_through_file_objects(tmp_path):
    state = {"w": mg.arange(3.0), "step": 2}
    buffer = io.BytesIO()
    mg.save(state, buffer)
    buffer.seek(0)
    assert_same(mg.load(buffer), state)
    path = tmp_path / "c.pt"
    with open(path, "wb") as f:
        mg.save(state, f)
    with open(path, "rb") as f:
        assert_same(mg.load(f), state)
    assert_same(mg.load(str(path)), state)


def test_load_takes_torch_keywords(tmp_path):
    path = tmp_path / "c.pt"
    mg.save({"w": mg.ones(2)}, path)
    for location in (None, "cpu", mg.device("cpu"), {"cuda:0": "cpu"}):
        for weights_only in (None, True, False):
            loaded = mg.load(path, map_location=location, weights_only=weights_only)
            assert type(loaded["w"]) is mg.Tensor
    assert type(mg.load(path, "cpu")["w"]) is mg.Tensor


@pytest.mark.parametrize("kwargs,match", [
    ({"map_location": "cuda"}, "map_location='cuda'.*write map_location='cpu'"),
    ({"map_location": {"cpu": "cuda:0"}}, "one device"),
    ({"map_location": lambda storage, location: storage}, "map_location="),
    ({"pickle_module": object()}, "pickle_module"),
    ({"mmap": True}, "mmap=True"),
])
def test_load_refuses_options_it_cannot_honour(tmp_path, kwargs, match):
    path = tmp_path / "c.pt"
    mg.save({"a": 1}, path)
    with pytest.raises(ValueError, match=match):
        mg.load(path, **kwargs)


def test_save_and_load_refuse_what_is_not_a_file():
    with pytest.raises(TypeError, match="save: f must be a path or a binary file object"):
        mg.save({"a": 1}, 3)
    with pytest.raises(TypeError, match="load: f must be a path or a binary file object"):
        mg.load(3)


def test_version_1_files_still_load(tmp_path):
    """Before version 2 a Tensor was saved as an "array" node: it loads as an array."""
    path = tmp_path / "old.npz"
    tree = {"type": "dict", "items": [[{"type": "str", "value": "w"},
                                       {"type": "array", "entry": "0"}]]}
    header = json.dumps({"format": "minigrad.checkpoint", "version": 1, "tree": tree})
    np.savez(path, **{HEADER_ENTRY: np.frombuffer(header.encode(), dtype=np.uint8),
                      "0": np.arange(3, dtype=np.float32)})
    loaded = mg.load(path)
    assert type(loaded["w"]) is np.ndarray
    np.testing.assert_array_equal(loaded["w"], np.arange(3, dtype=np.float32))


def test_version_2_files_still_load(tmp_path):
    """Version 2 nested each container's child nodes in it (and had no checksums)."""
    path = tmp_path / "old.npz"
    key = {"type": "str", "value": "w"}
    tree = {"type": "dict", "items": [
        [key, {"type": "tensor", "entry": "0", "requires_grad": True}],
        [{"type": "int", "value": "7"}, {"type": "list", "items": [
            {"type": "tuple", "items": [{"type": "float", "value": "0.5"}, {"type": "none"}]},
            {"type": "numpy_scalar", "entry": "1"}]}]]}
    header = json.dumps({"format": "minigrad.checkpoint", "version": 2, "tree": tree})
    np.savez(path, **{"0": np.arange(3, dtype=np.float32), "1": np.array(4, np.int64),
                      HEADER_ENTRY: np.frombuffer(header.encode(), dtype=np.uint8)})
    assert_same(mg.load(path), {"w": mg.tensor([0.0, 1.0, 2.0], requires_grad=True),
                                7: [(0.5, None), np.int64(4)]})


def test_torch_load_of_torch_save_gives_tensors_too(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"model": torch.nn.Linear(2, 1).state_dict(), "epoch": 1}, tmp_path / "t.pt")
    theirs = torch.load(tmp_path / "t.pt", map_location="cpu", weights_only=True)
    mg.save({"model": nn.Linear(2, 1).state_dict(), "epoch": 1}, tmp_path / "m.pt")
    ours = mg.load(tmp_path / "m.pt", map_location="cpu", weights_only=True)
    assert isinstance(theirs["model"]["weight"], torch.Tensor)
    assert isinstance(ours["model"]["weight"], mg.Tensor)
    assert ours["model"]["weight"].requires_grad == theirs["model"]["weight"].requires_grad
    assert type(ours["epoch"]) is type(theirs["epoch"])


def test_big_ints_and_special_floats_are_exact(tmp_path):
    state = {"big": 2**200 + 1, "negative": -(2**70), "zero": 0, "max_u128": 2**128 - 1,
             "nan": math.nan, "inf": math.inf, "-inf": -math.inf, "-0.0": -0.0,
             "tiny": 5e-324, "third": 1 / 3, "true": True, "false": False}
    assert_same(round_trip(state, tmp_path), state)


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.MT19937, np.random.Philox])
def test_numpy_generator_state_round_trips_and_resumes(tmp_path, bit_generator):
    generator = np.random.Generator(bit_generator(1234))
    generator.random(7)
    state = generator.bit_generator.state
    if bit_generator is np.random.PCG64:  # its 128-bit state and increment are Python ints
        assert max(_ints(state)) >= 2**64
    loaded = round_trip({"rng": state}, tmp_path)["rng"]
    assert_same(loaded, state)
    resumed = np.random.Generator(bit_generator(0))
    resumed.bit_generator.state = loaded
    np.testing.assert_array_equal(resumed.random(5), generator.random(5))


@pytest.mark.parametrize("bit_generator", [np.random.PCG64, np.random.MT19937])
def test_rng_state_checkpoints_dropout_and_survives_save_and_load(tmp_path, bit_generator):
    mg.manual_seed(3)
    mg.randn(4)
    state = mg.get_rng_state()
    assert state.dtype == mg.uint8 and state.ndim == 1  # torch's ByteTensor
    expected = mg.nn.functional.dropout(mg.ones(50), 0.5)
    mg.set_rng_state(round_trip({"rng": state}, tmp_path)["rng"])
    assert mg.equal(mg.nn.functional.dropout(mg.ones(50), 0.5), expected)
    generator = mg.Generator()
    generator.rng = np.random.Generator(bit_generator(5))  # any numpy bit generator
    saved, draws = generator.get_state(), mg.rand(6, generator=generator)
    other = mg.Generator().manual_seed(0)
    held = other.rng
    assert other.set_state(saved) is other and mg.equal(mg.rand(6, generator=other), draws)
    assert (other.rng is held) == (bit_generator is np.random.PCG64)  # set in place if it can


@pytest.mark.parametrize("state, error", [
    (np.zeros(3, np.uint8), TypeError), (mg.zeros(3), TypeError),
    (mg.zeros(3, dtype=mg.uint8), RuntimeError),
    (mg.tensor(list(b'{"bit_generator": "Generator"}'), dtype=mg.uint8), RuntimeError),
])
def test_set_rng_state_refuses_what_get_rng_state_did_not_make(state, error):
    before = mg.get_rng_state()
    with pytest.raises(error, match="set_state"):
        mg.set_rng_state(state)
    assert mg.equal(mg.get_rng_state(), before)


def _ints(tree):
    if isinstance(tree, dict):
        for value in tree.values():
            yield from _ints(value)
    elif isinstance(tree, int):
        yield tree


def test_keys_that_would_collide_when_flattened_stay_apart(tmp_path):
    state = {0: "int zero", "0": "str zero", "a.b": 1, "a": {"b": 2}, "a/b": 3,
             None: "none", True: "true", 2.5: "float", "": "empty"}
    assert_same(round_trip(state, tmp_path), state)


scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**130, 2**130),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=5))
arrays = hnp.arrays(st.sampled_from([np.float32, np.float64, np.int64, np.uint8, np.bool_]),
                    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3))
keys = st.one_of(st.text(max_size=4), st.integers(-3, 3))
trees = st.recursive(
    st.one_of(scalars, arrays),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.lists(children, max_size=3).map(tuple),
                               st.dictionaries(keys, children, max_size=3)),
    max_leaves=12,
)


@given(state=trees)
def test_any_nested_state_round_trips(tmp_path_factory, state):
    assert_same(round_trip(state, tmp_path_factory.mktemp("ckpt")), state)


# ----- checkpoints that resume ----------------------------------------------------------------


def test_training_resumes_exactly_from_a_checkpoint(tmp_path):
    x = mg.tensor(np.random.default_rng(0).standard_normal((16, 3)).astype(np.float32))
    target = mg.tensor(np.random.default_rng(1).standard_normal((16, 2)).astype(np.float32))

    def make():
        model = nn.Linear(3, 2, generator=np.random.default_rng(2))
        return model, optim.Adam(model.parameters(), lr=0.01)

    def train(model, opt, steps):
        for _ in range(steps):
            opt.zero_grad()
            ((model(x) - target) ** 2).mean().backward()
            opt.step()

    model, opt = make()
    train(model, opt, 3)
    mg.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, tmp_path / "c.npz")
    train(model, opt, 2)

    resumed_model, resumed_opt = make()
    checkpoint = mg.load(tmp_path / "c.npz")
    resumed_model.load_state_dict(checkpoint["model"])
    resumed_opt.load_state_dict(checkpoint["optimizer"])
    train(resumed_model, resumed_opt, 2)
    for (name, p), (_, q) in zip(model.state_dict().items(), resumed_model.state_dict().items()):
        np.testing.assert_array_equal(p, q, err_msg=name)


def test_data_order_resumes_exactly_from_a_checkpoint(tmp_path):
    x, y = np.zeros((30, 1), dtype=np.float32), np.arange(30)
    data = TensorDataset(x, y)
    loader = DataLoader(data, batch_size=4, shuffle=True, generator=mg.Generator().manual_seed(3))
    list(loader)
    mg.save({"loader": loader.state_dict()}, tmp_path / "c.npz")
    expected = np.concatenate([yb.numpy() for _, yb in loader])
    resumed = DataLoader(data, batch_size=4, shuffle=True, generator=mg.Generator().manual_seed(0))
    resumed.load_state_dict(mg.load(tmp_path / "c.npz")["loader"])
    np.testing.assert_array_equal(np.concatenate([yb.numpy() for _, yb in resumed]), expected)


# ----- the file -------------------------------------------------------------------------------


def test_file_is_a_plain_npz_with_a_json_header(tmp_path):
    path = tmp_path / "c.npz"
    mg.save({"w": np.ones(2, np.float32), "step": 3}, path)
    with np.load(path, allow_pickle=False) as archive:
        header = json.loads(archive[HEADER_ENTRY].tobytes().decode("utf-8"))
        assert header["format"] == "minigrad.checkpoint" and header["version"] == 3
        nodes = header["nodes"]
        assert nodes[0]["type"] == "dict" and [key["value"] for key, _ in nodes[0]["items"]] \
            == ["w", "step"]
        entry = nodes[nodes[0]["items"][0][1]]["entry"]
        np.testing.assert_array_equal(archive[entry], np.ones(2, np.float32))
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["0.npy", HEADER_ENTRY + ".npy"]  # the header last
        assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
        assert header["checksums"] == {"0": hashlib.sha256(archive.read("0.npy")).hexdigest()}
        assert archive.comment.endswith(
            hashlib.sha256(archive.read(HEADER_ENTRY + ".npy")).hexdigest().encode())


def test_path_is_used_as_given(tmp_path):
    mg.save({"a": 1}, str(tmp_path / "checkpoint"))
    assert os.listdir(tmp_path) == ["checkpoint"]
    assert mg.load(str(tmp_path / "checkpoint")) == {"a": 1}


def test_save_into_a_missing_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        mg.save({"a": 1}, tmp_path / "nowhere" / "c.npz")


# ----- what needs pickle is refused at save time ----------------------------------------------


@pytest.mark.parametrize("value,match", [
    (np.array([{"a": 1}], dtype=object), r"state_dict\['opt'\]\[0\]\['buf'\] is an array of "
                                         r"dtype object"),
    ({1, 2}, r"state_dict\['opt'\]\[0\]\['buf'\] is a set"),
    (lambda: 0, r"is a function"),
    ({(1, 2): 0}, r"has a key of type tuple"),
])
def test_unsavable_values_are_refused_and_nothing_is_written(tmp_path, value, match):
    with pytest.raises(TypeError, match=match):
        mg.save({"opt": [{"buf": value}]}, tmp_path / "c.npz")
    assert os.listdir(tmp_path) == []


def test_a_dict_containing_itself_is_refused(tmp_path):
    state = {"a": {}}
    state["a"]["loop"] = state
    with pytest.raises(ValueError, match="contains itself"):
        mg.save(state, tmp_path / "c.npz")
    shared = np.ones(2)
    assert_same(round_trip({"x": shared, "y": shared, "l": [[1], [1]]}, tmp_path),
                {"x": shared, "y": shared, "l": [[1], [1]]})


# ----- atomic writes --------------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_failed_save_keeps_the_previous_checkpoint_and_leaves_no_temp_file(
        tmp_path, monkeypatch, error):
    path = tmp_path / "c.npz"
    mg.save({"epoch": 1, "w": np.zeros(3)}, path)
    before = path.read_bytes()

    def failing_write_array(file, array, **options):
        file.write(b"\x93NUMPY half an array")  # the crash comes after some bytes went out
        raise error("disk full")

    monkeypatch.setattr(np.lib.format, "write_array", failing_write_array)
    with pytest.raises(error):
        mg.save({"epoch": 2, "w": np.ones(3)}, path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["c.npz"]
    assert path.read_bytes() == before
    assert mg.load(path)["epoch"] == 1


def test_failed_rename_leaves_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "c.npz"
    mg.save({"epoch": 1}, path)

    def failing_replace(src, dst):
        raise OSError("rename failed")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="rename failed"):
        mg.save({"epoch": 2}, path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["c.npz"]
    assert mg.load(path) == {"epoch": 1}


def test_save_writes_through_fsync_before_replacing(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace",
                        lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    mg.save({"a": np.ones(4)}, tmp_path / "c.npz")
    assert calls[:2] == ["fsync", "replace"]


# ----- truncated and foreign files ------------------------------------------------------------


@pytest.mark.parametrize("keep", [0.001, 0.1, 0.5, 0.9, -1])
def test_truncated_checkpoint_raises_value_error_naming_the_path(tmp_path, keep):
    path = tmp_path / "c.npz"
    mg.save({"w": np.arange(1000, dtype=np.float32), "step": 4}, path)
    content = path.read_bytes()
    cut = len(content) - 1 if keep == -1 else int(len(content) * keep)
    path.write_bytes(content[:cut])
    with pytest.raises(ValueError, match=rf"load: {path} (is not a readable minigrad "
                                         rf"checkpoint|is damaged)"):
        mg.load(path)


def test_plain_npz_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "plain.npz"
    np.savez(path, weights=np.ones(3))
    with pytest.raises(ValueError, match=rf"{path} is not a minigrad checkpoint.*entries: "
                                         r"weights"):
        mg.load(path)


def test_npy_file_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "array.npy"
    np.save(path, np.ones(3))
    with pytest.raises(ValueError, match=rf"{path} is not a minigrad checkpoint.*single"):
        mg.load(path)


@pytest.mark.parametrize("content,why", [
    (b"", "is empty"),
    (b"hello world\n", r"is not a minigrad checkpoint: it is not a .npz \(zip\) archive"),
    (bytes(range(256)) * 4, r"is not a minigrad checkpoint: it is not a .npz \(zip\) archive"),
], ids=["empty", "text", "random"])
def test_foreign_bytes_raise_value_error_naming_the_path(tmp_path, content, why):
    path = tmp_path / "c.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=rf"load: {path} {why}") as info:
        mg.load(path)
    assert "allow_pickle" not in str(info.value)  # never advise loading unsafely


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        mg.load(tmp_path / "absent.npz")


def test_newer_format_version_is_refused(tmp_path):
    path = tmp_path / "c.npz"
    header = json.dumps({"format": "minigrad.checkpoint", "version": 99, "tree": {"type": "none"}})
    np.savez(path, **{HEADER_ENTRY: np.frombuffer(header.encode(), dtype=np.uint8)})
    with pytest.raises(ValueError, match="format version 99; this minigrad reads versions 1, 2, 3"):
        mg.load(path)


UNPICKLED = []


class Trap:
    """Unpickling this object would record it: the proof that load() runs no pickle."""

    def __reduce__(self):
        return (UNPICKLED.append, ("unpickled!",))


def test_a_pickled_entry_is_refused_without_running_it(tmp_path):
    path = tmp_path / "evil.npz"
    header = json.dumps({"format": "minigrad.checkpoint", "version": 1,
                         "tree": {"type": "array", "entry": "0"}})
    np.savez(path, **{HEADER_ENTRY: np.frombuffer(header.encode(), dtype=np.uint8),
                      "0": np.array([Trap()], dtype=object)})
    with pytest.raises(ValueError, match=str(path)):
        mg.load(path)
    assert UNPICKLED == []


def test_a_header_pointing_at_a_missing_entry_is_damaged(tmp_path):
    path = tmp_path / "c.npz"
    header = json.dumps({"format": "minigrad.checkpoint", "version": 1,
                         "tree": {"type": "array", "entry": "5"}})
    np.savez(path, **{HEADER_ENTRY: np.frombuffer(header.encode(), dtype=np.uint8)})
    with pytest.raises(ValueError, match=r"is damaged: its array entry '5' is missing"):
        mg.load(path)
