"""Check the coded segments with Great Expectations, and write the Data Docs.

Fails when a check fails; the Data Docs site shows each check and its result.
"""

from pathlib import Path

from qualframe import io as qio
from qualframe.commands import options
from qualframe.errors import QualframeError


def register_parser(subparsers):
    parser = options.add_command(subparsers, "check-quality", __doc__)
    options.add_coded_tables(parser, cases=False)
    parser.add_argument("--coders", nargs="*", default=None, help="known coders, if listed")
    options.add_output(parser, None, "folder for the Data Docs site")
    return parser


def run(args) -> None:
    from qualframe.quality import check_segments

    result = check_segments(
        qio.read_parquet(args.segments),
        qio.read_parquet(args.codebook),
        args.coders or None,
        Path(args.output),
    )
    print(result.summary())
    print(f"Data Docs: {result.docs_index}")
    if not result.passed:
        raise QualframeError(result.summary(), path=args.segments)
