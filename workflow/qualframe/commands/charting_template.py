"""Write the workbook analysts chart their cell summaries in.

One sheet per theme, cases as rows and codes as columns; each summary cell, the only ones
unlocked, carries a note with the cell's coded excerpts and their references.
"""

from qualframe import io as qio
from qualframe.charting.layout import DEFAULT_MAX_SUMMARY_CHARS
from qualframe.commands import options
from qualframe.commands.chart import add_matrix_options, matrix_of

MAX_SUMMARY_HELP = "longest summary an analyst may write in a cell"


def register_parser(subparsers):
    parser = options.add_command(subparsers, "charting-template", __doc__)
    add_matrix_options(parser)
    parser.add_argument(
        "--max-summary-chars", type=int, default=DEFAULT_MAX_SUMMARY_CHARS, help=MAX_SUMMARY_HELP
    )
    options.add_output(parser, None, "the template (.xlsx) to write")
    return parser


def run(args) -> None:
    from qualframe.charting.template import charting_template

    matrix, codebook = matrix_of(args)
    with qio.atomic_path(args.output) as tmp:
        tmp.write_bytes(
            charting_template(matrix, codebook, args.attributes, args.max_summary_chars)
        )
    print(
        f"charting template: {matrix['case_id'].nunique()} cases × "
        f"{matrix['code_id'].nunique()} codes in {codebook['theme_id'].nunique()} theme sheets"
    )
