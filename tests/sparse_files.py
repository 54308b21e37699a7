"""Sparse files for the hostile-file tests: gigabytes long, with no disk space behind them."""

import os

import pytest

MiB = 1 << 20
GiB = 1 << 30


def sparse_file(path, content, size, tail=b""):
    """Write `content`, zeros, then `tail`, `size` bytes in all, as a sparse file (skip the
    test if the file system cannot, or would store the zeros)."""
    path.write_bytes(content)
    try:
        with open(path, "r+b") as f:
            f.truncate(size - len(tail))
            f.seek(0, os.SEEK_END)
            f.write(tail)
    except OSError as err:
        pytest.skip(f"no sparse files here: {err}")
    if os.stat(path).st_blocks * 512 > 64 * MiB:
        path.unlink()
        pytest.skip("the file system allocated the sparse file's zeros")
    return path
