"""Identifiers in lower-case and auto-transcribed text, read aloud, or given away by context.

Every example here is made up for these tests."""

import pandas as pd
import pytest

from qualframe.deid import DEFAULT_ALLOW_LIST, build_register, detect_transcript
from qualframe.deid.context import (
    find_full_names_uncased,
    find_named_organisations,
    find_places_in_context,
)
from qualframe.deid.structured import find_structured

EMPTY = build_register(pd.DataFrame({"term": [], "entity_type": []}))


def found(text: str) -> set[tuple[str, str]]:
    return {(hit.entity_type, hit.text) for hit in find_structured(text)}


def test_spoken_email_address():
    text = "you can reach her on t okonedo at riverside mind dot org dot uk if needed"
    assert ("EMAIL", "t okonedo at riverside mind dot org dot uk") in found(text)


def test_spoken_web_address_with_a_path():
    text = "it's all on www dot harbour lights dot co dot uk slash support, have a look"
    assert ("URL", "www dot harbour lights dot co dot uk slash support") in found(text)


def test_a_dot_that_is_no_address():
    assert found("there was a dot on the map and a dot on the wall") == set()


def test_nhs_number_read_digit_by_digit_next_to_talk_of_it():
    text = "his nhs number, hang on, is six one two, double four oh, eight eight two nine."
    assert ("NHS_NUMBER", "six one two, double four oh, eight eight two nine") in found(text)


def test_nhs_shaped_number_with_a_bad_check_digit_is_redacted_next_to_talk_of_it():
    text = "The letter said 401 023 2138, and that isn't a real NHS number at all."
    assert ("NHS_NUMBER", "401 023 2138") in found(text)


def test_age_in_words_after_an_age_cue():
    assert ("AGE", "fifteen") in found("Her brother had only just turned fifteen then.")
    assert ("AGE", "nineteen") in found("and she'd just turned nineteen, so")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("we're based in Wells these days", "Wells"),
        ("my sister lives in reading now", "reading"),
        ("he grew up in Street, actually", "Street"),
        ("they moved back to bath in the end", "bath"),
    ],
)
def test_places_that_are_ordinary_words_after_a_verb_of_living_or_moving(text, place):
    assert [hit.text for hit in find_places_in_context(text)] == [place]


def test_ordinary_words_without_such_a_cue_are_no_places():
    assert find_places_in_context("we live in hope and work in bath towels", False) == []
    assert find_places_in_context("a long walk in reading week", True) == []


def test_towns_that_are_no_words_after_a_preposition_in_lower_case():
    assert [hit.text for hit in find_places_in_context("she came from rochdale")] == ["rochdale"]


def test_lower_case_full_names_from_name_lists():
    hits = find_full_names_uncased("so i asked megan holloway and she said yes")
    assert [(hit.entity_type, hit.text) for hit in hits] == [("PERSON", "megan holloway")]


def test_small_organisations_with_ordinary_names_only_in_strong_context():
    hits = find_named_organisations("there's a bakery called The Loaf, and the Loaf opens early")
    assert [(hit.entity_type, hit.text) for hit in hits] == [("ORG", "Loaf")]
    assert find_named_organisations("I called Tom and then Anna") == []


def test_lower_case_transcript_recall_without_capitals():
    text = (
        "interviewer: so how did it go\n"
        "participant: well i rang megan holloway at the council and she said the hub in "
        "rochdale would take him, and she'd only just turned sixteen so it mattered. her "
        "email is m holloway at rochdale hub dot org dot uk.\n"
    ) * 2
    detections = detect_transcript("L1", text, EMPTY, DEFAULT_ALLOW_LIST)
    spans = {(row.entity_type, row.text) for row in detections.itertuples()}
    assert ("PERSON", "megan holloway") in spans
    assert ("LOCATION", "rochdale") in spans
    assert ("AGE", "sixteen") in spans
    assert ("EMAIL", "m holloway at rochdale hub dot org dot uk") in spans
