"""The framework matrix as an Excel workbook, laid out like an NVivo framework matrix: one
sheet per theme (cases as rows, attributes first, codes as columns, charted text in the
cells), a Counts sheet, a Codebook sheet and, when given, the theme summary.

The bytes are deterministic: fixed document properties and fixed zip entry times."""

import datetime
import io
import re
import zipfile

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qualframe.charting.counts import summary_counts
from qualframe.io import FORMULA_STARTS
from qualframe.matrix.chart import COVERAGE, RATING, trim
from qualframe.schemas import Codebook, MatrixCell
from qualframe.zipbytes import deterministic_zip

EXCEL_CELL_LIMIT = 32_767
SHEET_NAME_LIMIT = 31
FIXED_TIME = datetime.datetime(2000, 1, 1)
WORKBOOK_FILE_MODE = 0o600  # members of the .xlsx
# Characters Excel refuses in a sheet name.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
COUNTS_SHEET = "Counts"
CHARTING_SHEET = "Charting"
SUMMARISED = PatternFill("solid", start_color="E8F1FA", end_color="E8F1FA")
CODEBOOK_SHEET = "Codebook"
SUMMARY_SHEET = "Theme summary"
CODE_COLUMN_WIDTH = 60
MIN_WIDTH, MAX_WIDTH = 8, 30
COUNT_COLUMN_WIDTH = 14
TOP_WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(bold=True)

CODEBOOK_COLUMNS = {
    Codebook.theme: "Theme",
    Codebook.code: "Code",
    Codebook.definition: "Definition",
    Codebook.valence: "Valence",
    Codebook.cfir_domain: "CFIR domain",
    Codebook.cfir_construct: "CFIR construct",
}


def framework_workbook(
    matrix: pd.DataFrame,
    codebook: pd.DataFrame,
    attributes: list[str],
    summary_counts: pd.DataFrame | None = None,
) -> bytes:
    """The .xlsx bytes of the framework matrix.

    `matrix` is the long matrix from chart_matrix (schemas.MatrixCell, with `coverage` and
    `rating`), `codebook` validates as schemas.Codebook, `attributes` are the case columns
    shown before the codes. `summary_counts`, if given (e.g. the theme summary table), is
    written as one more sheet, as is. Sheets: one per theme in codebook order, named by
    the theme (see sheet_names), then "Counts", "Charting" (when the matrix has analysts'
    summaries: how many cells of each theme are summarised, and where each summary was
    written), "Codebook" and "Theme summary". Summarised cells are tinted.
    """
    book = Workbook()
    book.remove(book.active)
    cases = matrix.drop_duplicates(MatrixCell.case_id)[[MatrixCell.case_id, *attributes]]
    ordered = codebook.sort_values(Codebook.code_order, kind="stable")
    themes = list(dict.fromkeys(ordered[Codebook.theme_id]))
    theme_names = ordered.drop_duplicates(Codebook.theme_id).set_index(Codebook.theme_id)[
        Codebook.theme
    ]
    reserved = [COUNTS_SHEET, CHARTING_SHEET, CODEBOOK_SHEET, SUMMARY_SHEET]
    summarised = has_summaries(matrix)
    names = sheet_names([theme_names[theme] for theme in themes], reserved)
    for theme, name in zip(themes, names, strict=True):
        codes = ordered[ordered[Codebook.theme_id] == theme]
        grid = code_grid(matrix, cases, codes, MatrixCell.charted_text)
        sheet = book.create_sheet(name)
        theme_sheet(sheet, grid, attributes)
        if summarised:
            marks = code_grid(matrix, cases, codes, MatrixCell.summary)
            tint_summarised(sheet, marks.iloc[:, 1 + len(attributes) :])
    counts_sheet(book.create_sheet(COUNTS_SHEET), matrix, cases, ordered, attributes)
    if summarised:
        charting_sheet(book.create_sheet(CHARTING_SHEET), matrix, ordered)
    codebook_sheet(book.create_sheet(CODEBOOK_SHEET), ordered)
    if summary_counts is not None:
        table_sheet(book.create_sheet(SUMMARY_SHEET), summary_counts)
    return deterministic_bytes(book)


def sheet_names(themes: list[str], reserved: list[str]) -> list[str]:
    """Excel-safe, unique sheet names for `themes`: forbidden characters removed, cut to
    31 characters, numbered " (2)", " (3)" … where names clash (case-insensitively, also
    with `reserved`)."""
    taken = {name.casefold() for name in reserved}
    names = []
    for theme in themes:
        base = SHEET_NAME_FORBIDDEN.sub("", theme).strip().strip("'").strip() or "Theme"
        name = base[:SHEET_NAME_LIMIT]
        number = 2
        while name.casefold() in taken:
            suffix = f" ({number})"
            name = base[: SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
            number += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def code_grid(
    matrix: pd.DataFrame, cases: pd.DataFrame, codes: pd.DataFrame, value: str
) -> pd.DataFrame:
    """Cases (with their attributes) as rows, the `codes` as columns headed by code name,
    cells holding the matrix column `value`."""
    code_ids = list(codes[Codebook.code_id])
    wide = matrix[matrix[MatrixCell.code_id].isin(code_ids)].pivot(
        index=MatrixCell.case_id, columns=MatrixCell.code_id, values=value
    )
    wide = wide.reindex(index=cases[MatrixCell.case_id], columns=code_ids)
    wide.columns = list(codes[Codebook.code])
    return pd.concat([cases.reset_index(drop=True), wide.reset_index(drop=True)], axis=1)


def theme_sheet(sheet: Worksheet, grid: pd.DataFrame, attributes: list[str]) -> None:
    """One theme: header row, then one row per case; wrapped text, frozen header and
    case columns, wide code columns."""
    fixed = 1 + len(attributes)
    write_rows(sheet, grid, first_row=1, wrap=True)
    fit_widths(sheet, grid.iloc[:, :fixed], first_column=1)
    for column in range(fixed + 1, grid.shape[1] + 1):
        sheet.column_dimensions[get_column_letter(column)].width = CODE_COLUMN_WIDTH
    sheet.freeze_panes = sheet.cell(row=2, column=fixed + 1)


def has_summaries(matrix: pd.DataFrame) -> bool:
    """Whether any cell of the matrix carries an analyst's summary."""
    return MatrixCell.summary in matrix.columns and bool((matrix[MatrixCell.summary] != "").any())


def tint_summarised(sheet: Worksheet, summaries: pd.DataFrame) -> None:
    """Tint the theme sheet's cells whose summary (in `summaries`, laid out like the
    sheet's code columns) is not empty."""
    first_column = sheet.max_column - summaries.shape[1] + 1
    for offset, values in enumerate(summaries.itertuples(index=False), start=2):
        for index, summary in enumerate(values):
            if isinstance(summary, str) and summary:
                sheet.cell(row=offset, column=first_column + index).fill = SUMMARISED


def charting_sheet(sheet: Worksheet, matrix: pd.DataFrame, codebook: pd.DataFrame) -> None:
    """Cells summarised per theme, then every summarised cell and where it was written."""
    counts = summary_counts(matrix, codebook).drop(columns=[Codebook.theme_id])
    counts.columns = ["Theme", "Cells", "With coded excerpts", "Summarised"]
    write_rows(sheet, counts, first_row=1, wrap=False)
    cells = matrix.loc[
        matrix[MatrixCell.summary] != "",
        [MatrixCell.case_id, MatrixCell.theme, MatrixCell.code, MatrixCell.summary_source],
    ]
    cells.columns = ["Case", "Theme", "Code", "Summary written in"]
    write_rows(sheet, cells, first_row=len(counts) + 3, wrap=False)
    fit_widths(sheet, cells, first_column=1)
    sheet.column_dimensions["D"].width = CODE_COLUMN_WIDTH


def counts_sheet(
    sheet: Worksheet,
    matrix: pd.DataFrame,
    cases: pd.DataFrame,
    codes: pd.DataFrame,
    attributes: list[str],
) -> None:
    """Cases × codes in stacked blocks, each under a title row: segments per cell, the
    coverage as a percentage of the case's transcript, and ratings when any cell has one."""
    blocks = [("Segments per case and code", MatrixCell.n_segments, "0")]
    if COVERAGE in matrix.columns and matrix[COVERAGE].notna().any():
        blocks.append(("Coverage: share of the case's transcript coded", COVERAGE, "0.0%"))
    if RATING in matrix.columns and matrix[RATING].notna().any():
        blocks.append(("Rating (−2 … +2), mean of the segments' ratings", RATING, "+0;-0;0"))
    fixed = 1 + len(attributes)
    row = 1
    for title, column, number_format in blocks:
        sheet.cell(row=row, column=1, value=title).font = BOLD
        grid = code_grid(matrix, cases, codes, column)
        write_rows(sheet, grid, first_row=row + 1, wrap=False)
        for values in sheet.iter_rows(
            min_row=row + 2, max_row=row + 1 + len(grid), min_col=fixed + 1
        ):
            for cell in values:
                cell.number_format = number_format
        row += len(grid) + 3
    fit_widths(sheet, cases, first_column=1)
    for column in range(fixed + 1, fixed + len(codes) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = COUNT_COLUMN_WIDTH
    sheet.freeze_panes = sheet.cell(row=3, column=fixed + 1)


def codebook_sheet(sheet: Worksheet, codebook: pd.DataFrame) -> None:
    """The codebook in codebook order: theme, code, definition, valence, CFIR."""
    table = codebook[list(CODEBOOK_COLUMNS)].rename(columns=CODEBOOK_COLUMNS)
    write_rows(sheet, table, first_row=1, wrap=True)
    fit_widths(sheet, table, first_column=1)
    sheet.column_dimensions["C"].width = CODE_COLUMN_WIDTH
    sheet.freeze_panes = "A2"


def table_sheet(sheet: Worksheet, table: pd.DataFrame) -> None:
    """Any table as is: header row, rows, fitted widths, frozen header."""
    write_rows(sheet, table.reset_index(drop=True), first_row=1, wrap=False)
    fit_widths(sheet, table, first_column=1)
    sheet.freeze_panes = "A2"


def write_rows(sheet: Worksheet, table: pd.DataFrame, first_row: int, wrap: bool) -> None:
    """Write `table` with a bold header row at `first_row`; text cells made safe."""
    for column, header in enumerate(table.columns, start=1):
        cell = put(sheet, first_row, column, str(header))
        cell.font = BOLD
        cell.alignment = TOP_WRAP
    for offset, values in enumerate(table.itertuples(index=False), start=1):
        for column, value in enumerate(values, start=1):
            cell = put(sheet, first_row + offset, column, value)
            if wrap:
                cell.alignment = TOP_WRAP


def put(sheet: Worksheet, row: int, column: int, value):
    """Set one cell: missing values left empty, numbers as numbers, text trimmed to
    Excel's cell limit, stripped of characters XML cannot hold, and kept as text (with
    Excel's quote prefix) when it could be read as a formula."""
    cell = sheet.cell(row=row, column=column)
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return cell
    if hasattr(value, "item"):  # numpy scalar → Python scalar
        value = value.item()
    if isinstance(value, bool | int | float):
        cell.value = value
        return cell
    text = trim(ILLEGAL_CHARACTERS_RE.sub("", str(value)), EXCEL_CELL_LIMIT)
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def fit_widths(sheet: Worksheet, table: pd.DataFrame, first_column: int) -> None:
    """Column widths from the longest header or value, within MIN_WIDTH … MAX_WIDTH."""
    for offset, column in enumerate(table.columns):
        lengths = [len(str(column)), *table[column].astype(str).str.len().tolist()]
        width = min(max(max(lengths) + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(first_column + offset)].width = width


def deterministic_bytes(book: Workbook) -> bytes:
    """Save `book` and rewrite the archive so the same workbook gives the same bytes:
    openpyxl stamps the save time into docProps/core.xml and every zip entry."""
    book.properties.creator = "qualframe"
    book.properties.lastModifiedBy = None
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    saved = io.BytesIO()
    book.save(saved)
    core = book.properties
    core.modified = FIXED_TIME
    with zipfile.ZipFile(saved) as source:
        members = [
            (name, core_xml(core) if name == "docProps/core.xml" else source.read(name))
            for name in source.namelist()
        ]
    return deterministic_zip(members, WORKBOOK_FILE_MODE)


def core_xml(properties) -> bytes:
    """docProps/core.xml for `properties` (their times already fixed)."""
    from openpyxl.xml.functions import tostring

    return tostring(properties.to_tree())
