"""Hostile and damaged data files cost no more memory than they honestly hold: the MNIST,
CIFAR-10 and bundled-digits readers check a header's claims against the file's size before
reading, and never decompress a gzip stream past what is expected. Memory is measured with
tracemalloc (numpy reports its buffers to it); sparse files of 64 GiB take no disk space."""

import gzip
import io
import struct
import time
import tracemalloc

import pytest

from minigrad.data import load_cifar10, load_mnist
from minigrad.data.digits import parse_digits_gzip
from sparse_files import GiB, MiB, sparse_file

def gzip_of(head, zero_mib):
    """gzip bytes of `head` then `zero_mib` MiB of zeros, compressed a MiB at a time (so
    making the bomb does not itself allocate it)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb") as stream:
        stream.write(head)
        zeros = bytes(MiB)
        for _ in range(zero_mib):
            stream.write(zeros)
    return buffer.getvalue()


def peak_bytes(call, error, match):
    """The peak memory traced while `call()` raises `error` matching `match`."""
    tracemalloc.start()
    try:
        with pytest.raises(error, match=match):
            call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def idx_header(magic, *shape):
    return struct.pack(">I", magic) + struct.pack(f">{len(shape)}I", *shape)


def test_mnist_gzip_bomb_after_a_small_header_is_not_decompressed(tmp_path):
    # 7 images announced, then 256 MiB of zeros in a 0.26 MB file
    content = gzip_of(idx_header(2051, 7, 28, 28) + bytes(7 * 784), zero_mib=256)
    assert len(content) < 0.3e6
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(content)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_header(2049, 7) + bytes(7))
    peak = peak_bytes(lambda: load_mnist(tmp_path), ValueError,
                      r"train-images-idx3-ubyte.gz should be 5504 bytes long.*but it is longer")
    assert peak < 8 * MiB


def test_mnist_gzip_claiming_more_than_it_can_expand_to_is_refused_before_reading(tmp_path):
    # 60,000 images (47 MB) announced by a file of a few hundred bytes
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(
        gzip.compress(idx_header(2051, 60000, 28, 28) + bytes(1000)))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_header(2049, 7) + bytes(7))
    peak = peak_bytes(lambda: load_mnist(tmp_path), ValueError,
                      r"should be 47040016 bytes long.*but a gzip file of \d+ bytes "
                      r"decompresses to at most \d+")
    assert peak < 1 * MiB


def test_mnist_header_claiming_a_huge_array_is_refused_before_reading(tmp_path):
    # (2**32 - 1)**3 elements announced by a 0.26 MB raw file
    (tmp_path / "train-images-idx3-ubyte").write_bytes(
        idx_header(2051, 2**32 - 1, 2**32 - 1, 2**32 - 1) + bytes(260_000))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_header(2049, 7) + bytes(7))
    peak = peak_bytes(lambda: load_mnist(tmp_path), ValueError, r"but it is 260016 bytes")
    assert peak < 1 * MiB


def test_mnist_sparse_64_gib_file_is_not_read(tmp_path):
    sparse_file(tmp_path / "train-images-idx3-ubyte",
                idx_header(2051, 7, 28, 28) + bytes(7 * 784), 64 * GiB)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_header(2049, 7) + bytes(7))
    start = time.perf_counter()
    peak = peak_bytes(lambda: load_mnist(tmp_path), ValueError,
                      rf"should be 5504 bytes long.*but it is {64 * GiB} bytes")
    assert peak < 1 * MiB and time.perf_counter() - start < 5


def test_cifar_sparse_64_gib_file_is_not_read(tmp_path):
    records = 64 * GiB // 3073
    sparse_file(tmp_path / "test_batch.bin", bytes(3073), records * 3073)
    start = time.perf_counter()
    peak = peak_bytes(lambda: load_cifar10(tmp_path, train=False), ValueError,
                      rf"{records} records, but a CIFAR-10 .bin file holds at most 10000")
    assert peak < 1 * MiB and time.perf_counter() - start < 5


def test_cifar_of_10000_records_still_loads(tmp_path):
    (tmp_path / "test_batch.bin").write_bytes(bytes(3073 * 10000))
    x, y = load_cifar10(tmp_path, train=False)
    assert x.shape == (10000, 3, 32, 32) and y.shape == (10000,)


def test_digits_gzip_bomb_is_not_decompressed():
    bomb = io.BytesIO(gzip_of(b"0," * 64 + b"3\n", zero_mib=64))
    peak = peak_bytes(lambda: parse_digits_gzip(bomb, "digits.csv.gz"), ValueError,
                      r"load_digits: the bundled digits.csv.gz is unreadable \(decompresses to "
                      r"more than 350415 bytes")
    assert peak < 8 * MiB


def test_digits_damaged_gzip_or_csv_is_a_clear_error():
    with pytest.raises(ValueError, match="bundled x.gz is unreadable.*package is damaged"):
        parse_digits_gzip(io.BytesIO(b"not gzip"), "x.gz")
    with pytest.raises(ValueError, match="bundled x.gz is unreadable.*package is damaged"):
        parse_digits_gzip(io.BytesIO(gzip.compress(b"1,2,x\n")), "x.gz")
    with pytest.raises(ValueError, match=r"should hold 1797 rows of 65 integers, got shape "
                                         r"\(1, 3\)"):
        parse_digits_gzip(io.BytesIO(gzip.compress(b"1,2,3\n")), "x.gz")


def damaged_gzip(content):
    """gzip bytes of `content` whose deflate stream is damaged where zlib (not gzip) sees it:
    the check copy of a stored block's length (compresslevel 0 stores the data)."""
    damaged = bytearray(gzip.compress(content, compresslevel=0))
    damaged[13] ^= 0xFF  # after the 10-byte gzip header: block type, LEN (2), NLEN (2)
    return bytes(damaged)


def test_a_damaged_deflate_stream_is_a_clear_error(tmp_path):
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(
        damaged_gzip(idx_header(2051, 7, 28, 28) + bytes(7 * 784)))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_header(2049, 7) + bytes(7))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.gz is not a complete gzip "
                                         r"file \(Error -3 while decompressing data"):
        load_mnist(tmp_path)
    with pytest.raises(ValueError, match=r"bundled x.gz is unreadable \(Error -3"):
        parse_digits_gzip(io.BytesIO(damaged_gzip(b"0," * 64 + b"3\n")), "x.gz")
