"""Validate coded segments and locate them in the de-identified transcripts.

Reads the coded-segment exports of a CAQDAS (CSV, TSV, XLSX or REFI-QDA .qdpx) with the
codebook and the case sheet; every problem found is a row of the validation report.
Writes the segments, codebook and cases as Parquet and CSV.
"""

import json
from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.coding import ColumnMap
from qualframe.commands import options
from qualframe.commands.paths import read_texts
from qualframe.commands.readers import read_case_sheet, read_codebook, read_export
from qualframe.errors import QualframeError, ValidationFailed


def register_parser(subparsers):
    parser = options.add_command(subparsers, "import-coding", __doc__)
    options.add_list(
        parser, "--exports", "coded-segment CSV/TSV/XLSX or .qdpx; none: codebook and cases only"
    )
    parser.add_argument(
        "--columns",
        nargs="+",
        required=True,
        metavar="FIELD=COLUMN",
        help="column mapping: transcript=, code=, coder=, text= [start=, end=]",
    )
    parser.add_argument(
        "--code-separator",
        default="",
        help="separator between several codes in one cell, e.g. ';' (default: one code a cell)",
    )
    parser.add_argument(
        "--codebook", help="codebook YAML, CSV, TSV or .qdpx (none: a study not yet coded)"
    )
    parser.add_argument(
        "--theme-level",
        type=int,
        default=1,
        help="depth of the codebook's themes (1: its top-level codes)",
    )
    parser.add_argument("--cases", required=True, help="case sheet TSV")
    options.add_list(parser, "--attributes", "case attributes to check")
    parser.add_argument(
        "--attribute-rules",
        default="{}",
        help='JSON: {"attribute": {"type": "integer", "values": [...]}} for the case sheet',
    )
    options.add_texts(parser, "--transcripts", options.DEIDENTIFIED)
    options.add_texts(
        parser,
        "--raw-transcripts",
        "normalised raw texts, when the coding was done on these (restricted)",
        required=False,
    )
    parser.add_argument(
        "--anonymisation-log", help=f"{options.ANONYMISATION_LOG}; needed with --raw-transcripts"
    )
    options.add_table_output(parser, "segments", "coded segments")
    options.add_table_output(parser, "codebook", "codebook table")
    options.add_table_output(parser, "cases", "case table")
    return parser


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


def run(args) -> None:
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
    qio.write_table(segments, args.output_segments, args.segments_csv)
    qio.write_table(codebook, args.output_codebook, args.codebook_csv)
    qio.write_table(cases, args.output_cases, args.cases_csv)
    print(
        f"{len(segments)} coded segments from {len(args.exports)} export(s): "
        f"{segments['case_id'].nunique()} cases, {segments['code_id'].nunique()} codes, "
        f"{segments['coder'].nunique()} coders"
    )
