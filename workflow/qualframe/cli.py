"""The `qualframe` command: one subcommand per pipeline step, each usable without Snakemake.

Errors in the user's input print one message naming the file and the place in it and
exit with status 1; `--debug` shows the Python traceback as well.
"""

import argparse
import sys
from pathlib import Path

from qualframe import __version__
from qualframe import io as qio
from qualframe.commands import analysis, coding, deid, ingest, refi
from qualframe.errors import QualframeError, ValidationFailed

EXIT_INPUT_ERROR = 1


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.report:
        Path(args.report).unlink(missing_ok=True)  # a report left by an earlier failure
    try:
        args.run(args)
    except ValidationFailed as exc:
        if args.report:
            qio.write_csv(exc.report, args.report)
        print(f"error: {exc}", file=sys.stderr)
        print(exc.report.to_string(index=False), file=sys.stderr)
        if args.report:
            print(f"The full report is in {args.report}", file=sys.stderr)
        if args.debug:
            raise
        return EXIT_INPUT_ERROR
    except QualframeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.debug:
            raise
        return EXIT_INPUT_ERROR
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qualframe", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"qualframe {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    steps = parser.add_subparsers(dest="step", required=True, metavar="STEP")
    for module in (ingest, deid, coding, refi, analysis):
        module.add_parsers(steps)
    for sub in steps.choices.values():
        sub.add_argument("--report", default=None, help="CSV of validation failures, if any")
        sub.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
    return parser


if __name__ == "__main__":
    sys.exit(main())
