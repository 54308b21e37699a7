"""Helpers of the trainer's tests: run minigrad-train in-process, check a one-line error."""

from minigrad.models import train as train_module


def cli(capsys, *argv):
    """(status, stdout, stderr) of main(argv), argparse's exits included."""
    try:
        status = train_module.main(list(argv))
    except SystemExit as exit:
        status = exit.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line_error(status, err, *words):
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for word in words:
        assert word in err, err
