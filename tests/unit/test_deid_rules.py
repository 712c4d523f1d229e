"""Identifier rules: each detector on positive and negative examples; word knowledge."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.deid.dates import find_ages, find_dates
from qualframe.deid.names import (
    find_acronyms,
    find_initialled_names,
    find_name_patterns,
    find_suffixed_names,
    find_suffixed_names_uncased,
    find_titled_names,
    find_unfamiliar_words,
)
from qualframe.deid.rules import Hit
from qualframe.deid.spoken import spoken_digits
from qualframe.deid.structured import (
    find_emails,
    find_nhs_numbers,
    find_ni_numbers,
    find_phones,
    find_postcodes,
    find_structured,
    find_urls,
)
from qualframe.deid.words import is_english_word, is_mostly_lower_case, restore_case
from qualframe.uk import nhs_checksum_ok


def texts_of(hits: list[Hit]) -> list[str]:
    return [hit.text for hit in hits]


def assert_offsets(text: str, hits: list[Hit]) -> None:
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text


# --- e-mail and URL ----------------------------------------------------------------------


def test_email_found_and_its_domain_is_not_a_url():
    text = "Write to priya.raman@boltonhelp.org.uk, she'll answer."
    emails = find_emails(text)
    assert texts_of(emails) == ["priya.raman@boltonhelp.org.uk"]
    assert find_urls(text, emails) == []
    assert [hit.detector for hit in find_structured(text)] == ["rule:email"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("See https://example.com/a?b=1.", "https://example.com/a?b=1"),
        ("Go to www.boltonhelp.org.uk/contact, then", "www.boltonhelp.org.uk/contact"),
        ("It's on boltonhelp.org.uk now", "boltonhelp.org.uk"),
        ("the trust site, trust.nhs.uk.", "trust.nhs.uk"),
        ("try carersbolton.com", "carersbolton.com"),
        ("at example.net/forms for it", "example.net/forms"),
    ],
)
def test_url_found(text, expected):
    hits = find_urls(text, find_emails(text))
    assert texts_of(hits) == [expected]
    assert_offsets(text, hits)


@pytest.mark.parametrize(
    "text", ["e.g. this, etc.", "about 3.5 hours", "Mr. Smith", "and/or both", "file.txt"]
)
def test_url_not_found(text):
    assert find_urls(text, []) == []


# --- phone numbers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "07700 900481",
        "0161 496 0732",
        "020 7946 0123",
        "01632 960123",
        "0113 496 0123",
        "07700900481",
        "(0161) 496 0732",
        "+44 7700 900123",
    ],
)
def test_drama_range_phone_found(number):
    text = f"You can ring {number} any time."
    hits = find_phones(text)
    assert texts_of(hits) == [number]
    assert hits[0].detector == "rule:phone"


@pytest.mark.parametrize(
    "text",
    [
        "between 2019 and 2020 and 2021",
        "reference 1234567890 on the form",
        "on 14/03/2019 at 10:30",
        "she was 45 in 2003",
    ],
)
def test_phone_not_found(text):
    assert find_phones(text) == []


@pytest.mark.parametrize(
    "spoken, digits",
    [
        ("oh seven seven double oh, nine double oh, one two three", "07700900123"),
        ("Oh One Six One, four nine six, oh seven three two", "01614960732"),
        ("zero one six three two, nine six oh treble one", "01632960111"),
        ("oh-one-one-three four nine six oh one two three", "01134960123"),
    ],
)
def test_spoken_phone_found(spoken, digits):
    text = f"Her number is {spoken} and that's it."
    hits = find_phones(text)
    assert texts_of(hits) == [spoken]
    assert hits[0].detector == "rule:phone_spoken"
    assert spoken_digits(hits[0].text) == digits


@pytest.mark.parametrize(
    "text",
    [
        "one, two, three, four of us went",
        "oh seven seven double oh nine",  # too few digits
        "seven seven double oh nine double oh one two three four",  # no leading 0
    ],
)
def test_spoken_phone_not_found(text):
    assert find_phones(text) == []


def test_spoken_digits_rejects_other_words():
    assert spoken_digits("oh seven then nine") is None
    assert spoken_digits("07700") is None
    assert spoken_digits("double oh treble nine") == "00999"


# --- postcodes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "postcode", ["BL1 4QR", "bl14qr", "SW1A 1AA", "M1 1AE", "m11ae", "EC1A1BB"]
)
def test_postcode_found(postcode):
    text = f"We live at {postcode}, near the park."
    hits = find_postcodes(text)
    assert texts_of(hits) == [postcode]
    assert hits[0].detector == "rule:postcode"


@pytest.mark.parametrize("text", ["HELLO1 world", "ABC 123", "the M60 motorway", "BL1 4QRS"])
def test_postcode_not_found(text):
    assert find_postcodes(text) == []


# --- NHS numbers -------------------------------------------------------------------------


def test_nhs_checksum():
    assert nhs_checksum_ok("9434765919")
    assert not nhs_checksum_ok("9434765918")
    assert not nhs_checksum_ok("1234567890")  # check digit would be 10


@pytest.mark.parametrize("number", ["943 476 5919", "943-476-5919", "9434765919"])
def test_nhs_number_passing_checksum_found(number):
    text = f"It was {number} I think."
    assert texts_of(find_nhs_numbers(text, [])) == [number]


def test_nhs_number_failing_checksum_without_context_not_found():
    assert find_nhs_numbers("It was 943 476 5918 I think.", []) == []


@pytest.mark.parametrize(
    "text",
    [
        "my NHS number is 943 476 5918, I think",
        "NHS no. 123 456 7890",
        "the nhs number, um, 1234567890",
    ],
)
def test_nhs_number_failing_checksum_with_context_found(text):
    hits = find_nhs_numbers(text, [])
    assert len(hits) == 1
    assert hits[0].entity_type == "NHS_NUMBER"
    assert_offsets(text, hits)


def test_nhs_number_does_not_claim_a_phone_number():
    text = "Ring 943 476 5919 please."
    phone = Hit(5, 17, "PHONE", "943 476 5919", "rule:phone")
    assert find_nhs_numbers(text, [phone]) == []


def test_nhs_context_wins_over_phone_reading():
    text = "Her NHS number is 012 345 6789."
    hits = find_structured(text)
    assert [(hit.entity_type, hit.text) for hit in hits] == [("NHS_NUMBER", "012 345 6789")]


def test_phone_numbers_do_not_produce_nhs_numbers():
    text = "Ring 0161 496 0732, 020 7946 0123 or 01632 960123."
    assert {hit.entity_type for hit in find_structured(text)} == {"PHONE"}


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It was 14/03/2019 I think", "14/03/2019"),
        ("on 14-03-19 we met", "14-03-19"),
        ("on 14.03.2019 we met", "14.03.2019"),
        ("on the 5th of May we met", "5th of May"),
        ("since 5th May 2021 really", "5th May 2021"),
        ("since 5 Mar 2021 really", "5 Mar 2021"),
        ("it was March the 3rd", "March the 3rd"),
        ("it was May 5th, I think", "May 5th"),
        ("on the second of October", "second of October"),
        ("on 2nd October she", "2nd October"),
        ("on Tuesday the 5th of May", "5th of May"),
        ("the twenty-first of june", "twenty-first of june"),
        ("May 5, 2021 was the day", "May 5, 2021"),
        ("31st December 1999", "31st December 1999"),
    ],
)
def test_date_found(text, expected):
    hits = find_dates(text)
    assert texts_of(hits) == [expected]
    assert hits[0].detector == "rule:date"
    assert_offsets(text, hits)


@pytest.mark.parametrize(
    "text",
    [
        "in March 2020 things changed",
        "back in May it was",
        "that was 2019",
        "about four hours later",
        "you may 5 times ask",
        "a second opinion",
        "on Tuesday the 5th",
        "32/01/2019 is no date",
        "14/13/2019 is no date",
        "version 3.14 of it",
    ],
)
def test_date_not_found(text):
    assert find_dates(text) == []


def test_structured_hits_sorted_with_detector_names():
    text = "On 14/03/2019 ring 07700 900481 or email a@b.com, postcode BL1 4QR."
    hits = find_structured(text)
    assert [hit.start for hit in hits] == sorted(hit.start for hit in hits)
    assert {hit.detector for hit in hits} == {
        "rule:date",
        "rule:phone",
        "rule:email",
        "rule:postcode",
    }
    assert_offsets(text, hits)


# --- confidence --------------------------------------------------------------------------


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300))
@settings(max_examples=200, deadline=None)
def test_every_rule_hit_is_a_span_of_the_text_with_a_confidence(text):
    hits = find_structured(text) + find_name_patterns(text) + find_unfamiliar_words(text)
    for hit in hits:
        assert 0 <= hit.start < hit.end <= len(text)
        assert text[hit.start : hit.end] == hit.text
        assert 0.0 <= hit.confidence <= 1.0


def test_structured_confidence_reflects_validation():
    [valid] = find_nhs_numbers("It was 943 476 5919 I think.", [])
    [in_context] = find_nhs_numbers("my NHS number is 943 476 5918", [])
    assert valid.confidence == 1.0
    assert 0.8 <= in_context.confidence < valid.confidence


# --- National Insurance numbers ----------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["AB 12 34 56 C", "AB123456C", "ab 12 34 56 c", "JT123456A", "ZY 98 76 54 D"]
)
def test_ni_number_found(number):
    text = f"Her National Insurance number was {number}, I think."
    hits = find_ni_numbers(text)
    assert texts_of(hits) == [number]
    assert hits[0].entity_type == "NI_NUMBER"
    assert hits[0].detector == "rule:ni_number"


@pytest.mark.parametrize(
    "number",
    [
        "DA123456C",  # D never first
        "FA123456C",
        "QQ123456C",  # Q never first: the usual example number
        "AO123456C",  # O never second
        "GB123456C",  # unused prefixes
        "NK123456C",
        "TN123456C",
        "ZZ123456C",
        "AB123456E",  # suffix A-D only
        "AB12345C",  # five digits
        "AB1234567C",
    ],
)
def test_ni_number_not_found(number):
    assert find_ni_numbers(f"reference {number} on the form") == []


def test_ni_number_in_lower_case_is_less_certain():
    [upper] = find_ni_numbers("AB 12 34 56 C")
    [lower] = find_ni_numbers("ab 12 34 56 c")
    assert lower.confidence < upper.confidence


# --- ages --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, age",
    [
        ("she's 16.", "16"),
        ("She’s 16, and in year eleven", "16"),
        ("he was seventeen when it happened", "seventeen"),
        ("aged 34, from the town", "34"),
        ("at the age of nine she moved", "nine"),
        ("a 15-year-old on the ward", "15"),
        ("a fourteen-year-old", "fourteen"),
        ("he's 16 years old now", "16"),
        ("my son is twelve.", "twelve"),
        ("Marek is seventy-five now, and he volunteers", "seventy-five"),
        ("our oldest regular is 66, and", "66"),
        ("I was 15 when I first went", "15"),
    ],
)
def test_age_found(text, age):
    hits = find_ages(text)
    assert texts_of(hits) == [age]
    assert hits[0].entity_type == "AGE"
    assert_offsets(text, hits)


@pytest.mark.parametrize(
    "text",
    [
        "it's 5 minutes away",
        "we were 12 staff then",
        "about four hours later",
        "you just have to be sixteen or over",
        "It is 16 miles from here.",
        "the team is twelve, and growing",
        "open 24 hours",
        "she was there for 3 weeks",
        "mostly callers aged 18 to 30, some older",
        "young people between the age of fourteen-nineteen",
    ],
)
def test_age_not_found(text):
    assert find_ages(text) == []


# --- dates in lower case -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("the letter came on 22nd may, and", "22nd may"),
        ("on the fifth of may we opened", "fifth of may"),
        ("we opened on 5 may 2021, it was", "5 may 2021"),
    ],
)
def test_lower_case_may_after_a_day_is_a_date(text, expected):
    assert texts_of(find_dates(text)) == [expected]


# --- names after titles ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [
        ("and Dr Nadia Quist said", "Nadia Quist"),
        ("and Dr. Quist said", "Quist"),
        ("ask Dr J. Quist about it", "J. Quist"),
        ("ask Cllr B Orme about it", "B Orme"),
        ("then Insp Varley came", "Varley"),
        ("then Sgt. O'Neill came", "O'Neill"),
        ("then DI Varley came", "Varley"),
        ("Mrs Ashdown's team", "Ashdown"),
        ("and Prof Quist And the rest", "Quist"),
        ("and Councillor Orme agreed", "Orme"),
    ],
)
def test_titled_name_found(text, name):
    hits = find_titled_names(text)
    assert texts_of(hits) == [name]
    assert hits[0].entity_type == "PERSON"
    assert hits[0].detector == "rule:title"
    assert_offsets(text, hits)


@pytest.mark.parametrize(
    "text",
    [
        "we watched Doctor Who",
        "Di Varley came",  # "Di" is a first name, not a rank, in that case
        "the doctor said",
        "a PC was there",
        "Mr and",
    ],
)
def test_titled_name_not_found(text):
    assert find_titled_names(text) == []


# --- organisations and places by suffix --------------------------------------------------


@pytest.mark.parametrize(
    "text, name, entity_type",
    [
        (
            "we're run by Harrowdale NHS Foundation Trust now",
            "Harrowdale NHS Foundation Trust",
            "ORG",
        ),
        ("funded by Tyne and Wear Council.", "Tyne and Wear Council", "ORG"),
        ("So Harrowdale Council said yes", "Harrowdale Council", "ORG"),
        ("the shop on Marlpit Road, near", "Marlpit Road", "LOCATION"),
        ("at St Brannock's Hospital overnight", "St Brannock's Hospital", "LOCATION"),
        ("on School Road, by the park", "School Road", "LOCATION"),
        ("we share with Larkspur Hub upstairs", "Larkspur Hub", "ORG"),
        ("based at Beacon House in town", "Beacon House", "LOCATION"),
    ],
)
def test_suffixed_name_found(text, name, entity_type):
    hits = find_suffixed_names(text)
    assert [(hit.text, hit.entity_type) for hit in hits] == [(name, entity_type)]
    assert hits[0].detector == "rule:suffix"
    assert_offsets(text, hits)


@pytest.mark.parametrize(
    "text",
    [
        "the Mental Health Trust agreed",
        "a Crisis House is what we need",
        "in the Car Park at night",
        "the NHS Foundation Trust board",
        "the Trust said no",
        "best practice, or Best Practice as they say",
        "the Decision Unit opened",
    ],
)
def test_suffixed_name_not_found(text):
    assert find_suffixed_names(text) == []


@pytest.mark.parametrize(
    "text, name",
    [
        ("the shop on tregarthen road, near", "tregarthen road"),
        ("one on quarry avenue in town", "quarry avenue"),
        ("it's a lovely old harrowdale house, listed", "harrowdale house"),
    ],
)
def test_suffixed_name_in_lower_case_found(text, name):
    assert texts_of(find_suffixed_names_uncased(text)) == [name]


@pytest.mark.parametrize(
    "text",
    ["down the main road", "a big old house", "the crisis house", "a lovely old victorian house"],
)
def test_suffixed_name_in_lower_case_not_found(text):
    assert find_suffixed_names_uncased(text) == []


# --- initials and acronyms ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name",
    [("I report to B. Day, who runs it", "B. Day"), ("with J.K. Quist there", "J.K. Quist")],
)
def test_initialled_name_found(text, name):
    hits = find_initialled_names(text)
    assert texts_of(hits) == [name]
    assert hits[0].entity_type == "PERSON"


@pytest.mark.parametrize(
    "text", ["We had a Plan B. Staff were fine", "better than I. Still, we", "in A&E. That was it"]
)
def test_initialled_name_not_found(text):
    assert find_initialled_names(text) == []


def test_acronym_of_a_detected_organisation_found():
    text = "Harrowdale Vale NHS Foundation Trust run it; HVNFT pay for it."
    org = Hit(0, 36, "ORG", text[:36], "rule:suffix", 0.9)
    hits = find_acronyms(text, [org])
    assert [(hit.text, hit.entity_type, hit.confidence) for hit in hits] == [("HVNFT", "ORG", 0.85)]


def test_acronym_of_a_capitalised_run_holding_a_found_place_is_found():
    text = "At Wexcombe Valley Unified School District, then the WVUSD board met. The LCD works."
    place = Hit(3, 18, "LOCATION", "Wexcombe Valley", "ner", 0.85)
    hits = find_acronyms(text, [place])
    assert [(hit.text, hit.entity_type) for hit in hits] == [("WVUSD", "ORG")]


def test_no_acronym_without_a_found_name_in_its_run():
    text = "Wexcombe Valley Unified School District, then the WVUSD board met."
    assert find_acronyms(text, []) == []


def test_trust_shaped_acronym_found_alone_with_less_confidence():
    hits = find_acronyms("WSHNT are the main partner, the CRHT and CAMHS too", [])
    assert [(hit.text, hit.confidence) for hit in hits] == [("WSHNT", 0.6)]


# --- unfamiliar capitalised words --------------------------------------------------------


@pytest.mark.parametrize("word", ["Automation", "Hungarian", "Spanish", "Modernism"])
def test_frequent_derived_words_the_dictionary_lacks_are_familiar(word):
    assert find_unfamiliar_words(f"we talked about {word} for a while") == []


@pytest.mark.parametrize("word", ["Julian", "Okonkwo", "Hamish", "Trewarthen"])
def test_names_with_derived_endings_or_rare_words_stay_unfamiliar(word):
    assert texts_of(find_unfamiliar_words(f"we talked to {word} for a while")) == [word]


def test_unfamiliar_capitalised_word_found_with_low_confidence():
    text = "We asked Okonkwo about it, then went to Trewarthen for the day."
    hits = find_unfamiliar_words(text)
    assert [(hit.text, hit.entity_type) for hit in hits] == [
        ("Okonkwo", "PERSON"),
        ("Trewarthen", "LOCATION"),
    ]
    assert all(hit.confidence <= 0.4 for hit in hits)


def test_unfamiliar_word_at_sentence_start_is_less_certain():
    [start, middle] = find_unfamiliar_words("Okonkwo rang. We told Okonkwo.")
    assert start.confidence < middle.confidence


@pytest.mark.parametrize(
    "text",
    [
        "we did it at Christmas with the English team",
        "the ICB and the AMHPs and GPs",
        "Mm-hm. Yeah. Okay, we're fine and I'll go",
        "the Orchards and the Hospital and the Teams call",
        "open on Sundays in January",
    ],
)
def test_familiar_capitalised_words_not_found(text):
    assert find_unfamiliar_words(text) == []


# --- words -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        "hospital",
        "Hospitals",
        "nurses",
        "walked",
        "planning",
        "organisation",
        "colour",
        "paediatric",
        "centre",
        "councillor",
        "drop-in",
        "we're",
        "don't",
        "o'clock",
        "Mm-hm",
        "café",
        "website",
    ],
)
def test_english_words(word):
    assert is_english_word(word)


@pytest.mark.parametrize("word", ["Okonkwo", "Trewarthen", "Quist", "Siân", "Wierzbicki"])
def test_not_english_words(word):
    assert not is_english_word(word)


def test_lower_case_text_is_told_from_ordinary_text():
    assert is_mostly_lower_case("so i said to nadia, yeah. i think so. we went to leeds.")
    assert not is_mostly_lower_case("So I said to Nadia, yeah. I think so. We went to Leeds.")
    assert not is_mostly_lower_case("")


def test_restore_case_keeps_length_and_capitalises_likely_names():
    text = "interviewer: so dr okonkwo said nadia from trewarthen rang. i think the nhs knew."
    restored = restore_case(text)
    assert len(restored) == len(text)
    for expected in ("Interviewer:", "So", "Dr Okonkwo", "Trewarthen", "I think", "NHS"):
        assert expected in restored
    assert " said " in restored and " rang" in restored  # English words stay lower case


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Right. I report to J Leach, who's the director.", ["J Leach"]),
        ("we went to see A Mills about it", ["A Mills"]),
        ("A Mills is a place.", []),  # sentence start: the article
        ("We chose Plan B Staff rotas.", []),  # a capitalised word before it
        ("and I Think so", []),  # "I" is the pronoun
    ],
)
def test_initial_without_full_stop(text, expected):
    assert [h.text for h in find_initialled_names(text)] == expected


def test_a_country_after_in_is_the_country_but_a_surname_elsewhere_stays():
    # "Holland" is a surname and the everyday name of the Netherlands
    assert find_unfamiliar_words("prices are lower in Holland, so they say") == []
    hits = find_unfamiliar_words("we spoke to Holland about the rota")
    assert texts_of(hits) == ["Holland"]
    assert texts_of(find_unfamiliar_words("it was in Holland's office")) == ["Holland"]
