"""Trace an output back to the raw transcript.

From a matrix cell, a theme summary row or a coded segment, through the step records, to
the transcript spans and the raw input file's checksum.
"""

import json
import sys

from qualframe.commands import options
from qualframe.commands.paths import read_json
from qualframe.commands.verify import DEFAULT_MANIFEST
from qualframe.errors import QualframeError


def register_parser(subparsers):
    parser = options.add_command(subparsers, "trace", __doc__)
    parser.add_argument("--manifest", default=DEFAULT_MANIFEST, help=options.MANIFEST)
    parser.add_argument("--case", help="matrix cell: the case id (with --code)")
    parser.add_argument("--code", help="matrix cell: the code id (with --case)")
    parser.add_argument("--summary-row", type=int, help="theme summary row (1 = first data row)")
    parser.add_argument("--segment", help="a coded segment id")
    parser.add_argument("--primary-coder", default="", help="coder whose segments are summarised")
    parser.add_argument(
        "--show-raw",
        action="store_true",
        help="also print the raw text of each span (needs read access to the restricted folder)",
    )
    options.add_json(parser, "print the chain as JSON")
    return parser


def run(args) -> None:
    from qualframe.audit.trace import describe, trace

    if (args.case is None) != (args.code is None):
        raise QualframeError("a matrix cell needs both --case and --code")
    chain = trace(
        read_json(args.manifest),
        case_id=args.case,
        code_id=args.code,
        segment_id=args.segment,
        summary_row=args.summary_row,
        primary_coder=args.primary_coder,
        show_raw=args.show_raw,
    )
    if args.json:
        json.dump(chain, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(describe(chain))
