"""Spreadsheet coding as teams do it: one row per utterance, several codes a cell, repeated
quotes located by the order of the rows."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.coding import ColumnMap, codebook_from_dict, locate_segments
from qualframe.coding.segments import choose_by_row_order
from qualframe.errors import ValidationFailed
from tests.conftest import CODEBOOK

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


UTTERANCES = ["Yeah.", "OK.", "Right.", "Mm-hm.", "I was a miner.", "We moved to Leeds.", "No."]


@settings(deadline=None, max_examples=60)
@given(st.lists(st.sampled_from(UTTERANCES), min_size=1, max_size=40), st.data())
def test_every_row_of_an_utterance_sheet_lands_on_its_own_utterance(turns, data):
    text = "".join(f"{'Q' if i % 2 else 'A'}: {turn}\n\n" for i, turn in enumerate(turns))
    positions, at = [], 0
    for turn in turns:
        at = text.index(turn, at)
        positions.append(at)
        at += len(turn)
    coded = data.draw(st.lists(st.booleans(), min_size=len(turns), max_size=len(turns)))
    rows = [
        ("T1", "leadership" if keep else "", "ES" if keep else "", turn)
        for turn, keep in zip(turns, coded, strict=True)
    ]
    if not any(coded):
        return
    codebook = codebook_from_dict(CODEBOOK)
    segments = locate_segments(sheet(rows), "s.csv", COLUMNS, {"T1": text}, codebook, ";")
    expected = [p for p, keep in zip(positions, coded, strict=True) if keep]
    assert segments.sort_values("source_row")["start"].tolist() == expected


@given(st.text())
def test_canonical_text_is_the_canonical_view(text):
    from qualframe.coding.segments import canonical, canonical_text

    assert canonical_text(text) == canonical(text)[0]


def test_document_names_as_people_write_them():
    from qualframe.coding.segments import resolve_transcript, transcript_lookup

    lookup = transcript_lookup(["entretien_elodie_3", "P1", "P_1", "OH2"])
    assert resolve_transcript("Entretien Élodie 3.docx", lookup) == "entretien_elodie_3"
    assert resolve_transcript("oh2.TXT", lookup) == "OH2"
    assert resolve_transcript("p_1", lookup) == "P_1"
    assert resolve_transcript("P-1", lookup) is None  # P1 or P_1: not guessed
    assert resolve_transcript("Ωμέγα", lookup) is None


def test_a_quote_typed_with_other_dashes_and_quotes_is_found():
    from qualframe.coding.segments import span_from_quote

    text = "A: It was \u2014 honestly \u2014 \u201cfine\u201d.\n"
    assert span_from_quote(text, 'It was - honestly -  "fine".') == ((3, len(text) - 1), "")
