"""The zip container of a checkpoint (see serialization.py for the format), written and read
with every claim checked before it is trusted.

Written: one uncompressed (ZIP_STORED) .npy member per array, "0.npy", "1.npy", ..., then the
JSON header member, last, holding the SHA-256 of every array member's bytes (its .npy header
included); the archive's comment holds the SHA-256 of the header member.

Read, in this order, so that a file costs no more memory than it honestly holds:
- the zip's central directory, refused above MAX_DIRECTORY_BYTES;
- the header member, then only the members it refers to: a member it does not name is never
  read (its presence is refused); a compressed member is refused (minigrad.save never writes
  one), so no member can expand;
- for each member, its size against the file's, and its .npy header's shape * itemsize against
  the member's size, before the array is allocated;
- each member to its last byte, so the zip CRC-32 is checked, and the SHA-256 if the file has
  them (version 3; versions 1 and 2 carry none, and are checked by the sizes and CRCs only).
"""

import ast
import hashlib
import json
import zipfile

import numpy as np

HEADER_ENTRY = "__minigrad_checkpoint__"
CHECKSUM_COMMENT = b"minigrad.checkpoint sha256 of the header: "
MAX_DIRECTORY_BYTES = 16 << 20  # about 200,000 members; a real checkpoint has thousands
MAX_NPY_HEADER_BYTES = 1 << 16
CHUNK_BYTES = 1 << 20


class Unreadable(Exception):
    """Why a checkpoint is refused; load() turns it into a ValueError naming the file."""


# ----- write ----------------------------------------------------------------------------------

class _Hashing:
    """A write-only file that passes everything on to `raw` and hashes it on the way."""

    def __init__(self, raw):
        self.raw, self.sha256 = raw, hashlib.sha256()

    def write(self, data):
        self.sha256.update(data)
        return self.raw.write(data)


def _write_member(archive, entry, array):
    """Write `array` as the member entry.npy; the SHA-256 (hex) of the member's bytes."""
    with archive.open(entry + ".npy", "w", force_zip64=True) as member:
        hashing = _Hashing(member)
        np.lib.format.write_array(hashing, array, allow_pickle=False)
    return hashing.sha256.hexdigest()


def write_archive(file, arrays, header):
    """Write `arrays` as members "0".."n-1" and then `header` (a dict, given the key
    "checksums": {entry: SHA-256}) as JSON in the member HEADER_ENTRY, to an open file."""
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        checksums = {str(i): _write_member(archive, str(i), array)
                     for i, array in enumerate(arrays)}
        text = json.dumps({**header, "checksums": checksums}).encode("utf-8")
        digest = _write_member(archive, HEADER_ENTRY, np.frombuffer(text, dtype=np.uint8))
        archive.comment = CHECKSUM_COMMENT + digest.encode("ascii")


# ----- read -----------------------------------------------------------------------------------

class _CappedReads:
    """A file whose reads may not ask for more than `cap` bytes at once (None: no cap), so
    that zipfile cannot be made to read a central directory of any claimed size."""

    def __init__(self, file, size, cap):
        self._file, self._size, self.cap = file, size, cap

    def read(self, n=-1):
        wanted = self._size - self._file.tell() if n is None or n < 0 else n
        if self.cap is not None and wanted > self.cap:
            raise Unreadable(f"is damaged: its zip directory claims {wanted} bytes, more than "
                             f"the {self.cap} a checkpoint's may take")
        return self._file.read(n)

    def seek(self, *args):
        return self._file.seek(*args)

    def tell(self):
        return self._file.tell()

    def seekable(self):
        return True


def _npy_header(member, entry, member_size):
    """(the .npy header's bytes, dtype, shape, fortran_order) of an open member."""
    start = member.read(8)
    if len(start) < 8 or start[:6] != b"\x93NUMPY" or start[6] not in (1, 2, 3):
        raise Unreadable(f"is damaged: entry {entry!r} is not a .npy array (it starts with "
                         f"{start!r})")
    length_field = member.read(2 if start[6] == 1 else 4)  # version 1: 2 bytes, later 4
    length = int.from_bytes(length_field, "little")
    if length > MAX_NPY_HEADER_BYTES or 8 + len(length_field) + length > member_size:
        raise Unreadable(f"is damaged: entry {entry!r} claims a .npy header of {length} bytes")
    text = member.read(length)
    try:
        fields = ast.literal_eval(text.decode("utf-8" if start[6] == 3 else "latin1"))
        if not isinstance(fields, dict) or set(fields) != {"descr", "fortran_order", "shape"}:
            raise ValueError(f"its keys are {sorted(fields) if isinstance(fields, dict) else []}")
        shape, fortran_order = fields["shape"], fields["fortran_order"]
        if not (isinstance(shape, tuple) and all(type(d) is int and d >= 0 for d in shape)
                and isinstance(fortran_order, bool)):
            raise ValueError(f"shape {shape!r}, fortran_order {fortran_order!r}")
        dtype = np.lib.format.descr_to_dtype(fields["descr"])
    except Exception as err:  # a damaged header is any syntax or value error
        raise Unreadable(f"is damaged: entry {entry!r} has an unreadable .npy header "
                         f"({type(err).__name__}: {err})") from None
    if dtype.hasobject:
        raise Unreadable(f"is damaged: entry {entry!r} holds Python objects ({dtype}), which "
                         f"only pickle could read; minigrad never unpickles")
    return start + length_field + text, dtype, shape, fortran_order


def _read_entry(archive, entry, file_size):
    """(array, SHA-256 hex of the member's bytes) of the member entry.npy, checked."""
    try:
        info = archive.getinfo(entry + ".npy")
    except KeyError:
        raise Unreadable(f"is damaged: its array entry {entry!r} is missing") from None
    if info.compress_type != zipfile.ZIP_STORED:
        raise Unreadable(f"is damaged or not written by minigrad.save: entry {entry!r} is "
                         f"compressed, and minigrad.save never compresses")
    if info.file_size != info.compress_size or info.header_offset + info.file_size > file_size:
        raise Unreadable(f"is damaged: entry {entry!r} claims {info.file_size} bytes, but the "
                         f"file holds {file_size}")
    try:
        return _read_member(archive, info, entry)
    except zipfile.BadZipFile as err:  # zipfile reads ahead: a bad CRC-32 may show up early
        raise Unreadable(f"is damaged: entry {entry!r}: {err}") from None


def _read_member(archive, info, entry):
    with archive.open(info) as member:
        head, dtype, shape, fortran_order = _npy_header(member, entry, info.file_size)
        data_bytes = dtype.itemsize * int(np.prod(shape, dtype=object))
        if len(head) + data_bytes != info.file_size:  # checked before the array is allocated
            raise Unreadable(f"is damaged: entry {entry!r} announces a {dtype} array of shape "
                             f"{shape} ({data_bytes} bytes), but holds "
                             f"{info.file_size - len(head)} bytes")
        data = bytearray()
        while len(data) < data_bytes:
            chunk = member.read(min(CHUNK_BYTES, data_bytes - len(data)))
            if not chunk:
                raise Unreadable(f"is truncated: entry {entry!r} ends early")
            data += chunk
        member.read(1)  # at the member's end: zipfile checks the CRC-32 here
    digest = hashlib.sha256(head)
    digest.update(data)
    if data_bytes == 0:
        array = np.empty(shape, dtype)
    else:
        flat = np.frombuffer(data, dtype=dtype)
        array = flat.reshape(shape[::-1]).T if fortran_order else flat.reshape(shape)
    return array, digest.hexdigest()


def _check(digest, want, entry):
    if want is not None and digest != want:
        raise Unreadable(f"is damaged: entry {entry!r} does not match its SHA-256 checksum")


def read_archive(file, file_size, read_header):
    """(header, {entry: array}) of a checkpoint open in `file` (seekable, `file_size` bytes).

    read_header(header_bytes) parses the header and gives (header, the entries it refers to,
    {entry: SHA-256} or None); only those entries are read.
    """
    capped = _CappedReads(file, file_size, MAX_DIRECTORY_BYTES)
    with zipfile.ZipFile(capped) as archive:
        capped.cap = None  # the directory is read; members are bounded by their own checks
        names = archive.namelist()
        if HEADER_ENTRY + ".npy" not in names:
            shown = [name.removesuffix(".npy") for name in names[:5]]
            raise Unreadable(f"is not a minigrad checkpoint: it is a .npz archive without the "
                             f"{HEADER_ENTRY!r} entry that minigrad.save writes (its entries: "
                             f"{', '.join(shown) + (', ...' if len(names) > 5 else '') or 'none'})")
        if len(set(names)) != len(names):
            raise Unreadable("is damaged: two of its members have the same name")
        raw_header, digest = _read_entry(archive, HEADER_ENTRY, file_size)
        if archive.comment.startswith(CHECKSUM_COMMENT):
            _check(digest, archive.comment[len(CHECKSUM_COMMENT):].decode("ascii"), HEADER_ENTRY)
        if raw_header.dtype != np.uint8 or raw_header.ndim != 1:
            raise Unreadable(f"is damaged: its header entry is {raw_header.dtype} "
                             f"{raw_header.shape}, expected 1-D uint8")
        header, entries, checksums = read_header(raw_header.tobytes())
        if checksums is not None and not archive.comment.startswith(CHECKSUM_COMMENT):
            raise Unreadable("is damaged: the checksum of its header is missing")
        extra = sorted(set(names) - {HEADER_ENTRY + ".npy"} - {e + ".npy" for e in entries})
        if extra:
            raise Unreadable(f"is damaged or not written by minigrad.save: it holds members its "
                             f"header does not refer to ({', '.join(extra[:5])}"
                             f"{', ...' if len(extra) > 5 else ''})")
        arrays = {}
        for entry in entries:
            arrays[entry], digest = _read_entry(archive, entry, file_size)
            _check(digest, None if checksums is None else checksums.get(entry, ""), entry)
    return header, arrays
