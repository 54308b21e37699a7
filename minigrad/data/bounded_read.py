"""Reading a data file no further than its header allows, so that a damaged or hostile file
costs no more memory than the content it honestly holds: sizes are checked against the file
before the body is read, and a gzip stream is never decompressed past what is expected."""

import os

CHUNK_BYTES = 1 << 20
# Deflate spends at least 2 bits per 258-byte match, so a gzip stream expands at most about
# 1032-fold: a header that claims more than that from the compressed size is a lie.
MAX_GZIP_RATIO = 1032


def read_at_most(stream, limit):
    """Up to `limit` bytes of `stream` as a bytearray, read in chunks: memory grows with what
    the stream really holds, never with what a header claims (a single read(limit) would
    allocate `limit` bytes up front)."""
    content = bytearray()
    while len(content) < limit:
        chunk = stream.read(min(CHUNK_BYTES, limit - len(content)))
        if not chunk:
            break
        content += chunk
    return content


def most_bytes_in(path, gzipped):
    """The most bytes reading `path` can honestly give: its size, or for a gzip file the
    most its compressed size can expand to."""
    size = os.path.getsize(path)
    return size * MAX_GZIP_RATIO if gzipped else size
