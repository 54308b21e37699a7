"""minigrad-report's user errors: one line on stderr, status 2, no traceback."""

import errno
import os

import pytest

from minigrad.analysis import cli


@pytest.fixture
def never_run(monkeypatch):
    def run(*args, **kwargs):
        raise AssertionError("the experiments ran despite the bad options")

    monkeypatch.setattr(cli, "run", run)


def status_and_error(capsys, argv):
    try:
        status = cli.main(argv)
    except SystemExit as exit:
        status = exit.code
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    return status, err


@pytest.mark.parametrize("case", ["file", "empty", "under a file", "negative seed", "unknown"])
def test_bad_options_are_one_line_and_status_2(tmp_path, capsys, never_run, case):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    extra = {"file": ["--out", str(a_file)], "empty": ["--out", ""],
             "under a file": ["--out", str(a_file / "report")],
             "negative seed": ["--seed", "-3", "--out", str(tmp_path / "r")],
             "unknown": ["--bogus"]}[case]
    status, err = status_and_error(capsys, ["report", "--quick", *extra])
    assert status == 2 and err.startswith("python -m minigrad.analysis")
    assert not (tmp_path / "r").exists()


def test_a_full_disk_is_one_line_and_status_2(tmp_path, capsys, monkeypatch):
    def run(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "report.md"))

    monkeypatch.setattr(cli, "run", run)
    status, err = status_and_error(capsys, ["flow", "--quick", "--out", str(tmp_path)])
    assert status == 2 and "No space left on device" in err
