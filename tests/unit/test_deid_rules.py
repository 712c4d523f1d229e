"""Structured-identifier rules: each detector on positive and negative examples."""

import pytest

from qualframe.deid.rules import (
    Hit,
    find_dates,
    find_emails,
    find_nhs_numbers,
    find_phones,
    find_postcodes,
    find_structured,
    find_urls,
    nhs_checksum_ok,
    spoken_digits,
)


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
