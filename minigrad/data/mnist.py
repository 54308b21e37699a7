"""MNIST from its original IDX files, which the user downloads (minigrad ships no MNIST copy).

IDX layout (big-endian): a 4-byte magic number, whose third byte is the element type (0x08 for
unsigned bytes) and fourth byte the number of dimensions; then each dimension as a 4-byte
integer; then the elements in row-major order. Images have magic 2051 (dims N, rows, cols),
labels 2049 (dims N).
"""

import gzip
import os
import zlib
from pathlib import Path

import numpy as np

from .bounded_read import most_bytes_in, read_at_most

IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension

FILE_NAMES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def _find(directory, name):
    """The path of `name` or `name.gz` in directory (the raw file first: it reads faster)."""
    for candidate in (directory / name, directory / (name + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def read_idx(path, magic, ndim):
    """The array stored in an IDX file of unsigned bytes, checked against its header.

    The header is read first and the size it announces checked against the file's (for a .gz
    file, against the most its compressed size can expand to) before the body is read; the
    body is then read to exactly that size and one byte beyond, so a file that is longer than
    its header says, or a gzip bomb, costs no more memory than the header honestly claims.

    Args:
        path: file to read (.gz files are decompressed).
        magic: the magic number the file must start with (2051 images, 2049 labels).
        ndim: the number of dimensions that magic number announces.

    Returns:
        a uint8 numpy array of the shape the header gives.

    Raises:
        ValueError naming the file, if the magic number is wrong or the file's length differs
        from what its header announces (a truncated download, or the wrong file).
    """
    path = Path(path)
    gzipped = path.suffix == ".gz"
    try:
        with (gzip.open(path, "rb") if gzipped else open(path, "rb")) as stream:
            header, shape = _read_idx_header(stream, path, magic, ndim)
            expected = len(header) + int(np.prod(shape, dtype=object))
            most = most_bytes_in(path, gzipped)
            if expected > most or (not gzipped and expected != most):  # before reading on
                found = (f"a gzip file of {os.path.getsize(path)} bytes decompresses to at "
                         f"most {most}") if gzipped else f"it is {most} bytes"
                raise _wrong_size(path, len(header), shape, expected, found)
            body = read_at_most(stream, expected - len(header) + 1)
    except (OSError, EOFError, zlib.error) as err:  # BadGzipFile is an OSError, a cut-off
        # stream an EOFError, a damaged one a zlib.error
        if not gzipped:
            raise
        raise ValueError(f"load_mnist: {path} is not a complete gzip file ({err})") from err
    if len(header) + len(body) != expected:
        found = ("it is longer" if len(header) + len(body) > expected
                 else f"it is {len(header) + len(body)} bytes")
        raise _wrong_size(path, len(header), shape, expected, found)
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


def _wrong_size(path, header_size, shape, expected, found):
    return ValueError(f"load_mnist: {path} should be {expected} bytes long (a {header_size}-"
                      f"byte header and {shape} elements), but {found}; the file is "
                      f"truncated or damaged")


def _read_idx_header(stream, path, magic, ndim):
    """(the header's bytes, the shape it gives), or ValueError for a wrong magic number."""
    header_size = 4 + 4 * ndim
    header = bytes(read_at_most(stream, header_size))
    if len(header) < header_size:
        raise ValueError(f"load_mnist: {path} is too short for an IDX header: expected at "
                         f"least {header_size} bytes, got {len(header)}")
    found = int.from_bytes(header[:4], "big")
    if found != magic:
        raise ValueError(f"load_mnist: {path} has magic number {found} (0x{found:08x}), "
                         f"expected {magic} (0x{magic:08x}); is it the right file, and "
                         f"decompressed if its name has no .gz?")
    return header, tuple(int(d) for d in np.frombuffer(header, dtype=">u4", offset=4))


def load_mnist(directory, train=True):
    """The MNIST training set (60,000 images) or test set (10,000) from its IDX files.

    Download the four files from the MNIST site or a mirror into one directory; they may stay
    gzipped. Any data set in MNIST's format (Fashion-MNIST, KMNIST) loads the same way.

    Args:
        directory: folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte,
            t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each raw or with ".gz" added.
        train: True for the train-* files, False for the t10k-* (test) files.

    Returns:
        (images, labels): images (N, 1, 28, 28) float32, the pixel bytes divided by 255 so
        they lie in [0, 1] (0 background, 1 full ink); labels (N,) int64.

    Raises:
        FileNotFoundError naming the expected file names, if one is missing.
        ValueError naming the file, for a wrong magic number, a truncated file, or image and
        label files of different lengths.
    """
    directory = Path(directory)
    image_name, label_name = FILE_NAMES[bool(train)]
    image_path, label_path = _find(directory, image_name), _find(directory, label_name)
    missing = [name for name, path in ((image_name, image_path), (label_name, label_path))
               if path is None]
    if missing:
        raise FileNotFoundError(f"load_mnist: {directory} lacks "
                                + " and ".join(f"{name} (or {name}.gz)" for name in missing))
    images = read_idx(image_path, IMAGES_MAGIC, ndim=3)
    labels = read_idx(label_path, LABELS_MAGIC, ndim=1)
    if len(images) != len(labels):
        raise ValueError(f"load_mnist: {image_path} holds {len(images)} images but "
                         f"{label_path} holds {len(labels)} labels")
    n, rows, cols = images.shape
    pixels = images.reshape(n, 1, rows, cols).astype(np.float32)
    pixels /= 255  # in place, to hold the float32 copy only once
    return pixels, labels.astype(np.int64)
