"""Checkpoints: `save(state_dict, path)` writes a nested state dict to one .npz file, `load(path)`
reads it back. No pickle anywhere, so loading a checkpoint can never run code.

    mg.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
             "loader": loader.state_dict(), "epoch": 3}, "ckpt.npz")
    checkpoint = mg.load("ckpt.npz")
    model.load_state_dict(checkpoint["model"])

What can be saved: dicts (keys: str, int, float, bool or None), lists, tuples, numpy arrays,
minigrad Tensors, numpy scalars, and the Python scalars int (of any size), float, bool, str
and None, nested to any depth.

The file is an ordinary .npz (a zip of .npy files), so `np.load` can open it:
- "__minigrad_checkpoint__" is a uint8 array holding UTF-8 JSON:
  {"format": "minigrad.checkpoint", "version": 1, "tree": <the structure>}.
- "0", "1", "2", ... are the arrays, numbered in the order the tree meets them.
The tree is the nested structure itself, with each array replaced by its entry's number. So
no key is ever flattened into a joined name: keys with dots or slashes in them, or int key 0
next to str key "0", can never collide. Each node is a JSON object with a "type":
    {"type": "dict", "items": [[key node, value node], ...]}   (insertion order kept)
    {"type": "list" | "tuple", "items": [node, ...]}
    {"type": "array", "entry": "3"}            a numpy array or Tensor (loads as numpy array)
    {"type": "numpy_scalar", "entry": "4"}     e.g. np.float32(0.5), kept as a 0-d array
    {"type": "int", "value": "340282366920938463463374607431768211455"}
    {"type": "float", "value": "0.001"}        repr(), exact; also "nan", "inf"
    {"type": "bool", "value": true} | {"type": "str", "value": "..."} | {"type": "none"}
Ints are decimal strings because numpy's random generator states hold 128-bit integers, which
a JSON number read by anything but Python would round to a float.

Tensors come back as numpy arrays (what `Module.load_state_dict` and `Optimizer.load_state_dict`
take), and subclasses as their base type (a namedtuple as a tuple, an OrderedDict as a dict, an
IntEnum as an int); everything else comes back as it went in, arrays with the same dtype and shape.
"""

import json
import os
import uuid

import numpy as np

from .tensor import Tensor

HEADER_ENTRY = "__minigrad_checkpoint__"
FORMAT_NAME = "minigrad.checkpoint"
FORMAT_VERSION = 1

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
    if isinstance(value, (Tensor, np.ndarray, np.generic)):
        array = value._array if isinstance(value, Tensor) else np.asarray(value)
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


def save(state_dict, path):
    """Write `state_dict` (see the module docstring for what it may hold) to `path` as .npz.

    The write is atomic: the data goes to a temporary file in the same directory, is flushed
    and fsync'ed to disk, and only then renamed over `path` (os.replace). A crash or an error
    midway leaves any previous checkpoint at `path` whole, and no temporary file behind.

    Args:
        state_dict: the nested dict to save.
        path: file to write, used exactly as given (no ".npz" is appended).

    Raises:
        TypeError for a value that cannot be saved without pickle (object arrays, other
        classes), naming where it sits, e.g. state_dict['optimizer']['state'][0]['step'];
        nothing is written then.
    """
    path = os.fspath(path)
    arrays = []
    tree = _encode(state_dict, [], arrays, set())
    header = json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION, "tree": tree})
    entries = {str(i): array for i, array in enumerate(arrays)}
    entries[HEADER_ENTRY] = np.frombuffer(header.encode("utf-8"), dtype=np.uint8)

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
    if kind in ("array", "numpy_scalar"):
        if node["entry"] not in arrays:
            raise _Unreadable(f"is damaged: its array entry {node['entry']!r} is missing")
        array = arrays[node["entry"]]
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
    start = file.read(6)
    file.seek(0)
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
    if header.get("version") != FORMAT_VERSION:
        raise _Unreadable(f"is a minigrad checkpoint of format version "
                          f"{header.get('version')!r}; this minigrad reads version "
                          f"{FORMAT_VERSION}")
    return header, arrays


def load(path):
    """Read a checkpoint written by `save`: the same nested structure, with Tensors as arrays.

    Loading never unpickles (np.load with allow_pickle=False), so a checkpoint from anyone can
    be opened safely.

    Raises:
        FileNotFoundError if `path` does not exist.
        ValueError naming `path` if the file is not a minigrad checkpoint (a plain .npz or .npy,
        random bytes) or is truncated or damaged.
    """
    path = os.fspath(path)
    with open(path, "rb") as file:  # FileNotFoundError, PermissionError pass through as they are
        try:
            header, arrays = _read(file)
            return _decode(header["tree"], arrays)
        except _Unreadable as err:
            raise ValueError(f"load: {path} {err}") from None
        except MemoryError:
            raise
        except Exception as err:  # zipfile, zlib, json, a missing key: any failure to parse
            raise ValueError(f"load: {path} is not a readable minigrad checkpoint (truncated, "
                             f"damaged, or another kind of file): {type(err).__name__}: "
                             f"{err}") from err
