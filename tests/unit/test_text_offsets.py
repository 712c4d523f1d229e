"""Offset maps between a text and a text derived from it."""

import re
import unicodedata

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from qualframe.text import OffsetMap, normalize, replace_spans, rewrite, translate

PIECES = [*"ab \n\r\t\ufeff\u00a0\u200b–Ａﬁ\u0301\u1100\u1161", "é", "e\u0301"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def same(a: OffsetMap, b: OffsetMap) -> bool:
    return np.array_equal(a.starts, b.starts) and np.array_equal(a.ends, b.ends)


def test_rewrite_maps_replacement_to_whole_match():
    text, offsets = rewrite("a  \nb", re.compile(r"[ \t]+$", re.M), "")
    assert text == "a\nb"
    assert offsets.source_span(1, 2) == (3, 4)  # the newline
    assert offsets.derived_span(1, 3) == (1, 1)  # the deleted spaces
    assert offsets.source_span(0, 3) == (0, 5)


def test_normalize_maps_each_sequence_to_itself():
    text, offsets = normalize("cafe\u0301 Ｆａｋｅ", "NFKC")
    assert text == "café Fake"
    assert offsets.source_span(3, 4) == (3, 5)
    assert offsets.source_span(6, 7) == (7, 8)


def test_translate_deletes_and_expands():
    text, offsets = translate("Fa\u200bke", {"\u200b": ""})
    assert text == "Fake"
    assert offsets.source_span(0, 4) == (0, 5)


def test_replace_spans_refuses_overlaps():
    try:
        replace_spans("abcdef", [(0, 3, "x"), (2, 4, "y")])
    except ValueError as error:
        assert "overlaps" in str(error)
    else:
        raise AssertionError("overlapping spans accepted")


@given(TEXTS)
def test_normalize_equals_unicodedata(text):
    for form in ("NFC", "NFKC"):
        derived, offsets = normalize(text, form)
        assert derived == unicodedata.normalize(form, text)
        assert offsets.derived_length == len(derived)
        assert offsets.source_length == len(text)


@given(TEXTS)
def test_edits_round_trip(text):
    step1, first = rewrite(text, re.compile(r"\r\n?"), "\n")
    step2, second = normalize(step1, "NFKC")
    step3, third = translate(step2, {"\u200b": "", "\ufeff": "", "–": "-"})
    whole = first.then(second).then(third)
    assert whole.source_length == len(text) and whole.derived_length == len(step3)
    rebuilt = OffsetMap.from_edits(whole.to_edits(), len(text), len(step3))
    assert same(rebuilt, whole)


@given(TEXTS, st.data())
def test_spans_stay_inside_and_ordered(text, data):
    derived, offsets = rewrite(text, re.compile(r"\s+"), " ")
    n = len(derived)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    source_start, source_end = offsets.source_span(start, end)
    assert 0 <= source_start <= source_end <= len(text)
    back_start, back_end = offsets.derived_span(source_start, source_end)
    assert back_start <= start and end <= back_end or start == end


def test_identity():
    offsets = OffsetMap.identity(5)
    assert offsets.is_identity()
    assert offsets.to_edits().empty
    assert offsets.source_span(1, 3) == (1, 3)
