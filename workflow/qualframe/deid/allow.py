"""The default allow-list and the normalisation that decides when two mentions are one entity.

National bodies, programmes and interview furniture are not identifiers (see the gold
standard in resources/demo/annotated/README.md), so they are never redacted.
"""

import functools
import re
from collections.abc import Iterable

from qualframe.deid.places import broad_place_names
from qualframe.deid.spoken import spoken_digits
from qualframe.text.canonical import canonical_text
from qualframe.uk import MONTHS, RANK_ALTERNATIVES, TITLE_ALTERNATIVES, WEEKDAYS

# National bodies, programmes and services, nations, public holidays and everyday
# platforms: naming one identifies no one. A detection inside one of these ("Schwartz"
# in "Schwartz Rounds") is dropped too.
NATIONAL_TERMS = (
    "NHS",
    "NHS England",
    "NHS Improvement",
    "NHS 111",
    "CQC",
    "Care Quality Commission",
    "Department of Health",
    "Department of Health and Social Care",
    "Home Office",
    "Public Health England",
    "UK Health Security Agency",
    "Health Education England",
    "NICE",
    "ICB",
    "ICS",
    "CCG",
    "Department for Work and Pensions",
    "DWP",
    "HMRC",
    "Universal Credit",
    "National Insurance",
    "National Insurance number",
    "NI number",
    "Right Care, Right Person",
    "Right Care Right Person",
    "Mind",
    "Rethink Mental Illness",
    "Samaritans",
    "Shout",
    "Citizens Advice",
    "Mental Health Act",
    "Mental Capacity Act",
    "Section 135",
    "Section 136",
    "Crisis Care Concordat",
    "Five Year Forward View",
    "Long Term Plan",
    "Schwartz Rounds",
    "A&E",
    "GP",
    "GPs",
    "CAMHS",
    "IAPT",
    "AMHP",
    "AMHPs",
    "111",
    "999",
    "police",
    "ambulance service",
    "council",
    "COVID",
    "COVID-19",
    "coronavirus",
    "CCTV",
    "Zoom",
    "Microsoft Teams",
    "Teams",
    "WhatsApp",
    "Facebook",
    "Twitter",
    "Google",
    "England",
    "Scotland",
    "Wales",
    "Northern Ireland",
    "UK",
    "United Kingdom",
    "Britain",
    "Great Britain",
)
HOLIDAYS = (
    "Christmas",
    "Christmas Day",
    "Christmas Eve",
    "Boxing Day",
    "New Year",
    "New Year's Day",
    "New Year's Eve",
    "Easter",
    "Valentine's Day",
    "Bank Holiday",
    "Ramadan",
    "Eid",
    "Diwali",
)
DEFAULT_ALLOW_LIST = (
    *NATIONAL_TERMS,
    *broad_place_names(),
    *WEEKDAYS,
    *MONTHS,
    *HOLIDAYS,
    "Interviewer",
    "Participant",
)

TITLE = r"(?:(?i:" + TITLE_ALTERNATIVES + r")|" + RANK_ALTERNATIVES + r")\.?"
ALPHANUMERIC_TYPES = ("PHONE", "NHS_NUMBER", "POSTCODE")
POSSESSIVE_TYPES = ("PERSON", "ORG", "LOCATION")

TITLE_PREFIX = re.compile(r"^(?:" + TITLE + r"\s+)+")
TITLE_WORD = re.compile(TITLE)
POSSESSIVE_SUFFIX = re.compile(r"(?:'s|(?<=s)')$", re.IGNORECASE)
QUOTES = "\"'“”‘’«»"
LEADING_ARTICLE = re.compile(r"^the\s+")


def straighten_apostrophes(text: str) -> str:
    """Return `text` with curly single quotes replaced by a straight apostrophe."""
    return text.replace("’", "'").replace("‘", "'")


def is_title(word: str) -> bool:
    """Return whether `word` is a UK title or police rank ("Dr", "mrs.", "PC")."""
    return TITLE_WORD.fullmatch(word) is not None


def strip_title(text: str) -> str:
    """Return `text` without leading UK titles ("Dr", "Mrs.", "Cllr"), unless nothing is left."""
    stripped = TITLE_PREFIX.sub("", text)
    return stripped if stripped else text


def strip_possessive(text: str) -> str:
    """Return `text` without a trailing possessive ('s, or the apostrophe of s')."""
    return POSSESSIVE_SUFFIX.sub("", text)


def phone_digits(text: str) -> str:
    """Return the dialable digits of a written or spoken phone number, +44 as a leading 0."""
    digits = spoken_digits(text) or re.sub(r"\D", "", text)
    if text.lstrip().startswith("+44") or digits.startswith("0044"):
        digits = "0" + digits.removeprefix("00").removeprefix("44").removeprefix("0")
    return digits


@functools.lru_cache(maxsize=65536)  # pure, and called for every mention
def normalise_entity(text: str, entity_type: str | None) -> str:
    """Return the key under which `text` of `entity_type` counts as one entity.

    Takes a mention as written and its entity type (None for an allow-list term);
    returns it casefolded with whitespace collapsed and surrounding quotes removed,
    without a possessive (people, organisations, places) or titles (people). Phone
    numbers, NHS numbers and postcodes keep only their letters and digits, phone numbers
    as digits, so "0161 496 0732" and "01614960732" are one entity. The key is taken from
    the canonical view (`canonical_text`), so a disguised spelling ("Fake\u200bley") is the
    same entity.
    """
    text = canonical_text(text)
    if entity_type == "PHONE":
        return phone_digits(text)
    if entity_type in ALPHANUMERIC_TYPES:
        return re.sub(r"[^0-9a-z]", "", text.casefold())
    key = " ".join(straighten_apostrophes(text).split()).strip(QUOTES + " ")
    if entity_type in (*POSSESSIVE_TYPES, None):
        key = strip_possessive(key).strip(QUOTES + " ")
    if entity_type == "PERSON":
        key = strip_title(key)  # before casefolding: ranks are told from names by case
    return key.casefold()


def normalise_allow_list(allow_list: Iterable[str]) -> frozenset[str]:
    """Return the set of normalised keys of the allow-list terms, ready for `is_allowed`."""
    return frozenset(normalise_entity(term, None) for term in allow_list if str(term).strip())


def is_allowed(text: str, entity_type: str, allowed: frozenset[str]) -> bool:
    """Return whether a mention is on the normalised allow-list.

    Takes the mention, its entity type and the output of `normalise_allow_list`. A
    leading "the" is ignored so "the police" is allowed by "police".
    """
    return not allow_keys(text, entity_type).isdisjoint(allowed)


@functools.lru_cache(maxsize=65536)  # pure, and called for every mention
def allow_keys(text: str, entity_type: str) -> frozenset[str]:
    """Return the keys under which `is_allowed` looks a mention up: its normalised text
    as its type and as an allow-list term, each also without a leading "the"."""
    keys = {normalise_entity(text, entity_type), normalise_entity(text, None)}
    return frozenset(keys | {LEADING_ARTICLE.sub("", key) for key in keys})


def parse_allow_list(text: str) -> list[str]:
    """The terms of a study allow-list file: one a line, blank lines and lines starting
    with # skipped."""
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]
