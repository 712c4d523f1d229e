"""The `qualframe` command: one subcommand per pipeline step, each usable without Snakemake.

Errors in the user's input print one message naming the file and the place in it and
exit with status 1; `--debug` shows the Python traceback as well.
"""

import argparse
import signal
import sys
from pathlib import Path

from qualframe import __version__, provenance
from qualframe import io as qio
from qualframe.commands import COMMANDS
from qualframe.commands.options import is_written
from qualframe.errors import QualframeError, ValidationFailed

EXIT_INPUT_ERROR = 1


# Options every step takes that are not parameters of its work.
BOOKKEEPING_OPTIONS = frozenset(
    {
        "command",
        "step",
        "report",
        "debug",
        "record",
        "record_inputs",
        "record_outputs",
        "record_checksums",
    }
)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    # SIGTERM (kill, scancel, a time limit) unwinds like an error, so partial writes are
    # removed; what a SIGKILL leaves behind is removed when the step runs again.
    signal.signal(signal.SIGTERM, exit_on_signal)
    for path in written_paths(args):
        qio.remove_partial_writes(path)
    for left_over in (args.report, args.record):  # left by an earlier failure
        if left_over:
            Path(left_over).unlink(missing_ok=True)
    started = provenance.now()
    try:
        args.command.run(args)
        if args.record:
            write_step_record(args, argv, started)
    except ValidationFailed as exc:
        if args.report:  # restricted: its `value` column holds the cells' values
            qio.write_csv(exc.report, args.report, restricted=True)
        print(f"error: {exc}", file=sys.stderr)
        # the console and the logs get where and what kind, never a cell's value
        shown = exc.report.drop(columns=["value"], errors="ignore")
        print(shown.to_string(index=False), file=sys.stderr)
        if args.report:
            print(f"The full report is in {args.report}", file=sys.stderr)
        if args.debug:
            raise
        return EXIT_INPUT_ERROR
    except QualframeError as exc:
        for line in getattr(exc, "lines", None) or [str(exc)]:
            print(f"error: {line}", file=sys.stderr)
        if args.debug:
            raise
        return EXIT_INPUT_ERROR
    return 0


def exit_on_signal(signum, frame) -> None:
    raise SystemExit(128 + signum)


def written_paths(args: argparse.Namespace) -> list[str]:
    """Every file this step may write: the outputs it records and every path its options
    name as written (commands.options), report and record included."""
    named = [value for name, value in sorted(vars(args).items()) if is_written(name)]
    return [*args.record_outputs, *(path for path in named if isinstance(path, str))]


def step_params(args: argparse.Namespace) -> dict:
    """The step's own options, without bookkeeping and without input or output paths."""
    paths = set(args.record_inputs) | set(args.record_outputs)

    def is_path(value) -> bool:
        values = value if isinstance(value, list) else [value]
        return bool(values) and all(isinstance(v, str) and v in paths for v in values)

    return {
        name: value
        for name, value in sorted(vars(args).items())
        if name not in BOOKKEEPING_OPTIONS and not is_path(value)
    }


def write_step_record(args: argparse.Namespace, argv: list[str], started: str) -> None:
    """Write the provenance record of the step that has just succeeded."""
    record = provenance.step_record(
        step=args.step,
        command=["qualframe", *argv],
        inputs=args.record_inputs,
        outputs=[path for path in args.record_outputs if path != args.record],
        params=step_params(args),
        started=started,
        ended=provenance.now(),
        known=provenance.known_checksums(args.record_checksums),
    )
    qio.write_json(args.record, record)


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """{step: its parser} of the `qualframe` parser."""
    (steps,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return steps.choices


def command_function(step: str):
    """The function that runs `qualframe <step>`; a KeyError names an unknown step."""
    return subparsers(build_parser())[step].get_default("command").run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qualframe", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"qualframe {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    steps = parser.add_subparsers(dest="step", required=True, metavar="STEP")
    for command in COMMANDS:
        command.register_parser(steps).set_defaults(command=command)
    for sub in steps.choices.values():
        sub.add_argument("--report", default=None, help="CSV of validation failures, if any")
        record = sub.add_argument_group("provenance")
        record.add_argument("--record", help="write the step's provenance record (JSON) here")
        record.add_argument(
            "--record-inputs", nargs="*", default=[], help="files the step reads (for the record)"
        )
        record.add_argument(
            "--record-outputs", nargs="*", default=[], help="files the step writes (for the record)"
        )
        record.add_argument(
            "--record-checksums",
            help="folder of step records: inputs unchanged since the step that wrote them "
            "recorded their checksum are not hashed again",
        )
        sub.add_argument(
            "--debug",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show tracebacks on errors",
        )
    return parser


if __name__ == "__main__":
    sys.exit(main())
