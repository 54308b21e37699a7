"""Command line: one experiment [--quick | --full], or `report` for all six.

    python -m minigrad.analysis report          # experiments 1-6 and reports/default/report.md
    python -m minigrad.analysis flow --quick    # one experiment, smoke size
"""

import sys

from ..models.run_directory import RunError, check_writable_folder
from ..models.train_cli import OneLineParser
from .report import ORDER, run

SUBCOMMANDS = {
    "report": "all six experiments and report.md (the main job)",
    "flow": "1. gradient norms by layer at initialization",
    "depth": "2. first-to-last gradient ratio against depth, and the lambda^L law",
    "training": "3. training curves of plain and residual stacks, gradient heatmap",
    "lesion": "4. delete one block at a time from trained stacks",
    "variants": "5. conv variants: cost table and accuracy against parameters",
    "separability": "6. are learned 3x3 kernels spatially separable?",
    "shattered": "shattered gradients: autocorrelation of the gradient along a line of inputs",
    "thousand": "a thousand layers: residual and plain MLP stacks of 1000 blocks trained",
}


def parse_args(argv):
    parser = OneLineParser(prog="python -m minigrad.analysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        size = p.add_mutually_exclusive_group()
        size.add_argument("--quick", action="store_true", help="smoke-test size (seconds)")
        size.add_argument("--full", action="store_true", help="larger than the default")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--out", help="output folder (default reports/<size>)")
        p.add_argument("--no-progress", action="store_true")
    return parser.parse_args(argv)


def main(argv=None, prog="python -m minigrad.analysis"):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    size = "quick" if args.quick else "full" if args.full else "default"
    names = list(ORDER) if args.command == "report" else [args.command]
    try:
        if args.seed < 0:
            raise RunError(f"--seed must be a non-negative integer, got {args.seed}")
        if args.out is not None:
            check_writable_folder(args.out)
        run(names, size=size, seed=args.seed, out=args.out, show_progress=not args.no_progress,
            command=" ".join([prog, *argv]))
    except (RunError, OSError) as err:  # OSError: e.g. the disk filled up while writing
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    return 0


def report_main():
    """Entry point of the `minigrad-report` console script: `report` is implied."""
    return main(["report", *sys.argv[1:]], prog="minigrad-report")
