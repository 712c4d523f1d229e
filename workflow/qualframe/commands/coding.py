"""`qualframe import-coding`: coded-segment exports validated against codebook, cases, text."""

import json
from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.coding import ColumnMap
from qualframe.commands.paths import csv_beside, read_texts
from qualframe.commands.refi import read_project_file, segments_as_export
from qualframe.errors import QualframeError, ValidationFailed


def add_parsers(steps) -> None:
    coding = steps.add_parser("import-coding", help="validate and locate coded segments")
    coding.add_argument(
        "--exports",
        nargs="*",
        default=[],
        help="coded-segment CSV/TSV/XLSX or .qdpx; none: codebook and cases only",
    )
    coding.add_argument(
        "--columns",
        nargs="+",
        required=True,
        metavar="FIELD=COLUMN",
        help="column mapping: transcript=, code=, coder=, text= [start=, end=]",
    )
    coding.add_argument(
        "--code-separator",
        default="",
        help="separator between several codes in one cell, e.g. ';' (default: one code a cell)",
    )
    coding.add_argument(
        "--codebook", help="codebook YAML, CSV or TSV (none: a study not yet coded)"
    )
    coding.add_argument(
        "--theme-level",
        type=int,
        default=1,
        help="depth of the codebook's themes (1: its top-level codes)",
    )
    coding.add_argument("--cases", required=True, help="case sheet TSV")
    coding.add_argument("--attributes", nargs="*", default=[], help="case attributes to check")
    coding.add_argument(
        "--attribute-rules",
        default="{}",
        help='JSON: {"attribute": {"type": "integer", "values": [...]}} for the case sheet',
    )
    coding.add_argument("--transcripts", nargs="+", required=True, help="de-identified texts")
    coding.add_argument(
        "--raw-transcripts",
        nargs="+",
        help="normalised raw texts: the coding was done on these (restricted)",
    )
    coding.add_argument("--anonymisation-log", help="needed with --raw-transcripts")
    coding.add_argument("--segments-out", required=True, help="Parquet (+ .csv beside it)")
    coding.add_argument("--codebook-out", required=True, help="Parquet (+ .csv beside it)")
    coding.add_argument("--cases-out", required=True, help="Parquet (+ .csv beside it)")
    coding.set_defaults(run=run_import_coding)

    agree = steps.add_parser("agreement", help="intercoder agreement on double-coded text")
    agree.add_argument("--segments", required=True, help="coded segments (Parquet)")
    agree.add_argument("--transcripts", nargs="+", required=True, help="de-identified texts")
    agree.add_argument("--output", required=True, help="Parquet (+ .csv beside it)")
    agree.set_defaults(run=run_agreement)

    quality = steps.add_parser(
        "check-quality", help="Great Expectations checks of the coded segments, with Data Docs"
    )
    quality.add_argument("--segments", required=True, help="coded segments (Parquet)")
    quality.add_argument("--codebook", required=True, help="codebook table (Parquet)")
    quality.add_argument("--coders", nargs="*", default=None, help="known coders, if listed")
    quality.add_argument("--docs", required=True, help="folder for the Data Docs site")
    quality.set_defaults(run=run_check_quality)


def parse_columns(pairs: list[str]) -> ColumnMap:
    mapping = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep:
            raise QualframeError(f"column mapping {pair!r} is not FIELD=COLUMN")
        mapping[field.strip()] = column.strip() or None
    try:
        return ColumnMap(**mapping)
    except TypeError as exc:
        raise QualframeError(f"bad column mapping: {exc}") from exc


def read_codebook(path: str, theme_level: int = 1) -> pd.DataFrame:
    """The codebook (schemas.Codebook) from YAML (themes holding codes, any depth) or a
    CSV/TSV sheet of codes with their parents; themes at depth `theme_level`."""
    from qualframe.coding.codebook import codebook_from_dict, codebook_from_table

    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml", ".csv", ".tsv"):
        check_text_file(path, "codebook")
    if suffix in (".yaml", ".yml"):
        return codebook_from_dict(qio.read_yaml(path), source=path, theme_level=theme_level)
    if suffix in (".csv", ".tsv"):
        sheet = qio.read_csv(path) if suffix == ".csv" else qio.read_tsv(path)
        return codebook_from_table(check_rows_fit_header(sheet, path), path, theme_level)
    if suffix == ".qdpx":  # the codebook of a project exported from a CAQDAS
        from qualframe.study.from_qdpx import project_codebook

        data = project_codebook(read_project_file(path))
        return codebook_from_dict(data, source=path, theme_level=theme_level)
    raise QualframeError("unsupported codebook; use .yaml, .csv, .tsv or .qdpx", path=path)


# a REFI-QDA project carries its own structure: located by offsets, checked by quote
QDPX_COLUMNS = ColumnMap("document", "code", "coder", "text", start="start", end="end")


def read_export(path: str, columns: ColumnMap) -> tuple[pd.DataFrame, ColumnMap]:
    """A coded-segment export as text columns, and the mapping that reads it."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".tsv"):
        check_text_file(path, "export")
    if suffix == ".csv":
        return check_rows_fit_header(qio.read_csv(path), path), columns
    if suffix == ".tsv":
        return check_rows_fit_header(qio.read_tsv(path), path), columns
    if suffix == ".xlsx":
        return read_xlsx(path), columns
    if suffix == ".qdpx":
        return segments_as_export(read_project_file(path)), QDPX_COLUMNS
    raise QualframeError(
        "unsupported coded-segment export; use .csv, .tsv, .xlsx or .qdpx", path=path
    )


def check_text_file(path: str, kind: str) -> None:
    """Refuse a sheet or codebook that cannot be read, is not UTF-8 text (naming the line
    of the first bad byte) or holds nothing; `kind` names it in the message."""
    from qualframe.ingest.readers import decode_utf8

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise QualframeError(f"cannot read: {exc.strerror}", path=path) from exc
    if not decode_utf8(data, path, kind=kind).removeprefix("\ufeff").strip():
        raise QualframeError(f"the {kind} is empty", path=path)


def check_rows_fit_header(sheet: pd.DataFrame, path: str) -> pd.DataFrame:
    """Refuse a sheet read with a row label: pandas takes the first cell of every row as a
    label when the rows have one cell more than the header, shifting every column."""
    if not isinstance(sheet.index, pd.RangeIndex):
        raise QualframeError(
            "the rows have one cell more than the header has column names "
            "(a trailing tab or comma?), which would shift every column",
            path=path,
        )
    return sheet


def count_uncoded(frame: pd.DataFrame, columns: ColumnMap, separator: str | None) -> int:
    """Rows of an export whose code cell names no code (a sheet of every utterance)."""
    from qualframe.coding.codes import split_codes

    if columns.code not in frame.columns:
        return 0
    return int(sum(not split_codes(cell, separator) for cell in frame[columns.code]))


def read_ingest_maps(paths: list[str]) -> dict:
    """{transcript id: IngestMaps} from ingest shard tables (.parquet); other paths (plain
    normalised texts) have none."""
    from qualframe.ingest.normalise import IngestMaps

    maps = {}
    for path in paths:
        if Path(path).suffix.lower() != ".parquet":
            continue
        shard = qio.read_ingested(path)
        if "normalise_edits" not in shard.columns:
            raise QualframeError(
                "the ingested transcripts hold no offset maps (written by an older "
                "qualframe): run ingest again",
                path=path,
            )
        for row in shard.to_dict("records"):
            maps[row["transcript_id"]] = IngestMaps.from_row(row)
    return maps


def read_case_sheet(path: str) -> pd.DataFrame:
    """The case sheet (TSV), every column as text."""
    check_text_file(path, "case sheet")
    return check_rows_fit_header(qio.read_tsv(path), path)


def read_xlsx(path: str) -> pd.DataFrame:
    """The first sheet of an Excel workbook, every cell as text."""
    try:
        return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # openpyxl and zipfile raise many types for a broken workbook
        reason = str(exc.args[0]) if exc.args else type(exc).__name__
        raise QualframeError(f"cannot read as an Excel workbook (.xlsx): {reason}", path) from exc


def run_import_coding(args) -> None:
    from qualframe.coding import load_cases, locate_segments
    from qualframe.coding.report import report_frame, summarise_failures
    from qualframe.coding.segments import assign_segment_ids
    from qualframe.schemas import Codebook, Segment, empty_frame

    columns = parse_columns(args.columns)
    if args.exports and not args.codebook:
        raise QualframeError("coded data needs a codebook: name it with --codebook")
    codebook = (
        read_codebook(args.codebook, args.theme_level) if args.codebook else empty_frame(Codebook)
    )
    try:
        rules = json.loads(args.attribute_rules)
    except json.JSONDecodeError as exc:
        raise QualframeError(f"--attribute-rules is not JSON: {exc}") from exc
    cases = load_cases(read_case_sheet(args.cases), args.cases, args.attributes, rules)
    texts = read_texts(args.transcripts)
    coded_texts = texts
    if args.raw_transcripts:
        if not args.anonymisation_log:
            raise QualframeError("--raw-transcripts needs --anonymisation-log")
        coded_texts = read_texts(args.raw_transcripts)
    missing_cases = sorted(set(texts) - set(cases["case_id"]))
    if missing_cases:
        records = [
            {
                "file": args.cases,
                "row": None,
                "column": "case_id",
                "value": t,
                "problem": "transcript without a case row",
            }
            for t in missing_cases
        ]
        report = report_frame(records)
        raise ValidationFailed(summarise_failures(report, len(cases)), report, path=args.cases)
    maps = read_ingest_maps(args.raw_transcripts) if args.raw_transcripts else {}
    segments, failures = [], []
    for export in args.exports:
        try:
            frame, mapping = read_export(export, columns)
            if maps:
                from qualframe.coding.raw import raw_offsets_to_normalised

                frame, readings = raw_offsets_to_normalised(frame, mapping, maps, coded_texts)
                counted = sorted(set(readings.values()))
                if counted:
                    print(f"{export}: raw offsets counted {' and '.join(counted)}")
            separator = args.code_separator if mapping is columns else None
            uncoded = count_uncoded(frame, mapping, separator)
            if uncoded:
                print(f"{export}: {uncoded} rows without a code, located only to keep the order")
            segments.append(
                locate_segments(frame, export, mapping, coded_texts, codebook, separator)
            )
        except ValidationFailed as exc:
            failures.append(exc)
    if failures:
        report = pd.concat([f.report for f in failures], ignore_index=True)
        raise ValidationFailed("; ".join(str(f) for f in failures), report)
    segments = pd.concat(segments, ignore_index=True) if segments else empty_frame(Segment)
    if args.raw_transcripts:
        from qualframe.coding.raw import map_segments_to_deidentified

        log = qio.read_anonymisation_log(args.anonymisation_log)
        segments = map_segments_to_deidentified(segments, texts, log, coded_texts)
    if len(segments):  # numbered once over every export, by position in the de-identified text
        segments = assign_segment_ids(segments.drop(columns="segment_id"), codebook)
    qio.write_table(segments, args.segments_out, csv_beside(args.segments_out))
    qio.write_table(codebook, args.codebook_out, csv_beside(args.codebook_out))
    qio.write_table(cases, args.cases_out, csv_beside(args.cases_out))
    print(
        f"{len(segments)} coded segments from {len(args.exports)} export(s): "
        f"{segments['case_id'].nunique()} cases, {segments['code_id'].nunique()} codes, "
        f"{segments['coder'].nunique()} coders"
    )


def run_agreement(args) -> None:
    from qualframe.coding.agreement import agreement

    lengths = {tid: len(text) for tid, text in read_texts(args.transcripts).items()}
    table = agreement(qio.read_parquet(args.segments), lengths)
    qio.write_table(table, args.output, csv_beside(args.output))
    pooled = table[(table["code_id"] == "") & (table["coder_a"] == "all")]
    alpha = f"{pooled['krippendorff_alpha'].iloc[0]:.3f}" if len(pooled) else "n/a"
    print(f"agreement: {len(table)} rows; Krippendorff's alpha over all codes {alpha}")


def run_check_quality(args) -> None:
    from qualframe.quality import check_segments

    result = check_segments(
        qio.read_parquet(args.segments),
        qio.read_parquet(args.codebook),
        args.coders or None,
        Path(args.docs),
    )
    print(result.summary())
    print(f"Data Docs: {result.docs_index}")
    if not result.passed:
        raise QualframeError(result.summary(), path=args.segments)
