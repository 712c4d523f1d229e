"""Reading the analysts' summaries back from filled charting workbooks.

Every non-empty cell of every sheet becomes a row of facts (where it is, which case and
code it belongs to, whether it holds a formula, how long it is); the WorkbookCell model
checks them all at once, and each failure becomes one line naming the workbook, sheet and
cell and what is wrong, never the cell's text.
"""

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from pandera.typing import Series

from qualframe.charting.layout import (
    CASE_ID_HEADER,
    FIRST_CASE_ROW,
    ID_ROW,
    TEMPLATE_SHEETS,
    cell_place,
    fixed_headers,
)

SUMMARY_COLUMNS = [
    "case_id",
    "code_id",
    "summary",
    "workbook",
    "workbook_sha256",
    "sheet",
    "cell",
    "analyst",
]


@dataclass(frozen=True)
class FilledWorkbook:
    """One filled workbook: its path as the config names it, its checksum, its contents,
    its analyst and any analyst per sheet."""

    path: str
    sha256: str
    book: Workbook
    analyst: str = ""
    sheet_analysts: Mapping[str, str] = field(default_factory=dict)


class WorkbookCell(pa.DataFrameModel):
    """One non-empty cell of a charting workbook and what the import requires of it."""

    workbook: Series[str]
    sheet: Series[str]
    cell: Series[str]
    row: Series[int] = pa.Field(ge=1)
    column: Series[int] = pa.Field(ge=1)
    case_id: Series[str]
    code_id: Series[str]
    text: Series[str]
    length: Series[int] = pa.Field(ge=0)
    is_summary: Series[bool]
    sheet_known: Series[bool]
    header_intact: Series[bool]
    case_known: Series[bool]
    code_known: Series[bool]
    inside_matrix: Series[bool]
    not_formula: Series[bool]
    within_limit: Series[bool]

    @pa.check("sheet_known", "header_intact", "case_known", "code_known")
    def holds(cls, values: Series[bool]) -> Series[bool]:
        return values

    @pa.check("inside_matrix", "not_formula", "within_limit")
    def holds_too(cls, values: Series[bool]) -> Series[bool]:
        return values


def failure_message(fact: str, cell: pd.Series, limit: int) -> str:
    """What is wrong, in words, for a cell failing `fact`; never the cell's text."""
    if fact == "sheet_known":
        return "not a sheet of the charting template (theme sheets have case_id in cell A1)"
    if fact == "header_intact":
        if cell["row"] == ID_ROW:
            return "header changed: row 1 must keep the template's ids"
        return "header changed: a case appears in two rows of this sheet"
    if fact == "case_known":
        return "the case id of this row is not in the case sheet"
    if fact == "code_known":
        return "the code id heading this column is not in the codebook"
    if fact == "inside_matrix":
        return "cell outside the matrix: no case id in its row or no code id above it"
    if fact == "not_formula":
        return "a formula: summaries must be typed text"
    return f"text of {cell['length']:,} characters, over the limit of {limit:,}"


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_formula(cell) -> bool:
    return cell.data_type == "f" or type(cell.value).__name__ in (
        "ArrayFormula",
        "DataTableFormula",
    )


def as_text(value) -> str:
    """A cell's value as summary text: NFC, line ends unified, surrounding space dropped."""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text).strip()


def sheet_cells(
    workbook: str,
    sheet: Worksheet,
    attributes: list[str],
    code_ids: frozenset[str],
    case_ids: frozenset[str],
    limit: int,
    codes_seen: set[str],
) -> list[dict]:
    """Fact rows of every non-empty cell of one sheet (one row for a sheet the import does
    not know). `codes_seen` collects the code ids of the workbook's columns so far."""
    filled = [c for row in sheet.iter_rows() for c in row if not is_empty(c.value)]
    if not filled:
        return []

    def fact_row(cell, **facts) -> dict:
        formula = is_formula(cell)
        text = "" if formula else as_text(cell.value)
        base = {
            "workbook": workbook,
            "sheet": sheet.title,
            "cell": cell.coordinate,
            "row": cell.row,
            "column": cell.column,
            "case_id": "",
            "code_id": "",
            "text": text,
            "length": len(text),
            "is_summary": False,
            "sheet_known": True,
            "header_intact": True,
            "case_known": True,
            "code_known": True,
            "inside_matrix": True,
            "not_formula": True,
            "within_limit": True,
        }
        return base | facts

    if sheet.cell(row=1, column=1).value != CASE_ID_HEADER:
        return [fact_row(filled[0], sheet_known=False)]
    fixed = fixed_headers(attributes)
    rows: list[dict] = []
    code_of: dict[int, str] = {}
    for cell in (c for c in filled if c.row == ID_ROW):
        if cell.column <= len(fixed):
            if cell.value != fixed[cell.column - 1]:
                rows.append(fact_row(cell, header_intact=False))
        elif not isinstance(cell.value, str) or cell.value not in code_ids:
            rows.append(fact_row(cell, code_known=False))
        elif cell.value in codes_seen:
            rows.append(fact_row(cell, header_intact=False))
        else:
            codes_seen.add(cell.value)
            code_of[cell.column] = cell.value
    for column in range(2, len(fixed) + 1):
        if is_empty(sheet.cell(row=ID_ROW, column=column).value):
            rows.append(fact_row(sheet.cell(row=ID_ROW, column=column), header_intact=False))
    case_of: dict[int, str] = {}
    bad_rows: set[int] = set()
    for cell in (c for c in filled if c.column == 1 and c.row >= FIRST_CASE_ROW):
        value = cell.value if isinstance(cell.value, str) else str(cell.value)
        if value not in case_ids:
            rows.append(fact_row(cell, case_known=False))
            bad_rows.add(cell.row)
        elif value in case_of.values():
            rows.append(fact_row(cell, header_intact=False))
            bad_rows.add(cell.row)
        else:
            case_of[cell.row] = value
    known_columns = {c.column for c in filled if c.row == ID_ROW and c.column > len(fixed)}
    for cell in filled:
        if cell.row == ID_ROW or cell.column <= len(fixed) and cell.row >= FIRST_CASE_ROW:
            continue  # the id row, the case id and attribute columns: checked above or ignored
        if cell.row < FIRST_CASE_ROW:  # the label row: labels may change
            if cell.column > len(fixed) and cell.column not in known_columns:
                rows.append(fact_row(cell, inside_matrix=False))
            continue
        if cell.row in bad_rows or (cell.column in known_columns and cell.column not in code_of):
            continue  # the row's case or the column's code is already an error
        if cell.row not in case_of or cell.column not in code_of:
            rows.append(fact_row(cell, inside_matrix=False))
            continue
        row = fact_row(
            cell, case_id=case_of[cell.row], code_id=code_of[cell.column], is_summary=True
        )
        row["not_formula"] = not is_formula(cell)
        row["within_limit"] = row["length"] <= limit
        rows.append(row)
    return rows


def workbook_cells(
    workbook: FilledWorkbook,
    attributes: list[str],
    code_ids: frozenset[str],
    case_ids: frozenset[str],
    limit: int,
) -> list[dict]:
    """Fact rows of every non-empty cell of every sheet but the template's own."""
    codes_seen: set[str] = set()
    rows = []
    for sheet in workbook.book.worksheets:
        if sheet.title not in TEMPLATE_SHEETS:
            rows += sheet_cells(
                workbook.path, sheet, attributes, code_ids, case_ids, limit, codes_seen
            )
    return rows


def failures(cells: pd.DataFrame, limit: int) -> list[str]:
    """Validate `cells` as WorkbookCell, lazily; every failure as one line
    `FILE, sheet S, cell C7: what`, in workbook, sheet and cell order."""
    try:
        WorkbookCell.validate(cells, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.dropna(subset=["index"]).drop_duplicates(["index", "column"])
        lines = []
        for index, fact in zip(cases["index"], cases["column"], strict=True):
            cell = cells.loc[int(index)]
            where = cell_place(cell["workbook"], cell["sheet"], cell["cell"])
            lines.append(
                ((int(index), str(fact)), f"{where}: {failure_message(fact, cell, limit)}")
            )
        return [line for _, line in sorted(lines)]
    return []


def repeated_cells(summaries: pd.DataFrame) -> list[str]:
    """One line per summary of a cell that an earlier summary already fills."""
    lines = []
    first: dict[tuple[str, str], pd.Series] = {}
    for _, summary in summaries.iterrows():
        key = (summary["case_id"], summary["code_id"])
        if key in first:
            before = first[key]
            lines.append(
                f"{cell_place(summary['workbook'], summary['sheet'], summary['cell'])}: "
                f"a second summary of case {key[0]} × code {key[1]}, already summarised at "
                f"{cell_place(before['workbook'], before['sheet'], before['cell'])} "
                "(set charting.several_per_cell to keep both)"
            )
        else:
            first[key] = summary
    return lines


def read_summaries(
    workbooks: Iterable[FilledWorkbook],
    attributes: list[str],
    code_ids: Iterable[str],
    case_ids: Iterable[str],
    limit: int,
    several_per_cell: bool = False,
) -> tuple[pd.DataFrame, list[str]]:
    """The summaries typed in `workbooks`, and every problem found in them.

    Returns (one row per non-empty summary cell with SUMMARY_COLUMNS, in workbook, sheet
    and cell order; error lines `FILE, sheet S, cell C7: what`). The summaries are
    meaningful only when there are no error lines.
    """
    workbooks = list(workbooks)
    rows = []
    for workbook in workbooks:
        rows += workbook_cells(
            workbook, attributes, frozenset(code_ids), frozenset(case_ids), limit
        )
    cells = pd.DataFrame(rows, columns=list(WorkbookCell.to_schema().columns))
    cells = cells.astype({"row": "int64", "column": "int64", "length": "int64"})
    errors = failures(cells, limit)
    found = cells[cells["is_summary"]]
    by_path = {workbook.path: workbook for workbook in workbooks}
    summaries = found.assign(
        summary=found["text"],
        workbook_sha256=found["workbook"].map(lambda path: by_path[path].sha256),
        analyst=[
            by_path[path].sheet_analysts.get(sheet, by_path[path].analyst)
            for path, sheet in zip(found["workbook"], found["sheet"], strict=True)
        ],
    )[SUMMARY_COLUMNS].reset_index(drop=True)
    if not several_per_cell:
        errors += repeated_cells(summaries)
    return summaries.astype(str), errors
