"""minigrad.data: the bundled digits (split, stratification, standardization, the file's hash),
and the MNIST and CIFAR-10 readers on small files written here in both formats. The
DataLoader (minigrad.utils.data's, also exported here) is tested in test_utils_data.py."""

import gzip
import hashlib
import struct
from importlib import resources

import numpy as np
import pytest

from minigrad.data import load_cifar10, load_digits, load_mnist
from minigrad.data.digits import read_digits_raw, stratified_split

# Copied from /work/shared/data/digits.csv.gz.sha256: the bundled file must be that exact file.
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"


# ----- digits ---------------------------------------------------------------------------------


def test_bundled_digits_file_is_the_published_one():
    content = resources.files("minigrad.data").joinpath("digits.csv.gz").read_bytes()
    assert hashlib.sha256(content).hexdigest() == DIGITS_SHA256
    assert resources.files("minigrad.data").joinpath("DIGITS_LICENSE.md").is_file()


def test_digits_shapes_dtypes_and_total():
    split = load_digits()
    assert split.x_train.shape[1:] == split.x_test.shape[1:] == (1, 8, 8)
    assert split.x_train.dtype == split.x_test.dtype == np.float32
    assert split.y_train.dtype == split.y_test.dtype == np.int64
    assert len(split.x_train) == len(split.y_train)
    assert len(split.x_test) == len(split.y_test)
    assert len(split.y_train) + len(split.y_test) == 1797
    assert set(np.unique(np.concatenate([split.y_train, split.y_test]))) == set(range(10))


def test_raw_digits_are_integers_0_to_16():
    images, labels = read_digits_raw()
    assert images.shape == (1797, 1, 8, 8)
    assert images.min() == 0 and images.max() == 16
    assert np.array_equal(images, np.round(images))
    assert labels.min() == 0 and labels.max() == 9


@pytest.mark.parametrize("test_fraction", [0.1, 0.2, 0.25, 0.5])
def test_digits_split_is_stratified(test_fraction):
    split = load_digits(test_fraction=test_fraction, seed=3)
    _, labels = read_digits_raw()
    for c in range(10):
        n_c = np.sum(labels == c)
        n_test = np.sum(split.y_test == c)
        n_train = np.sum(split.y_train == c)
        assert n_train + n_test == n_c
        # each class holds out its own share, to the nearest whole image
        assert abs(n_test - test_fraction * n_c) <= 0.5


def test_digits_split_is_a_partition_of_the_file():
    """Every (image, label) row of the file lands in exactly one part: none lost, none twice."""
    split = load_digits(standardize=False, seed=1)
    images, labels = read_digits_raw()

    def rows(x, y):
        table = np.concatenate([x.reshape(len(x), -1), y[:, None].astype(np.float32)], axis=1)
        return table[np.lexsort(table.T[::-1])]

    together = rows(np.concatenate([split.x_train, split.x_test]),
                    np.concatenate([split.y_train, split.y_test]))
    np.testing.assert_array_equal(together, rows(images, labels))


def test_stratified_split_indices_are_disjoint_and_cover_everything():
    labels = np.repeat(np.arange(4), [10, 7, 3, 20])
    train, test = stratified_split(labels, 0.3, np.random.default_rng(0))
    assert len(np.intersect1d(train, test)) == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(len(labels)))
    # the classes come interleaved, not in blocks
    assert not np.all(np.diff(labels[train]) >= 0)


def test_digits_split_is_deterministic_for_a_seed():
    a, b = load_digits(seed=7), load_digits(seed=7)
    for name in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    c = load_digits(seed=8)
    assert not np.array_equal(a.y_train, c.y_train)


def test_digits_standardized_with_train_statistics_only():
    split = load_digits(seed=2)
    raw = load_digits(seed=2, standardize=False)  # same seed: the same split, unscaled
    assert abs(split.x_train.mean(dtype=np.float64)) < 1e-5
    assert abs(split.x_train.std(dtype=np.float64) - 1) < 1e-5
    assert split.mean == pytest.approx(raw.x_train.mean(dtype=np.float64), rel=1e-9)
    assert split.std == pytest.approx(raw.x_train.std(dtype=np.float64), rel=1e-9)
    # the test part is scaled with the train part's numbers, not its own
    np.testing.assert_allclose(split.x_test, (raw.x_test - split.mean) / split.std, atol=1e-5)
    assert abs(split.x_test.mean(dtype=np.float64)) > 1e-4
    assert raw.mean is None and raw.std is None
    assert raw.x_train.max() == 16


def test_digits_test_fraction_zero_and_bad_values():
    split = load_digits(test_fraction=0)
    assert split.x_train.shape == (1797, 1, 8, 8)
    assert split.x_test.shape == (0, 1, 8, 8) and split.y_test.shape == (0,)
    for bad in (1, 1.5, -0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match=r"load_digits: test_fraction must be in \[0, 1\)"):
            load_digits(test_fraction=bad)
    for bad in ("0.2", True, None, [0.2]):
        with pytest.raises(TypeError, match="load_digits: test_fraction must be a number"):
            load_digits(test_fraction=bad)
    assert len(load_digits(test_fraction=np.float32(0.2)).y_test) == 359  # numpy scalars too


@pytest.mark.parametrize("fraction,train,test", [(0.001, 1797, 0), (0.999, 0, 1797)])
def test_digits_split_leaving_a_side_empty_is_refused(fraction, train, test):
    # round(fraction * class size) is 0 (or the whole class) for every class
    with pytest.raises(ValueError, match=rf"test_fraction={fraction} leaves {train} train and "
                                         rf"{test} test images of 1797"):
        load_digits(test_fraction=fraction)


# ----- MNIST ----------------------------------------------------------------------------------


def idx_bytes(magic, array):
    """An IDX file as MNIST's distributors write it: big-endian magic, dims, then the bytes."""
    array = np.asarray(array, dtype=np.uint8)
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def write(path, content, gz):
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(content))
    else:
        path.write_bytes(content)
    return path


def write_mnist(directory, prefix, n, gz, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    images[0, 0, 0], images[0, 0, 1] = 0, 255
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    write(directory / f"{prefix}-images-idx3-ubyte", idx_bytes(2051, images), gz)
    write(directory / f"{prefix}-labels-idx1-ubyte", idx_bytes(2049, labels), gz)
    return images, labels


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gz"])
@pytest.mark.parametrize("train,prefix", [(True, "train"), (False, "t10k")])
def test_mnist_reads_idx_files(tmp_path, gz, train, prefix):
    images, labels = write_mnist(tmp_path, prefix, n=7, gz=gz)
    x, y = load_mnist(tmp_path, train=train)
    assert x.shape == (7, 1, 28, 28) and x.dtype == np.float32
    assert y.shape == (7,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.round(x[:, 0] * 255).astype(np.uint8), images)
    np.testing.assert_array_equal(y, labels)
    assert x.min() == 0.0 and x.max() == 1.0
    assert x[0, 0, 0, 1] == 1.0


def test_mnist_train_and_test_files_are_kept_apart(tmp_path):
    write_mnist(tmp_path, "train", n=5, gz=False, seed=1)
    write_mnist(tmp_path, "t10k", n=3, gz=True, seed=2)
    assert len(load_mnist(tmp_path, train=True)[1]) == 5
    assert len(load_mnist(tmp_path, train=False)[1]) == 3


def test_mnist_missing_files_name_what_is_expected(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match="train-images-idx3-ubyte.*train-labels-idx1-ubyte"):
        load_mnist(tmp_path)
    write_mnist(tmp_path, "train", n=2, gz=True)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="train-labels-idx1-ubyte") as info:
        load_mnist(tmp_path)
    assert "train-images" not in str(info.value)


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gz"])
def test_mnist_wrong_magic_names_file_expected_and_found(tmp_path, gz):
    write_mnist(tmp_path, "train", n=2, gz=gz)
    labels = np.zeros(2, dtype=np.uint8)
    # an images file where the labels file belongs
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(2051, np.zeros((2, 1, 1))), gz)
    with pytest.raises(ValueError,
                       match=r"train-labels-idx1-ubyte.*magic number 2051.*expected 2049"):
        load_mnist(tmp_path)
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(2049, labels), gz)
    load_mnist(tmp_path)  # repaired


def test_mnist_gzip_file_left_compressed_under_raw_name(tmp_path):
    images, labels = write_mnist(tmp_path, "train", n=2, gz=False)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(gzip.compress(idx_bytes(2051, images)))
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.*magic number"):
        load_mnist(tmp_path)


@pytest.mark.parametrize("cut", [1, 100, 28 * 28 + 5])
def test_mnist_truncated_file_raises(tmp_path, cut):
    images, _ = write_mnist(tmp_path, "train", n=3, gz=False)
    content = idx_bytes(2051, images)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(content[:-cut])
    expected = rf"train-images-idx3-ubyte should be {len(content)} bytes"
    with pytest.raises(ValueError, match=expected):
        load_mnist(tmp_path)


def test_mnist_too_long_or_header_only_file_raises(tmp_path):
    images, _ = write_mnist(tmp_path, "train", n=3, gz=False)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(idx_bytes(2051, images) + b"\0")
    with pytest.raises(ValueError, match="bytes long"):
        load_mnist(tmp_path)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"\0\0\x08")
    with pytest.raises(ValueError, match="too short for an IDX header"):
        load_mnist(tmp_path)


def test_mnist_truncated_gzip_raises(tmp_path):
    images, _ = write_mnist(tmp_path, "train", n=3, gz=True)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ValueError, match="train-images-idx3-ubyte.gz is not a complete gzip"):
        load_mnist(tmp_path)


def test_mnist_image_and_label_counts_must_agree(tmp_path):
    write_mnist(tmp_path, "train", n=3, gz=False)
    write(tmp_path / "train-labels-idx1-ubyte", idx_bytes(2049, np.zeros(4)), False)
    with pytest.raises(ValueError, match="3 images.*4 labels"):
        load_mnist(tmp_path)


# ----- CIFAR-10 -------------------------------------------------------------------------------


def cifar_bytes(labels, images):
    """Records as the CIFAR-10 binary version lays them out: a label byte, then the red plane,
    the green plane and the blue plane, each 32 rows of 32 bytes."""
    out = bytearray()
    for label, image in zip(labels, images):
        out.append(int(label))
        for channel in range(3):
            for row in range(32):
                out.extend(bytes(int(v) for v in image[channel, row]))
    return bytes(out)


def random_cifar(n, seed):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 10, size=n, dtype=np.uint8),
            rng.integers(0, 256, size=(n, 3, 32, 32), dtype=np.uint8))


def test_cifar_train_reads_five_batches_in_order(tmp_path):
    parts = [random_cifar(n, seed) for seed, n in enumerate([2, 1, 3, 1, 2])]
    for i, (labels, images) in enumerate(parts, start=1):
        (tmp_path / f"data_batch_{i}.bin").write_bytes(cifar_bytes(labels, images))
    x, y = load_cifar10(tmp_path, train=True)
    assert x.shape == (9, 3, 32, 32) and x.dtype == np.float32
    assert y.shape == (9,) and y.dtype == np.int64
    np.testing.assert_array_equal(y, np.concatenate([lab for lab, _ in parts]))
    np.testing.assert_array_equal(np.round(x * 255).astype(np.uint8),
                                  np.concatenate([img for _, img in parts]))
    assert 0.0 <= x.min() and x.max() <= 1.0


def test_cifar_channels_are_red_green_blue_planes(tmp_path):
    record = bytes([7]) + bytes([10] * 1024) + bytes([20] * 1024) + bytes([30] * 1024)
    record = bytearray(record)
    record[1 + 1 * 32 + 2] = 200  # red plane, row 1, column 2
    (tmp_path / "test_batch.bin").write_bytes(bytes(record))
    x, y = load_cifar10(tmp_path, train=False)
    assert y.tolist() == [7]
    pixels = np.round(x[0] * 255)
    assert pixels[0, 1, 2] == 200
    assert pixels[0, 1, 3] == 10 and pixels[1, 1, 2] == 20 and pixels[2].min() == 30


def test_cifar_finds_the_extracted_folder(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    labels, images = random_cifar(2, 0)
    (folder / "test_batch.bin").write_bytes(cifar_bytes(labels, images))
    _, y = load_cifar10(tmp_path, train=False)
    np.testing.assert_array_equal(y, labels)


def test_cifar_missing_files_are_named(tmp_path):
    labels, images = random_cifar(1, 0)
    for i in (1, 2, 4):
        (tmp_path / f"data_batch_{i}.bin").write_bytes(cifar_bytes(labels, images))
    with pytest.raises(FileNotFoundError, match="data_batch_3.bin, data_batch_5.bin"):
        load_cifar10(tmp_path)
    with pytest.raises(FileNotFoundError, match="test_batch.bin"):
        load_cifar10(tmp_path, train=False)


@pytest.mark.parametrize("cut", [1, 3072, 3073 + 500])
def test_cifar_truncated_file_raises(tmp_path, cut):
    labels, images = random_cifar(2, 0)
    (tmp_path / "test_batch.bin").write_bytes(cifar_bytes(labels, images)[:-cut])
    with pytest.raises(ValueError, match=r"test_batch.bin is \d+ bytes long.*multiple of 3073"):
        load_cifar10(tmp_path, train=False)


def test_cifar_empty_file_and_bad_label_raise(tmp_path):
    (tmp_path / "test_batch.bin").write_bytes(b"")
    with pytest.raises(ValueError, match="test_batch.bin is 0 bytes long"):
        load_cifar10(tmp_path, train=False)
    labels, images = random_cifar(3, 0)
    labels[2] = 10
    (tmp_path / "test_batch.bin").write_bytes(cifar_bytes(labels, images))
    with pytest.raises(ValueError, match="test_batch.bin record 2 has label 10, expected 0..9"):
        load_cifar10(tmp_path, train=False)
