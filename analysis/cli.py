"""Command line: one experiment [--quick | --full], or `report` for all of them.

    python -m minigrad.analysis report          # every experiment and reports/default/report.md
    python -m minigrad.analysis flow --quick    # one experiment, smoke size
    minigrad-report --quick                     # the console script: `report` is implied
"""

import shlex
import sys

from minigrad import __version__

from ..models.run_directory import RunError, check_writable_folder
from ..models.train_cli import HelpFormatter, OneLineParser
from .report import ORDER, run

SUBCOMMANDS = {
    "report": "every experiment and report.md (the main job: at most 3 minutes on 2 cores)",
    "flow": "1. gradient norms by layer at initialization",
    "depth": "2. first-to-last gradient ratio against depth, and the lambda^L law",
    "training": "3. training curves of plain and residual stacks, gradient heatmap",
    "lesion": "4. delete one block at a time from trained stacks",
    "variants": "5. conv variants: cost table and accuracy against parameters",
    "separability": "6. are learned 3x3 kernels spatially separable?",
    "shattered": "shattered gradients: autocorrelation of the gradient along a line of inputs",
    "paths": "an ensemble of short paths: the gradient by path length (Veit et al. 2016)",
    "landscape": "loss landscape of the trained ResNets and plain twins (Li et al. 2018)",
    "early": "faster early training: epoch-1 loss and first step below 0.5, plain vs residual",
    "response": "block responses: std(F(x)) and std(F(x))/std(x) per block of trained ResNets",
    "thousand": "a thousand layers: residual and plain MLP stacks of 1000 blocks trained",
}


def _add_options(p):
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="smoke-test size (seconds)")
    size.add_argument("--full", action="store_true",
                      help="larger than the default (the report: about 15 minutes on 2 cores, "
                           "estimated)")
    p.add_argument("--seed", type=int, default=0,
                   help="the random seed: data split, initial weights, batch order")
    p.add_argument("--out", help="output folder; when None, reports/<size>")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--version", action="version", version=f"minigrad {__version__}")


def parse_args(argv, prog="python -m minigrad.analysis"):
    """The options; with prog "minigrad-report" the `report` subcommand alone, under that
    name, so that its usage line and errors name the command the user typed."""
    if prog == "minigrad-report":
        parser = OneLineParser(prog=prog, description=SUBCOMMANDS["report"],
                               formatter_class=HelpFormatter)
        _add_options(parser)
        args = parser.parse_args(argv)
        args.command = "report"
        return args
    parser = OneLineParser(prog=prog, description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in SUBCOMMANDS.items():
        _add_options(sub.add_parser(name, help=help_text, description=help_text,
                                    formatter_class=HelpFormatter))
    return parser.parse_args(argv)


def main(argv=None, prog="python -m minigrad.analysis", implied=()):
    """Run the command line `argv` (after the `implied` words, which the console script
    adds and the recorded command leaves out, so that pasting it runs the same)."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args([*implied, *argv]) if not implied else parse_args(argv, prog)
    size = "quick" if args.quick else "full" if args.full else "default"
    names = list(ORDER) if args.command == "report" else [args.command]
    try:
        if args.seed < 0:
            raise RunError(f"--seed must be a non-negative integer, got {args.seed}")
        if args.out is not None:
            check_writable_folder(args.out)
        run(names, size=size, seed=args.seed, out=args.out, show_progress=not args.no_progress,
            command=shlex.join([*shlex.split(prog), *argv]))
    except (RunError, OSError) as err:  # OSError: e.g. the disk filled up while writing
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    return 0


def report_main():
    """Entry point of the `minigrad-report` console script: `report` is implied."""
    return main(sys.argv[1:], prog="minigrad-report", implied=["report"])
