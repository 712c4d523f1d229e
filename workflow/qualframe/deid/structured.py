"""Structured identifiers: e-mail addresses, URLs, phone numbers, postcodes, NHS and National
Insurance numbers; `find_structured` adds dates and ages (`dates`)."""

import re

import phonenumbers

from qualframe.deid.dates import find_ages, find_dates
from qualframe.deid.rules import (
    Hit,
    anchored_matches,
    digit_runs,
    hit_from_match,
    overlaps,
    word_edge,
)
from qualframe.deid.spoken import (
    find_spoken_emails_and_urls,
    find_spoken_nhs_numbers,
    find_spoken_phones,
)
from qualframe.uk import (
    NHS_CONTEXT,
    NHS_CONTEXT_WINDOW,
    NI_NUMBER,
    POSTCODE,
    nhs_checksum_ok,
)

# --- e-mail and URL ----------------------------------------------------------------------

DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@" + DOMAIN + r"\b")
COMMON_TLDS = (
    r"(?:co|org|nhs|gov|ac|ltd|plc|me|net|police|sch)\.uk|uk|com|org|net|info|io|co|eu|edu|gov"
)
URL = re.compile(
    r"\bhttps?://[^\s<>\"]+"
    r"|\bwww\.[^\s<>\"]+"
    r"|(?<![@\w.-])" + DOMAIN + r"/[^\s<>\"]*"
    r"|(?<![@\w.-])(?:[A-Za-z0-9-]+\.)+(?:" + COMMON_TLDS + r")\b(?![.-]?\w)",
    re.IGNORECASE,
)
# An address holds no white space: the words around an "@" are all EMAIL can match.
AT_SIGN = re.compile("@")
URL_TRAILING_PUNCTUATION = ".,;:!?)]}'\"’”"
# A URL never holds white space, so only tokens with a dot inside a word or "://" can
# hold one: scanning those alone is several times faster than scanning the whole text.
URL_HINT = re.compile(r"[A-Za-z0-9]\.[A-Za-z]|://")


def find_emails(text: str) -> list[Hit]:
    """Return the e-mail addresses in `text` (EMAIL, "rule:email")."""
    matches = anchored_matches(EMAIL, AT_SIGN, text, before=0, after=0)
    return [hit_from_match(m, "EMAIL", "email", 0.99) for m in matches]


def find_urls(text: str, emails: list[Hit]) -> list[Hit]:
    """Return the URLs in `text` (URL, "rule:url"), except parts of the given e-mail hits.

    Takes the text and its e-mail hits; an e-mail's domain is not a separate URL.
    Trailing sentence punctuation is left outside the span.
    """
    hits, scanned_to = [], 0
    for hint in URL_HINT.finditer(text):
        if hint.start() < scanned_to:
            continue
        start = max(text.rfind(" ", 0, hint.start()), text.rfind("\n", 0, hint.start())) + 1
        token_end = len(text)
        for space in (text.find(" ", hint.end()), text.find("\n", hint.end())):
            if space != -1:
                token_end = min(token_end, space)
        scanned_to = token_end
        for match in URL.finditer(text, start, token_end):
            start, end = match.span()
            while end > start and text[end - 1] in URL_TRAILING_PUNCTUATION:
                end -= 1
            hit = Hit(start, end, "URL", text[start:end], "rule:url", 0.95)
            if end > start and not overlaps(hit, emails):
                hits.append(hit)
    return hits


# --- phone numbers -----------------------------------------------------------------------

# The shortest possible international number (country code included) has 7 digits.
MIN_PHONE_DIGITS = 7
# Where a written number can be: a run of digits and the separators phonenumbers accepts
# between them (its own list: spaces, dashes, dots, slashes, brackets, tildes...).
PHONE_PUNCTUATION = re.escape(phonenumbers.phonenumberutil._VALID_PUNCTUATION)
DIGIT_CLUSTER = re.compile(rf"[+{PHONE_PUNCTUATION}]?\d[\d\s{PHONE_PUNCTUATION}]*")
# The DIGIT_CLUSTER matches of MIN_PHONE_DIGITS characters or more, found without
# stepping through the shorter ones (every "5" and "2019" of a transcript).
LONG_DIGIT_CLUSTER = re.compile(
    rf"[+{PHONE_PUNCTUATION}]\d[\d\s{PHONE_PUNCTUATION}]{{{MIN_PHONE_DIGITS - 2},}}"
    rf"|\d[\d\s{PHONE_PUNCTUATION}]{{{MIN_PHONE_DIGITS - 1},}}"
)


def is_plausible_phone(raw: str, number: phonenumbers.PhoneNumber) -> bool:
    """Return whether a POSSIBLE-leniency match looks like a phone number, not any digits.

    POSSIBLE is needed because phonenumbers rejects Ofcom drama numbers (07700 900xxx,
    01632 960xxx) under VALID; it also matches years and bare digit runs, so a number
    needs at least 7 digits, a national one 10-11 from a single 0, and an international
    one must start with + or 00.
    """
    digits = re.sub(r"\D", "", raw)
    if len(digits) < MIN_PHONE_DIGITS:
        return False
    national = raw.lstrip("( ")
    if national.startswith("0") and not digits.startswith("00"):
        return len(digits) in (10, 11)
    is_international = national.startswith("+") or digits.startswith("00")
    return is_international and phonenumbers.is_possible_number(number)


def find_written_phones(text: str) -> list[Hit]:
    """Return phone numbers written in digits, UK by default (PHONE, "rule:phone").

    phonenumbers reads only the words around each cluster of at least 7 digits: reading
    the whole text costs twice as much and finds nothing more.
    """
    hits, scanned_to = [], 0
    # fewer characters than MIN_PHONE_DIGITS cannot hold that many digits
    for cluster in LONG_DIGIT_CLUSTER.finditer(text):
        if cluster.start() < scanned_to:
            continue
        if sum(character.isdigit() for character in cluster.group()) < MIN_PHONE_DIGITS:
            continue
        low = word_edge(text, cluster.start(), -1)
        high = scanned_to = word_edge(text, cluster.end(), 1)
        matcher = phonenumbers.PhoneNumberMatcher(
            text[low:high], "GB", leniency=phonenumbers.Leniency.POSSIBLE
        )
        hits += [
            Hit(low + m.start, low + m.end, "PHONE", m.raw_string, "rule:phone", 0.95)
            for m in matcher
            if is_plausible_phone(m.raw_string, m.number)
        ]
    return hits


def find_phones(text: str) -> list[Hit]:
    """Return written and spoken phone numbers in `text`."""
    return find_written_phones(text) + find_spoken_phones(text)


# --- postcodes ---------------------------------------------------------------------------


def find_postcodes(text: str) -> list[Hit]:
    """Return UK postcodes, with or without the space, any case (POSTCODE, "rule:postcode")."""
    # a postcode's inward code opens with a digit run followed by a letter ("1AA")
    runs = [(start, end) for start, end in digit_runs(text) if text[end : end + 1].isalpha()]
    matches = anchored_matches(POSTCODE, runs, text, before=4, after=4)
    return [hit_from_match(m, "POSTCODE", "postcode", 0.95) for m in matches]


# --- NHS numbers -------------------------------------------------------------------------

NHS_NUMBER = re.compile(r"(?<![\d-])\d{3}([ -]?)\d{3}\1\d{4}(?![\d]|-\d)")


def has_nhs_context(text: str, start: int, end: int) -> bool:
    """Return whether talk of an NHS number ("NHS number", "nhs no.") is within
    NHS_CONTEXT_WINDOW characters of [start, end), in the same paragraph."""
    low = max(text.rfind("\n", 0, start) + 1, start - NHS_CONTEXT_WINDOW)
    newline = text.find("\n", end)
    high = min(len(text) if newline < 0 else newline, end + NHS_CONTEXT_WINDOW)
    return NHS_CONTEXT.search(text, low, high) is not None


def find_nhs_numbers(text: str, phones: list[Hit]) -> list[Hit]:
    """Return NHS numbers (NHS_NUMBER, "rule:nhs_number").

    Takes the text and its phone hits. A 10-digit number (3-3-4 or contiguous) counts
    when it passes the modulus-11 check, or whatever its check digit when an NHS number
    is talked of next to it ("…which isn't even a valid NHS number"); without that
    context, a number already read as a phone is left alone.
    """
    hits = []
    runs = [(start, end) for start, end in digit_runs(text) if end - start >= 3]  # "943"
    for match in anchored_matches(NHS_NUMBER, runs, text, before=0, after=13):
        hit = hit_from_match(match, "NHS_NUMBER", "nhs_number", 1.0)
        in_context = has_nhs_context(text, hit.start, hit.end)
        checksum = nhs_checksum_ok(re.sub(r"\D", "", hit.text))
        if in_context or (checksum and not overlaps(hit, phones)):
            # A failed check digit in an NHS context is still redacted, with less certainty.
            hits.append(hit if checksum else hit._replace(confidence=0.9))
    return hits


# --- National Insurance numbers ----------------------------------------------------------


def follows_letter_or_space(text: str, start: int) -> bool:
    """Return whether the character before `start` is a letter or a space (" ")."""
    before = text[start - 1 : start] if start else ""
    return before == " " or before.isalpha()


def find_ni_numbers(text: str) -> list[Hit]:
    """Return National Insurance numbers ("AB 12 34 56 C", "ab123456c") as NI_NUMBER hits.

    Written in capitals the format alone is near-certain; in lower case less so.
    """
    # its first pair of digits follows a letter of the prefix or a space
    runs = [(start, end) for start, end in digit_runs(text) if follows_letter_or_space(text, start)]
    return [
        hit_from_match(m, "NI_NUMBER", "ni_number", 0.95 if m.group().isupper() else 0.85)
        for m in anchored_matches(NI_NUMBER, runs, text, before=3, after=10)
    ]


def find_structured(text: str) -> list[Hit]:
    """Return every structured identifier in `text`, sorted by start and end.

    A number introduced as an NHS number is not also reported as a phone number.
    """
    emails = find_emails(text)
    phones = find_phones(text)
    nhs_numbers = find_nhs_numbers(text, phones) + find_spoken_nhs_numbers(text)
    phones = [phone for phone in phones if not overlaps(phone, nhs_numbers)]
    hits = (
        emails
        + find_urls(text, emails)
        + find_spoken_emails_and_urls(text)
        + phones
        + nhs_numbers
        + find_ni_numbers(text)
        + find_postcodes(text)
        + find_dates(text)
        + find_ages(text)
    )
    return sorted(hits, key=lambda hit: (hit.start, hit.end))
