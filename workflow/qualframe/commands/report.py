"""Write the HTML report of the analysis.

One page: the methods, a heatmap of the framework matrix, the themes compared by case
group, the theme tables and the analysts' cell summaries.
"""

import json

from qualframe import io as qio
from qualframe.commands import options


def register_parser(subparsers):
    parser = options.add_command(subparsers, "report", __doc__)
    parser.add_argument("--matrix", required=True, help=options.MATRIX)
    parser.add_argument(
        "--summary", required=True, help="theme summary (Parquet, written by summarise)"
    )
    parser.add_argument("--profiles", help="code profiles (Parquet, written by summarise)")
    parser.add_argument("--codebook", required=True, help=options.CODEBOOK)
    parser.add_argument("--segments", required=True, help=options.SEGMENTS)
    parser.add_argument(
        "--group-by", default="service_type", help="case attribute the charts compare"
    )
    parser.add_argument(
        "--config-json", default="{}", help="the configuration, as JSON, for the methods"
    )
    options.add_output(parser, None, "the .html to write")
    return parser


def run(args) -> None:
    from qualframe.provenance import code_version
    from qualframe.report import render_report

    segments = qio.read_parquet(args.segments)
    methods = {
        "transcripts": int(segments["transcript_id"].nunique()),
        "coded segments": len(segments),
        "coders": int(segments["coder"].nunique()),
        "qualframe version": code_version("report"),
        "config": json.loads(args.config_json),
    }
    page = render_report(
        qio.read_parquet(args.matrix),
        qio.read_parquet(args.summary),
        qio.read_parquet(args.codebook),
        args.group_by,
        methods,
        profiles=qio.read_parquet(args.profiles) if args.profiles else None,
    )
    qio.write_text(args.output, page)
    print(f"report: {args.output}")
