"""Surrogates: fictional formats, the shape of names and dates, seeding, clash avoidance."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.deid.allow import phone_digits
from qualframe.deid.surrogate_names import gender_of, person_replacements
from qualframe.deid.surrogate_values import (
    FICTIONAL_POSTCODE_AREAS,
    LANDLINES,
    date_like,
    in_layout,
    match_case,
    seeded_faker,
)
from qualframe.deid.surrogates import (
    AGE_PLACEHOLDER,
    SurrogateRequest,
    assign_surrogates,
    draw_replacements,
    is_surname_mention,
)
from qualframe.uk import NI_NUMBER, POSTCODE, nhs_checksum_ok

NUMBERS = st.integers(min_value=1, max_value=10_000)
ATTEMPTS = st.integers(min_value=0, max_value=20)


def one(entity_type: str, original: str, number: int = 1, attempt: int = 0) -> str:
    drawn = draw_replacements(
        SurrogateRequest(entity_type, number, {original: None}, original), attempt
    )
    return drawn[original]


def person(aliases, number=1, attempt=0, surnames=()) -> dict[str, str]:
    request = SurrogateRequest("PERSON", number, aliases, next(iter(aliases)), frozenset(surnames))
    return person_replacements(request, attempt)


# --- seeding -----------------------------------------------------------------------------


def test_same_number_and_attempt_draw_the_same_value():
    assert one("ORG", "Bolton Council", 3) == one("ORG", "Bolton Council", 3)
    assert person({"priya raman": None}, 3) == person({"priya raman": None}, 3)


def test_another_number_or_attempt_draws_another_value():
    values = {one("LOCATION", "Bolton", n) for n in range(1, 21)}
    assert len(values) > 15
    assert one("EMAIL", "a@b.org", 1, 0) != one("EMAIL", "a@b.org", 1, 1)


def test_seed_does_not_depend_on_earlier_draws():
    first = one("PHONE", "07700 900481", 5)
    for n in range(1, 10):
        one("PHONE", "07700 900481", n)
    assert one("PHONE", "07700 900481", 5) == first


# --- case and layout ---------------------------------------------------------------------


def test_match_case_follows_all_lower_or_all_upper_mentions():
    assert match_case("Anna Hughes", "priya raman") == "anna hughes"
    assert match_case("Anna Hughes", "PRIYA RAMAN") == "ANNA HUGHES"
    assert match_case("Anna Hughes", "Priya raman") == "Anna Hughes"
    assert match_case("07700 900123", "oh seven") == "07700 900123"


def test_in_layout_copies_separators_and_case():
    assert in_layout("AB123456C", "qq 12 34 56 c") == "ab 12 34 56 c"
    assert in_layout("9991234567", "123-456-7890") == "999-123-4567"


# --- people ------------------------------------------------------------------------------


def test_person_aliases_share_one_surrogate_name():
    names = person({"priya raman": None, "priya": None, "raman": None})
    first, last = names["priya raman"].split()
    assert names == {"priya raman": f"{first} {last}", "priya": first, "raman": last}


def test_person_keeps_fixed_words_of_an_earlier_key():
    names = person({"priya raman": None, "priya": "Anna"})
    assert names["priya"] == "Anna"
    assert names["priya raman"].startswith("Anna ") and len(names["priya raman"].split()) == 2


def test_one_word_name_after_a_title_gets_a_surname():
    fake = seeded_faker("PERSON", 1, 0)
    surname = fake.last_name()
    assert person({"raman": None}, surnames={"raman"}) == {"raman": surname}


def test_initials_and_middle_names_keep_their_shape():
    initial, last = person({"j smith": None})["j smith"].split()
    assert len(initial) == 1 and initial.isupper() and len(last) > 1
    assert len(person({"mary ann jones": None})["mary ann jones"].split()) == 3


def test_gender_of_a_recognisable_first_name_is_kept():
    assert gender_of("Helen") == "female" and gender_of("David") == "male"
    assert gender_of("Priya") is None or gender_of("Priya") in ("female", "male")
    for number in range(1, 30):
        first = person({"helen marsh": None}, number)["helen marsh"].split()[0]
        assert gender_of(first) == "female"


# --- organisations and places ------------------------------------------------------------


def test_organisation_keeps_its_generic_words():
    assert one("ORG", "Bolton NHS Foundation Trust").endswith(" NHS Foundation Trust")
    assert one("ORG", "University of Salford").startswith("University of ")
    assert "Salford" not in one("ORG", "University of Salford")
    made_up = one("ORG", "Mind Over Matter")
    assert not {"Mind", "Over", "Matter"} & set(made_up.split())


def test_place_keeps_street_words_and_house_numbers():
    street = one("LOCATION", "12 Marsh Lane")
    assert re.fullmatch(r"\d{1,3} \S+ Lane", street) and "Marsh" not in street
    assert one("LOCATION", "Marsh Lane").endswith(" Lane")
    assert one("LOCATION", "Bolton")[0].isupper() and "Bolton" not in one("LOCATION", "Bolton")


# --- numbers, addresses, dates -----------------------------------------------------------


@settings(max_examples=60)
@given(NUMBERS, ATTEMPTS)
def test_phone_numbers_are_ofcom_drama_numbers_of_the_same_kind(number, attempt):
    assert re.fullmatch(r"07700 900\d{3}", one("PHONE", "07700 900481", number, attempt))
    assert re.fullmatch(
        r"07700 900\d{3}",
        one("PHONE", "oh seven seven double oh nine double oh four eight one", number, attempt),
    )
    assert re.fullmatch(r"\+44 7700 900\d{3}", one("PHONE", "+44 7700 900481", number, attempt))
    landline = one("PHONE", "0161 496 0732", number, attempt)
    assert landline[:-3] in LANDLINES and len(phone_digits(landline)) == 11
    assert re.fullmatch(r"08081 570\d{3}", one("PHONE", "0800 123 4567", number, attempt))
    assert re.fullmatch(r"03069 990\d{3}", one("PHONE", "0300 123 4567", number, attempt))


@settings(max_examples=60)
@given(NUMBERS, ATTEMPTS)
def test_postcodes_are_valid_in_a_fictional_area(number, attempt):
    code = one("POSTCODE", "BL1 4QR", number, attempt)
    assert POSTCODE.fullmatch(code) and code[:2] in FICTIONAL_POSTCODE_AREAS
    assert " " not in one("POSTCODE", "BL14QR", number, attempt)


@settings(max_examples=60)
@given(NUMBERS, ATTEMPTS)
def test_nhs_numbers_are_valid_test_numbers_laid_out_alike(number, attempt):
    spaced = one("NHS_NUMBER", "943 476 5919", number, attempt)
    assert re.fullmatch(r"999 \d{3} \d{4}", spaced) and nhs_checksum_ok(spaced.replace(" ", ""))
    assert re.fullmatch(r"999\d{7}", one("NHS_NUMBER", "9434765919", number, attempt))


@settings(max_examples=60)
@given(NUMBERS, ATTEMPTS)
def test_ni_numbers_have_a_valid_format(number, attempt):
    spaced = one("NI_NUMBER", "QQ 12 34 56 C", number, attempt)
    assert NI_NUMBER.fullmatch(spaced) and re.fullmatch(r"[A-Z]{2} \d\d \d\d \d\d [A-D]", spaced)
    compact = one("NI_NUMBER", "ab123456c", number, attempt)
    assert NI_NUMBER.fullmatch(compact) and compact == compact.lower() and " " not in compact


def test_email_and_url_are_at_example_org():
    assert re.fullmatch(r"[a-z]+\.[a-z]+@example\.org", one("EMAIL", "h.marsh@boltonhelp.org"))
    assert re.fullmatch(
        r"https://www\.example\.org/[a-z-]+/[a-z]+",
        one("URL", "https://www.boltonhelp.org.uk/contact"),
    )
    assert re.fullmatch(r"example\.org/[a-z-]+", one("URL", "boltonhelp.org.uk"))


@pytest.mark.parametrize(
    ("original", "pattern"),
    [
        ("14/03/2019", r"\d\d/\d\d/2019"),
        ("4/3/19", r"\d{1,2}/\d{1,2}/19"),
        ("2019-03-14", r"2019-\d\d-\d\d"),
        ("the 5th of May", r"the \d{1,2}(st|nd|rd|th) of [A-Z][a-z]+"),
        ("5 Mar 2021", r"\d{1,2} [A-Z][a-z]{2} 2021"),
        ("March the third", r"[A-Z][a-z]+ the [a-z-]+"),
        ("Tuesday 5th March", r"[A-Z][a-z]+day \d{1,2}(st|nd|rd|th) [A-Z][a-z]+"),
        ("14/03", r"\d\d/\d\d"),
    ],
)
def test_dates_keep_their_style_and_year(original, pattern):
    for number in range(1, 6):
        fake = date_like(seeded_faker("DATE", number, 0), original)
        assert re.fullmatch(pattern, fake), fake


def test_year_alone_is_shifted_and_undatable_text_has_no_surrogate():
    year = date_like(seeded_faker("DATE", 1, 0), "2019")
    assert year != "2019" and abs(int(year) - 2019) <= 3
    assert date_like(seeded_faker("DATE", 1, 0), "last Christmas") is None


def test_age_is_a_category_placeholder():
    assert one("AGE", "16") == AGE_PLACEHOLDER


# --- clash-free assignment ---------------------------------------------------------------


def test_surrogate_equal_to_an_original_is_drawn_again():
    free = assign_surrogates([SurrogateRequest("PERSON", 1, {"dave": None}, "Dave")], [])
    taken_name = free[("PERSON", "dave")]
    redrawn = assign_surrogates(
        [SurrogateRequest("PERSON", 1, {"dave": None}, "Dave")], [(taken_name, "PERSON")]
    )
    assert redrawn[("PERSON", "dave")] not in (taken_name, "Dave")


def test_surrogates_in_use_are_not_given_again():
    requests = [SurrogateRequest("LOCATION", n, {f"town{n}": None}, "Town") for n in (1, 2)]
    free = assign_surrogates(requests[:1], [])
    in_use = [(free[("LOCATION", "town1")], "LOCATION")]
    second = assign_surrogates(
        [SurrogateRequest("LOCATION", 1, {"other": None}, "Town")], [], in_use
    )
    assert second[("LOCATION", "other")] != free[("LOCATION", "town1")]


def test_people_do_not_share_first_names_or_surnames_while_names_last():
    requests = [SurrogateRequest("PERSON", n, {f"p{n} q{n}": None}, "X Y") for n in range(1, 40)]
    names = assign_surrogates(requests, [])
    words = [word for name in names.values() for word in name.split()]
    assert len(words) == len(set(words))


def test_name_words_never_equal_an_original_word():
    names = assign_surrogates(
        [SurrogateRequest("PERSON", n, {f"p{n}": None}, "P") for n in range(1, 30)],
        [("Helen Marsh", "PERSON"), ("Bolton", "LOCATION")],
    )
    assert not {"helen", "marsh", "bolton"} & {v.casefold() for v in names.values()}


def test_entities_are_served_in_number_order():
    later = SurrogateRequest("ORG", 2, {"b": None}, "B Trust")
    earlier = SurrogateRequest("ORG", 1, {"a": None}, "A Trust")
    assert assign_surrogates([later, earlier], []) == assign_surrogates([earlier, later], [])
    alone = assign_surrogates([earlier], [])
    assert alone[("ORG", "a")] == assign_surrogates([later, earlier], [])[("ORG", "a")]


def test_without_a_surrogate_the_entity_gets_a_numbered_placeholder():
    request = SurrogateRequest("DATE", 7, {"last christmas": None}, "last Christmas")
    assert assign_surrogates([request], []) == {("DATE", "last christmas"): "[DATE_7]"}


def test_kept_replacements_are_returned_unchanged():
    request = SurrogateRequest("PERSON", 2, {"dave": "Gerald", "dave smith": None}, "Dave")
    names = assign_surrogates([request], [], [("Gerald", "PERSON")])
    assert names[("PERSON", "dave")] == "Gerald"
    assert names[("PERSON", "dave smith")].startswith("Gerald ")


def test_surname_mention_follows_a_title():
    assert is_surname_mention("spoke to Dr ")
    assert is_surname_mention("and Mrs. ")
    assert not is_surname_mention("spoke to ")
    assert not is_surname_mention("Dr")
