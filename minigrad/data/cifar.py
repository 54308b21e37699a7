"""CIFAR-10 from either version the user downloads: the binary one (cifar-10-binary.tar.gz),
read here, or the python one (cifar-10-python.tar.gz), read by cifar_python.py.

Each .bin file is a sequence of 3,073-byte records: one label byte (0..9), then 3,072 pixel
bytes: the 1,024 red values of the 32x32 image row by row, then the green, then the blue. So a
record's pixels reshape straight into (3, 32, 32), the NCHW layout.
"""

from pathlib import Path

import numpy as np

from . import cifar_python
from .bounded_read import read_at_most

CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
           "dog", "frog", "horse", "ship", "truck")
TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
TEST_FILES = ("test_batch.bin",)
IMAGE_SHAPE = (3, 32, 32)
RECORD_BYTES = 1 + 3 * 32 * 32
MAX_RECORDS_PER_FILE = 10_000  # each of the five data_batch files and test_batch
EXTRACTED_FOLDER = "cifar-10-batches-bin"  # what the official archive unpacks into


def read_cifar_file(path):
    """(pixels (N, 3, 32, 32) uint8, labels (N,) uint8) from one CIFAR-10 .bin file.

    The file's size is checked before it is read: a whole number of records, and at most the
    10,000 that every official file holds, so a damaged or hostile file (say, a sparse one of
    64 GiB) is refused without being read.

    Raises ValueError naming the file if its length is not a whole number of records or more
    than 10,000 of them, or a label is above 9.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0 or size % RECORD_BYTES != 0:
        raise ValueError(f"load_cifar10: {path} is {size} bytes long, expected a "
                         f"positive multiple of {RECORD_BYTES} (1 label byte + 3072 pixel "
                         f"bytes per image); the file is truncated or not a CIFAR-10 .bin file")
    if size // RECORD_BYTES > MAX_RECORDS_PER_FILE:
        raise ValueError(f"load_cifar10: {path} is {size} bytes long: "
                         f"{size // RECORD_BYTES} records, but a CIFAR-10 .bin file holds at "
                         f"most {MAX_RECORDS_PER_FILE}; it is not a CIFAR-10 .bin file")
    with open(path, "rb") as file:
        content = read_at_most(file, size + 1)
    if len(content) != size:  # the file changed while it was read
        raise ValueError(f"load_cifar10: {path} changed size while it was read "
                         f"({size} bytes, then {len(content)})")
    records = np.frombuffer(content, dtype=np.uint8).reshape(-1, RECORD_BYTES)
    labels = records[:, 0]
    bad = np.flatnonzero(labels >= len(CLASSES))
    if bad.size:
        raise ValueError(f"load_cifar10: {path} record {bad[0]} has label {labels[bad[0]]}, "
                         f"expected 0..9 ({bad.size} bad labels in all); is this CIFAR-100, "
                         f"or not a CIFAR-10 .bin file?")
    return records[:, 1:].reshape(-1, *IMAGE_SHAPE), labels


def load_cifar10(directory, train=True):
    """The CIFAR-10 training set (50,000 images in 5 files) or test set (10,000).

    Args:
        directory: a folder holding either version's files: data_batch_1.bin ..
            data_batch_5.bin and test_batch.bin (binary), or data_batch_1 .. data_batch_5 and
            test_batch (python); or the folder an archive was unpacked in (then its
            cifar-10-batches-bin or cifar-10-batches-py is used).
        train: True for the five data_batch files (in order), False for the test batch.

    Returns:
        (images, labels): images (N, 3, 32, 32) float32 RGB, the bytes divided by 255 so they
        lie in [0, 1]; labels (N,) int64 in 0..9, naming `CLASSES[label]`.

    Raises:
        FileNotFoundError naming the missing files; ValueError naming a damaged file;
        pickle.UnpicklingError for a python-version file that names code to run.
    """
    directory = Path(directory)
    versions = (  # (file names, reader, archive) of each version, binary first
        (TRAIN_FILES if train else TEST_FILES, read_cifar_file, EXTRACTED_FOLDER),
        (cifar_python.TRAIN_FILES if train else cifar_python.TEST_FILES,
         cifar_python.read_python_batch, cifar_python.EXTRACTED_FOLDER),
    )
    for names, reader, folder in versions:
        for candidate in (directory, directory / folder):
            if (candidate / names[0]).is_file():
                return _load(candidate, names, reader)
    raise FileNotFoundError(
        f"load_cifar10: {directory} holds neither version of CIFAR-10: expected "
        f"{', '.join(versions[0][0])} (cifar-10-binary.tar.gz, unpacked) or "
        f"{', '.join(versions[1][0])} (cifar-10-python.tar.gz, unpacked), in the folder or in "
        f"its {EXTRACTED_FOLDER} or {cifar_python.EXTRACTED_FOLDER}; both archives are at "
        f"https://www.cs.toronto.edu/~kriz/cifar.html")


def _load(directory, names, reader):
    missing = [name for name in names if not (directory / name).is_file()]
    if missing:
        raise FileNotFoundError(f"load_cifar10: {directory} lacks {', '.join(missing)} "
                                f"(it has {names[0]}, so the set is incomplete)")
    parts = [reader(directory / name) for name in names]
    pixels = np.concatenate([p for p, _ in parts])
    labels = np.concatenate([lab for _, lab in parts])
    images = pixels.astype(np.float32)
    images /= 255  # in place: the float32 training set is 614 MB, don't make it twice
    return images, labels.astype(np.int64)
