"""Options several subcommands share, their help texts, and the naming convention of the
paths a command writes.

A command writes only the paths it is given, each through an option named for it: the
main output `--output`, others `--output-<what>`, and the CSV copy of a table `--csv`
(of `--output`) or `--<what>-csv` (of `--output-<what>`). `--record` and `--report` are
the bookkeeping files every step may write, and `--key` the pseudonym key a step reads and
extends. The command line finds every path a step may write by these names alone.
"""

import argparse

from qualframe.schemas import REPLACEMENT_STYLES
from qualframe.study.schema import config_default

# One wording per kind of file or setting.
INGESTED = "ingested transcripts (Parquet, restricted, written by ingest) or .txt files"
DEIDENTIFIED = "de-identified transcripts: .txt files or folders of them"
SEGMENTS = "coded segments (Parquet, written by import-coding)"
CODEBOOK = "codebook table (Parquet, written by import-coding)"
CASES = "case table (Parquet, written by import-coding)"
MATRIX = "framework matrix, long form (Parquet, written by chart)"
ALLOW_LIST = "study allow-list: terms never replaced, one a line (# starts a comment)"
REGISTER = "identifier register (TSV with columns term, entity_type; restricted)"
ANONYMISATION_LOG = "anonymisation log CSV (restricted, written by pseudonymise)"
KEY = "the study's pseudonym key CSV (restricted): read, and extended with new entities"
ATTRIBUTES = "case attributes to chart and group by"
SORT_BY = "case attributes to order the cases by"
PRIMARY_CODER = "coder whose segments are charted (empty: every coder's)"
MANIFEST = "the run manifest (JSON, written by manifest)"
JSON_OUTPUT = "print the result as JSON"
STUDY = "the study folder"
CSV_COPY = "the same table as CSV, for a spreadsheet"

# Bookkeeping files every step may write, and the key some steps read and extend.
BOOKKEEPING_WRITES = ("record", "report", "key")


def add_command(subparsers, name: str, doc: str, **kwargs) -> argparse.ArgumentParser:
    """The subparser of `qualframe <name>`, described by its module's docstring `doc`: the
    first line is its help in the list of steps, the whole its description."""
    summary = doc.strip().splitlines()[0].rstrip(".")
    return subparsers.add_parser(
        name,
        help=summary[0].lower() + summary[1:] if summary[1:2].islower() else summary,
        description=doc.strip(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kwargs,
    )


def is_written(dest: str) -> bool:
    """Whether the option with attribute name `dest` names a path the command writes."""
    return (
        dest in ("output", "csv")
        or dest.startswith("output_")
        or dest.endswith("_csv")
        or dest in BOOKKEEPING_WRITES
    )


def add_cache(parser) -> None:
    """`--cache`: the folder of the step's cache of its own earlier work (`step_cache`)."""
    parser.add_argument(
        "--cache",
        metavar="FOLDER",
        help="folder (restricted) where the step keeps its work per transcript or file and "
        "reuses it while the inputs are unchanged; deleting it is safe (without this "
        "option nothing is kept)",
    )


def add_output(parser, what: str | None, help: str, required: bool = True) -> None:
    """`--output` (what=None) or `--output-<what>`: a path the command writes."""
    name = "--output" if what is None else f"--output-{what}"
    parser.add_argument(name, required=required, metavar="PATH", help=help)


def add_table_output(parser, what: str | None, help: str) -> None:
    """A published table the command writes twice from one DataFrame: `--output[-<what>]`
    as Parquet and `--csv` / `--<what>-csv` as CSV."""
    add_output(parser, what, f"{help} (Parquet)")
    csv = "--csv" if what is None else f"--{what}-csv"
    parser.add_argument(csv, required=True, metavar="PATH", help=CSV_COPY)


def add_texts(parser, name: str, help: str, required: bool = True) -> None:
    """An option naming several transcripts."""
    parser.add_argument(name, nargs="+", required=required, help=help)


def add_list(parser, name: str, help: str) -> None:
    """An option naming any number of values, none by default."""
    parser.add_argument(name, nargs="*", default=[], help=help)


def add_coded_tables(parser, cases: bool = True) -> None:
    """The segments, codebook and (unless `cases` is false) case tables import-coding
    wrote."""
    parser.add_argument("--segments", required=True, help=SEGMENTS)
    parser.add_argument("--codebook", required=True, help=CODEBOOK)
    if cases:
        parser.add_argument("--cases", required=True, help=CASES)


def add_detected(parser) -> None:
    """The ingested texts and the detections found in them."""
    add_texts(parser, "--texts", INGESTED)
    parser.add_argument(
        "--detections", nargs="+", required=True, help="detection tables (Parquet, restricted)"
    )


def add_attributes(parser, sort_by: bool = False) -> None:
    add_list(parser, "--attributes", ATTRIBUTES)
    if sort_by:
        add_list(parser, "--sort-by", SORT_BY)


def add_primary_coder(parser) -> None:
    parser.add_argument("--primary-coder", default="", help=PRIMARY_CODER)


def add_deid_lists(parser, required: bool = True) -> None:
    """The study's identifier register and allow-list."""
    parser.add_argument("--register", required=required, help=REGISTER)
    parser.add_argument("--allow-list", required=required, help=ALLOW_LIST)


def add_ner(parser) -> None:
    """The named-entity pipeline, with the config schema's defaults."""
    parser.add_argument(
        "--ner-model",
        default=config_default("deid", "ner", "model"),
        help="installed spaCy pipeline package that finds names, organisations, places",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=config_default("deid", "ner", "batch_size"),
        help="paragraphs per NER batch",
    )
    parser.add_argument("--no-ner", action="store_true", help="rules and register only")


def add_style(parser) -> None:
    parser.add_argument(
        "--style",
        choices=REPLACEMENT_STYLES,
        default=config_default("deid", "style"),
        help="replacement style: [PERSON_1], [PERSON] or a realistic surrogate",
    )


def add_json(parser, help: str = JSON_OUTPUT) -> None:
    parser.add_argument("--json", action="store_true", help=help)


def add_study(parser, help: str = STUDY) -> None:
    parser.add_argument("study", metavar="DIR", help=help)


def written_options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The options of `parser` that name a path the command writes."""
    return [
        action for action in parser._actions if action.option_strings and is_written(action.dest)
    ]
