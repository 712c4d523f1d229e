"""A study folder: the files `qualframe new-study` writes and the config that names them.

DIR/config.yaml       the study's configuration, commented, paths relative to DIR
DIR/transcripts/      raw transcripts (restricted)
DIR/cases.tsv         case sheet: one row per transcript
DIR/codebook.yaml     codebook (when there is one)
DIR/identifiers.tsv   identifier register (restricted)
DIR/allow_list.txt    terms never replaced
DIR/coding/           coded data
DIR/.gitignore        keeps the restricted files and the run's state out of git
"""

import json
import textwrap
from dataclasses import dataclass, field
from importlib import resources
from string import Template

import pandas as pd

from qualframe.schemas import Cases

TRANSCRIPTS = "transcripts"
CASES = "cases.tsv"
CODEBOOK = "codebook.yaml"
IDENTIFIERS = "identifiers.tsv"
ALLOW_LIST = "allow_list.txt"
CODING = "coding"
CONFIG = "config.yaml"

# A spreadsheet export's columns as MAXQDA's "Coded segments" export names them: the
# mapping a study starts with when it has no sheet yet.
DEFAULT_COLUMNS = {
    "transcript": "Document name",
    "code": "Code",
    "coder": "Created by",
    "text": "Segment",
}

REGISTER_HEADER = "term\tentity_type\n"
ALLOW_LIST_TEXT = (
    "# Terms never replaced by de-identification, one per line (e.g. the name of a national\n"
    "# programme the interviews discuss). Lines starting with # are comments.\n"
)
GITIGNORE_TEXT = (
    "# Identifying material and the run's own state: never commit these.\n"
    f"/{TRANSCRIPTS}/\n/restricted/\n/{IDENTIFIERS}\n/{CODING}/\n/.snakemake/\n/logs/\n"
)


@dataclass(frozen=True)
class StudySettings:
    """What a new study's config says beyond the defaults.

    `codebook` is the codebook's path ("" when the study has none yet), `exports` the
    coded data, `columns` the sheet column mapping, `coded_on` "raw" or "deidentified",
    `attributes` the case sheet's attribute columns; the notes are comment lines put
    above the keys they explain."""

    folder: str
    codebook: str = ""
    exports: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    coded_on: str = "deidentified"
    code_separator: str = ""
    attributes: list[str] = field(default_factory=list)
    codebook_note: str = ""
    exports_note: str = ""
    columns_note: str = ""


def yaml_value(value) -> str:
    """A value as YAML flow text (JSON is YAML; non-ASCII kept readable)."""
    return json.dumps(value, ensure_ascii=False)


def comment_lines(note: str, indent: str = "  ") -> str:
    """A note as YAML comment lines (the first without its "# ", which the template holds)
    of at most 90 characters."""
    return f"\n{indent}# ".join(textwrap.wrap(" ".join(note.split()), 86 - len(indent)))


def config_text(settings: StudySettings) -> str:
    """The commented config.yaml of a study folder."""
    template = Template(
        resources.files("qualframe.study").joinpath("config.template.yaml").read_text("utf-8")
    )
    notes = {
        "codebook_note": settings.codebook_note
        or "None yet: develop it in your CAQDAS, then name it here.",
        "exports_note": settings.exports_note
        or "None yet: the first run de-identifies the transcripts and writes "
        "results/coding/project.qdpx to code in; add your coded export here afterwards.",
        "columns_note": settings.columns_note
        or 'The mapping below fits MAXQDA\'s "Coded segments" export.',
    }
    return template.substitute(
        folder=settings.folder,
        transcripts=yaml_value(TRANSCRIPTS),
        cases=yaml_value(CASES),
        codebook=yaml_value(settings.codebook),
        identifiers=yaml_value(IDENTIFIERS),
        allow_list=yaml_value(ALLOW_LIST),
        exports=yaml_value(settings.exports),
        columns=yaml_value(settings.columns),
        coded_on=yaml_value(settings.coded_on),
        code_separator=yaml_value(settings.code_separator),
        attributes=yaml_value(settings.attributes),
        report_group=yaml_value(settings.attributes[0] if settings.attributes else "all"),
        **{key: comment_lines(note) for key, note in notes.items()},
    )


def blank_case_sheet(transcript_ids: list[str]) -> pd.DataFrame:
    """A case sheet to fill in: one row per transcript, its id as case_id."""
    return pd.DataFrame({Cases.case_id: sorted(transcript_ids)}, dtype=str)
