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

The file is an ordinary .npz (a zip of uncompressed .npy files), so `np.load` can open it:
- "0", "1", "2", ... are the arrays, numbered in the order the walk meets them.
- "__minigrad_checkpoint__", written last, is a uint8 array holding UTF-8 JSON:
  {"format": "minigrad.checkpoint", "version": 3, "nodes": [...],
   "checksums": {"0": <SHA-256 of the member 0.npy, hex>, ...}}
- the zip comment holds the SHA-256 of the header member itself.
The structure is a flat list of nodes, node 0 the root, so that nesting of any depth needs no
recursion to write or read (and no deeply nested JSON). A container lists its children by
their index in the list; every child comes after its parent. So no key is ever flattened into
a joined name: keys with dots or slashes in them, or int key 0 next to str key "0", can never
collide. Each node is a JSON object with a "type":
    {"type": "dict", "items": [[key node, child index], ...]}   (insertion order kept)
    {"type": "list" | "tuple", "items": [child index, ...]}
    {"type": "tensor", "entry": "3", "requires_grad": false}   a Tensor (loads as a Tensor)
    {"type": "array", "entry": "3"}            a numpy array (loads as a numpy array)
    {"type": "numpy_scalar", "entry": "4"}     e.g. np.float32(0.5), kept as a 0-d array
    {"type": "int", "value": "340282366920938463463374607431768211455"}
    {"type": "float", "value": "0.001"}        repr(), exact; also "nan", "inf"
    {"type": "bool", "value": true} | {"type": "str", "value": "..."} | {"type": "none"}
(a key node is one of the last four). Ints are decimal strings because numpy's random
generator states hold 128-bit integers, which a JSON number read by anything but Python would
round to a float.

Older files still load: version 2 (before the checksums, with the nested "tree" instead of
"nodes": each container holding its child nodes) and version 1 (also before the "tensor"
node, when a Tensor was saved as an "array"). They carry no checksums, so a change to their
bytes is caught only by what checks every file: the zip CRC-32 of each member, and the sizes.

Every claim in a file is checked before it is trusted (checkpoint_archive.py): only the
entries the header refers to are read, and another member is refused; compressed members are
refused; each .npy header's shape * itemsize must match its member's size before the array is
allocated; so a file never costs more memory than it honestly holds (a member whose sizes
agree is read whole, and then its checksum checked). Any damage gives a ValueError naming the
file, and the entry when one is at fault.

Tensors come back as Tensors (as torch.load: `mg.load(f)["model"]["fc.weight"]` is a Tensor, a
Parameter a plain Tensor with its requires_grad), numpy arrays as numpy arrays, and other
subclasses as their base type (a namedtuple as a tuple, an OrderedDict or defaultdict as a
dict, an IntEnum as an int); everything else comes back as it went in, arrays with the same
dtype and shape.
"""

import json
import os
import uuid

from .checkpoint_archive import HEADER_ENTRY, Unreadable, read_archive, write_archive
from .checkpoint_tree import decode, encode, entries_of, flatten_nested

FORMAT_NAME = "minigrad.checkpoint"
FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
__all__ = ["save", "load", "HEADER_ENTRY"]  # HEADER_ENTRY: the header member's name


# ----- save -----------------------------------------------------------------------------------

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
    nodes, arrays = encode(obj)
    header = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "nodes": nodes}
    if hasattr(f, "write"):
        write_archive(f, arrays, header)
    else:
        _write_atomically(os.fsdecode(f), arrays, header)


def _write_atomically(path, arrays, header):
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
            write_archive(file, arrays, header)
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

def _parse_header(raw):
    """(header, the entries it refers to, {entry: SHA-256} or None) of the header's bytes."""
    header = json.loads(raw.decode("utf-8"))
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        raise Unreadable(f"is damaged: its header does not name the format {FORMAT_NAME!r}")
    version = header.get("version")
    if version not in READABLE_VERSIONS:
        raise Unreadable(f"is a minigrad checkpoint of format version {version!r}; this "
                         f"minigrad reads versions {', '.join(map(str, READABLE_VERSIONS))}")
    if version >= 3:
        nodes, checksums = header["nodes"], header["checksums"]
        if not isinstance(checksums, dict):
            raise Unreadable("is damaged: its checksums are not a dict")
    else:
        nodes, checksums = flatten_nested(header["tree"]), None
    return nodes, entries_of(nodes), checksums


def _read(file):
    """(the node list, {entry name: array}) of an open checkpoint file."""
    position = file.tell()
    start = file.read(6)
    size = file.seek(0, os.SEEK_END)
    file.seek(position)
    if start.startswith(b"\x93NUMPY"):
        raise Unreadable("is not a minigrad checkpoint: it holds a single numpy array, not "
                         "the .npz archive that minigrad.save writes")
    if not start.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise Unreadable(f"is not a minigrad checkpoint: it is not a .npz (zip) archive; "
                         f"it starts with {start!r}" if start else "is empty")
    return read_archive(file, size, _parse_header)


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
        random bytes) or is truncated or damaged (naming the entry when one is at fault: a
        size that disagrees with its header, a checksum that does not match, a compressed or
        unreferenced member); ValueError for a map_location other than the CPU, a
        pickle_module, or mmap=True.
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
        nodes, arrays = _read(file)
        return decode(nodes, arrays)
    except Unreadable as err:
        raise ValueError(f"load: {name} {err}") from None
    except MemoryError:
        raise
    except Exception as err:  # zipfile, zlib, json, a missing key: any failure to parse
        raise ValueError(f"load: {name} is not a readable minigrad checkpoint (truncated, "
                         f"damaged, or another kind of file): {type(err).__name__}: "
                         f"{err}") from err
