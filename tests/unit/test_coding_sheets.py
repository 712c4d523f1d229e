"""Spreadsheet coding as teams do it: one row per utterance, several codes a cell, repeated
quotes located by the order of the rows."""

import pandas as pd
import pytest

from qualframe.coding import ColumnMap, locate_segments
from qualframe.coding.segments import choose_by_row_order
from qualframe.errors import ValidationFailed

COLUMNS = ColumnMap("doc", "codes", "coder", "text")
TEXT = {
    "T1": "Q: Did you like it?\n\nA: Yeah.\n\nQ: And the pay?\n\nA: Yeah.\n\n"
    "Q: Teaching then?\n\nA: OK. I taught in the mine school.\n\nQ: OK.\n"
}


def sheet(rows):
    return pd.DataFrame(rows, columns=["doc", "codes", "coder", "text"])


def test_several_codes_in_one_cell(codebook):
    rows = [("T1", "Leadership; workforce", "ES", "I taught in the mine school.")]
    segments = locate_segments(sheet(rows), "s.csv", COLUMNS, TEXT, codebook, ";")
    assert segments["code_id"].tolist() == ["leadership", "workforce"]
    assert segments["start"].nunique() == 1


def test_repeated_quotes_follow_the_rows(codebook):
    rows = [
        ("T1", "", "", "Q: Did you like it?"),  # an uncoded row still sets the place
        ("T1", "leadership", "ES", "Yeah."),
        ("T1", "", "", "Q: And the pay?"),
        ("T1", "funding", "ES", "Yeah."),
        ("T1", "workforce;funding", "ES", "OK."),
        ("T1", "workforce", "ES", "OK."),
    ]
    segments = locate_segments(sheet(rows), "s.csv", COLUMNS, TEXT, codebook, ";")
    text = TEXT["T1"]
    starts = segments.sort_values("source_row")[["source_row", "start"]].values.tolist()
    first_yeah = text.index("Yeah.")
    second_yeah = text.index("Yeah.", first_yeah + 1)
    first_ok = text.index("OK.")
    assert starts == [
        [3, first_yeah],
        [5, second_yeah],
        [6, first_ok],
        [6, first_ok],
        [7, text.index("OK.", first_ok + 1)],
    ]


def test_repeated_quote_with_no_later_place_is_ambiguous(codebook):
    rows = [("T1", "leadership", "ES", "Q: Teaching then?"), ("T1", "funding", "ES", "Yeah.")]
    with pytest.raises(ValidationFailed) as caught:
        locate_segments(sheet(rows), "s.csv", COLUMNS, TEXT, codebook, ";")
    assert caught.value.report["problem"].tolist() == [
        "ambiguous quote: found 2 times in the de-identified transcript, none after the "
        "previous row's segment"
    ]


def test_rows_out_of_text_order_do_not_place_repeated_quotes():
    spans = {"a": [(50, 60)], "b": [(10, 20)], "yeah": [(5, 8), (70, 73)]}
    chosen = choose_by_row_order([("T", spans["a"]), ("T", spans["b"]), ("T", spans["yeah"])])
    assert chosen[2] == (
        None,
        "ambiguous quote: found 2 times in the de-identified transcript, the transcript's "
        "rows are not in text order",
    )
    in_order = choose_by_row_order([("T", spans["b"]), ("T", spans["yeah"]), ("U", [(0, 1)])])
    assert in_order == [((10, 20), ""), ((70, 73), ""), ((0, 1), "")]


def test_first_row_of_a_transcript_takes_the_first_place():
    assert choose_by_row_order([("T", [(5, 8), (70, 73)])]) == [((5, 8), "")]


def test_a_sheet_with_no_code_anywhere(codebook):
    with pytest.raises(Exception, match="no row of the export names a code"):
        locate_segments(sheet([("T1", "", "", "Yeah.")]), "s.csv", COLUMNS, TEXT, codebook, ";")
