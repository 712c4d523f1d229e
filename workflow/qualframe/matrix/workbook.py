"""The framework matrix as an Excel workbook, laid out like an NVivo framework matrix: one
sheet per theme (cases as rows, attributes first, codes as columns, charted text in the
cells), a Counts sheet, a Codebook sheet and, when given, the theme summary.

The cells are written column by column (`qualframe.xlsx`): a million-cell matrix costs
seconds, not minutes. The bytes are deterministic: fixed document properties and fixed
zip entry times."""

import dataclasses
import functools
import re
from collections.abc import Callable

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from qualframe.charting.counts import summary_counts
from qualframe.io import atomic_path
from qualframe.matrix.chart import COVERAGE, RATING, grid_layout
from qualframe.schemas import Codebook, MatrixCell
from qualframe.xlsx import (
    EXCEL_CELL_LIMIT,  # noqa: F401 (the workbook's cell limit, read by its tests)
    PLAIN,
    Block,
    Column,
    StreamedWorkbook,
    Style,
    lazy,
    table_blocks,
)

SHEET_NAME_LIMIT = 31
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
HEADER = Style(font=BOLD, alignment=TOP_WRAP)
TITLE = Style(font=BOLD)
WRAPPED = Style(alignment=TOP_WRAP)
TINTED = Style(alignment=TOP_WRAP, fill=SUMMARISED)

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
    """The .xlsx bytes of the framework matrix (see `framework_book`)."""
    return framework_book(matrix, codebook, attributes, summary_counts).to_bytes()


def write_framework_workbook(
    path,
    matrix: pd.DataFrame,
    codebook: pd.DataFrame,
    attributes: list[str],
    summary_counts: pd.DataFrame | None = None,
) -> None:
    """Write the framework matrix workbook to `path`, atomically, one sheet in memory at
    a time."""
    book = framework_book(matrix, codebook, attributes, summary_counts)
    with atomic_path(path) as tmp:
        book.save(tmp)


def framework_book(
    matrix: pd.DataFrame,
    codebook: pd.DataFrame,
    attributes: list[str],
    summary_counts: pd.DataFrame | None = None,
) -> StreamedWorkbook:
    """The framework matrix as a workbook.

    `matrix` is the long matrix from chart_matrix (schemas.MatrixCell, with `coverage` and
    `rating`), `codebook` validates as schemas.Codebook, `attributes` are the case columns
    shown before the codes. `summary_counts`, if given (e.g. the theme summary table), is
    written as one more sheet, as is. Sheets: one per theme in codebook order, named by
    the theme (see sheet_names), then "Counts", "Charting" (when the matrix has analysts'
    summaries: how many cells of each theme are summarised, and where each summary was
    written), "Codebook" and "Theme summary". Summarised cells are tinted.
    """
    book = StreamedWorkbook()
    cases = matrix.drop_duplicates(MatrixCell.case_id)[[MatrixCell.case_id, *attributes]]
    ordered = codebook.sort_values(Codebook.code_order, kind="stable")
    themes = list(dict.fromkeys(ordered[Codebook.theme_id]))
    theme_names = ordered.drop_duplicates(Codebook.theme_id).set_index(Codebook.theme_id)[
        Codebook.theme
    ]
    reserved = [COUNTS_SHEET, CHARTING_SHEET, CODEBOOK_SHEET, SUMMARY_SHEET]
    summarised = has_summaries(matrix)
    names = sheet_names([theme_names[theme] for theme in themes], reserved)
    layout = grid_layout(matrix, list(cases[MatrixCell.case_id]))
    for theme, name in zip(themes, names, strict=True):
        codes = ordered[ordered[Codebook.theme_id] == theme]
        grid = lazy_grid(matrix, cases, codes, MatrixCell.charted_text, layout)
        marks = code_grid(matrix, cases, codes, MatrixCell.summary, layout) if summarised else None
        theme_sheet(book, book.create_sheet(name), grid, attributes, marks)
    counts_sheet(book, book.create_sheet(COUNTS_SHEET), matrix, cases, ordered, attributes, layout)
    if summarised:
        charting_sheet(book, book.create_sheet(CHARTING_SHEET), matrix, ordered)
    codebook_sheet(book, book.create_sheet(CODEBOOK_SHEET), ordered)
    if summary_counts is not None:
        table_sheet(book, book.create_sheet(SUMMARY_SHEET), summary_counts)
    return book


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
    matrix: pd.DataFrame,
    cases: pd.DataFrame,
    codes: pd.DataFrame,
    value: str,
    layout: dict[str, int] | None = None,
) -> pd.DataFrame:
    """Cases (with their attributes) as rows, the `codes` as columns headed by code name,
    cells holding the matrix column `value`. With the matrix's `layout` (grid_layout),
    each code's cells are taken by stride rather than pivoted: the same grid."""
    code_ids = list(codes[Codebook.code_id])
    if layout is not None and all(code in layout for code in code_ids):
        values, n_codes = matrix[value], len(layout)
        wide = pd.concat(
            [strided(values, layout[code], n_codes) for code in code_ids],
            axis=1,
            ignore_index=True,
        )
        wide.columns = list(codes[Codebook.code])
        return pd.concat([cases.reset_index(drop=True), wide], axis=1)
    # the three columns taken first: the matrix's other columns are not copied
    cells = matrix[[MatrixCell.case_id, MatrixCell.code_id, value]]
    wide = cells[cells[MatrixCell.code_id].isin(code_ids)].pivot(
        index=MatrixCell.case_id, columns=MatrixCell.code_id, values=value
    )
    wide = wide.reindex(index=cases[MatrixCell.case_id], columns=code_ids)
    wide.columns = list(codes[Codebook.code])
    return pd.concat([cases.reset_index(drop=True), wide.reset_index(drop=True)], axis=1)


def strided(values: pd.Series, first: int, step: int) -> pd.Series:
    """Every `step`-th value of `values` from position `first`, numbered from 0."""
    return values.iloc[first::step].reset_index(drop=True)


@dataclasses.dataclass
class LazyGrid:
    """A code grid (`code_grid`) whose code columns are taken from the matrix only when
    its sheet is written: the cases with their attributes, the codes' names, and per
    code a function returning its column."""

    cases: pd.DataFrame
    names: list[str]
    loads: list[Callable[[], pd.Series]]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.cases), self.cases.shape[1] + len(self.names)

    def blocks(self, header: Style, body: Style) -> list[Block]:
        """As table_blocks lays out the grid: header row, then the rows."""
        top, rows = table_blocks(self.cases, 1, header, body)
        top.columns += table_blocks(pd.DataFrame(columns=self.names), 1, header, body)[0].columns
        rows.columns += [lazy(load, len(self.cases), body) for load in self.loads]
        return [top, rows]


def lazy_grid(
    matrix: pd.DataFrame,
    cases: pd.DataFrame,
    codes: pd.DataFrame,
    value: str,
    layout: dict[str, int] | None,
) -> pd.DataFrame | LazyGrid:
    """`code_grid`, its code columns left in the matrix until written when the matrix's
    `layout` places them (a million-cell matrix's texts are not copied into every theme
    sheet at once)."""
    code_ids = list(codes[Codebook.code_id])
    if layout is None or not all(code in layout for code in code_ids):
        return code_grid(matrix, cases, codes, value, layout)
    values, n_codes = matrix[value], len(layout)
    return LazyGrid(
        cases.reset_index(drop=True),
        list(codes[Codebook.code]),
        [functools.partial(strided, values, layout[code], n_codes) for code in code_ids],
    )


def theme_sheet(
    book: StreamedWorkbook,
    sheet: Worksheet,
    grid: pd.DataFrame | LazyGrid,
    attributes: list[str],
    summaries: pd.DataFrame | None = None,
) -> None:
    """One theme: header row, then one row per case; wrapped text, frozen header and
    case columns, wide code columns. Cells whose summary (in `summaries`, laid out like
    `grid`) is not empty are tinted."""
    fixed = 1 + len(attributes)
    if isinstance(grid, LazyGrid):
        header, body = grid.blocks(HEADER, WRAPPED)
        cases = grid.cases
    else:
        header, body = table_blocks(grid, 1, HEADER, WRAPPED)
        cases = grid.iloc[:, :fixed]
    if summaries is not None:
        for column, (_, summary) in zip(
            body.columns[fixed:], summaries.iloc[:, fixed:].items(), strict=True
        ):
            column.marked = summary.map(lambda text: isinstance(text, str) and text != "")
            column.marked = column.marked.to_numpy(dtype=bool)
            column.marked_style = TINTED
    book.add(sheet, header, body)
    fit_widths(sheet, cases.iloc[:, :fixed], first_column=1)
    for column in range(fixed + 1, grid.shape[1] + 1):
        sheet.column_dimensions[get_column_letter(column)].width = CODE_COLUMN_WIDTH
    sheet.freeze_panes = sheet.cell(row=2, column=fixed + 1)


def has_summaries(matrix: pd.DataFrame) -> bool:
    """Whether any cell of the matrix carries an analyst's summary."""
    return MatrixCell.summary in matrix.columns and bool((matrix[MatrixCell.summary] != "").any())


def charting_sheet(
    book: StreamedWorkbook, sheet: Worksheet, matrix: pd.DataFrame, codebook: pd.DataFrame
) -> None:
    """Cells summarised per theme, then every summarised cell and where it was written."""
    counts = summary_counts(matrix, codebook).drop(columns=[Codebook.theme_id])
    counts.columns = ["Theme", "Cells", "With coded excerpts", "Summarised"]
    book.add(sheet, *table_blocks(counts, 1, HEADER, PLAIN))
    cells = matrix.loc[
        matrix[MatrixCell.summary] != "",
        [MatrixCell.case_id, MatrixCell.theme, MatrixCell.code, MatrixCell.summary_source],
    ]
    cells.columns = ["Case", "Theme", "Code", "Summary written in"]
    book.add(sheet, *table_blocks(cells, len(counts) + 3, HEADER, PLAIN))
    fit_widths(sheet, cells, first_column=1)
    sheet.column_dimensions["D"].width = CODE_COLUMN_WIDTH


def counts_sheet(
    book: StreamedWorkbook,
    sheet: Worksheet,
    matrix: pd.DataFrame,
    cases: pd.DataFrame,
    codes: pd.DataFrame,
    attributes: list[str],
    layout: dict[str, int] | None = None,
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
        book.add(sheet, Block(row, 1, [Column(pd.Series([title], dtype=object), TITLE)]))
        grid = code_grid(matrix, cases, codes, column, layout)
        header, body = table_blocks(grid, row + 1, HEADER, PLAIN)
        for cells in body.columns[fixed:]:
            cells.style = Style(number_format=number_format)
        book.add(sheet, header, body)
        row += len(grid) + 3
    fit_widths(sheet, cases, first_column=1)
    for column in range(fixed + 1, fixed + len(codes) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = COUNT_COLUMN_WIDTH
    sheet.freeze_panes = sheet.cell(row=3, column=fixed + 1)


def codebook_sheet(book: StreamedWorkbook, sheet: Worksheet, codebook: pd.DataFrame) -> None:
    """The codebook in codebook order: theme, code, definition, valence, CFIR."""
    table = codebook[list(CODEBOOK_COLUMNS)].rename(columns=CODEBOOK_COLUMNS)
    book.add(sheet, *table_blocks(table, 1, HEADER, WRAPPED))
    fit_widths(sheet, table, first_column=1)
    sheet.column_dimensions["C"].width = CODE_COLUMN_WIDTH
    sheet.freeze_panes = "A2"


def table_sheet(book: StreamedWorkbook, sheet: Worksheet, table: pd.DataFrame) -> None:
    """Any table as is: header row, rows, fitted widths, frozen header."""
    book.add(sheet, *table_blocks(table.reset_index(drop=True), 1, HEADER, PLAIN))
    fit_widths(sheet, table, first_column=1)
    sheet.freeze_panes = "A2"


def fit_widths(sheet: Worksheet, table: pd.DataFrame, first_column: int) -> None:
    """Column widths from the longest header or value, within MIN_WIDTH … MAX_WIDTH."""
    for offset, column in enumerate(table.columns):
        lengths = [len(str(column)), *table[column].astype(str).str.len().tolist()]
        width = min(max(max(lengths) + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(first_column + offset)].width = width
