"""`qualframe chart`, `summarise` and `report`: the framework matrix, theme summaries and
the HTML report."""

import json

from qualframe import io as qio
from qualframe.commands.paths import csv_beside, read_texts
from qualframe.errors import QualframeError
from qualframe.schemas import MatrixCell

CELL_TEXTS = (
    MatrixCell.charted_text,
    MatrixCell.excerpts,
    MatrixCell.segment_ids,
    MatrixCell.references,
)


def add_parsers(steps) -> None:
    chart = steps.add_parser("chart", help="build the framework matrix")
    chart.add_argument("--segments", required=True)
    chart.add_argument("--codebook", required=True)
    chart.add_argument("--cases", required=True)
    chart.add_argument("--attributes", nargs="*", default=[])
    chart.add_argument("--primary-coder", default="")
    chart.add_argument("--max-cell-chars", type=int, default=2000)
    chart.add_argument(
        "--transcripts", nargs="*", default=[], help="de-identified transcripts, for coverage"
    )
    chart.add_argument("--sort-by", nargs="*", default=[], help="case attributes to order by")
    chart.add_argument(
        "--summaries", nargs="*", default=[], help="the analysts' cell summaries (Parquet)"
    )
    chart.add_argument("--workbook", help="framework matrix workbook (.xlsx)")
    chart.add_argument("--long", required=True, help="long matrix, Parquet (+ .csv beside it)")
    chart.add_argument("--wide", required=True, help="wide matrix, Parquet (+ .csv beside it)")
    chart.set_defaults(run=run_chart)

    summarise = steps.add_parser("summarise", help="summarise themes and codes")
    summarise.add_argument("--matrix", required=True)
    summarise.add_argument("--segments", required=True, help="coded segments (Parquet)")
    summarise.add_argument("--codebook", required=True, help="codebook table (Parquet)")
    summarise.add_argument("--agreement", help="intercoder agreement table (Parquet)")
    summarise.add_argument("--primary-coder", default="")
    summarise.add_argument("--attributes", nargs="*", default=[])
    summarise.add_argument("--exemplars-per-code", type=int, default=3)
    summarise.add_argument("--output", required=True, help="Parquet (+ .csv beside it)")
    summarise.add_argument("--profiles", required=True, help="Parquet (+ .csv beside it)")
    summarise.add_argument("--cooccurrence", required=True, help="Parquet (+ .csv beside it)")
    summarise.add_argument("--presence", required=True, help="Parquet (+ .csv beside it)")
    summarise.add_argument("--exemplars", required=True, help="Parquet (+ .csv beside it)")
    summarise.set_defaults(run=run_summarise)

    report = steps.add_parser("report", help="write the HTML report of the analysis")
    report.add_argument("--matrix", required=True)
    report.add_argument("--summary", required=True)
    report.add_argument("--profiles")
    report.add_argument("--codebook", required=True)
    report.add_argument("--segments", required=True)
    report.add_argument("--group-by", default="service_type", help="case attribute for charts")
    report.add_argument("--config-json", default="{}", help="the configuration, as JSON")
    report.add_argument("--output", required=True, help="the .html to write")
    report.set_defaults(run=run_report)


def run_report(args) -> None:
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


def run_chart(args) -> None:
    from qualframe.matrix import chart_matrix, wide_matrix
    from qualframe.matrix.workbook import write_framework_workbook

    lengths = {tid: len(text) for tid, text in read_texts(args.transcripts).items()}
    codebook = qio.read_parquet(args.codebook)
    try:
        matrix = chart_matrix(
            qio.read_parquet(args.segments),
            codebook,
            qio.read_parquet(args.cases),
            args.attributes,
            args.primary_coder or None,
            text_lengths=lengths or None,
            sort_by=args.sort_by,
            cell_summaries=read_summaries(args.summaries),
        )
    except ValueError as exc:
        raise QualframeError(str(exc), path=args.segments) from exc
    qio.write_table(matrix, args.long, csv_beside(args.long))
    wide = wide_matrix(matrix, args.attributes, args.max_cell_chars)
    qio.write_table(wide, args.wide, csv_beside(args.wide))
    if args.workbook:
        write_framework_workbook(args.workbook, matrix, codebook, args.attributes)
    filled = int((matrix["n_segments"] > 0).sum())
    summarised = int((matrix["summary"] != "").sum())
    print(
        f"framework matrix: {matrix['case_id'].nunique()} cases × "
        f"{matrix['code_id'].nunique()} codes, {filled} of {len(matrix)} cells charted, "
        f"{summarised} summarised by the analysts"
    )


def read_summaries(paths: list[str]):
    """The analysts' cell summaries of every table in `paths` (None without any)."""
    import pandas as pd

    if not paths:
        return None
    return pd.concat([qio.read_parquet(path) for path in paths], ignore_index=True)


def run_summarise(args) -> None:
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
    summary = summarise_themes(matrix, args.attributes)
    cooccurrence = code_cooccurrence(matrix, charted)
    exemplars = exemplar_quotes(charted, qio.read_parquet(args.codebook), k=args.exemplars_per_code)
    profiles = code_profiles(matrix, cooccurrence, exemplars, agreement, summary)
    for table, path in (
        (summary, args.output),
        (profiles, args.profiles),
        (cooccurrence, args.cooccurrence),
        (presence_table(matrix), args.presence),
        (exemplars, args.exemplars),
    ):
        qio.write_table(table, path, csv_beside(path))
    print(
        f"theme summary: {len(summary)} rows "
        f"({summary['theme_id'].nunique()} themes, grouped by {', '.join(args.attributes)}); "
        f"{len(exemplars)} exemplar quotes"
    )
