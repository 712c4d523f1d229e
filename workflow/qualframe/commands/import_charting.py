"""Read, check and de-identify the analysts' cell summaries.

Reads the filled charting workbooks, checks every summary cell against the codebook and
the cases, and de-identifies the summaries with the study's pseudonym key, so a person
named in a summary gets the replacement the transcripts give them.
"""

import json
import zipfile
from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.charting.layout import DEFAULT_MAX_SUMMARY_CHARS
from qualframe.commands import options
from qualframe.commands.charting_template import MAX_SUMMARY_HELP
from qualframe.commands.deid_inputs import (
    load_ner_model,
    read_allow_list,
    read_key,
    read_register,
)
from qualframe.errors import QualframeError, QualframeErrors


def register_parser(subparsers):
    parser = options.add_command(subparsers, "import-charting", __doc__)
    parser.add_argument("--workbooks", nargs="+", required=True, help="filled workbooks")
    parser.add_argument(
        "--analysts",
        default="{}",
        help='JSON: {"workbook": {"analyst": "…", "sheets": {"sheet": "…"}}}',
    )
    parser.add_argument("--codebook", required=True, help=options.CODEBOOK)
    parser.add_argument("--cases", required=True, help=options.CASES)
    options.add_attributes(parser)
    parser.add_argument(
        "--max-summary-chars", type=int, default=DEFAULT_MAX_SUMMARY_CHARS, help=MAX_SUMMARY_HELP
    )
    parser.add_argument(
        "--several-per-cell", action="store_true", help="keep two summaries of one cell"
    )
    options.add_deid_lists(parser, required=False)
    parser.add_argument(
        "--key", required=True, help="the study's pseudonym key CSV (restricted), read only"
    )
    options.add_ner(parser)
    options.add_table_output(parser, None, "the de-identified summaries")
    options.add_output(parser, "log", "what was replaced, CSV (restricted)")
    return parser


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


def run(args) -> None:
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
    qio.write_restricted_csv(log, args.output_log)
    qio.write_table(published, args.output, args.csv)
    per_workbook = pd.Series([Path(p).name for p in summaries["workbook"]]).value_counts()
    counts = ", ".join(f"{name}: {n}" for name, n in per_workbook.sort_index().items())
    print(
        f"charting: {len(published)} cell summaries from {len(workbooks)} workbook(s) "
        f"({counts or 'none'}); {len(log)} replacement(s) in "
        f"{int((published['replacements'] > 0).sum())} summaries"
    )
