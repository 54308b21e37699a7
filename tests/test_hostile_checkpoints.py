"""mg.load checks a file before it trusts it: every flipped bit is refused or harmless, a
header's sizes are checked before anything is allocated (memory measured with tracemalloc,
which numpy reports its buffers to), compressed and unreferenced members are refused unread,
and nesting of any depth saves and loads without a RecursionError."""

import io
import json
import os
import struct
import time
import tracemalloc
import zipfile

import numpy as np
import pytest

import minigrad as mg
from minigrad.serialization import HEADER_ENTRY
from sparse_files import GiB, MiB, sparse_file

STATE = {"w": np.arange(3, dtype=np.float32), "step": 4, "nested": {"a": [1.5, (True, None)]},
         "t": mg.tensor([[1.0, 2.0]], requires_grad=True)}


def same(got, want):
    """Exactly equal: the same types, dtypes, shapes and values, through the nesting."""
    if isinstance(want, mg.Tensor):
        return (type(got) is mg.Tensor and got.requires_grad == want.requires_grad
                and same(got.detach().numpy(), want.detach().numpy()))
    if isinstance(want, np.ndarray):
        return (type(got) is np.ndarray and got.dtype == want.dtype
                and got.shape == want.shape and np.array_equal(got, want))
    if type(got) is not type(want):
        return False
    if isinstance(want, dict):
        return list(got) == list(want) and all(same(got[k], want[k]) for k in want)
    if isinstance(want, (list, tuple)):
        return len(got) == len(want) and all(same(g, w) for g, w in zip(got, want))
    return got == want


def member_spans(content):
    """{member name: (start, end) of its data (the .npy bytes) in the file}."""
    spans = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            name_length, extra_length = struct.unpack(
                "<HH", content[info.header_offset + 26:info.header_offset + 30])
            start = info.header_offset + 30 + name_length + extra_length
            spans[info.filename] = (start, start + info.compress_size)
    return spans


def test_every_flipped_bit_is_refused_or_changes_nothing():
    """Before checksums, a bit flipped in a shape digit of a .npy header loaded a smaller
    array without a word (zipfile checks a member's CRC-32 only once it is read to its end,
    and numpy stops where the header says). Now a bit flipped alone gives a ValueError naming
    the file, or (in zip fields nothing reads, such as a time stamp) the same state; a flip
    anywhere in a member's bytes is always refused. Every bit is flipped, except past the
    first 256 bytes of a member (its .npy header), where those of one byte in 61 are."""
    state = dict(STATE, big=np.arange(2000, dtype=np.float32))  # 8 kB: read in two parts
    buffer = io.BytesIO()
    mg.save(state, buffer)
    content = buffer.getvalue()
    in_members, positions = set(), set(range(len(content)))
    for start, end in member_spans(content).values():
        in_members.update(range(start, end))
        positions -= set(range(start + 256, end)) - set(range(start + 256, end, 61))
    assert len(in_members) > 0.6 * len(content)  # the spans are right: most bytes are data
    for position in sorted(positions):
        for bit in range(8):
            damaged = bytearray(content)
            damaged[position] ^= 1 << bit
            try:
                loaded = mg.load(io.BytesIO(damaged))
            except ValueError as err:
                assert str(err).startswith("load: BytesIO "), err
                continue
            assert position not in in_members, f"byte {position} of a member changed, it loaded"
            assert same(loaded, state), f"byte {position} bit {bit}: a different state loaded"


def rewritten(content, name, replace):
    """The checkpoint `content` with member `name`'s bytes passed through replace(), and the
    zip's CRC-32 recomputed to match, as a deliberate edit would."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as old, zipfile.ZipFile(buffer, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, replace(data) if info.filename == name else data)
        new.comment = old.comment
    return buffer.getvalue()


def test_a_shape_digit_changed_names_the_entry(tmp_path):
    path = tmp_path / "c.npz"
    mg.save({"w": np.arange(3000, dtype=np.float32)}, path)
    content = path.read_bytes()
    start, end = member_spans(content)["0.npy"]
    at = content.index(b"(3000,)", start, end)
    path.write_bytes(content[:at] + b"(2000,)" + content[at + 7:])
    with pytest.raises(ValueError, match=rf"load: {path} is damaged: entry '0' announces a "
                                         rf"float32 array of shape \(2000,\) \(8000 bytes\), "
                                         rf"but holds 12000 bytes"):
        mg.load(path)
    mg.save({"w": np.arange(30, dtype=np.float32)}, path)  # small: zipfile reads it whole
    content = path.read_bytes()
    at = content.index(b"(30,)")
    path.write_bytes(content[:at] + b"(20,)" + content[at + 5:])
    with pytest.raises(ValueError, match=rf"load: {path} is damaged: entry '0': Bad CRC-32"):
        mg.load(path)


def test_an_edit_that_fixes_the_zip_crc_is_caught_by_the_checksum(tmp_path):
    path = tmp_path / "c.npz"
    mg.save({"w": np.arange(30, dtype=np.float32)}, path)
    edited = rewritten(path.read_bytes(), "0.npy",
                       lambda data: data[:-4] + np.float32(-1).tobytes())
    path.write_bytes(edited)
    with pytest.raises(ValueError, match=rf"load: {path} is damaged: entry '0' does not match "
                                         rf"its SHA-256 checksum"):
        mg.load(path)
    mg.save({"w": np.arange(30, dtype=np.float32)}, path)
    path.write_bytes(rewritten(path.read_bytes(), HEADER_ENTRY + ".npy",
                               lambda data: data.replace(b'"version": 3', b'"version": 2')))
    with pytest.raises(ValueError, match=rf"entry '{HEADER_ENTRY}' does not match its SHA-256"):
        mg.load(path)


def checkpoint_with(members, tree=None, compressed=()):
    """The bytes of a version 2 checkpoint (no checksums) whose header holds `tree` (default:
    the array entry "0") and whose other members are `members` {name: callable(file)}, those
    named in `compressed` deflated."""
    tree = tree or {"type": "array", "entry": "0"}
    header = json.dumps({"format": "minigrad.checkpoint", "version": 2, "tree": tree}).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, write in members.items():
            info = zipfile.ZipInfo(name)
            if name in compressed:
                info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                write(member)
        with archive.open(HEADER_ENTRY + ".npy", "w") as member:
            np.lib.format.write_array(member, np.frombuffer(header, np.uint8))
    return buffer.getvalue()


def zeros_npy(count, written=None):
    """A writer of a .npy header announcing `count` uint8 zeros, then `written` of them."""
    def write(member):
        np.lib.format.write_array_header_1_0(
            member, {"descr": "|u1", "fortran_order": False, "shape": (count,)})
        zeros = bytes(MiB)
        left = count if written is None else written
        while left > 0:
            member.write(zeros[:min(left, MiB)])
            left -= MiB
    return write


def refused_with_peak(path, match):
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=match):
            mg.load(path)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_compressed_member_is_refused_before_it_expands(tmp_path):
    path = tmp_path / "bomb.npz"  # 256 MiB of zeros in 0.26 MB
    path.write_bytes(checkpoint_with({"0.npy": zeros_npy(256 * MiB)}, compressed={"0.npy"}))
    assert path.stat().st_size < 0.3e6
    peak = refused_with_peak(path, rf"load: {path} is damaged or not written by "
                                   rf"minigrad.save: entry '0' is compressed")
    assert peak < 4 * MiB


def test_a_member_the_header_does_not_name_is_refused_unread(tmp_path):
    path = tmp_path / "extra.npz"  # the bomb rides in a member no node refers to
    path.write_bytes(checkpoint_with({"0.npy": zeros_npy(4), "9.npy": zeros_npy(256 * MiB)},
                                     compressed={"9.npy"}))
    peak = refused_with_peak(path, r"holds members its header does not refer to \(9.npy\)")
    assert peak < 4 * MiB


def test_a_npy_header_claiming_more_than_its_member_holds_is_refused_before_allocating(
        tmp_path):
    path = tmp_path / "claim.npz"  # announces 256 MiB, holds 1 KiB
    path.write_bytes(checkpoint_with({"0.npy": zeros_npy(256 * MiB, written=1024)}))
    peak = refused_with_peak(path, r"entry '0' announces a uint8 array of shape \(268435456,\) "
                                   r"\(268435456 bytes\), but holds 1024 bytes")
    assert peak < 4 * MiB


def test_a_checkpoint_padded_to_a_sparse_64_gib_is_not_read(tmp_path):
    path = tmp_path / "c.npz"
    mg.save(STATE, path)
    sparse_file(path, path.read_bytes(), 64 * GiB)
    start = time.perf_counter()
    assert refused_with_peak(path, rf"load: {path} is not a readable") < 4 * MiB
    assert time.perf_counter() - start < 5


def test_a_zip_directory_claiming_64_gib_is_not_read(tmp_path):
    path = tmp_path / "c.npz"
    size = 64 * GiB
    # a zip's end record, at the end of the file, placing a 64 GiB directory before it
    end_record = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, 0xFFFFFFFF, 0, 0)
    zip64_end = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, 1, 1,
                            size - 98, 0)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, size - 98, 1)
    sparse_file(path, b"PK\x03\x04", size, tail=zip64_end + locator + end_record)
    start = time.perf_counter()
    assert refused_with_peak(path, rf"load: {path} ") < 4 * MiB
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("kind", [dict, list, tuple])
def test_nesting_10000_deep_saves_and_loads(tmp_path, kind):
    deep = leaf = {"w": np.ones(2, np.float32)}
    for _ in range(10_000):
        deep = {"inner": deep} if kind is dict else kind([deep])
    path = tmp_path / "deep.npz"
    mg.save(deep, path)
    loaded = mg.load(path)
    for _ in range(10_000):
        loaded = loaded["inner"] if kind is dict else loaded[0]
        assert type(loaded) in (kind, dict)
    assert same(loaded, leaf)


def test_a_deep_container_holding_itself_is_refused(tmp_path):
    outer = inner = {}
    for _ in range(5000):
        inner["x"] = {}
        inner = inner["x"]
    inner["loop"] = outer
    with pytest.raises(ValueError, match=r"save: state_dict\['x'\]\['x'\].*\['loop'\] "
                                         r"contains itself"):
        mg.save(outer, tmp_path / "c.npz")
    assert not os.listdir(tmp_path)


def test_a_deeply_nested_version_2_header_is_a_clear_error(tmp_path):
    tree = '{"type": "list", "items": [' * 100_000 + "]}" * 100_000
    header = ('{"format": "minigrad.checkpoint", "version": 2, "tree": ' + tree + "}").encode()
    path = tmp_path / "c.npz"
    np.savez(path, **{HEADER_ENTRY: np.frombuffer(header, np.uint8)})
    with pytest.raises(ValueError, match=rf"load: {path} is not a readable minigrad checkpoint"):
        mg.load(path)
