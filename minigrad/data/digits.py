"""The bundled default data set: 1,797 handwritten digits of 8x8 pixels (UCI optdigits, test part).

Small enough (57 kB) to ship inside the package, so examples and tests need no download.
Source and license (CC BY 4.0): DIGITS_LICENSE.md beside the file.
"""

import gzip
import io
import zlib
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ..functional.checks import number
from .bounded_read import read_at_most

DIGITS_FILE = "digits.csv.gz"
NUM_IMAGES = 1797
NUM_CLASSES = 10
PIXEL_MAX = 16
MAX_CSV_BYTES = NUM_IMAGES * 65 * 3  # every value 0..16: at most 2 digits, then "," or "\n"


@dataclass(frozen=True)
class Split:
    """A train/test split of an image data set.

    Attributes:
        x_train: (N_train, C, H, W) float32 images.
        y_train: (N_train,) int64 labels.
        x_test: (N_test, C, H, W) float32 images.
        y_test: (N_test,) int64 labels.
        mean, std: the statistics the images were standardized with, x = (raw - mean) / std,
            both computed on the train split only; None if not standardized. Apply the same
            two numbers to any new image before giving it to a model trained on this split.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    mean: float | None = None
    std: float | None = None


def read_digits_raw():
    """The bundled file as it is: (images (1797, 1, 8, 8) float32 in 0..16, labels int64).

    Read through importlib.resources, so it works from an installed wheel as well as a checkout.
    """
    with resources.files(__package__).joinpath(DIGITS_FILE).open("rb") as raw:
        return parse_digits_gzip(raw, DIGITS_FILE)


def parse_digits_gzip(raw, name):
    """(images, labels) from a gzipped CSV of NUM_IMAGES rows of 64 pixels and a label.

    At most MAX_CSV_BYTES are decompressed (one byte past: a longer stream is refused), so a
    damaged file cannot expand without bound.
    """
    try:
        with gzip.open(raw, "rb") as stream:
            text = read_at_most(stream, MAX_CSV_BYTES + 1)
        if len(text) > MAX_CSV_BYTES:
            raise ValueError(f"decompresses to more than {MAX_CSV_BYTES} bytes, the most "
                             f"{NUM_IMAGES} rows of 65 values of at most 2 digits take")
        table = np.loadtxt(io.StringIO(text.decode("ascii")), delimiter=",", dtype=np.int64,
                           ndmin=2)
    except (OSError, EOFError, zlib.error, ValueError) as err:  # a bad gzip stream or CSV
        raise ValueError(f"load_digits: the bundled {name} is unreadable ({err}); the package "
                         f"is damaged") from err
    if table.shape != (NUM_IMAGES, 65):
        raise ValueError(f"load_digits: the bundled {name} should hold {NUM_IMAGES} rows "
                         f"of 65 integers, got shape {table.shape}; the package is damaged")
    images = table[:, :64].astype(np.float32).reshape(NUM_IMAGES, 1, 8, 8)
    labels = table[:, 64]
    return images, labels


def stratified_split(labels, test_fraction, rng):
    """Indices (train, test) that put round(test_fraction * n_c) of each class c in the test part.

    Both index arrays come in random order (drawn from `rng`), so classes are interleaved.
    """
    train_parts, test_parts = [], []
    for c in np.unique(labels):  # a loop over the classes (10), not over samples
        members = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(test_fraction * len(members)))
        test_parts.append(members[:n_test])
        train_parts.append(members[n_test:])
    train = rng.permutation(np.concatenate(train_parts))
    test = rng.permutation(np.concatenate(test_parts))
    return train, test


def load_digits(test_fraction=0.2, seed=0, standardize=True):
    """The 1,797 bundled 8x8 digit images, split into train and test parts.

    The split is stratified: each of the 10 classes puts round(test_fraction * its size) images
    in the test part, so both parts keep the classes' proportions. The same seed always gives
    the same split.

    Standardization uses ONE global mean and std over all pixels of the train split (as MNIST's
    usual 0.1307/0.3081), not per-pixel statistics: a convolution shares its weights across
    positions, so every position should keep the same scale; and per-pixel statistics would
    divide the rarely-inked border pixels by a std near 0, blowing a stroke there up to tens of
    units. The test split is scaled with the train split's numbers, so nothing about the test
    images leaks into training.

    Args:
        test_fraction: share of each class held out for testing, a number in [0, 1); 0 gives
            an empty test part on purpose. A positive fraction so small (or so near 1) that
            rounding leaves the test (or train) part empty is refused.
        seed: seed of the numpy Generator that draws the split (None: a fresh random split).
        standardize: if True, images become (raw - mean) / std with the train split's mean and
            std; if False, they keep the raw pixel values 0..16.

    Returns:
        Split(x_train, y_train, x_test, y_test, mean, std): images (N, 1, 8, 8) float32,
        labels (N,) int64. With the default 0.2: 1,438 train and 359 test images.

    Raises:
        TypeError if test_fraction is not a number; ValueError if it is outside [0, 1) (or
        NaN), or positive but leaves one part empty, naming both sizes.
    """
    number("load_digits", "test_fraction", test_fraction)
    if not 0 <= test_fraction < 1:  # written so that NaN is refused too
        raise ValueError(f"load_digits: test_fraction must be in [0, 1), got {test_fraction!r}")
    images, labels = read_digits_raw()
    rng = np.random.default_rng(seed)
    train, test = stratified_split(labels, float(test_fraction), rng)
    if test_fraction > 0 and (len(test) == 0 or len(train) == 0):
        raise ValueError(f"load_digits: test_fraction={test_fraction!r} leaves "
                         f"{len(train)} train and {len(test)} test images of {len(labels)}; "
                         f"choose a fraction that leaves both parts non-empty, or 0 for no "
                         f"test part")
    x_train, x_test = images[train], images[test]
    mean = std = None
    if standardize:
        mean = float(x_train.mean(dtype=np.float64))
        std = float(x_train.std(dtype=np.float64))
        if std == 0.0:  # only if every train pixel is equal; then centering is all we can do
            std = 1.0
        x_train = ((x_train - mean) / std).astype(np.float32)
        x_test = ((x_test - mean) / std).astype(np.float32)
    return Split(x_train, labels[train], x_test, labels[test], mean, std)
