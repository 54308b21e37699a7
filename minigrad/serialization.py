"""Checkpoints, as torch.save/torch.load: `save(obj, f)` writes a nested state dict to one .npz
file, `load(f)` reads it back; f is a path or an open binary file. No pickle anywhere, so
loading a checkpoint can never run code (every load is what torch calls weights_only).

    mg.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
             "loader": loader.state_dict(), "epoch": 3}, "ckpt.npz")
    checkpoint = mg.load("ckpt.npz")
    model.load_state_dict(checkpoint["model"])

What can be saved: dicts (keys: str, int, float, bool or None), lists, tuples, numpy arrays,
minigrad Tensors, numpy scalars, and the Python scalars int (of any size), float, bool, str
and None, nested to any depth: what classic PyTorch scripts save ({"model": model.state_dict(),
"optimizer": opt.state_dict(), "epoch": 3}), a defaultdict or OrderedDict included.

The file is an ordinary .npz (a zip of .npy files), so `np.load` can open it:
- "__minigrad_checkpoint__" is a uint8 array holding UTF-8 JSON:
  {"format": "minigrad.checkpoint", "version": 2, "tree": <the structure>}.
- "0", "1", "2", ... are the arrays, numbered in the order the tree meets them.
The tree is the nested structure itself, with each array replaced by its entry's number. So
no key is ever flattened into a joined name: keys with dots or slashes in them, or int key 0
next to str key "0", can never collide. Each node is a JSON object with a "type":
    {"type": "dict", "items": [[key node, value node], ...]}   (insertion order kept)
    {"type": "list" | "tuple", "items": [node, ...]}
    {"type": "tensor", "entry": "3", "requires_grad": false}   a Tensor (loads as a Tensor)
    {"type": "array", "entry": "3"}            a numpy array (loads as a numpy array)
    {"type": "numpy_scalar", "entry": "4"}     e.g. np.float32(0.5), kept as a 0-d array
    {"type": "int", "value": "340282366920938463463374607431768211455"}
    {"type": "float", "value": "0.001"}        repr(), exact; also "nan", "inf"
    {"type": "bool", "value": true} | {"type": "str", "value": "..."} | {"type": "none"}
Ints are decimal strings because numpy's random generator states hold 128-bit integers, which
a JSON number read by anything but Python would round to a float. Version 1 files (before the
"tensor" node, when a Tensor was saved as an "array") still load.

Tensors come back as Tensors (as torch.load: `mg.load(f)["model"]["fc.weight"]` is a Tensor, a
Parameter a plain Tensor with its requires_grad), numpy arrays as numpy arrays, and other
subclasses as their base type (a namedtuple as a tuple, an OrderedDict or defaultdict as a
dict, an IntEnum as an int); everything else comes back as it went in, arrays with the same
dtype and shape.
"""

import json
import os
import uuid

import numpy as np

from .tensor import Tensor

HEADER_ENTRY = "__minigrad_checkpoint__"
FORMAT_NAME = "minigrad.checkpoint"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)

_SCALAR_TYPES = (bool, int, float, str, type(None))


# ----- save -----------------------------------------------------------------------------------

def _describe(where):
    return "state_dict" + "".join(f"[{key!r}]" for key in where)


def _encode_scalar(value):
    # bool before int: True is an int in Python.
    if value is None:
        return {"type": "none"}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        return {"type": "int", "value": str(int(value))}  # int(): an IntEnum prints its name
    if isinstance(value, float):
        return {"type": "float", "value": repr(float(value))}
    return {"type": "str", "value": value}


def _encode(value, where, arrays, open_containers):
    """The tree node for `value`; its arrays are appended to `arrays`."""
    if isinstance(value, Tensor):
        arrays.append(value._array)
        return {"type": "tensor", "entry": str(len(arrays) - 1),
                "requires_grad": bool(value.requires_grad)}
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.hasobject:
            raise TypeError(f"save: {_describe(where)} is an array of dtype {array.dtype}, "
                            f"which holds Python objects and could only be saved with pickle; "
                            f"convert it to a numeric, bool or string dtype")
        arrays.append(array)
        kind = "numpy_scalar" if isinstance(value, np.generic) else "array"
        return {"type": kind, "entry": str(len(arrays) - 1)}
    if isinstance(value, _SCALAR_TYPES):
        return _encode_scalar(value)
    if isinstance(value, (dict, list, tuple)):
        if id(value) in open_containers:
            raise ValueError(f"save: {_describe(where)} contains itself")
        open_containers.add(id(value))
        if isinstance(value, dict):
            items = []
            for key, item in value.items():
                if not isinstance(key, _SCALAR_TYPES):
                    raise TypeError(f"save: {_describe(where)} has a key of type "
                                    f"{type(key).__name__} ({key!r}); keys must be str, int, "
                                    f"float, bool or None")
                items.append([_encode_scalar(key),
                              _encode(item, where + [key], arrays, open_containers)])
            node = {"type": "dict", "items": items}
        else:
            node = {"type": "tuple" if isinstance(value, tuple) else "list",
                    "items": [_encode(item, where + [i], arrays, open_containers)
                              for i, item in enumerate(value)]}
        open_containers.discard(id(value))
        return node
    if hasattr(value, "state_dict"):  # a Module or an optimizer, which torch.save pickles
        raise TypeError(f"save: {_describe(where)} is a {type(value).__name__}; minigrad never "
                        f"pickles a whole object: save its .state_dict() and restore it with "
                        f".load_state_dict(mg.load(path))")
    raise TypeError(f"save: {_describe(where)} is a {type(value).__name__}, which a checkpoint "
                    f"cannot hold; allowed are dict, list, tuple, numpy arrays, Tensors, numpy "
                    f"scalars, int, float, bool, str and None")


def save(obj, f):
    """Write `obj` (see the module docstring for what it may hold) to `f` as .npz.

    Args:
        obj: the nested dict (or list, Tensor, ...) to save.
        f: a path (str or os.PathLike), used exactly as given (no ".npz" is appended), or a
            binary file object open for writing (e.g. open(path, "wb"), io.BytesIO()).

    Written to a path, the write is atomic: the data goes to a temporary file in the same
    directory, is flushed and fsync'ed to disk, and only then renamed over `f` (os.replace).
    A crash or an error midway leaves any previous checkpoint there whole, and no temporary
    file behind. Written to a file object, it is as atomic as that object.

    Raises:
        TypeError for a value that cannot be saved without pickle (object arrays, other
        classes), naming where it sits, e.g. state_dict['optimizer']['state'][0]['step'];
        nothing is written then.
    """
    if not isinstance(f, (str, bytes, os.PathLike)) and not hasattr(f, "write"):
        raise TypeError(f"save: f must be a path or a binary file object open for writing, "
                        f"got {type(f).__name__}")
    arrays = []
    tree = _encode(obj, [], arrays, set())
    header = json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION, "tree": tree})
    entries = {str(i): array for i, array in enumerate(arrays)}
    entries[HEADER_ENTRY] = np.frombuffer(header.encode("utf-8"), dtype=np.uint8)
    if hasattr(f, "write"):
        np.savez(f, **entries)
    else:
        _write_atomically(os.fsdecode(f), entries)


def _write_atomically(path, entries):
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"save: cannot write {path}: directory {directory} does not "
                                f"exist")
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{uuid.uuid4().hex}.tmp")
    # os.open with O_EXCL: a fresh file, created with the user's umask like any other file.
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                         | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            np.savez(file, **entries)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    if os.name == "posix":  # make the rename itself durable
        directory_descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(directory_descriptor)
        finally:
            os.close(directory_descriptor)


# ----- load -----------------------------------------------------------------------------------

class _Unreadable(Exception):
    """Why load() refuses a file; load() turns it into a ValueError naming the path."""


def _decode_scalar(node):
    kind = node["type"]
    if kind == "none":
        return None
    if kind == "int":
        return int(node["value"])
    if kind == "float":
        return float(node["value"])
    if kind in ("bool", "str"):
        value = node["value"]
        if not isinstance(value, {"bool": bool, "str": str}[kind]):
            raise _Unreadable(f"is damaged: a {kind} node holds {value!r}")
        return value
    raise _Unreadable(f"is damaged: unknown node type {kind!r}")


def _decode(node, arrays):
    kind = node["type"]
    if kind in ("array", "numpy_scalar", "tensor"):
        if node["entry"] not in arrays:
            raise _Unreadable(f"is damaged: its array entry {node['entry']!r} is missing")
        array = arrays[node["entry"]]
        if kind == "tensor":
            return Tensor._from_op(array, requires_grad=False).requires_grad_(
                node["requires_grad"])
        return array[()] if kind == "numpy_scalar" else array
    if kind == "dict":
        return {_decode_scalar(key): _decode(value, arrays) for key, value in node["items"]}
    if kind == "list":
        return [_decode(item, arrays) for item in node["items"]]
    if kind == "tuple":
        return tuple(_decode(item, arrays) for item in node["items"])
    return _decode_scalar(node)


def _read(file):
    """(header dict, {entry name: array}) of an open checkpoint file."""
    position = file.tell()
    start = file.read(6)
    file.seek(position)
    if not start.startswith((b"PK\x03\x04", b"PK\x05\x06", b"\x93NUMPY")):
        # Checked here because np.load would call anything else "pickled data".
        raise _Unreadable(f"is not a minigrad checkpoint: it is not a .npz (zip) archive; "
                          f"it starts with {start!r}" if start else "is empty")
    archive = np.load(file, allow_pickle=False)
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise _Unreadable("is not a minigrad checkpoint: it holds a single numpy array, not "
                          "the .npz archive that minigrad.save writes")
    with archive:
        if HEADER_ENTRY not in archive.files:
            shown = ", ".join(archive.files[:5]) + (", ..." if len(archive.files) > 5 else "")
            raise _Unreadable(f"is not a minigrad checkpoint: it is a .npz archive without the "
                              f"{HEADER_ENTRY!r} entry that minigrad.save writes (its entries: "
                              f"{shown or 'none'})")
        # Read every entry now: a damaged member shows itself only when it is read.
        arrays = {name: archive[name] for name in archive.files}
    raw_header = arrays.pop(HEADER_ENTRY)
    if raw_header.dtype != np.uint8 or raw_header.ndim != 1:
        raise _Unreadable(f"is damaged: its header entry is {raw_header.dtype} "
                          f"{raw_header.shape}, expected 1-D uint8")
    header = json.loads(raw_header.tobytes().decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise _Unreadable(f"is damaged: its header does not name the format {FORMAT_NAME!r}")
    if header.get("version") not in READABLE_VERSIONS:
        raise _Unreadable(f"is a minigrad checkpoint of format version "
                          f"{header.get('version')!r}; this minigrad reads versions "
                          f"{', '.join(map(str, READABLE_VERSIONS))}")
    return header, arrays


def _check_load_options(map_location, pickle_module, mmap):
    targets = map_location.values() if isinstance(map_location, dict) else [map_location]
    for target in targets:
        if target is not None and (callable(target) or str(target) != "cpu"):
            raise ValueError(f"load: map_location={map_location!r}: minigrad has one device "
                             f"and loads every tensor onto the CPU; write map_location='cpu' "
                             f"or leave it out")
    if pickle_module is not None:
        raise ValueError("load: a minigrad checkpoint holds no pickle, so there is no "
                         "pickle_module to choose; leave it out")
    if mmap:
        raise ValueError("load: mmap=True is not supported: minigrad reads a checkpoint "
                         "whole; leave it out")


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None):
    """Read a checkpoint written by `save`: the same nested structure, Tensors as Tensors.

    Args as torch.load: f is a path or a binary file object open for reading. map_location
    may be None or "cpu" (or a dict mapping locations to "cpu"): minigrad has only the CPU.
    weights_only is accepted and changes nothing: loading never unpickles (np.load with
    allow_pickle=False), so every load is safe, as torch's weights_only=True.

    Raises:
        FileNotFoundError if the path does not exist.
        ValueError naming the file if it is not a minigrad checkpoint (a plain .npz or .npy,
        random bytes) or is truncated or damaged; ValueError for a map_location other than
        the CPU, a pickle_module, or mmap=True.
    """
    _check_load_options(map_location, pickle_module, mmap)
    if hasattr(f, "read"):
        return _load_from(f, getattr(f, "name", type(f).__name__))
    if not isinstance(f, (str, bytes, os.PathLike)):
        raise TypeError(f"load: f must be a path or a binary file object open for reading, "
                        f"got {type(f).__name__}")
    path = os.fsdecode(f)
    with open(path, "rb") as file:  # FileNotFoundError, PermissionError pass through as they are
        return _load_from(file, path)


def _load_from(file, name):
    try:
        header, arrays = _read(file)
        return _decode(header["tree"], arrays)
    except _Unreadable as err:
        raise ValueError(f"load: {name} {err}") from None
    except MemoryError:
        raise
    except Exception as err:  # zipfile, zlib, json, a missing key: any failure to parse
        raise ValueError(f"load: {name} is not a readable minigrad checkpoint (truncated, "
                         f"damaged, or another kind of file): {type(err).__name__}: "
                         f"{err}") from err
