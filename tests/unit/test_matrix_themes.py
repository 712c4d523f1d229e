import pandas as pd
import pytest

from qualframe.coding import ColumnMap, locate_segments
from qualframe.matrix import chart_matrix, select_segments, wide_matrix
from qualframe.matrix.chart import trim
from qualframe.schemas import ThemeSummary
from qualframe.themes import summarise_themes

COLUMNS = ColumnMap(transcript="doc", code="code", coder="coder", text="text")


@pytest.fixture
def segments(texts, codebook):
    rows = [
        ["A1", "leadership", "ES", "Our director backed us all the way."],
        ["A1", "workforce", "ES", "But we could not recruit nurses."],
        ["A1", "workforce", "JK", "we could not recruit nurses"],
        ["A2", "funding", "ES", "The money ran out in a year."],
        ["A2", "workforce", "ES", "Staff left"],
    ]
    frame = pd.DataFrame(rows, columns=["doc", "code", "coder", "text"])
    return locate_segments(frame, "coded.csv", COLUMNS, texts, codebook)


def test_select_segments_prefers_primary_coder(segments):
    assert "JK" not in set(select_segments(segments, "ES")["coder"])
    assert len(select_segments(segments, None)) == 5


def test_matrix_has_every_case_and_code(segments, codebook, cases):
    matrix = chart_matrix(segments, codebook, cases, ["service_type"], primary_coder="ES")
    assert len(matrix) == 3 * 3
    cell = matrix.set_index(["case_id", "code_id"])
    assert cell.loc[("A1", "workforce"), "n_segments"] == 1
    assert cell.loc[("A1", "workforce"), "n_coders"] == 2
    assert cell.loc[("A3", "funding"), "n_segments"] == 0
    assert cell.loc[("A3", "funding"), "charted_text"] == ""
    text = cell.loc[("A2", "funding"), "charted_text"]
    assert text.startswith("The money ran out in a year. [A2 ¶2 ")
    assert cell.loc[("A2", "funding"), "segment_ids"] == "A2-S001"
    assert matrix["service_type"].iloc[0] == "café"


def test_wide_matrix_trims_cells(segments, codebook, cases):
    matrix = chart_matrix(segments, codebook, cases, ["region"])
    wide = wide_matrix(matrix, ["region"], max_cell_chars=20)
    assert list(wide.columns) == ["case_id", "region", "leadership", "workforce", "funding"]
    assert wide["workforce"].str.len().max() <= 20
    assert wide.loc[0, "workforce"].endswith("…")


def test_trim_keeps_short_text():
    assert trim("short", 10) == "short"
    assert trim("one two three four", 10) == "one two…"


def test_theme_summary_counts(segments, codebook, cases):
    matrix = chart_matrix(segments, codebook, cases, ["service_type"], primary_coder="ES")
    summary = summarise_themes(matrix, ["service_type"])
    ThemeSummary.validate(summary)
    overall = summary[summary["group_attribute"] == "all"].set_index(
        ["level", "theme_id", "code_id"]
    )
    assert overall.loc[("code", "people", "workforce"), "cases_coded"] == 2
    assert overall.loc[("code", "people", "workforce"), "share_cases"] == pytest.approx(0.6667)
    assert overall.loc[("theme", "people", ""), "cases_coded"] == 2
    assert overall.loc[("theme", "people", ""), "segments"] == 3
    assert overall.loc[("theme", "people", ""), "valence"] == "mixed"
    assert overall.loc[("theme", "money", ""), "valence"] == "barrier"
    cafe = summary[(summary["group_value"] == "café") & (summary["code_id"] == "funding")]
    assert cafe[["cases_in_group", "cases_coded"]].values.tolist() == [[2, 0]]
    assert summary["level"].iloc[0] == "theme"
