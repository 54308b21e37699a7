"""CIFAR-10's python version (what torchvision and Keras download): read through a restricted
unpickler, to the same arrays as the binary version, and refusing any pickle that names code."""

import os
import pickle

import numpy as np
import pytest

from minigrad.data import load_cifar10
from minigrad.data.cifar_python import MAX_FILE_BYTES, RefusedGlobal

from test_data import cifar_bytes, random_cifar


def python_batch(labels, images, python2_names=True, protocol=2):
    """A batch pickled as the official files are: protocol 2, bytes keys, (N, 3072) uint8 rows
    of red, green and blue planes, and (by default) Python 2 numpy's module name."""
    batch = {b"batch_label": b"testing batch 1 of 1", b"labels": [int(v) for v in labels],
             b"data": images.reshape(len(images), -1), b"filenames": [b"x.png"] * len(labels)}
    content = pickle.dumps(batch, protocol=protocol)
    if python2_names:
        content = content.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    return content


@pytest.mark.parametrize("python2_names, protocol", [(True, 2), (False, 2), (False, 5)])
def test_python_version_gives_the_binary_versions_arrays(tmp_path, python2_names, protocol):
    parts = [random_cifar(n, seed) for seed, n in enumerate([2, 1, 3, 1, 2, 2])]
    binary, python = tmp_path / "bin", tmp_path / "py"
    binary.mkdir(), python.mkdir()
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for name, (labels, images) in zip(names, parts):
        (binary / f"{name}.bin").write_bytes(cifar_bytes(labels, images))
        (python / name).write_bytes(python_batch(labels, images, python2_names, protocol))
    for train in (True, False):
        x_bin, y_bin = load_cifar10(binary, train=train)
        x_py, y_py = load_cifar10(python, train=train)
        np.testing.assert_array_equal(x_py, x_bin)
        np.testing.assert_array_equal(y_py, y_bin)
        assert x_py.dtype == np.float32 and y_py.dtype == np.int64
    assert x_py.shape == (2, 3, 32, 32)


def test_python_version_is_found_in_its_extracted_folder(tmp_path):
    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    labels, images = random_cifar(3, 1)
    (folder / "test_batch").write_bytes(python_batch(labels, images))
    _, y = load_cifar10(tmp_path, train=False)
    np.testing.assert_array_equal(y, labels)


class _RunsAShellCommand:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_a_pickle_naming_any_other_global_is_refused_without_running(tmp_path):
    marker = tmp_path / "ran"
    labels, images = random_cifar(1, 0)
    batch = {b"labels": [int(labels[0])], b"data": images.reshape(1, -1),
             b"payload": _RunsAShellCommand(marker)}
    (tmp_path / "test_batch").write_bytes(pickle.dumps(batch, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match=r"refusing to load the global .*system"):
        load_cifar10(tmp_path, train=False)
    assert not marker.exists()
    assert issubclass(RefusedGlobal, pickle.UnpicklingError)


@pytest.mark.parametrize("content, message", [
    (b"", "not a readable CIFAR-10 python batch"),
    (b"\x80\x02}q\x00(X", "not a readable CIFAR-10 python batch"),  # truncated
    (pickle.dumps([1, 2, 3], protocol=2), "holds a list, expected the dict"),
    (pickle.dumps({b"data": np.zeros((2, 3), np.uint8), b"labels": [0, 1]}, protocol=2),
     r"'data' is a uint8 array of shape \(2, 3\), expected a uint8 array of shape \(N, 3072\)"),
    (pickle.dumps({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0]}, protocol=2),
     r"'labels' has shape \(1,\).*expected 2 integers"),
    (pickle.dumps({b"data": np.zeros((2, 3072), np.uint8), b"labels": [0, 10]}, protocol=2),
     "image 1 has label 10, expected 0..9"),
])
def test_damaged_python_batches_are_named_errors(tmp_path, content, message):
    (tmp_path / "test_batch").write_bytes(content)
    with pytest.raises(ValueError, match=f"test_batch.*{message}"):
        load_cifar10(tmp_path, train=False)


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "test_batch"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(ValueError, match="about 31 MB; it is not one"):
        load_cifar10(tmp_path, train=False)


def test_a_folder_with_neither_version_names_both_archives(tmp_path):
    with pytest.raises(FileNotFoundError) as info:
        load_cifar10(tmp_path)
    message = str(info.value)
    assert "cifar-10-binary.tar.gz" in message and "cifar-10-python.tar.gz" in message
    assert "data_batch_1.bin" in message and "data_batch_1," in message


def test_an_incomplete_python_set_names_the_missing_files(tmp_path):
    labels, images = random_cifar(1, 0)
    for i in (1, 2, 4):
        (tmp_path / f"data_batch_{i}").write_bytes(python_batch(labels, images))
    with pytest.raises(FileNotFoundError, match="lacks data_batch_3, data_batch_5"):
        load_cifar10(tmp_path)
