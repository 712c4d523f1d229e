"""UK identifier facts: each one checked against the rule as published, written out here."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualframe import uk

DIGITS = st.text("0123456789", min_size=9, max_size=9)
LETTERS = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2)


@given(DIGITS)
def test_nhs_check_digit_is_modulus_11_with_weights_10_to_2(nine):
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    expected = {0: 0, 1: None}.get(remainder, 11 - remainder)
    assert uk.nhs_check_digit(nine) == expected


@given(DIGITS, st.integers(0, 9))
def test_a_number_passes_the_check_only_with_its_check_digit(nine, last):
    check = uk.nhs_check_digit(nine)
    assert uk.nhs_checksum_ok(f"{nine}{last}") == (check == last)


def test_known_nhs_numbers():
    assert uk.nhs_checksum_ok("9434765919")  # the NHS's published example
    assert not uk.nhs_checksum_ok("9434765918")
    assert not uk.nhs_checksum_ok("943476591")  # nine digits
    assert not uk.nhs_checksum_ok("943476591a")


@given(LETTERS)
def test_ni_prefix_rules(prefix):
    allowed = (
        prefix[0] not in "DFIQUV"
        and prefix[1] not in "DFIQUVO"
        and prefix not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
    )
    assert uk.ni_prefix_ok(prefix) == allowed
    number = f"{prefix} 12 34 56 C"
    assert (uk.NI_NUMBER.fullmatch(number) is not None) == allowed
    compact = number.lower().replace(" ", "")
    assert (uk.NI_NUMBER.fullmatch(compact) is not None) == allowed


def test_ni_letter_sets_follow_the_rules():
    assert "O" in uk.NI_FIRST_LETTERS and "O" not in uk.NI_SECOND_LETTERS
    assert not set("DFIQUV") & set(uk.NI_FIRST_LETTERS + uk.NI_SECOND_LETTERS)
    assert uk.NI_NUMBER.fullmatch("AB123456E") is None  # suffix A-D only


@pytest.mark.parametrize(
    ("number", "words"),
    [(1, "one"), (9, "nine"), (10, "ten"), (13, "thirteen"), (20, "twenty"), (34, "thirty-four")]
    + [(70, "seventy"), (99, "ninety-nine")],
)
def test_number_words(number, words):
    assert uk.number_words(number) == words


def test_day_ordinals_and_suffixes():
    assert len(uk.DAY_ORDINALS) == 31
    assert uk.DAY_ORDINALS[0] == "first" and uk.DAY_ORDINALS[11] == "twelfth"
    assert uk.DAY_ORDINALS[20] == "twenty-first" and uk.DAY_ORDINALS[30] == "thirty-first"
    suffixes = [uk.ordinal_suffix(day) for day in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 31)]
    assert suffixes == ["st", "nd", "rd", "th", "th", "th", "th", "st", "nd", "rd", "st"]


def test_every_day_ordinal_is_read_as_one():
    pattern = re.compile(r"\b" + uk.ORDINAL_WORD + r"\b", re.IGNORECASE)
    for word in uk.DAY_ORDINALS:
        assert pattern.fullmatch(word), word
        assert pattern.fullmatch(word.replace("-", " ")), word


def test_month_token_reads_names_and_abbreviations():
    pattern = re.compile(uk.MONTH_TOKEN, re.IGNORECASE)
    for word in [*uk.MONTHS, *uk.MONTH_ABBREVIATIONS]:
        assert pattern.fullmatch(word), word
    assert pattern.fullmatch("Mayday") is None


def test_one_list_of_titles_and_ranks():
    titles = re.compile(r"(?i:" + uk.TITLE_ALTERNATIVES + r")")
    ranks = re.compile(uk.RANK_ALTERNATIVES)
    assert all(titles.fullmatch(t) for t in ("Dr", "MRS", "cllr", "Sergeant"))
    assert all(ranks.fullmatch(r) for r in ("PC", "DS", "DI", "DC", "DCI", "DSI", "PCSO"))
    assert ranks.fullmatch("Di") is None  # ranks count only in capitals


def test_drama_numbers_are_ofcom_ranges():
    ranges = [uk.DRAMA_MOBILE, *uk.DRAMA_496_LANDLINES, uk.DRAMA_TYNESIDE, uk.DRAMA_LONDON]
    ranges += [uk.DRAMA_CARDIFF, uk.DRAMA_NO_AREA, uk.DRAMA_FREEPHONE, uk.DRAMA_NON_GEOGRAPHIC]
    digits = [r.replace(" ", "") for r in ranges]
    # Every range plus three digits is a full UK number of 11 digits.
    assert all(len(d) + 3 == 11 and d.startswith("0") for d in digits)
    assert "07700900" in digits and "01134960" in digits and "02079460" in digits
