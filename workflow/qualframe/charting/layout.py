"""The charting workbook's layout: one home for what the template writes and the import
reads back.

A theme sheet has two header rows: row 1 holds stable ids (`case_id`, the case
attributes' names, then code ids), row 2 the labels people read (code names may change
without breaking the link). From row 3, one case per row: its id in column A, its
attributes, then one summary cell per code.
"""

ID_ROW = 1
LABEL_ROW = 2
FIRST_CASE_ROW = 3
CASE_ID_HEADER = "case_id"
HOW_TO_SHEET = "How to fill in"
EXCERPTS_SHEET = "Excerpts"
TEMPLATE_SHEETS = (HOW_TO_SHEET, EXCERPTS_SHEET)
DEFAULT_MAX_SUMMARY_CHARS = 2000
# A cell note holds at most this much of a cell's excerpts; the Excerpts sheet holds all.
NOTE_CHARS = 1500


def fixed_headers(attributes: list[str]) -> list[str]:
    """The id row's first cells: `case_id`, then the case attributes, in order."""
    return [CASE_ID_HEADER, *attributes]


def cell_place(workbook: str, sheet: str, cell: str) -> str:
    """`FILE, sheet S, cell C7`: where an error is, in the words of the error line."""
    return f"{workbook}, sheet {sheet}, cell {cell}"


def source_label(workbook: str, sheet: str, cell: str) -> str:
    """`FILE 'Sheet name'!C7`: a summary's source as the matrix records it."""
    quoted = "'" + sheet.replace("'", "''") + "'"
    return f"{workbook} {quoted}!{cell}"
