"""The framework workbook written column by column has the bytes of the workbook written
cell by cell in openpyxl's normal mode (tests/reference/matrix_workbook.py), on the
8,000-segment benchmark study and on awkward cells; the text helpers it relies on agree
with Python's."""

import io
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.matrix import chart_matrix
from qualframe.matrix.workbook import framework_workbook, write_framework_workbook
from qualframe.text.spaces import WHITESPACE, collapse_spaces
from tests.reference import matrix_workbook as old
from tests.unit.matrix_study import ATTRIBUTES, charted, study


def benchmark_study(cases: int, codes: int, per_case: int):
    cases, codebook, texts, segments = study(cases, codes, per_case)
    return charted(segments, codebook, cases, texts), codebook


def first_difference(new: bytes, reference: bytes) -> str:
    """Which member differs, and where, for the assertion message."""
    ours, theirs = zipfile.ZipFile(io.BytesIO(new)), zipfile.ZipFile(io.BytesIO(reference))
    if ours.namelist() != theirs.namelist():
        return f"members {ours.namelist()} != {theirs.namelist()}"
    for name in theirs.namelist():
        a, b = ours.read(name), theirs.read(name)
        if a != b:
            at = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            return f"{name} at byte {at}: {a[at - 80 : at + 80]!r} != {b[at - 80 : at + 80]!r}"
    return "same members, different archive bytes"


def test_the_benchmark_study_workbook_is_byte_identical(tmp_path):
    matrix, codebook = benchmark_study(200, 100, 40)
    new = framework_workbook(matrix, codebook, ATTRIBUTES)
    reference = old.framework_workbook(matrix, codebook, ATTRIBUTES)
    assert new == reference, first_difference(new, reference)
    write_framework_workbook(tmp_path / "matrix.xlsx", matrix, codebook, ATTRIBUTES)
    assert (tmp_path / "matrix.xlsx").read_bytes() == reference


AWKWARD_TEXT = [
    '=HYPERLINK("x") said',
    "+44 7700 900123",
    "-2 staff",
    "@mention",
    "\tindented",
    "\rreturn first",
    " leading space",
    "trailing space ",
    "\u00a0no-break space first",
    "a & b < c > d \r e",
    "control \x01\x02\x1f characters",
    "\x01=formula after a control character",
    "#N/A",
    "#DIV/0!",
    "café, naïve, 東京, 𝄞, \u2028 line separator",
    "word " * 7000,  # over Excel's 32,767-character cell limit
    "",
    "=",
]


def awkward_matrix():
    matrix, codebook = benchmark_study(12, 20, 6)
    rng = np.random.default_rng(7)
    picks = rng.choice(len(matrix), size=60, replace=False)
    text = matrix["charted_text"].to_numpy(dtype=object).copy()
    for number, row in enumerate(picks[:40]):
        text[row] = AWKWARD_TEXT[number % len(AWKWARD_TEXT)]
    summary = np.full(len(matrix), "", dtype=object)
    source = np.full(len(matrix), "", dtype=object)
    summary[picks[40:]] = "An analyst's summary"
    source[picks[40:]] = "charting.xlsx, Theme 1!C3"
    rating = pd.array([pd.NA] * len(matrix), dtype="Int64")
    rating[picks[:20]] = [(-2, -1, 0, 1, 2)[i % 5] for i in range(20)]
    matrix = matrix.assign(charted_text=text, summary=summary, summary_source=source, rating=rating)
    matrix["charted_text"] = matrix["charted_text"].astype("str")
    matrix["region"] = matrix["region"].astype(object)
    matrix.loc[matrix["case_id"] == matrix["case_id"].iloc[0], "region"] = None
    matrix["service_type"] = matrix["service_type"].where(
        matrix["case_id"] != matrix["case_id"].iloc[-1], "=type"
    )
    codebook = codebook.assign(
        definition=["<defined> & " + "x" * i for i in range(len(codebook))],
        cfir_construct=[None if i % 3 == 0 else "c" for i in range(len(codebook))],
    )
    return matrix, codebook


def test_awkward_cells_summaries_and_ratings_are_byte_identical():
    matrix, codebook = awkward_matrix()
    table = pd.DataFrame(
        {
            "theme": ["=t", "b", None],
            "cases": [1, 2, 3],
            "share": [0.5, np.nan, 1 / 3],
            "flag": [True, False, True],
            "mixed": [1, "two", None],
        }
    )
    new = framework_workbook(matrix, codebook, ATTRIBUTES, summary_counts=table)
    reference = old.framework_workbook(matrix, codebook, ATTRIBUTES, summary_counts=table)
    assert new == reference, first_difference(new, reference)


def test_every_character_python_calls_whitespace_is_listed():
    listed = {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    assert listed == set(WHITESPACE)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000ab\u200bé"), max_size=6))
def test_spaces_collapse_as_python_splits_and_joins(texts):
    collapsed = collapse_spaces(pd.Series(texts, dtype="str"))
    assert collapsed.tolist() == [" ".join(text.split()) for text in texts]


def test_large_members_are_deflated_fast_and_stay_deterministic(monkeypatch):
    from qualframe import zipbytes

    monkeypatch.setattr(zipbytes, "FAST_ABOVE", 1000)
    data = bytes(range(256)) * 40
    first = zipbytes.deterministic_zip([("big.xml", data), ("small.xml", b"<a/>")], 0o600)
    assert first == zipbytes.deterministic_zip([("big.xml", data), ("small.xml", b"<a/>")], 0o600)
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert archive.read("big.xml") == data
    assert [(i.date_time, i.external_attr >> 16) for i in archive.infolist()] == [
        ((1980, 1, 1, 0, 0, 0), 0o600)
    ] * 2


@pytest.mark.parametrize("size", [0, 1, 5])
def test_tables_of_any_length_match(size):
    matrix, codebook = benchmark_study(12, 20, 6)
    table = pd.DataFrame({"a": range(size), "b": ["x"] * size})
    new = framework_workbook(matrix, codebook, ATTRIBUTES, summary_counts=table)
    reference = old.framework_workbook(matrix, codebook, ATTRIBUTES, summary_counts=table)
    assert new == reference, first_difference(new, reference)


def test_the_benchmark_study_matrix_tables_are_byte_identical(tmp_path):
    from qualframe import io as qio
    from qualframe.matrix import wide_matrix
    from tests.reference import matrix_chart as old_chart

    cases, codebook, texts, segments = study(200, 100, 40)
    segments.loc[segments.index[:50], "text"] = "  spaced\u3000out \n\n text\u2028 "
    written = {}
    for name, chart, wide in (
        ("new", chart_matrix, wide_matrix),
        ("old", old_chart.chart_matrix, old_chart.wide_matrix),
    ):
        matrix = charted(segments, codebook, cases, texts, chart=chart, sort_by=["region"])
        folder = tmp_path / name
        qio.write_table(matrix, folder / "long.parquet", folder / "long.csv")
        qio.write_table(wide(matrix, ATTRIBUTES, 300), folder / "wide.parquet", folder / "wide.csv")
        written[name] = {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
    assert written["new"] == written["old"]


def test_the_benchmark_study_charting_template_is_byte_identical():
    from qualframe.charting.template import charting_template
    from tests.reference import charting_template as old_template

    matrix, codebook = benchmark_study(200, 100, 40)
    new = charting_template(matrix, codebook, ATTRIBUTES, 2000)
    reference = old_template.charting_template(matrix, codebook, ATTRIBUTES, 2000)
    assert new == reference, first_difference(new, reference)


def test_a_template_with_more_coded_cells_than_the_limit_has_no_notes(monkeypatch):
    import openpyxl

    from qualframe.charting import template

    matrix, codebook = benchmark_study(12, 20, 6)
    coded = int((matrix["excerpts"] != "").sum())
    monkeypatch.setattr(template, "NOTES_LIMIT", coded - 1)
    book = openpyxl.load_workbook(
        io.BytesIO(template.charting_template(matrix, codebook, ATTRIBUTES, 2000))
    )
    assert not any(cell.comment for sheet in book for row in sheet.iter_rows() for cell in row)
    assert book["Excerpts"].max_row == coded + 1


def test_a_table_with_two_columns_of_one_name_is_written_column_by_column():
    """Two codes may share a label (one name under two parents): each column keeps its
    own cells."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from qualframe.xlsx import StreamedWorkbook, Style, table_blocks

    table = pd.DataFrame([["a", "b"], ["c", "d"]], columns=["Other", "Other"])
    book = StreamedWorkbook()
    sheet = book.create_sheet("Matrix")
    book.add(sheet, *table_blocks(table, 1, Style(font=Font(bold=True)), Style()))
    read = load_workbook(io.BytesIO(book.to_bytes()))["Matrix"]
    assert [[cell.value for cell in row] for row in read.iter_rows()] == [
        ["Other", "Other"],
        ["a", "b"],
        ["c", "d"],
    ]


def test_negative_zero_is_written_as_openpyxl_writes_it():
    matrix, codebook = benchmark_study(12, 20, 6)
    table = pd.DataFrame({"a": [0.0, -0.0, 0.0, 1.5], "b": ["x"] * 4})
    new = framework_workbook(matrix, codebook, ATTRIBUTES, summary_counts=table)
    reference = old.framework_workbook(matrix, codebook, ATTRIBUTES, summary_counts=table)
    assert new == reference, first_difference(new, reference)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=" \t\r\n\x85\xa0\u2028\u3000&<>ab\u200bé"), max_size=8))
def test_padding_and_escapes_are_found_as_python_finds_them(texts):
    import pyarrow as pa

    from qualframe import xlsx

    array = pa.array(texts, type=pa.large_string())
    assert xlsx.padded(array).to_pylist() == [
        text[:1].isspace() or text[-1:].isspace() for text in texts
    ]
    entities = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
    expected = []
    for text in texts:
        for character, entity in entities:
            text = text.replace(character, entity)
        expected.append(text)
    assert xlsx.escaped(array).to_pylist() == expected
