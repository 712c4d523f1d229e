"""The charting template: the workbook analysts write their cell summaries in.

One sheet per theme, cases as rows (ordered as in the matrix), codes as columns; the
summary cells are the only unlocked cells. Each summary cell carries a note with the
cell's coded excerpts and their references, and the Excerpts sheet lists every cell's
excerpts in full (notes are shown on hover by Excel and LibreOffice alike). A first sheet
says how to fill it in. The cells are written column by column (`qualframe.xlsx`); a
template with more than NOTES_LIMIT coded cells carries no notes (the Excerpts sheet,
whose row each cell's excerpts are on, still holds them all): a workbook with hundreds of
thousands of notes opens slowly, if at all. The bytes are deterministic, like the matrix
workbook's.
"""

import pandas as pd
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from qualframe.charting.layout import (
    CASE_ID_HEADER,
    EXCERPTS_SHEET,
    FIRST_CASE_ROW,
    HOW_TO_SHEET,
    ID_ROW,
    LABEL_ROW,
    NOTE_CHARS,
    TEMPLATE_SHEETS,
    fixed_headers,
)
from qualframe.matrix.chart import EXCERPTS
from qualframe.matrix.workbook import fit_widths, sheet_names
from qualframe.schemas import Codebook, MatrixCell
from qualframe.xlsx import Block, Column, StreamedWorkbook, Style, table_blocks, trim

SUMMARY_WIDTH = 45
SUMMARY_HEIGHT = 90  # points: room for a few lines of summary
NOTE_WIDTH, NOTE_HEIGHT = 420, 300  # pixels
ID_FONT = Font(color="808080", size=8)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TO_FILL = PatternFill("solid", start_color="FFF8DC", end_color="FFF8DC")
UNLOCKED = Protection(locked=False)
NOTE_AUTHOR = "qualframe"
# Above this many coded cells the summary cells carry no notes (see the module's doc).
NOTES_LIMIT = 20_000
TITLE = Style(font=Font(bold=True, size=14), alignment=WRAP)
TEXT = Style(alignment=WRAP)
ID = Style(font=ID_FONT)
LABEL = Style(font=BOLD, alignment=WRAP)
SUMMARY = Style(protection=UNLOCKED, fill=TO_FILL, alignment=WRAP)
EXCERPTS_HEADER = Style(font=BOLD)

HOW_TO = [
    ("How to fill in this charting template", True),
    ("", False),
    (
        "Each theme has a sheet: one row per case, one column per code. Write your summary "
        "of what the participant said about the code in the pale yellow cell where the "
        "case's row meets the code's column: a few sentences in your words, with the "
        "transcript references you rely on, as in the Framework Method's charting stage.",
        False,
    ),
    (
        "A cell's coded excerpts, with their references [case ¶paragraph start-end], are in "
        "its note (hover over the cell, or its red corner) and, in full, on the Excerpts "
        "sheet.",
        False,
    ),
    (
        "Only the summary cells can be edited. Leave rows 1 and 2, the case columns and "
        "the sheet names as they are: row 1 holds the ids that link each cell to its case "
        "and code.",
        False,
    ),
    (
        "Type text only: a formula (a cell starting with =) stops the run, as does a "
        "summary longer than {limit} characters. Leave a cell empty when there is nothing "
        "to chart.",
        False,
    ),
    (
        "Summaries are de-identified like the transcripts: a name you type is replaced by "
        "the study's placeholder for that person, and listed on the de-identification "
        "review page. Still, write about participants by their case id.",
        False,
    ),
    (
        "Save the filled workbook in the study folder (not under results/), name it in the "
        "config under charting.workbook and run the workflow again: the summaries appear in "
        "the framework matrix, its workbook and the report.",
        False,
    ),
]


def charting_template(
    matrix: pd.DataFrame,
    codebook: pd.DataFrame,
    attributes: list[str],
    max_summary_chars: int,
) -> bytes:
    """The .xlsx bytes of the charting template.

    `matrix` is the long matrix from chart_matrix (its case order is kept; its `excerpts`
    and `references` fill the notes and the Excerpts sheet), `codebook` validates as
    schemas.Codebook, `attributes` are the case columns shown before the codes, and
    `max_summary_chars` the longest summary the import accepts (checked by Excel and
    LibreOffice as the analyst types).
    """
    book = StreamedWorkbook()
    how_to_sheet(book, book.create_sheet(HOW_TO_SHEET), max_summary_chars)
    cases = matrix.drop_duplicates(MatrixCell.case_id)[[MatrixCell.case_id, *attributes]]
    ordered = codebook.sort_values(Codebook.code_order, kind="stable")
    themes = ordered.drop_duplicates(Codebook.theme_id)
    names = sheet_names(list(themes[Codebook.theme]), list(TEMPLATE_SHEETS))
    excerpt_rows = excerpt_table(matrix, ordered)
    notes = len(excerpt_rows) <= NOTES_LIMIT
    for theme_id, name in zip(themes[Codebook.theme_id], names, strict=True):
        codes = ordered[ordered[Codebook.theme_id] == theme_id]
        sheet = book.create_sheet(name)
        theme_sheet(book, sheet, cases, codes, attributes)
        if notes:
            add_notes(sheet, cases, codes, attributes, excerpt_rows)
        protect(sheet, len(cases), 1 + len(attributes), len(codes), max_summary_chars)
    excerpts_sheet(book, book.create_sheet(EXCERPTS_SHEET), excerpt_rows)
    return book.to_bytes()


def how_to_sheet(book: StreamedWorkbook, sheet: Worksheet, max_summary_chars: int) -> None:
    for row, (text, bold) in enumerate(HOW_TO, start=1):
        value = text.format(limit=max_summary_chars) or None
        book.add(
            sheet,
            Block(row, 1, [Column(pd.Series([value], dtype=object), TITLE if bold else TEXT)]),
        )
    sheet.column_dimensions["A"].width = 100
    sheet.protection.sheet = True


def theme_sheet(
    book: StreamedWorkbook,
    sheet: Worksheet,
    cases: pd.DataFrame,
    codes: pd.DataFrame,
    attributes: list[str],
) -> None:
    """Id row, label row, one row per case; summary cells unlocked and tinted."""
    fixed = fixed_headers(attributes)
    labels = ["Case", *(a.replace("_", " ").capitalize() for a in attributes)]
    ids = [*fixed, *codes[Codebook.code_id]]
    book.add(
        sheet,
        Block(ID_ROW, 1, [Column(pd.Series([code_id], dtype=object), ID) for code_id in ids]),
        Block(
            LABEL_ROW,
            1,
            [
                Column(pd.Series([label], dtype=object), LABEL)
                for label in [*labels, *code_labels(codes)]
            ],
        ),
    )
    rows = cases.reset_index(drop=True)
    empty = pd.Series([None] * len(rows), dtype=object)
    book.add(
        sheet,
        Block(
            FIRST_CASE_ROW,
            1,
            [Column(rows.iloc[:, i], TEXT) for i in range(rows.shape[1])]
            + [Column(empty, SUMMARY) for _ in range(len(ids) - len(fixed))],
        ),
    )
    for row in range(FIRST_CASE_ROW, FIRST_CASE_ROW + len(rows)):
        sheet.row_dimensions[row].height = SUMMARY_HEIGHT
    fit_widths(sheet, cases.rename(columns={CASE_ID_HEADER: "Case"}), first_column=1)
    for column in range(len(fixed) + 1, len(ids) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = SUMMARY_WIDTH
    sheet.freeze_panes = sheet.cell(row=FIRST_CASE_ROW, column=len(fixed) + 1)


def code_labels(codes: pd.DataFrame) -> list[str]:
    """Each code's label: its path below the theme ("Parent › Child" for a nested code),
    or its name where the codebook gives no path."""
    if Codebook.path not in codes.columns:
        return list(codes[Codebook.code])
    labels = []
    for theme, code, path in zip(
        codes[Codebook.theme], codes[Codebook.code], codes[Codebook.path], strict=True
    ):
        below = path.removeprefix(theme + "\\") if path != theme else code
        labels.append(below.replace("\\", " › ") or code)
    return labels


def add_notes(
    sheet: Worksheet,
    cases: pd.DataFrame,
    codes: pd.DataFrame,
    attributes: list[str],
    excerpt_rows: pd.DataFrame,
) -> None:
    """A note on every summary cell of `codes` whose case and code have coded excerpts
    (`excerpt_rows`, the Excerpts sheet's table: its row is named when the note is cut)."""
    row_of_case = {case: FIRST_CASE_ROW + i for i, case in enumerate(cases[MatrixCell.case_id])}
    column_of_code = {
        code: 2 + len(attributes) + i for i, code in enumerate(codes[Codebook.code_id])
    }
    mine = excerpt_rows[excerpt_rows[MatrixCell.code_id].isin(column_of_code)]
    for number, case_id, code_id, excerpts in zip(
        mine.index + 2,
        mine[MatrixCell.case_id],
        mine[MatrixCell.code_id],
        mine[EXCERPTS],
        strict=True,
    ):
        text = trim(excerpts, NOTE_CHARS)
        if text != excerpts:
            text += f"\n\n(in full: {EXCERPTS_SHEET} sheet, row {number})"
        note = Comment(text, NOTE_AUTHOR, width=NOTE_WIDTH, height=NOTE_HEIGHT)
        sheet.cell(row=row_of_case[case_id], column=column_of_code[code_id]).comment = note


def protect(
    sheet: Worksheet, n_cases: int, n_fixed: int, n_codes: int, max_summary_chars: int
) -> None:
    """Lock everything but the summary cells (no password: it guards against slips, not
    people), let columns and rows be resized, and check summary lengths as typed."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    if not (n_cases and n_codes):
        return
    first = f"{get_column_letter(n_fixed + 1)}{FIRST_CASE_ROW}"
    last = f"{get_column_letter(n_fixed + n_codes)}{FIRST_CASE_ROW + n_cases - 1}"
    check = DataValidation(
        type="textLength",
        operator="lessThanOrEqual",
        formula1=str(max_summary_chars),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Summary too long",
        error=f"A summary holds at most {max_summary_chars} characters.",
    )
    check.add(f"{first}:{last}")
    sheet.add_data_validation(check)


def excerpt_table(matrix: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """Every cell with coded excerpts: case, code id, code, references, excerpts; cases in
    the matrix's order, codes in codebook order."""
    coded = matrix[matrix[EXCERPTS] != ""]
    case_rank = {case: i for i, case in enumerate(dict.fromkeys(matrix[MatrixCell.case_id]))}
    code_rank = dict(zip(codebook[Codebook.code_id], range(len(codebook)), strict=True))
    ordered = coded.assign(
        _case=coded[MatrixCell.case_id].map(case_rank),
        _code=coded[MatrixCell.code_id].map(code_rank),
    ).sort_values(["_case", "_code"], kind="stable")
    columns = [
        MatrixCell.case_id,
        MatrixCell.code_id,
        MatrixCell.code,
        MatrixCell.references,
        EXCERPTS,
    ]
    return ordered[columns].reset_index(drop=True)


def excerpts_sheet(book: StreamedWorkbook, sheet: Worksheet, table: pd.DataFrame) -> None:
    headers = ["Case", "Code id", "Code", "References", "Excerpts"]
    header, body = table_blocks(table.set_axis(headers, axis=1), 1, EXCERPTS_HEADER, TEXT)
    book.add(sheet, header, body)
    for letter, width in zip("ABCDE", (10, 14, 30, 30, 100), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
