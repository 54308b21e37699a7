"""CIFAR-10 from its binary version (cifar-10-binary.tar.gz), which the user downloads.

Each .bin file is a sequence of 3,073-byte records: one label byte (0..9), then 3,072 pixel
bytes: the 1,024 red values of the 32x32 image row by row, then the green, then the blue. So a
record's pixels reshape straight into (3, 32, 32), the NCHW layout.
"""

from pathlib import Path

import numpy as np

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
    """The CIFAR-10 training set (50,000 images in 5 files) or test set (10,000) from .bin files.

    Args:
        directory: folder holding data_batch_1.bin .. data_batch_5.bin and test_batch.bin, or
            the folder the archive was unpacked in (then its cifar-10-batches-bin is used).
        train: True for the five data_batch files (in order), False for test_batch.bin.

    Returns:
        (images, labels): images (N, 3, 32, 32) float32 RGB, the bytes divided by 255 so they
        lie in [0, 1]; labels (N,) int64 in 0..9, naming `CLASSES[label]`.

    Raises:
        FileNotFoundError naming the missing files; ValueError naming a damaged file.
    """
    directory = Path(directory)
    names = TRAIN_FILES if train else TEST_FILES
    if not (directory / names[0]).is_file() and (directory / EXTRACTED_FOLDER).is_dir():
        directory = directory / EXTRACTED_FOLDER
    missing = [name for name in names if not (directory / name).is_file()]
    if missing:
        raise FileNotFoundError(f"load_cifar10: {directory} lacks {', '.join(missing)}; "
                                f"expected the binary version of CIFAR-10 "
                                f"(cifar-10-binary.tar.gz, unpacked): data_batch_1.bin .. "
                                f"data_batch_5.bin and test_batch.bin")
    parts = [read_cifar_file(directory / name) for name in names]
    pixels = np.concatenate([p for p, _ in parts])
    labels = np.concatenate([lab for _, lab in parts])
    images = pixels.astype(np.float32)
    images /= 255  # in place: the float32 training set is 614 MB, don't make it twice
    return images, labels.astype(np.int64)
