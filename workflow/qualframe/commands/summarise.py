"""Summarise themes and codes.

From the framework matrix and the coded segments: the theme summary by case group, code
profiles, code co-occurrence, presence of each code per case, and exemplar quotes.
"""

from concurrent.futures import ThreadPoolExecutor

from qualframe import io as qio
from qualframe.commands import options
from qualframe.schemas import MatrixCell

CELL_TEXTS = (
    MatrixCell.charted_text,
    MatrixCell.excerpts,
    MatrixCell.segment_ids,
    MatrixCell.references,
)
TABLES = (
    (None, "theme summary: reach and counts per theme and code, by case group"),
    ("profiles", "code profiles: one row per code, everything known about it"),
    ("cooccurrence", "code co-occurrence: pairs of codes in the same cases and segments"),
    ("presence", "code presence: cases × codes, whether each case has the code"),
    ("exemplars", "exemplar quotes per code"),
)


def register_parser(subparsers):
    parser = options.add_command(subparsers, "summarise", __doc__)
    parser.add_argument("--matrix", required=True, help=options.MATRIX)
    options.add_coded_tables(parser, cases=False)
    parser.add_argument(
        "--agreement", help="intercoder agreement table (Parquet, written by agreement)"
    )
    options.add_primary_coder(parser)
    options.add_attributes(parser)
    parser.add_argument(
        "--exemplars-per-code", type=int, default=3, help="exemplar quotes kept per code"
    )
    for what, help in TABLES:
        options.add_table_output(parser, what, help)
    return parser


def run(args) -> None:
    from qualframe.matrix import select_segments
    from qualframe.themes import (
        code_cooccurrence,
        code_profiles,
        exemplar_quotes,
        presence_table,
        summarise_themes,
    )

    # the cells' texts are not summarised: leave them on disk
    matrix = qio.read_parquet(args.matrix, without=CELL_TEXTS)
    charted = select_segments(qio.read_parquet(args.segments), args.primary_coder or None)
    agreement = qio.read_parquet(args.agreement) if args.agreement else None
    codebook = qio.read_parquet(args.codebook)
    # Exemplar scoring (mostly Arrow and sparse matrices) runs in a second thread while
    # the summary, co-occurrence and presence are counted: two cores, the same tables.
    with ThreadPoolExecutor(max_workers=1) as pool:
        scoring = pool.submit(exemplar_quotes, charted, codebook, k=args.exemplars_per_code)
        try:
            summary = summarise_themes(matrix, args.attributes)
            cooccurrence = code_cooccurrence(matrix, charted)
            presence = presence_table(matrix)
        finally:
            exemplars = scoring.result()
    profiles = code_profiles(matrix, cooccurrence, exemplars, agreement, summary)
    for table, parquet, csv in (
        (summary, args.output, args.csv),
        (profiles, args.output_profiles, args.profiles_csv),
        (cooccurrence, args.output_cooccurrence, args.cooccurrence_csv),
        (presence, args.output_presence, args.presence_csv),
        (exemplars, args.output_exemplars, args.exemplars_csv),
    ):
        qio.write_table(table, parquet, csv)
    print(
        f"theme summary: {len(summary)} rows "
        f"({summary['theme_id'].nunique()} themes, grouped by {', '.join(args.attributes)}); "
        f"{len(exemplars)} exemplar quotes"
    )
