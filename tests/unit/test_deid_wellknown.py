"""Well-known companies and everyday products named as examples are no identifiers;
named as someone's workplace they are."""

import pandas as pd
import pytest

from qualframe.deid import build_register, detect_transcript
from qualframe.deid.rules import Hit
from qualframe.deid.wellknown import (
    in_local_context,
    is_listed_company,
    is_product,
    is_product_mention,
    listed_companies,
)

EMPTY = build_register(pd.DataFrame({"term": [], "entity_type": []}, dtype=str))


def hit_at(text: str, word: str, entity_type: str, detector: str = "ner") -> Hit:
    start = text.index(word)
    return Hit(start, start + len(word), entity_type, word, detector, 0.75)


def test_large_index_companies_are_listed_without_their_legal_suffix():
    assert {"Apple Inc.", "Apple"} <= set(listed_companies())
    assert is_listed_company("Nokia") and is_listed_company("Siemens's")


@pytest.mark.parametrize("name", ["Ford", "Morgan Stanley", "Henry Schein"])
def test_company_names_that_are_peoples_names_are_not_well_known(name):
    # dropping these could leak a person of that name
    assert not is_listed_company(name)


def test_everyday_products_are_products_and_a_local_shop_is_not():
    assert is_product("PowerPoint") and is_product("iPad")
    assert not is_product("Fakeley Bakery")


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("she's worked at Siemens since the spring", "Siemens"),
        ("my brother got a job with Nokia last year", "Nokia"),
        ("he's out of Siemens, the Leeds office", "Siemens"),
        ("there's a café called Apple on the corner", "Apple"),
    ],
)
def test_a_company_tied_to_someone_stays_an_identifier(text, word):
    assert in_local_context(text, text.index(word))
    assert not is_product_mention(text, hit_at(text, word, "ORG"))


def test_a_company_named_as_an_example_is_no_identifier():
    text = "phones these days, the way Nokia made them bendy, everyone copied that"
    assert is_product_mention(text, hit_at(text, "Nokia", "ORG"))


def test_a_listed_company_tagged_as_a_person_stays():
    text = "then Nokia rang me back about it"
    assert not is_product_mention(text, hit_at(text, "Nokia", "PERSON"))


def test_a_listed_company_the_unfamiliar_word_rule_calls_a_person_is_dropped():
    # that rule calls every word it does not know a person: its type is no evidence
    text = "we priced it against what Siemens sells, and theirs glow in the dark"
    assert is_product_mention(text, hit_at(text, "Siemens", "PERSON", "rule:unfamiliar"))
    tied = "my cousin's been with Siemens for years"
    assert not is_product_mention(tied, hit_at(tied, "Siemens", "PERSON", "rule:unfamiliar"))


def test_a_product_tagged_as_a_person_is_dropped_but_not_from_the_register():
    text = "so Skype kept freezing halfway through the call"
    assert is_product_mention(text, hit_at(text, "Skype", "PERSON"))
    assert not is_product_mention(text, hit_at(text, "Skype", "ORG", "register"))


def test_detect_transcript_keeps_the_workplace_and_drops_the_example():
    text = (
        "Participant: My sister works for Siemens in Derby. "
        "We used to sketch the ward layout in PowerPoint, believe it or not."
    )
    detections = detect_transcript("P01", text, EMPTY, [], ner=None)
    found = set(detections["text"])
    assert "PowerPoint" not in found
    assert "Siemens" in found


def test_detect_transcript_without_a_model_drops_a_company_named_as_an_example():
    text = "Participant: The remotes we liked best were the ones Siemens sold in grey."
    detections = detect_transcript("P02", text, EMPTY, [], ner=None)
    assert "Siemens" not in set(detections["text"])
