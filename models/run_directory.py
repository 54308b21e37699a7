"""The files of a training run in --out, and the rules that keep them consistent.

A run folder holds checkpoint.npz, metrics.csv and metrics.jsonl, nothing else of ours. The
checkpoint is the truth: it carries the metrics rows of every finished epoch, and the metrics
files are rewritten from it (atomically, after the checkpoint is saved, and again on
--resume). So after a crash at any moment the files never disagree for long: a resume
rewrites them to exactly the checkpoint's epochs. Every file is written to a temporary file
beside it and renamed over it (os.replace), so a symlink in its place is never followed; the
start of a run refuses such links anyway, and removes temporary files a crash left behind.
"""

import csv
import io
import json
import os
import re
import uuid

import minigrad as mg

CHECKPOINT = "checkpoint.npz"
METRICS_CSV = "metrics.csv"
METRICS_JSONL = "metrics.jsonl"
RUN_FILES = (CHECKPOINT, METRICS_CSV, METRICS_JSONL)
FORMAT = "minigrad-train-v2"
METRIC_FIELDS = ("epoch", "lr", "train_loss", "train_acc", "test_loss", "test_acc", "seconds")
CHECKPOINT_KEYS = ("format", "config", "model", "optimizer", "scheduler", "loader", "position",
                   "metrics")
# mg.save's temporary files and ours: ".<name>.<32 hex digits>.tmp".
_TEMPORARY = re.compile(r"^\.(checkpoint\.npz|metrics\.csv|metrics\.jsonl)\.[0-9a-f]{32}\.tmp$")


class RunError(Exception):
    """A user error: the CLI prints its one sentence and exits with status 2."""


def _nearest_existing(path):
    path = os.path.abspath(path)
    while not os.path.lexists(path):
        path = os.path.dirname(path)
    return path


def check_writable_folder(out):
    """Refuse an --out that is empty, not a folder, or cannot be written (or created)."""
    if out == "":
        raise RunError("--out is empty; give the folder for the run's files")
    if os.path.lexists(out) and not os.path.isdir(out):
        raise RunError(f"--out {out} exists and is not a folder")
    existing = _nearest_existing(out)
    if not os.path.isdir(existing):
        raise RunError(f"--out {out} cannot be created: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise RunError(f"--out {out} is not writable ({existing} is read-only)")


def check_out(out, resume, overwrite):
    """Refuse an --out the run cannot use, before anything is created."""
    check_writable_folder(out)
    if not os.path.isdir(out):
        if resume:
            raise RunError(f"--resume: no checkpoint at {os.path.join(out, CHECKPOINT)}")
        return
    entries = sorted(os.listdir(out))
    for name in RUN_FILES:
        if os.path.islink(os.path.join(out, name)):
            raise RunError(f"{os.path.join(out, name)} is a symbolic link; the run writes only "
                           f"inside --out and never through a link: remove it")
    foreign = [name for name in entries if name not in RUN_FILES and not _TEMPORARY.match(name)]
    if resume:
        if not os.path.isfile(os.path.join(out, CHECKPOINT)):
            raise RunError(f"--resume: no checkpoint at {os.path.join(out, CHECKPOINT)}")
    elif overwrite and foreign:
        raise RunError(f"--overwrite removes only a run's own files, and {out} also holds "
                       f"{', '.join(foreign[:3])}{', ...' if len(foreign) > 3 else ''}; "
                       f"choose another --out")
    elif not overwrite and any(not _TEMPORARY.match(name) for name in entries):
        raise RunError(f"--out {out} is not empty; pass --resume to continue the run there, "
                       f"--overwrite to start it afresh, or choose another --out")


def prepare_out(out, overwrite):
    """Create --out; remove crash leftovers, and with `overwrite` the old run's files."""
    try:
        os.makedirs(out, exist_ok=True)
        for name in os.listdir(out):
            if _TEMPORARY.match(name) or (overwrite and name in RUN_FILES):
                os.remove(os.path.join(out, name))
    except OSError as err:
        raise RunError(f"cannot prepare --out {out}: {err.strerror or err}") from err


def save_checkpoint(out, state):
    """mg.save `state` (CHECKPOINT_KEYS but "format") atomically as out/checkpoint.npz."""
    path = os.path.join(out, CHECKPOINT)
    try:
        mg.save({"format": FORMAT, **state}, path)
    except OSError as err:
        raise RunError(f"cannot write {path}: {err.strerror or err}; the previous "
                       f"checkpoint is kept") from err


def load_checkpoint(out, caller="--resume"):
    """The checkpoint in `out`, its config decoded; RunError (one sentence, starting with
    `caller`: the option or function that asked) if unusable."""
    path = os.path.join(out, CHECKPOINT)
    try:
        checkpoint = mg.load(path)
    except OSError as err:
        raise RunError(f"{caller}: cannot read {path}: {err.strerror or err}") from err
    except ValueError as err:
        raise RunError(f"{caller}: {path} is damaged or not a checkpoint "
                       f"({_first_line(err)})") from err
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != FORMAT:
        raise RunError(f"{caller}: {path} is not a {FORMAT} training checkpoint")
    missing = [key for key in CHECKPOINT_KEYS if key not in checkpoint]
    try:
        config = json.loads(checkpoint["config"]) if not missing else None
    except (TypeError, ValueError):
        config = None
    if missing:
        raise RunError(f"{caller}: {path} is damaged: it lacks {', '.join(missing)}")
    if not isinstance(config, dict):
        raise RunError(f"{caller}: {path} is damaged: its config is not a JSON object")
    if not isinstance(checkpoint["metrics"], list):
        raise RunError(f"{caller}: {path} is damaged: its metrics are not a list of rows")
    checkpoint["config"] = config
    return checkpoint


def _first_line(err):
    lines = str(err).splitlines()
    return lines[0] if lines else type(err).__name__


def write_metrics(out, rows):
    """Rewrite metrics.csv and metrics.jsonl to hold exactly `rows`, each atomically."""
    table = io.StringIO(newline="")
    writer = csv.DictWriter(table, fieldnames=METRIC_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    _write_atomically(os.path.join(out, METRICS_CSV), table.getvalue())
    _write_atomically(os.path.join(out, METRICS_JSONL),
                      "".join(json.dumps(row) + "\n" for row in rows))


def _write_atomically(path, text):
    directory, name = os.path.split(path)
    temporary = os.path.join(directory, f".{name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "x", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)  # replaces a symlink itself, never its target
    except BaseException as err:
        if os.path.exists(temporary):
            os.remove(temporary)
        if isinstance(err, OSError):
            raise RunError(f"cannot write {path}: {err.strerror or err}; the checkpoint "
                           f"holds the metrics, --resume rewrites them") from err
        raise
