"""Model tags that name no one in particular: acronyms, generic institutions, broad places."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.deid.generic import (
    is_acronym_term,
    is_generic_name,
    is_lower_case_description,
    names_no_one,
)
from qualframe.deid.ner import NerModel, find_entities
from tests.unit.test_deid_ner import stub


@pytest.mark.parametrize("span", ["LCD", "PVC", "IRB", "PK", "R&D"])
def test_acronyms_in_general_use(span):
    assert is_acronym_term(span)
    assert names_no_one(span, "ORG", cased=True)
    assert names_no_one(span, "LOCATION", cased=False)


@pytest.mark.parametrize("span", ["Lcd", "Wexcombe", "BBC Radio", "Ward", "TEWV", "HXQT"])
def test_not_acronyms_in_general_use(span):
    # a rare acronym may be a local trust's or council's initials: kept
    assert not is_acronym_term(span)
    assert not names_no_one(span, "ORG", cased=True)


@pytest.mark.parametrize(
    "span",
    [
        "District",
        "Middle School",
        "Board of Education",
        "Department of Transport",
        "Nevada Department of Health",
        "State of Oregon",
        "Oregon",
        "Georgia",  # a US state and a given name: tagged as a place, it is the place
        "Holland",  # the Netherlands' everyday name (COUNTRY_ALIASES), a surname too
        "the States",
        "Faculty of Medicine",
        "School of Computer Science",
        "the Ministry of Justice",
        "Director of Public Health",  # a job title
    ],
)
def test_generic_institutions_and_broad_places(span):
    assert is_generic_name(span)
    assert names_no_one(span, "ORG", cased=True)


@pytest.mark.parametrize(
    "span",
    [
        "Wexcombe Council",
        "University of Reading",  # a town, though "reading" is a word
        "Faculty of Grace",  # a given name
        "Ward",  # a surname, though "ward" is a generic word
        "Hall",
        "Juniper Peer Support",
        "The Anchor",
        "Golden Lion",
        "Harrowdale Department of Health",
        "Head of Wexcombe School",
        "Leeds City Council",
    ],
)
def test_specific_names_are_kept(span):
    assert not is_generic_name(span)
    assert not names_no_one(span, "ORG", cased=True)


def test_people_are_never_generic():
    assert not names_no_one("Georgia", "PERSON", cased=True)
    assert not names_no_one("LCD", "PERSON", cased=True)


@pytest.mark.parametrize("span", ["CS instructional committee", "preK-12", "iPod"])
def test_lower_case_descriptions(span):
    assert is_lower_case_description(span)
    assert names_no_one(span, "ORG", cased=True)


@pytest.mark.parametrize("span", ["Tyne and Wear", "Newcastle upon Tyne", "Bank of the West"])
def test_joiners_are_no_lower_case_words(span):
    assert not is_lower_case_description(span)


def test_a_lower_case_text_keeps_lower_case_spans():
    assert not names_no_one("merlin mental health", "ORG", cased=False)


def test_the_model_s_generic_tags_are_dropped_and_names_kept():
    ner: NerModel = stub(
        ("LCD", "ORG"),
        ("Department of Education", "ORG"),
        ("Oregon", "GPE"),
        ("Wexcombe Council", "ORG"),
        ("Priya", "PERSON"),
    )
    text = "Priya said the LCD was fine; Oregon's Department of Education, Wexcombe Council agreed."
    assert sorted(found_pairs(ner, text)) == [("Priya", "PERSON"), ("Wexcombe Council", "ORG")]


def found_pairs(ner: NerModel, text: str) -> list[tuple[str, str]]:
    return [(hit.text, hit.entity_type) for hit in find_entities(ner, text)]


WORDS = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(WORDS, st.sampled_from(["PERSON", "ORG", "LOCATION"]), st.booleans())
def test_any_span_gets_a_yes_or_no_and_people_are_always_kept(span, entity_type, cased):
    verdict = names_no_one(span, entity_type, cased)
    assert isinstance(verdict, bool)
    if entity_type == "PERSON":
        assert verdict is False


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[A-Z][a-z]{2,9}(?: [A-Z][a-z]{2,9}){0,2}", fullmatch=True))
def test_a_capitalised_name_with_an_unknown_word_is_never_generic(name):
    # "Xqzvw" is no English word, known name, place or generic word: the name is specific
    span = f"{name} Xqzvw"
    assert not names_no_one(span, "ORG", cased=True)
    assert not names_no_one(span, "LOCATION", cased=True)
