"""Large workbooks written column by column: the cells of a sheet become XML through Arrow
string kernels, not one Python object per cell.

openpyxl lays the workbook out (sheets, column widths, frozen panes, row heights, notes,
protection) and saves it with its cells left out; the cells are then written here as
openpyxl's own writer writes them (inline strings, its escapes, numbers as "%.16g",
styles numbered in the order the writer first meets them), so the bytes equal those of
the same workbook filled cell by cell in openpyxl's normal mode, at a fraction of the
time and memory. Text is made safe as `qualframe.matrix.workbook` always did: characters
XML cannot hold removed, cut to Excel's cell limit, and kept as text (with Excel's quote
prefix) when it could be read as a formula. Every zip member has a fixed date and mode
(`qualframe.zipbytes`) and the document properties a fixed time."""

import dataclasses
import datetime
import io as stdio
import zipfile
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from qualframe.csvtext import data_of
from qualframe.xlsxcells import (
    BOOL,
    EMPTY_TEXT,
    ERROR,
    EXCEL_CELL_LIMIT,  # noqa: F401 (read from here by the workbook and its tests)
    NONE,
    NUMBER,
    Prepared,
    escaped,
    large,
    padded,
    prepare,
    strings,
    trim,  # noqa: F401 (read from here by the matrix and the charting template)
)
from qualframe.zipbytes import write_deterministic_zip

WORKBOOK_FILE_MODE = 0o600  # members of the .xlsx
FIXED_TIME = datetime.datetime(2000, 1, 1)
TEXT_OPEN = ' t="inlineStr"><is><t>'
TEXT_OPEN_PADDED = ' t="inlineStr"><is><t xml:space="preserve">'
BODY_OPEN = {
    NONE: ' t="n">',
    EMPTY_TEXT: ' t="inlineStr">',
    NUMBER: ' t="n"><v>',
    BOOL: ' t="b"><v>',
    ERROR: ' t="e"><v>',
}


@dataclasses.dataclass(frozen=True)
class Style:
    """A cell's formatting, as openpyxl objects (None: the default)."""

    font: Font | None = None
    fill: PatternFill | None = None
    alignment: Alignment | None = None
    protection: Protection | None = None
    number_format: str | None = None
    quote: bool = False

    def quoted(self) -> "Style":
        return dataclasses.replace(self, quote=True)


PLAIN = Style()


@dataclasses.dataclass
class Column:
    """One column of a block: its values, their style and, optionally, another style for
    the cells where `marked` is true (e.g. a tint).

    A column made by `lazy` has no values until its sheet is written: `load` makes them
    (twice: to number the styles, then to write the sheet), so that a workbook of many
    large sheets holds one sheet's cells at a time."""

    values: pd.Series | None
    style: Style = PLAIN
    marked: np.ndarray | None = None
    marked_style: Style | None = None
    load: Callable[[], pd.Series] | None = None
    rows: int = 0

    @property
    def n_rows(self) -> int:
        return self.rows if self.values is None else len(self.values)


def lazy(load: Callable[[], pd.Series], rows: int, style: Style = PLAIN) -> Column:
    """A column of `rows` cells whose values `load` makes when they are written."""
    return Column(None, style, load=load, rows=rows)


@dataclasses.dataclass
class Block:
    """A rectangle of cells: `columns` side by side from (`first_row`, `first_column`).
    The blocks of a sheet never share a row."""

    first_row: int
    first_column: int
    columns: list[Column]

    @property
    def n_rows(self) -> int:
        return self.columns[0].n_rows if self.columns else 0


def table_blocks(
    table: pd.DataFrame, first_row: int, header: Style, body: Style, first_column: int = 1
) -> list[Block]:
    """`table` as a header row of its column names (styled `header`) at `first_row` and
    its rows below it (styled `body`)."""
    names = [Column(pd.Series([str(name)], dtype=object), header) for name in table.columns]
    # by position: a wide table may hold two columns of one name (one label, two codes)
    rows = [Column(table.iloc[:, i].reset_index(drop=True), body) for i in range(table.shape[1])]
    return [Block(first_row, first_column, names), Block(first_row + 1, first_column, rows)]


class StreamedWorkbook:
    """A workbook laid out in openpyxl whose cells are given as blocks of columns."""

    def __init__(self) -> None:
        self.book = Workbook()
        self.book.remove(self.book.active)
        self.blocks: dict[str, list[Block]] = {}

    def create_sheet(self, title: str) -> Worksheet:
        self.blocks[title] = []
        return self.book.create_sheet(title)

    def add(self, sheet: Worksheet, *blocks: Block) -> None:
        """Put `blocks` of cells on `sheet` (its cell range grows to hold them)."""
        for block in blocks:
            if not block.columns or not block.n_rows:
                continue
            self.blocks[sheet.title].append(block)
            sheet.cell(row=block.first_row, column=block.first_column)
            sheet.cell(
                row=block.first_row + block.n_rows - 1,
                column=block.first_column + len(block.columns) - 1,
            )

    def save(self, target) -> None:
        """Write the workbook to `target` (a path or a binary file object)."""
        cells = CellCache()
        ids = self.register_styles(cells)
        properties = self.book.properties
        properties.creator = "qualframe"
        properties.lastModifiedBy = None
        properties.created = FIXED_TIME
        properties.modified = FIXED_TIME
        skeleton = stdio.BytesIO()
        self.book.save(skeleton)  # stamps the save time: fixed again below
        properties.modified = FIXED_TIME
        sheet_of = {
            f"xl/worksheets/sheet{number}.xml": sheet
            for number, sheet in enumerate(self.book.worksheets, start=1)
        }

        def members():
            with zipfile.ZipFile(skeleton) as source:
                for name in source.namelist():
                    data = source.read(name)
                    if name == "docProps/core.xml":
                        data = tostring(properties.to_tree())
                    elif name in sheet_of:
                        data = self.sheet_xml(sheet_of[name], data, cells, ids)
                    yield name, data

        write_deterministic_zip(target, members(), WORKBOOK_FILE_MODE)

    def to_bytes(self) -> bytes:
        buffer = stdio.BytesIO()
        self.save(buffer)
        return buffer.getvalue()

    def ordered_blocks(self, sheet: Worksheet) -> list[Block]:
        return sorted(self.blocks[sheet.title], key=lambda block: block.first_row)

    def register_styles(self, cells: "CellCache") -> dict[Style, int]:
        """Number the styles written cells carry in the order openpyxl's writer meets
        them (sheet by sheet, row by row, left to right), and add them to the workbook."""
        order: list[Style] = []
        number: dict[Style, int] = {PLAIN: -1}
        for sheet in self.book.worksheets:
            for block in self.ordered_blocks(sheet):
                grid = np.empty((block.n_rows, len(block.columns)), dtype=np.int64)
                for index, column in enumerate(block.columns):
                    options = cell_styles(column)
                    codes = np.array([number.setdefault(style, len(number)) for style in options])
                    grid[:, index] = codes[style_choices(column, cells.of(column))]
                flat = grid.reshape(-1)
                codes, first = np.unique(flat, return_index=True)
                by_number = {code: style for style, code in number.items()}
                for code in codes[np.argsort(first, kind="stable")].tolist():
                    style = by_number[code]
                    if style != PLAIN and style not in order:
                        order.append(style)
        scratch = self.book.create_sheet("qualframe-styles")
        ids = {PLAIN: 0}
        for row, style in enumerate(order, start=1):
            cell = scratch.cell(row=row, column=1)
            apply_style(cell, style)
            ids[style] = self.book._cell_styles.add(cell._style)
        self.book.remove(scratch)
        return ids

    def sheet_xml(self, sheet: Worksheet, skeleton: bytes, cells: "CellCache", ids: dict) -> bytes:
        """The sheet's XML: the skeleton openpyxl wrote (ASCII), its sheetData filled."""
        start = skeleton.index(b"<sheetData")
        closing = skeleton.find(b"</sheetData>", start)
        end = closing + len(b"</sheetData>") if closing >= 0 else skeleton.index(b"/>", start) + 2
        covered: set[int] = set()
        pieces: list[tuple[int, bytes]] = []
        for block in self.ordered_blocks(sheet):
            covered.update(range(block.first_row, block.first_row + block.n_rows))
            prepared = [cells.of(column) for column in block.columns]
            pieces.append((block.first_row, block_xml(sheet, block, prepared, ids)))
            del prepared
        existing = {row for row, _ in sheet._cells} | set(sheet.row_dimensions.keys())
        for row in sorted(existing - covered):
            pieces.append((row, f"<row{row_attributes(sheet, row)}></row>".encode("ascii")))
        pieces.sort(key=lambda piece: piece[0])
        return b"".join(
            [
                skeleton[:start],
                b"<sheetData>",
                *(piece for _, piece in pieces),
                b"</sheetData>",
                skeleton[end:],
            ]
        )


class CellCache:
    """Each column's cells made safe (`prepare`), kept for columns given with their
    values and made again each time for lazy ones."""

    def __init__(self) -> None:
        self.kept: dict[int, Prepared] = {}

    def of(self, column: Column) -> Prepared:
        if column.load is not None:
            return prepare(column.load())
        if id(column) not in self.kept:
            self.kept[id(column)] = prepare(column.values)
        return self.kept[id(column)]


def cell_styles(column: Column) -> tuple[Style, Style, Style, Style]:
    """A column's styles: plain, quoted, marked, marked and quoted."""
    marked = column.marked_style or column.style
    return (column.style, column.style.quoted(), marked, marked.quoted())


def style_choices(column: Column, cells: Prepared) -> np.ndarray:
    """Per cell, its index into `cell_styles` (quoted + 2 × marked)."""
    choice = cells.quote.astype(np.int64)
    if column.marked is not None:
        choice = choice + 2 * np.asarray(column.marked, dtype=np.int64)
    return choice


KIND_OPEN = np.array([BODY_OPEN.get(kind, "") for kind in range(6)], dtype=object)
# Which form each kind takes: 0 the bare opening, 1 inline text, 2 a value.
KIND_FORM = np.array([0, 0, 1, 2, 2, 2], dtype=np.int8)
OPENINGS = pa.array(KIND_OPEN.tolist(), type=pa.large_string())


def block_xml(sheet: Worksheet, block: Block, cells: list[Prepared], ids: dict) -> bytes:
    """The rows of one block, as XML."""
    rows = np.arange(block.first_row, block.first_row + block.n_rows)
    row_text = strings(rows.astype(str))
    columns = []
    for index, (column, prepared) in enumerate(zip(block.columns, cells, strict=True)):
        options = cell_styles(column)
        choice = style_choices(column, prepared)
        attribute = np.array(
            ["" if style == PLAIN else f' s="{ids.get(style)}"' for style in options], dtype=object
        )
        plain = np.array([style == PLAIN for style in options])[choice]
        form = KIND_FORM[prepared.kind]
        opening = OPENINGS.take(pa.array(prepared.kind))
        body = as_text = None
        if (form == 1).any():
            marks = pc.if_else(padded(prepared.text), large(TEXT_OPEN_PADDED), large(TEXT_OPEN))
            texts = escaped(prepared.text)
            body = as_text = pc.binary_join_element_wise(
                marks, texts, large("</t></is>"), large("")
            )
        if (form != 1).any():  # bare openings and values: made and chosen only when found
            as_value = pc.binary_join_element_wise(opening, prepared.text, large("</v>"), large(""))
            as_text = as_value if as_text is None else as_text
            body = pc.choose(pa.array(form), opening, as_text, as_value)
        letter = get_column_letter(block.first_column + index)
        cell = pc.binary_join_element_wise(
            large(f'<c r="{letter}'),
            row_text,
            large('"'),
            strings(attribute).take(pa.array(choice)),
            body,
            large("</c>"),
            large(""),
        )
        skipped = (prepared.kind == NONE) & plain
        if skipped.any():
            cell = pc.if_else(pa.array(skipped), large(""), cell)
        columns.append(cell)
    if sheet.row_dimensions:
        opening = strings([f"<row{row_attributes(sheet, row)}>" for row in rows.tolist()])
    else:
        opening = pc.binary_join_element_wise(large('<row r="'), row_text, large('">'), large(""))
    xml = pc.binary_join_element_wise(opening, *columns, large("</row>"), large(""))
    # as lxml writes the sheet: characters outside ASCII as character references
    return str(data_of(xml), "utf-8").encode("ascii", "xmlcharrefreplace")


def row_attributes(sheet: Worksheet, row: int) -> str:
    """` r="…"` and the row's dimensions (height …), as openpyxl writes a row element."""
    attributes = {"r": f"{row}"}
    attributes.update(sheet.row_dimensions.get(row, {}))
    return "".join(f' {key}="{value}"' for key, value in attributes.items())


def apply_style(cell, style: Style) -> None:
    """Give `cell` the formatting of `style`."""
    if style.font is not None:
        cell.font = style.font
    if style.fill is not None:
        cell.fill = style.fill
    if style.alignment is not None:
        cell.alignment = style.alignment
    if style.protection is not None:
        cell.protection = style.protection
    if style.number_format is not None:
        cell.number_format = style.number_format
    if style.quote:
        cell.quotePrefix = True
