"""`qualframe chart` and `qualframe summarise`: the framework matrix and theme summaries."""

from qualframe import io as qio
from qualframe.commands.paths import csv_beside


def add_parsers(steps) -> None:
    chart = steps.add_parser("chart", help="build the framework matrix")
    chart.add_argument("--segments", required=True)
    chart.add_argument("--codebook", required=True)
    chart.add_argument("--cases", required=True)
    chart.add_argument("--attributes", nargs="*", default=[])
    chart.add_argument("--primary-coder", default="")
    chart.add_argument("--max-cell-chars", type=int, default=2000)
    chart.add_argument("--long", required=True, help="long matrix, Parquet (+ .csv beside it)")
    chart.add_argument("--wide", required=True, help="wide matrix, Parquet (+ .csv beside it)")
    chart.set_defaults(run=run_chart)

    summarise = steps.add_parser("summarise", help="summarise themes and codes")
    summarise.add_argument("--matrix", required=True)
    summarise.add_argument("--attributes", nargs="*", default=[])
    summarise.add_argument("--output", required=True, help="Parquet (+ .csv beside it)")
    summarise.set_defaults(run=run_summarise)


def run_chart(args) -> None:
    from qualframe.matrix import chart_matrix, wide_matrix

    matrix = chart_matrix(
        qio.read_parquet(args.segments),
        qio.read_parquet(args.codebook),
        qio.read_parquet(args.cases),
        args.attributes,
        args.primary_coder or None,
    )
    qio.write_table(matrix, args.long, csv_beside(args.long))
    wide = wide_matrix(matrix, args.attributes, args.max_cell_chars)
    qio.write_table(wide, args.wide, csv_beside(args.wide))
    filled = int((matrix["n_segments"] > 0).sum())
    print(
        f"framework matrix: {matrix['case_id'].nunique()} cases × "
        f"{matrix['code_id'].nunique()} codes, {filled} of {len(matrix)} cells charted"
    )


def run_summarise(args) -> None:
    from qualframe.themes import summarise_themes

    summary = summarise_themes(qio.read_parquet(args.matrix), args.attributes)
    qio.write_table(summary, args.output, csv_beside(args.output))
    print(
        f"theme summary: {len(summary)} rows "
        f"({summary['theme_id'].nunique()} themes, grouped by {', '.join(args.attributes)})"
    )
