"""Intercoder agreement on double-coded text.

Percent agreement, Cohen's kappa and Krippendorff's alpha per code and pair of coders,
character by character over the transcripts two or more coders coded.
"""

from qualframe import io as qio
from qualframe.commands import options
from qualframe.commands.paths import text_lengths


def register_parser(subparsers):
    parser = options.add_command(subparsers, "agreement", __doc__)
    parser.add_argument("--segments", required=True, help=options.SEGMENTS)
    options.add_texts(parser, "--transcripts", options.DEIDENTIFIED)
    options.add_table_output(parser, None, "agreement table")
    return parser


def run(args) -> None:
    from qualframe.coding.agreement import agreement

    lengths = text_lengths(args.transcripts)
    table = agreement(qio.read_parquet(args.segments), lengths)
    qio.write_table(table, args.output, args.csv)
    pooled = table[(table["code_id"] == "") & (table["coder_a"] == "all")]
    alpha = f"{pooled['krippendorff_alpha'].iloc[0]:.3f}" if len(pooled) else "n/a"
    print(f"agreement: {len(table)} rows; Krippendorff's alpha over all codes {alpha}")
