"""minigrad-train's command line: the options, their checks, and how --resume treats them."""

import argparse
import math
import os

from minigrad import __version__

from . import CONSTRUCTORS
from .run_directory import RunError

# The options that decide what a run computes. --resume takes them from the checkpoint; one
# given again with another value is refused (--epochs: see its help).
RUN_OPTIONS = ("model", "data", "epochs", "batch_size", "lr", "optimizer", "momentum",
               "weight_decay", "schedule", "seed", "limit", "augment", "normalize")
# Options added after checkpoints were first written: a checkpoint without one ran without it.
LATER_OPTIONS = {"augment": False, "normalize": False}

EPILOG = """\
--resume continues the run in --out from its checkpoint, with the options it was started
with; pass them again or leave them out, but an option that would change the run (--model,
--optimizer, --batch-size, --lr, --seed, --limit, --schedule, ...) is refused. --epochs may
change only with --schedule none, where a run of 2 epochs resumed with --epochs 4 equals a
run of 4, bit for bit; a schedule spans the planned epochs, so there it is refused (plan with
--epochs N --stop-after M instead); --data-dir may change, as the files may move.
Resuming a finished run says so and exits with status 0. A new run refuses a non-empty
--out: pass --resume, or --overwrite, which removes the old run's files (and refuses if the
folder holds any other file). User errors print one line and exit with status 2; a NaN or
Inf stops with status 1, Ctrl-C with 130."""


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """--help shows every option's default, and the epilog as written."""


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line (and status 2), not usage + line."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser(description):
    p = OneLineParser(prog="minigrad-train", description=description, epilog=EPILOG,
                       formatter_class=HelpFormatter)
    p.add_argument("--version", action="version", version=f"minigrad {__version__}")
    p.add_argument("--model", default="resnet20", choices=sorted(CONSTRUCTORS),
                   help="a zoo model", metavar="{" + ",".join(sorted(CONSTRUCTORS)) + "}")
    p.add_argument("--data", default="digits", choices=("digits", "mnist", "cifar10"),
                   help="the bundled digits, or MNIST or CIFAR-10 from --data-dir")
    p.add_argument("--data-dir", help="directory holding the MNIST files, or CIFAR-10's (binary or python version)")
    p.add_argument("--epochs", type=int, default=30,
                   help="planned total epochs; the lr schedule spans them")
    p.add_argument("--stop-after", type=int, default=None, metavar="N",
                   help="stop (with a checkpoint) after N epochs in this invocation; "
                        "--resume continues")
    p.add_argument("--batch-size", type=int, default=64, help="training examples per step")
    p.add_argument("--lr", type=float, default=0.05, help="the initial learning rate")
    p.add_argument("--optimizer", default="sgd", choices=("sgd", "adam"), help="the optimizer")
    p.add_argument("--momentum", type=float, default=0.9, help="SGD's momentum")
    p.add_argument("--weight-decay", type=float, default=5e-4, help="L2 penalty (as torch.optim)")
    p.add_argument("--schedule", default="cosine", choices=("none", "step", "multistep", "cosine"),
                   help="the learning-rate schedule over the planned epochs")
    p.add_argument("--augment", action="store_true",
                   help="pad-4 random crop and horizontal flip of each training batch (CIFAR's "
                        "standard augmentation)")
    p.add_argument("--normalize", action="store_true",
                   help="subtract each channel's training-set mean, divide by its std")
    p.add_argument("--seed", type=int, default=0,
                   help="seeds the weights, the data order and any augmentation")
    p.add_argument("--out", default="runs/latest", help="directory for metrics and checkpoints")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--resume", action="store_true", help="continue from --out/checkpoint.npz")
    start.add_argument("--overwrite", action="store_true",
                       help="replace the run in --out (only its own files)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--limit", type=int, default=None,
                   help="use only the first N training and test examples (smoke tests)")
    return p


def parse_args(argv, description):
    """The options, with args.given: the names of those written on the command line."""
    parser = build_parser(description)
    args = parser.parse_args(argv)
    probe = build_parser(description)
    for action in probe._actions:
        action.default = argparse.SUPPRESS
    args.given = set(vars(probe.parse_args(argv)))
    for name in ("epochs", "batch_size", "limit", "stop_after"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.seed < 0:
        parser.error(f"--seed must be a non-negative integer, got {args.seed}")
    for name in ("momentum", "weight_decay"):
        if not (math.isfinite(getattr(args, name)) and getattr(args, name) >= 0):
            parser.error(f"--{name.replace('_', '-')} must be finite and non-negative")
    if not args.lr >= 0:  # inf is allowed: the NaN guard stops such a run
        parser.error(f"--lr must be non-negative, got {args.lr}")
    return args


def _fits(action, value):
    """Whether `value` could have come from parsing `action`'s option."""
    if value is None:
        return action.default is None
    if action.nargs == 0:  # a flag (--augment): True or False
        return isinstance(value, bool)
    kind = action.type or str
    kinds = (int, float) if kind is float else (kind,)
    return (isinstance(value, kinds) and not isinstance(value, bool)
            and (action.choices is None or value in action.choices))


def apply_saved_config(args, config):
    """Set the run options of `args` from the checkpoint's `config`; refuse a conflict."""
    config = {**LATER_OPTIONS, **config}
    missing = [name for name in RUN_OPTIONS if name not in config]
    if missing:
        raise RunError(f"--resume: the checkpoint's config lacks {', '.join(missing)}")
    for action in build_parser("")._actions:
        if action.dest in RUN_OPTIONS and not _fits(action, config[action.dest]):
            raise RunError(f"--resume: the checkpoint's config is damaged: it holds "
                           f"{action.option_strings[0]} {config[action.dest]!r}")
    for name in RUN_OPTIONS:
        saved, given = config[name], getattr(args, name)
        flag = "--" + name.replace("_", "-")
        if name not in args.given or given == saved:
            setattr(args, name, saved)
        elif name == "epochs" and config["schedule"] == "none":
            pass  # exact: without a schedule the planned length changes nothing else
        elif name == "epochs":
            raise RunError(f"--resume: the run was planned for --epochs {saved} and its "
                           f"--schedule {config['schedule']} spans them, so --epochs {given} "
                           f"cannot continue it exactly; start a new run")
        elif isinstance(saved, bool):
            raise RunError(f"--resume: the run in {args.out} was started "
                           f"{'with' if saved else 'without'} {flag}; leave {flag} out or "
                           f"start a new run")
        else:
            raise RunError(f"--resume: the run in {args.out} was started with {flag} "
                           f"{saved}, not {given}; leave {flag} out or start a new run")
    if args.data_dir is None:
        args.data_dir = config.get("data_dir")


def check_combination(args):
    """Refuse options that the others make meaningless (after --resume has filled them in)."""
    if args.data != "digits" and not args.data_dir:
        raise RunError(f"--data {args.data} needs --data-dir")
    if args.data == "digits" and args.data_dir:
        raise RunError("--data-dir is only for --data mnist or cifar10; the digits are bundled")
    if args.optimizer == "adam" and "momentum" in args.given:
        raise RunError("--momentum is only for --optimizer sgd; Adam has its own betas")


def blas_threads():
    """How many threads numpy's BLAS uses, as far as can be told without a dependency."""
    try:
        from threadpoolctl import threadpool_info  # optional: exact when installed
        counts = {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}
        if counts:
            return str(max(counts))
    except ImportError:
        pass
    for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
        if os.environ.get(name):
            return f"{os.environ[name]} ({name})"
    return f"BLAS's default (usually one per core: {os.cpu_count()} cores)"


def start_line(args, model, train_size, test_size, resuming):
    """What a run is about to do, in one line: model, parameters, data, folder, threads."""
    parameters = sum(p.numel() for p in model.parameters())
    extras = [name for name in ("augment", "normalize") if getattr(args, name)]
    return (f"minigrad-train: {'resuming' if resuming else 'training'} {args.model} "
            f"({parameters:,} parameters) on {args.data} ({train_size:,} training, "
            f"{test_size:,} test examples{', ' + ' and '.join(extras) if extras else ''}) "
            f"for {args.epochs} epochs of {math.ceil(train_size / args.batch_size)} batches; "
            f"writing {args.out}; BLAS threads: {blas_threads()}")
