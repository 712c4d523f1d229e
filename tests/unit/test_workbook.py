import io

import openpyxl
import pandas as pd
import pytest

from qualframe.coding import ColumnMap, locate_segments
from qualframe.matrix import chart_matrix
from qualframe.matrix.workbook import EXCEL_CELL_LIMIT, framework_workbook, sheet_names

COLUMNS = ColumnMap(transcript="doc", code="code", coder="coder", text="text")


@pytest.fixture
def matrix(texts, codebook, cases):
    rows = [
        ["A1", "leadership", "ES", "Our director backed us all the way."],
        ["A1", "workforce", "ES", "But we could not recruit nurses."],
        ["A2", "funding", "ES", "The money ran out in a year."],
        ["A2", "workforce", "ES", "Staff left"],
    ]
    frame = pd.DataFrame(rows, columns=["doc", "code", "coder", "text"])
    segments = locate_segments(frame, "coded.csv", COLUMNS, texts, codebook)
    segments["summary"] = ['=HYPERLINK("x")', "", "", "-2 staff"]
    segments["rating"] = [2, -1, None, None]
    lengths = {name: len(text) for name, text in texts.items()}
    return chart_matrix(segments, codebook, cases, ["service_type"], text_lengths=lengths)


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_one_sheet_per_theme_then_counts_and_codebook(matrix, codebook):
    book = load(framework_workbook(matrix, codebook, ["service_type"]))
    assert book.sheetnames == ["People", "Money", "Counts", "Codebook"]


def test_theme_sheet_layout(matrix, codebook):
    sheet = load(framework_workbook(matrix, codebook, ["service_type"]))["People"]
    assert [cell.value for cell in sheet[1]] == [
        "case_id",
        "service_type",
        "Leadership",
        "Workforce",
    ]
    assert [cell.value for cell in sheet["A"]] == ["case_id", "A1", "A2", "A3"]
    assert sheet.freeze_panes == "C2"
    assert sheet["D2"].value.startswith("But we could not recruit nurses. [A1 ¶2 ")
    assert sheet["D2"].alignment.wrap_text
    assert sheet["D4"].value is None
    assert sheet.column_dimensions["D"].width >= 40


def test_formula_looking_text_stays_text(matrix, codebook):
    sheet = load(framework_workbook(matrix, codebook, ["service_type"]))["People"]
    cell = sheet["C2"]
    assert cell.value.startswith('=HYPERLINK("x") [A1 ')
    assert cell.data_type == "s"
    assert cell.quotePrefix
    assert sheet["D3"].value.startswith("-2 staff")
    assert sheet["D3"].data_type == "s"


def test_counts_sheet_has_segments_coverage_and_ratings(matrix, codebook):
    sheet = load(framework_workbook(matrix, codebook, ["service_type"]))["Counts"]
    assert sheet["A1"].value == "Segments per case and code"
    assert [cell.value for cell in sheet[2]] == [
        "case_id",
        "service_type",
        "Leadership",
        "Workforce",
        "Funding",
    ]
    assert [cell.value for cell in sheet[3]] == ["A1", "café", 1, 1, 0]
    assert sheet["A7"].value.startswith("Coverage")
    assert sheet["C9"].value == pytest.approx(
        matrix.set_index(["case_id", "code_id"]).loc[("A1", "leadership"), "coverage"]
    )
    assert sheet["C9"].number_format == "0.0%"
    assert sheet["A13"].value.startswith("Rating")
    assert sheet["C15"].value == 2
    assert sheet["E15"].value is None
    assert sheet.freeze_panes == "C3"


def test_codebook_sheet(matrix, codebook):
    sheet = load(framework_workbook(matrix, codebook, ["service_type"]))["Codebook"]
    assert [cell.value for cell in sheet[1]] == [
        "Theme",
        "Code",
        "Definition",
        "Valence",
        "CFIR domain",
        "CFIR construct",
    ]
    assert [cell.value for cell in sheet[4]][:2] == ["Money", "Funding"]


def test_summary_counts_become_a_sheet(matrix, codebook):
    summary = pd.DataFrame({"theme": ["People"], "cases_coded": [2]})
    book = load(framework_workbook(matrix, codebook, [], summary_counts=summary))
    assert book.sheetnames[-1] == "Theme summary"
    assert [cell.value for cell in book["Theme summary"][2]] == ["People", 2]


def test_long_cells_are_trimmed_to_excel_limit(matrix, codebook):
    long = matrix.copy()
    long.loc[0, "charted_text"] = "word " * 10_000
    sheet = load(framework_workbook(long, codebook, []))["People"]
    assert len(sheet["B2"].value) <= EXCEL_CELL_LIMIT
    assert sheet["B2"].value.endswith("…")


def test_workbook_bytes_are_deterministic(matrix, codebook):
    first = framework_workbook(matrix, codebook, ["service_type"])
    assert framework_workbook(matrix, codebook, ["service_type"]) == first
    assert load(first).properties.created.year == 2000


def test_sheet_names_are_safe_and_unique():
    names = sheet_names(
        ["Costs: [a/b]?", "Costs: a/b", "x" * 40, "x" * 40, "counts", "''"], ["Counts"]
    )
    assert names == ["Costs ab", "Costs ab (2)", "x" * 31, "x" * 27 + " (2)", "counts (2)", "Theme"]
    assert all(len(name) <= 31 for name in names)
