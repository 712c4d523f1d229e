"""A study whose coding was done in a spreadsheet on the raw transcripts: the sheet's
column mapping guessed for the team to check, and, when the team has no codebook file,
a flat codebook of the codes the sheet uses."""

from dataclasses import dataclass

import pandas as pd

from qualframe.coding.codebook import code_id_from_name, unique_id
from qualframe.coding.codes import normalise_code_label, split_codes
from qualframe.coding.columns import guess_code_separator, guess_column_mapping

REQUIRED_FIELDS = ("transcript", "code", "coder", "text")
# written for a field no column was found for: the run stops on it, naming the field
NOT_FOUND = "NOT FOUND: name the column"


@dataclass(frozen=True)
class SheetGuess:
    """The mapping a sheet seems to follow: `columns` {field: column} (NOT_FOUND for a
    required field with no column), `missing` those fields, `separator` between several
    codes in a cell ("" for one code a cell)."""

    columns: dict[str, str]
    missing: list[str]
    separator: str


def guess_sheet(sheet: pd.DataFrame) -> SheetGuess:
    """Guess how a coded-data sheet (read as text) maps onto the coded-data fields."""
    found = guess_column_mapping(sheet)
    missing = [field for field in REQUIRED_FIELDS if field not in found]
    columns = {field: found.get(field, NOT_FOUND) for field in REQUIRED_FIELDS}
    columns.update({f: found[f] for f in ("start", "end") if f in found})
    separator = guess_code_separator(sheet[found["code"]]) if "code" in found else ""
    return SheetGuess(columns, missing, separator)


def codes_used(cells: pd.Series, separator: str) -> list[str]:
    """The distinct code labels of a sheet's code column, in order of first use (labels
    differing only in case or spacing are one)."""
    labels: dict[str, str] = {}
    for cell in cells.astype(str):
        for label in split_codes(cell.strip(), separator):
            if label:
                labels.setdefault(normalise_code_label(label), " ".join(label.split()))
    return list(labels.values())


def flat_codebook(labels: list[str]) -> dict:
    """A codebook YAML (as data) with one codable top-level code per label."""
    taken: set[str] = set()
    return {
        "themes": [
            {"id": unique_id(code_id_from_name(label), taken), "name": label, "codable": True}
            for label in labels
        ]
    }
