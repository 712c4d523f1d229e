"""Build the framework matrix.

Cases × codes from the coded segments, each cell holding the charted text with references
back to the segments (or the analysts' summary), as a long and a wide table and a workbook.
"""

from concurrent.futures import ThreadPoolExecutor

from qualframe import io as qio
from qualframe.commands import options
from qualframe.commands.paths import text_lengths


def add_matrix_options(parser) -> None:
    """What `matrix_of` reads: the coded tables and how to chart them."""
    options.add_coded_tables(parser)
    options.add_attributes(parser, sort_by=True)
    options.add_primary_coder(parser)


def register_parser(subparsers):
    parser = options.add_command(subparsers, "chart", __doc__)
    add_matrix_options(parser)
    parser.add_argument(
        "--max-cell-chars",
        type=int,
        default=2000,
        help="longest cell of the wide matrix: a longer one is cut at a word, marked …",
    )
    options.add_list(parser, "--transcripts", f"{options.DEIDENTIFIED}, for coverage")
    options.add_list(parser, "--summaries", "the analysts' cell summaries (Parquet)")
    options.add_table_output(parser, None, "long matrix: one row per case and code")
    options.add_table_output(parser, "wide", "wide matrix: one row per case, a column per code")
    options.add_output(parser, "workbook", "framework matrix workbook (.xlsx)", required=False)
    return parser


def read_summaries(paths: list[str]):
    """The analysts' cell summaries of every table in `paths` (None without any)."""
    import pandas as pd

    if not paths:
        return None
    return pd.concat([qio.read_parquet(path) for path in paths], ignore_index=True)


def matrix_of(args, **chart_options):
    """(the framework matrix, the codebook) of the tables `args` names (add_coded_tables)
    charted as its add_matrix_options say, with `chart_options` of
    `chart_matrix`."""
    from qualframe.matrix.from_files import chart_tables

    codebook = qio.read_parquet(args.codebook)
    matrix = chart_tables(
        args.segments,
        codebook,
        args.cases,
        args.attributes,
        args.primary_coder,
        sort_by=args.sort_by,
        **chart_options,
    )
    return matrix, codebook


def run(args) -> None:
    from qualframe.matrix import wide_matrix
    from qualframe.matrix.workbook import write_framework_workbook

    lengths = text_lengths(args.transcripts)
    matrix, codebook = matrix_of(
        args, text_lengths=lengths or None, cell_summaries=read_summaries(args.summaries)
    )

    def write_tables() -> None:
        qio.write_table(matrix, args.output, args.csv)
        wide = wide_matrix(matrix, args.attributes, args.max_cell_chars)
        qio.write_table(wide, args.output_wide, args.wide_csv)

    # The tables and the workbook are independent files, each written by one thread: the
    # Arrow kernels, Parquet and zlib release the interpreter's lock, so on two cores the
    # two run side by side, with the same bytes as one after the other.
    with ThreadPoolExecutor(max_workers=1) as pool:
        tables = pool.submit(write_tables)
        try:
            if args.output_workbook:
                write_framework_workbook(args.output_workbook, matrix, codebook, args.attributes)
        finally:
            tables.result()
    filled = int((matrix["n_segments"] > 0).sum())
    summarised = int((matrix["summary"] != "").sum())
    print(
        f"framework matrix: {matrix['case_id'].nunique()} cases × "
        f"{matrix['code_id'].nunique()} codes, {filled} of {len(matrix)} cells charted, "
        f"{summarised} summarised by the analysts"
    )
