"""CIFAR-10 in its python version (cifar-10-python.tar.gz, unpacked into cifar-10-batches-py),
the one torchvision and Keras download, read without trusting the pickle.

Each of data_batch_1 .. data_batch_5 and test_batch is a pickled dict (written by Python 2):
b"data" a (10000, 3072) uint8 array whose rows are the red, green and blue 32x32 planes, as
in the binary version, and b"labels" a list of 10,000 ints in 0..9.

Unpickling runs whatever callables a file names, so `pickle.load` on a downloaded file is
running a stranger's code. `RestrictedUnpickler` resolves only the three numpy names an array
needs and refuses every other global before anything is called.
"""

import codecs
import io
import pickle
from pathlib import Path

import numpy as np

from .bounded_read import read_at_most

TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST_FILES = ("test_batch",)
EXTRACTED_FOLDER = "cifar-10-batches-py"
PIXELS_PER_IMAGE = 3 * 32 * 32
# An official file is 31 MB (10,000 images and their file names); more is not such a file.
MAX_FILE_BYTES = 40_000_000

# How this numpy rebuilds a pickled array: _reconstruct (pickle protocols up to 4) or
# _frombuffer (protocol 5). Python 2's numpy kept them in numpy.core, numpy 2 in numpy._core:
# both names mean the same function here.
_RECONSTRUCT = np.empty(0).__reduce__()[0]
_FROMBUFFER = np.empty(0).__reduce_ex__(5)[0]
ALLOWED_GLOBALS = {
    **{(f"numpy.{core}.multiarray", "_reconstruct"): _RECONSTRUCT for core in ("core", "_core")},
    **{(f"numpy.{core}.numeric", "_frombuffer"): _FROMBUFFER for core in ("core", "_core")},
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    # Python 3 writes bytes at protocol 2 as _codecs.encode(text, "latin1"): a file re-pickled
    # from the official one can need it, and it only turns text into bytes.
    ("_codecs", "encode"): codecs.encode,
}


class RefusedGlobal(pickle.UnpicklingError):
    """A pickle named a class or function outside ALLOWED_GLOBALS."""


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that knows only ALLOWED_GLOBALS: a pickle naming any other class or
    function (os.system, say) raises pickle.UnpicklingError before it is called."""

    def find_class(self, module, name):
        try:
            return ALLOWED_GLOBALS[(module, name)]
        except KeyError:
            raise RefusedGlobal(
                f"load_cifar10: refusing to load the global {module}.{name}: a CIFAR-10 python "
                f"batch needs only numpy's array names, so this file is not one (and loading "
                f"it could run its code)") from None


def read_python_batch(path):
    """(pixels (N, 3, 32, 32) uint8, labels (N,) uint8) from one python-version batch file.

    Raises ValueError naming the file if it is too large, not a pickle of the expected dict,
    or holds labels outside 0..9; RefusedGlobal (a pickle.UnpicklingError) if it names a
    global it should not.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"load_cifar10: {path} is {size} bytes long, but a CIFAR-10 python "
                         f"batch is about 31 MB; it is not one")
    with open(path, "rb") as file:
        content = read_at_most(file, MAX_FILE_BYTES + 1)
    try:
        batch = RestrictedUnpickler(io.BytesIO(bytes(content)), encoding="bytes").load()
    except RefusedGlobal:
        raise
    except Exception as err:  # truncated or garbled: whatever pickle or numpy raised
        raise ValueError(f"load_cifar10: {path} is not a readable CIFAR-10 python batch "
                         f"({type(err).__name__}: {err})") from None
    if not isinstance(batch, dict):
        raise ValueError(f"load_cifar10: {path} holds a {type(batch).__name__}, expected the "
                         f"dict of a CIFAR-10 python batch")
    batch = {k.decode() if isinstance(k, bytes) else k: v for k, v in batch.items()}
    data, labels = batch.get("data"), batch.get("labels")
    if (not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2
            or data.shape[1] != PIXELS_PER_IMAGE):
        described = (f"{data.dtype} array of shape {data.shape}" if isinstance(data, np.ndarray)
                     else type(data).__name__)
        raise ValueError(f"load_cifar10: {path}: 'data' is a {described}, expected a uint8 "
                         f"array of shape (N, {PIXELS_PER_IMAGE})")
    labels = np.asarray(labels if labels is not None else [])
    if labels.shape != (len(data),) or labels.dtype.kind not in "iu":
        raise ValueError(f"load_cifar10: {path}: 'labels' has shape {labels.shape} and dtype "
                         f"{labels.dtype}, expected {len(data)} integers, one per image")
    bad = np.flatnonzero((labels < 0) | (labels > 9))
    if bad.size:
        raise ValueError(f"load_cifar10: {path} image {bad[0]} has label {labels[bad[0]]}, "
                         f"expected 0..9 ({bad.size} bad labels in all); is this CIFAR-100?")
    return data.reshape(-1, 3, 32, 32), labels.astype(np.uint8)
