"""The canonical view for matching, and de-identification of disguised identifiers."""

import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qualframe.deid import build_register, detect_transcript
from qualframe.deid.pseudonymise import pseudonymise_corpus
from qualframe.deid.review import review_candidates
from qualframe.text.canonical import canonical_text, canonical_view

FORMAT_CHARACTERS = ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff"]
SPACES = ["\u00a0", "\u2007", "\u2009", "\u202f", "\u3000"]
DASHES = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63", "\uff0d"]


def fullwidth(char: str) -> str:
    return chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char


@pytest.mark.parametrize(
    ("text", "view"),
    [
        ("Fake\u200bley", "Fakeley"),
        ("Ｆａｋｅｌｅｙ ０７７００", "Fakeley 07700"),
        ("SW1A\u00a01AA", "SW1A 1AA"),
        ("943\u2011476\u20115919", "943-476-5919"),
        ("j.smith\uff20example\u2024com", "j.smith@example.com"),
        ("O\u2019Brien", "O'Brien"),
        ("S\u0430m", "Sam"),  # a Cyrillic "а" in a Latin word
        ("\u0420\u0430\u0441\u0430", "\u0420\u0430\u0441\u0430"),  # a Russian word stays
        ("e\u200b\u0301", "\u00e9"),  # an accent kept apart by an invisible character
        ("\u0663\u0664", "34"),  # Arabic-Indic digits
        ("plain ASCII", "plain ASCII"),
    ],
)
def test_canonical_view(text, view):
    assert canonical_view(text)[0] == view


@given(st.text(max_size=60))
def test_view_maps_back_onto_the_text(text):
    view, mapping = canonical_view(text)
    assert canonical_view(view)[0] == view  # idempotent
    assert mapping.derived_length == len(view) and mapping.source_length == len(text)
    for start in range(len(view)):
        source_start, source_end = mapping.source_span(start, start + 1)
        assert canonical_text(text[source_start:source_end]).find(view[start]) >= 0 or (
            # a character composed from several source characters
            source_end - source_start > 1
        )


@pytest.mark.parametrize("text", ["plain ascii", "Ｓａｍ Fake\u200bley"])
def test_a_cached_view_map_cannot_be_written(text):
    _, mapping = canonical_view(text)
    with pytest.raises(ValueError):
        mapping.starts[0] = 1
    assert canonical_view(text)[1] is mapping  # shared by later callers


DISGUISED = {
    "Sam Fake\u200bley": "Sam Fakeley",
    "Ｓａｍ Ｆａｋｅｌｅｙ": "Sam Fakeley",
    "Sam\u00a0Fake\u00adley": "Sam Fakeley",
    "Fak\ufeffeley": "Fakeley",
}


def test_disguised_register_names_and_numbers_are_replaced_in_full():
    register = build_register(pd.DataFrame({"term": ["Sam Fakeley"], "entity_type": ["PERSON"]}))
    text = (
        "I met Sam Fakeley. Later Sam Fake\u200bley said hi, and Ｓａｍ Ｆａｋｅｌｅｙ too. "
        "Sam\u00a0Fake\u00adley again. Fak\ufeffeley. Call 07700\u2013900\u2013123 or "
        "０７７００ ９００４８１, NHS number 943\u2011476\u20115919, postcode SW1A\u00a01AA, mail "
        "j.smith\uff20example\u2024com."
    )
    detections = detect_transcript("P01", text, register, [])
    result = pseudonymise_corpus({"P01": text}, detections, [])
    view = canonical_text(result.texts["P01"])
    assert view == (
        "I met [PERSON_1]. Later [PERSON_1] said hi, and [PERSON_1] too. [PERSON_1] again. "
        "[PERSON_1]. Call [PHONE_1] or [PHONE_2], NHS number [NHS_NUMBER_1], postcode "
        "[POSTCODE_1], mail [EMAIL_1]."
    )
    # the log holds each original as written, disguise included
    assert "Sam Fake\u200bley" in set(result.log["original"])


def test_review_list_flags_a_disguised_unknown_name():
    text = "We asked Okon\u200bkwo-Trewarthen about it.\n"
    empty = pd.DataFrame(columns=["transcript_id", "start", "end", "entity_type", "text"])
    log = pd.DataFrame(
        columns=["transcript_id", "start", "end", "entity_type", "original", "replacement"]
    )
    found = review_candidates({"P01": text}, log, empty.assign(detector=[], confidence=[]))
    assert "Okon\u200bkwo-Trewarthen" in set(found["text"])


# --- property: nothing of a registered name survives its disguises ----------------------

LETTERS = "bcdfghklmnprstvz" + "aeiou"
TEMPLATE = (
    "Interviewer: Tell me about the team.\n"
    "Participant: I worked with {full} for years, and {full2} knew it.\n"
    "Participant: Then {last} left us, so {first} took over.\n"
)
SKELETON = TEMPLATE.format(full="<P>", full2="<P>", last="<P>", first="<P>")
word = st.text(alphabet=LETTERS, min_size=5, max_size=9).map(str.capitalize)


@st.composite
def disguise(draw, name: str) -> str:
    """`name` with format characters inserted, letters made fullwidth and its spaces and
    hyphens replaced by variants, each at random."""
    out = []
    for char in name:
        if char == " ":
            out.append(draw(st.sampled_from([" ", *SPACES])))
        elif char == "-":
            out.append(draw(st.sampled_from(["-", *DASHES])))
        else:
            out.append(fullwidth(char) if draw(st.booleans()) else char)
        if char not in " -" and draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(FORMAT_CHARACTERS)))
    return "".join(out)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=word, last=word, second_last=st.one_of(st.none(), word), data=st.data())
def test_no_canonical_fragment_of_a_registered_name_survives(first, last, second_last, data):
    surname = f"{last}-{second_last}" if second_last else last
    for part in (first, last, second_last or last):
        assume(part.lower() not in SKELETON.lower())
    name = f"{first} {surname}"
    register = build_register(pd.DataFrame({"term": [name], "entity_type": ["PERSON"]}))
    text = TEMPLATE.format(
        full=data.draw(disguise(name)),
        full2=data.draw(disguise(name)),
        last=data.draw(disguise(surname)),
        first=data.draw(disguise(first)),
    )
    detections = detect_transcript("P01", text, register, [])
    result = pseudonymise_corpus({"P01": text}, detections, [])
    view = canonical_text(result.texts["P01"])
    assert re.sub(r"\[PERSON_\d+\]", "<P>", view) == SKELETON
    for part in (first, last, second_last or last):
        assert part.casefold()[:4] not in view.casefold()
