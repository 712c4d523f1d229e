import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.coding import ColumnMap, locate_segments
from qualframe.matrix import chart_matrix, select_segments, wide_matrix
from qualframe.matrix.chart import covered_characters, trim
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


# --- coverage, summaries, ratings, sorting (issue 5) ------------------------------------


def lengths(texts):
    return {name: len(text) for name, text in texts.items()}


def test_matrix_columns_in_order(segments, codebook, cases, texts):
    matrix = chart_matrix(segments, codebook, cases, ["region"], text_lengths=lengths(texts))
    assert list(matrix.columns) == [
        "case_id",
        "region",
        "theme_id",
        "theme",
        "code_id",
        "code",
        "valence",
        "n_segments",
        "n_coders",
        "coverage",
        "rating",
        "charted_text",
        "excerpts",
        "segment_ids",
        "references",
        "summary",
        "summary_source",
    ]
    assert str(matrix["rating"].dtype) == "Int64"
    assert matrix["rating"].isna().all()


def test_coverage_counts_overlaps_once(segments, codebook, cases, texts):
    matrix = chart_matrix(segments, codebook, cases, [], text_lengths=lengths(texts))
    cell = matrix.set_index(["case_id", "code_id"])
    # ES's and JK's workforce segments overlap; the union is ES's longer span.
    covered = len("But we could not recruit nurses.")
    assert cell.loc[("A1", "workforce"), "n_segments"] == 2
    assert cell.loc[("A1", "workforce"), "coverage"] == pytest.approx(
        covered / len(texts["A1"]), abs=1e-6
    )
    assert cell.loc[("A3", "funding"), "coverage"] == 0.0


def test_coverage_is_missing_without_text_lengths(segments, codebook, cases):
    matrix = chart_matrix(segments, codebook, cases, [])
    assert matrix["coverage"].isna().all()


def test_coverage_needs_every_coded_transcript(segments, codebook, cases, texts):
    with pytest.raises(ValueError, match="no text length for 1 coded transcript"):
        chart_matrix(segments, codebook, cases, [], text_lengths={"A1": len(texts["A1"])})


@settings(deadline=None)  # a shared machine can pause any example past 200 ms
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20)), max_size=12))
def test_covered_characters_is_the_union(pairs):
    spans = pd.DataFrame(
        [("T", start, start + width) for start, width in pairs],
        columns=["transcript_id", "start", "end"],
    )
    union = {
        offset for _, start, end in spans.itertuples(index=False) for offset in range(start, end)
    }
    assert covered_characters(spans) == len(union)


def test_summary_replaces_excerpts_in_charted_text(segments, codebook, cases):
    coded = segments.assign(
        summary=["Director backs it", "", "", "  Funding   lasted a year ", None]
    )
    matrix = chart_matrix(coded, codebook, cases, [], primary_coder="ES")
    cell = matrix.set_index(["case_id", "code_id"])
    text = cell.loc[("A2", "funding"), "charted_text"]
    assert text.startswith("Funding lasted a year [A2 ¶2 ")
    assert cell.loc[("A2", "funding"), "excerpts"].startswith(
        "The money ran out in a year. [A2 ¶2 "
    )
    assert cell.loc[("A1", "leadership"), "charted_text"].startswith("Director backs it [A1 ")
    # a segment without a summary is charted verbatim
    assert cell.loc[("A2", "workforce"), "charted_text"].startswith("Staff left [A2 ")
    assert (
        cell.loc[("A2", "workforce"), "charted_text"] == cell.loc[("A2", "workforce"), "excerpts"]
    )


def test_refi_note_serves_as_summary(segments, codebook, cases):
    coded = segments.assign(note=["", "", "", "Short-term money", ""])
    matrix = chart_matrix(coded, codebook, cases, [], primary_coder="ES")
    cell = matrix.set_index(["case_id", "code_id"])
    assert cell.loc[("A2", "funding"), "charted_text"].startswith("Short-term money [A2 ")


def test_cell_rating_is_rounded_mean(segments, codebook, cases):
    coded = segments.assign(rating=[2, -1, -2, 1, None])
    matrix = chart_matrix(coded, codebook, cases, [])
    cell = matrix.set_index(["case_id", "code_id"])
    assert cell.loc[("A1", "leadership"), "rating"] == 2
    assert cell.loc[("A1", "workforce"), "rating"] == -2  # mean −1.5 rounds away from zero
    assert cell.loc[("A2", "funding"), "rating"] == 1
    assert pd.isna(cell.loc[("A2", "workforce"), "rating"])
    assert pd.isna(cell.loc[("A3", "funding"), "rating"])


def test_rating_out_of_range_is_an_error(segments, codebook, cases):
    coded = segments.assign(rating=[3, None, None, "high", None])
    with pytest.raises(ValueError, match=r"2 segment rating\(s\) are not numbers from -2 to \+2"):
        chart_matrix(coded, codebook, cases, [])


def test_cases_sorted_by_attributes(segments, codebook, cases):
    matrix = chart_matrix(segments, codebook, cases, ["service_type"], sort_by=["service_type"])
    order = list(dict.fromkeys(matrix["case_id"]))
    assert order == ["A1", "A3", "A2"]  # café, café, house
    wide = wide_matrix(matrix, ["service_type"], max_cell_chars=50)
    assert list(wide["case_id"]) == order
    by_region = chart_matrix(segments, codebook, cases, [], sort_by=["region", "service_type"])
    assert list(dict.fromkeys(by_region["case_id"])) == ["A1", "A2", "A3"]


def test_sort_by_unknown_column_is_an_error(segments, codebook, cases):
    with pytest.raises(ValueError, match="cannot sort cases by size: not a case sheet column"):
        chart_matrix(segments, codebook, cases, [], sort_by=["size"])


def test_chart_matrix_is_deterministic(segments, codebook, cases, texts):
    shuffled = segments.sample(frac=1, random_state=3)
    first = chart_matrix(segments, codebook, cases, ["region"], text_lengths=lengths(texts))
    again = chart_matrix(shuffled, codebook, cases, ["region"], text_lengths=lengths(texts))
    pd.testing.assert_frame_equal(first, again)
