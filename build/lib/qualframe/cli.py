"""The `qualframe` command: one subcommand per pipeline step, each usable without Snakemake.

Errors in the user's input print one message naming the file and the place in it and
exit with status 1; `--debug` shows the Python traceback as well.
"""

import argparse
import sys
from pathlib import Path

import pandas as pd

from qualframe import __version__
from qualframe import io as qio
from qualframe.errors import QualframeError, ValidationFailed

EXIT_INPUT_ERROR = 1


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.report:
        Path(args.report).unlink(missing_ok=True)  # a report left by an earlier failure
    try:
        args.run(args)
    except ValidationFailed as exc:
        if args.report:
            qio.write_csv(exc.report, args.report)
        print(f"error: {exc}", file=sys.stderr)
        print(exc.report.to_string(index=False), file=sys.stderr)
        if args.report:
            print(f"The full report is in {args.report}", file=sys.stderr)
        if args.debug:
            raise
        return EXIT_INPUT_ERROR
    except QualframeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.debug:
            raise
        return EXIT_INPUT_ERROR
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qualframe", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"qualframe {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    steps = parser.add_subparsers(dest="step", required=True, metavar="STEP")

    ingest = steps.add_parser("ingest", help="normalise one raw transcript (.txt/.docx/.vtt)")
    ingest.add_argument("--input", required=True, help="raw transcript file")
    ingest.add_argument("--transcript-id", required=True)
    ingest.add_argument("--output", required=True, help="normalised text (restricted)")
    ingest.add_argument("--metadata", required=True, help="JSON: source file, format, SHA-256")
    ingest.set_defaults(run=run_ingest)

    detect = steps.add_parser("detect", help="find candidate identifiers in one transcript")
    detect.add_argument("--input", required=True, help="normalised transcript text")
    detect.add_argument("--transcript-id", required=True)
    detect.add_argument("--register", required=True, help="identifier register (TSV)")
    detect.add_argument("--allow-list", required=True, help="terms never redacted, one a line")
    detect.add_argument("--output", required=True, help="detections (Parquet, restricted)")
    detect.set_defaults(run=run_detect)

    pseudo = steps.add_parser("pseudonymise", help="replace identifiers across the corpus")
    pseudo.add_argument("--texts", nargs="+", required=True, help="normalised transcripts")
    pseudo.add_argument("--detections", nargs="+", required=True, help="one per transcript")
    pseudo.add_argument("--allow-list", required=True)
    pseudo.add_argument(
        "--outputs",
        nargs="+",
        required=True,
        help="de-identified transcripts, one per text, named by transcript id",
    )
    pseudo.add_argument("--log", required=True, help="anonymisation log CSV (restricted)")
    pseudo.set_defaults(run=run_pseudonymise)

    coding = steps.add_parser("import-coding", help="validate and locate coded segments")
    coding.add_argument("--exports", nargs="+", required=True, help="coded-segment CSV/XLSX")
    coding.add_argument(
        "--columns",
        nargs="+",
        required=True,
        metavar="FIELD=COLUMN",
        help="column mapping: transcript=, code=, coder=, text= [start=, end=]",
    )
    coding.add_argument("--codebook", required=True, help="codebook YAML")
    coding.add_argument("--cases", required=True, help="case sheet TSV")
    coding.add_argument("--attributes", nargs="*", default=[], help="case attributes to check")
    coding.add_argument("--transcripts", nargs="+", required=True, help="de-identified texts")
    coding.add_argument("--segments-out", required=True, help="Parquet (+ .csv beside it)")
    coding.add_argument("--codebook-out", required=True, help="Parquet (+ .csv beside it)")
    coding.add_argument("--cases-out", required=True, help="Parquet (+ .csv beside it)")
    coding.set_defaults(run=run_import_coding)

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

    for sub in steps.choices.values():
        sub.add_argument("--report", default=None, help="CSV of validation failures, if any")
        sub.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
        )
    return parser


def csv_beside(parquet: str) -> Path:
    return Path(parquet).with_suffix(".csv")


def transcript_id_of(path: str) -> str:
    return Path(path).stem


def run_ingest(args) -> None:
    from qualframe.ingest import normalise_text, read_transcript

    text = normalise_text(read_transcript(args.input))
    if not text.strip():
        raise QualframeError("the transcript is empty", path=args.input)
    qio.make_restricted_dir(Path(args.output).parent)
    qio.write_text(args.output, text, restricted=True)
    qio.write_json(
        args.metadata,
        {
            "transcript_id": args.transcript_id,
            "source_file": args.input,
            "source_format": Path(args.input).suffix.lower().lstrip("."),
            "source_bytes": Path(args.input).stat().st_size,
            "source_sha256": qio.sha256_file(args.input),
            "normalised_characters": len(text),
            "normalised_sha256": qio.sha256_file(args.output),
        },
        restricted=True,
    )
    print(f"{args.transcript_id}: {len(text)} characters from {args.input}")


def read_allow_list(path: str) -> list[str]:
    from qualframe.deid import DEFAULT_ALLOW_LIST

    lines = qio.read_text(path).splitlines()
    study_terms = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    return [*DEFAULT_ALLOW_LIST, *study_terms]


def run_detect(args) -> None:
    from qualframe.deid import build_register, detect_transcript

    try:
        register = build_register(qio.read_tsv(args.register))
    except ValueError as exc:
        raise QualframeError(str(exc), path=args.register) from exc
    detections = detect_transcript(
        args.transcript_id, qio.read_text(args.input), register, read_allow_list(args.allow_list)
    )
    qio.make_restricted_dir(Path(args.output).parent)
    qio.write_table(detections, args.output, restricted=True)
    counts = detections["entity_type"].value_counts().sort_index()
    print(
        f"{args.transcript_id}: {len(detections)} candidate identifiers "
        f"({', '.join(f'{n} {t}' for t, n in counts.items()) or 'none'})"
    )


def run_pseudonymise(args) -> None:
    from qualframe.deid import pseudonymise_corpus

    texts = {transcript_id_of(p): qio.read_text(p) for p in args.texts}
    outputs = {transcript_id_of(p): p for p in args.outputs}
    if set(outputs) != set(texts):
        raise QualframeError("--outputs must name one file per transcript of --texts")
    frames = [qio.read_parquet(p) for p in args.detections]
    detections = pd.concat(frames, ignore_index=True)
    deidentified, log = pseudonymise_corpus(texts, detections, read_allow_list(args.allow_list))
    qio.make_restricted_dir(Path(args.log).parent)
    qio.write_csv(log, args.log, restricted=True)
    for transcript_id, text in sorted(deidentified.items()):
        qio.write_text(outputs[transcript_id], text)
    entities = log.drop_duplicates("replacement")
    print(
        f"{len(log)} replacements of {len(entities)} distinct entities in {len(texts)} transcripts"
    )


def parse_columns(pairs: list[str]):
    from qualframe.coding import ColumnMap

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


def read_export(path: str) -> pd.DataFrame:
    suffix = Path(path).suffix.lower()
    if suffix == ".csv":
        return qio.read_csv(path)
    if suffix == ".tsv":
        return qio.read_tsv(path)
    if suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    raise QualframeError("unsupported coded-segment export; use .csv, .tsv or .xlsx", path=path)


def run_import_coding(args) -> None:
    from qualframe.coding import codebook_from_dict, load_cases, locate_segments
    from qualframe.coding.report import report_frame, summarise_failures

    columns = parse_columns(args.columns)
    codebook = codebook_from_dict(qio.read_yaml(args.codebook), source=args.codebook)
    cases = load_cases(qio.read_tsv(args.cases), args.cases, args.attributes)
    texts = {transcript_id_of(p): qio.read_text(p) for p in args.transcripts}
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
    segments, failures = [], []
    for export in args.exports:
        try:
            segments.append(locate_segments(read_export(export), export, columns, texts, codebook))
        except ValidationFailed as exc:
            failures.append(exc)
    if failures:
        report = pd.concat([f.report for f in failures], ignore_index=True)
        raise ValidationFailed("; ".join(str(f) for f in failures), report)
    segments = pd.concat(segments, ignore_index=True)
    qio.write_table(segments, args.segments_out, csv_beside(args.segments_out))
    qio.write_table(codebook, args.codebook_out, csv_beside(args.codebook_out))
    qio.write_table(cases, args.cases_out, csv_beside(args.cases_out))
    print(
        f"{len(segments)} coded segments from {len(args.exports)} export(s): "
        f"{segments['case_id'].nunique()} cases, {segments['code_id'].nunique()} codes, "
        f"{segments['coder'].nunique()} coders"
    )


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


if __name__ == "__main__":
    sys.exit(main())
