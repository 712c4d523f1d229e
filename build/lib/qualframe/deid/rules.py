"""Structured identifiers found by pattern: e-mail, URL, phone, postcode, NHS number, date.

Every finder takes the normalised text of one transcript and returns a list of `Hit`s
with Python str offsets (end exclusive) and a detector name "rule:<kind>".
"""

import re
from typing import NamedTuple

import phonenumbers


class Hit(NamedTuple):
    """One candidate identifier: span, entity type, the text of the span and who found it."""

    start: int
    end: int
    entity_type: str
    text: str
    detector: str


def hit_from_match(match: re.Match, entity_type: str, kind: str, group: int = 0) -> Hit:
    """Return the `Hit` for `group` of a regular-expression match."""
    start, end = match.span(group)
    return Hit(start, end, entity_type, match.string[start:end], f"rule:{kind}")


def overlaps(hit: Hit, others: list[Hit]) -> bool:
    """Return whether `hit` shares at least one character with any of `others`."""
    return any(hit.start < other.end and other.start < hit.end for other in others)


# --- e-mail and URL ----------------------------------------------------------------------

DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@" + DOMAIN + r"\b")
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
URL_TRAILING_PUNCTUATION = ".,;:!?)]}'\"’”"


def find_emails(text: str) -> list[Hit]:
    """Return the e-mail addresses in `text` (EMAIL, "rule:email")."""
    return [hit_from_match(m, "EMAIL", "email") for m in EMAIL.finditer(text)]


def find_urls(text: str, emails: list[Hit]) -> list[Hit]:
    """Return the URLs in `text` (URL, "rule:url"), except parts of the given e-mail hits.

    Takes the text and its e-mail hits; an e-mail's domain is not a separate URL.
    Trailing sentence punctuation is left outside the span.
    """
    hits = []
    for match in URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in URL_TRAILING_PUNCTUATION:
            end -= 1
        hit = Hit(start, end, "URL", text[start:end], "rule:url")
        if end > start and not overlaps(hit, emails):
            hits.append(hit)
    return hits


# --- phone numbers -----------------------------------------------------------------------

DIGIT_WORDS = {
    "oh": "0",
    "o": "0",
    "zero": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
REPEATERS = {"double": 2, "treble": 3, "triple": 3}
DIGIT_WORD = r"(?:" + "|".join(sorted(DIGIT_WORDS, key=len, reverse=True)) + r")"
SPOKEN_TOKEN = r"(?:(?:double|treble|triple)[\s-]+" + DIGIT_WORD + r"|" + DIGIT_WORD + r")"
SPOKEN_TOKEN_RE = re.compile(r"\b" + SPOKEN_TOKEN + r"\b", re.IGNORECASE)
SPOKEN_RUN = re.compile(
    r"\b" + SPOKEN_TOKEN + r"(?:[\s,-]+" + SPOKEN_TOKEN + r")+\b", re.IGNORECASE
)
SPOKEN_PHONE_DIGITS = (10, 11)


def token_digits(token: str) -> str:
    """Return the digits one spoken token stands for ("double oh" -> "00", "seven" -> "7")."""
    words = token.casefold().replace("-", " ").split()
    repeat = REPEATERS.get(words[0], 1)
    return DIGIT_WORDS[words[-1]] * repeat


def spoken_digits(text: str) -> str | None:
    """Return the digits spelled by `text` if it consists only of spoken digit tokens.

    "oh seven seven double oh" -> "07700"; anything else (including written digits)
    returns None.
    """
    tokens = list(SPOKEN_TOKEN_RE.finditer(text))
    rest = SPOKEN_TOKEN_RE.sub("", text)
    if not tokens or re.sub(r"[\s,-]", "", rest):
        return None
    return "".join(token_digits(t.group()) for t in tokens)


def phone_spans_in_run(tokens: list[re.Match]) -> list[tuple[int, int]]:
    """Return (first, last) token indices of the spoken phone numbers in a run of tokens.

    A number starts at a token spelling a leading 0 and is the longest stretch of
    tokens spelling 10 or 11 digits; the search resumes after it.
    """
    spans, first = [], 0
    while first < len(tokens):
        digits, best = "", None
        if token_digits(tokens[first].group()).startswith("0"):
            for last in range(first, len(tokens)):
                digits += token_digits(tokens[last].group())
                if len(digits) in SPOKEN_PHONE_DIGITS:
                    best = last
                if len(digits) > max(SPOKEN_PHONE_DIGITS):
                    break
        if best is None:
            first += 1
        else:
            spans.append((first, best))
            first = best + 1
    return spans


def find_spoken_phones(text: str) -> list[Hit]:
    """Return phone numbers spoken as digit words (PHONE, "rule:phone_spoken").

    "oh seven seven double oh, nine double oh, one two three" spells 07700900123: a
    number is 10-11 digits starting with 0, words separated by spaces, commas or hyphens.
    """
    hits = []
    for run in SPOKEN_RUN.finditer(text):
        tokens = list(SPOKEN_TOKEN_RE.finditer(text, run.start(), run.end()))
        for first, last in phone_spans_in_run(tokens):
            start, end = tokens[first].start(), tokens[last].end()
            hits.append(Hit(start, end, "PHONE", text[start:end], "rule:phone_spoken"))
    return hits


def is_plausible_phone(raw: str, number: phonenumbers.PhoneNumber) -> bool:
    """Return whether a POSSIBLE-leniency match looks like a phone number, not any digits.

    POSSIBLE is needed because phonenumbers rejects Ofcom drama numbers (07700 900xxx,
    01632 960xxx) under VALID; it also matches years and bare digit runs, so a national
    number must be 10-11 digits from a single 0, and an international one must start
    with + or 00.
    """
    digits = re.sub(r"\D", "", raw)
    national = raw.lstrip("( ")
    if national.startswith("0") and not digits.startswith("00"):
        return len(digits) in (10, 11)
    is_international = national.startswith("+") or digits.startswith("00")
    return is_international and phonenumbers.is_possible_number(number)


def find_written_phones(text: str) -> list[Hit]:
    """Return phone numbers written in digits, UK by default (PHONE, "rule:phone")."""
    matcher = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    return [
        Hit(m.start, m.end, "PHONE", m.raw_string, "rule:phone")
        for m in matcher
        if is_plausible_phone(m.raw_string, m.number)
    ]


def find_phones(text: str) -> list[Hit]:
    """Return written and spoken phone numbers in `text`."""
    return find_written_phones(text) + find_spoken_phones(text)


# --- postcodes ---------------------------------------------------------------------------

# The official UK pattern (outward code, optional space, inward code), any case.
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?|[0-9][A-HJKPS-UW])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)


def find_postcodes(text: str) -> list[Hit]:
    """Return UK postcodes, with or without the space, any case (POSTCODE, "rule:postcode")."""
    return [hit_from_match(m, "POSTCODE", "postcode") for m in POSTCODE.finditer(text)]


# --- NHS numbers -------------------------------------------------------------------------

NHS_NUMBER = re.compile(r"(?<![\d-])\d{3}([ -]?)\d{3}\1\d{4}(?![\d]|-\d)")
NHS_CONTEXT = re.compile(r"\bNHS\s+(?:number|no\b)", re.IGNORECASE)
NHS_CONTEXT_WINDOW = 40


def nhs_checksum_ok(digits: str) -> bool:
    """Return whether 10 digits pass the NHS modulus-11 check (weights 10..2, 11 -> 0)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def has_nhs_context(text: str, start: int) -> bool:
    """Return whether "NHS number" or "NHS no" is written shortly before offset `start`."""
    return NHS_CONTEXT.search(text, max(0, start - NHS_CONTEXT_WINDOW), start) is not None


def find_nhs_numbers(text: str, phones: list[Hit]) -> list[Hit]:
    """Return NHS numbers (NHS_NUMBER, "rule:nhs_number").

    Takes the text and its phone hits. A 10-digit number (3-3-4 or contiguous) counts
    when it passes the modulus-11 check, or whatever its check digit when "NHS number"
    precedes it; without that context, a number already read as a phone is left alone.
    """
    hits = []
    for match in NHS_NUMBER.finditer(text):
        hit = hit_from_match(match, "NHS_NUMBER", "nhs_number")
        in_context = has_nhs_context(text, hit.start)
        checksum = nhs_checksum_ok(re.sub(r"\D", "", hit.text))
        if in_context or (checksum and not overlaps(hit, phones)):
            hits.append(hit)
    return hits


# --- dates -------------------------------------------------------------------------------

ORDINAL_UNITS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
ORDINAL_WORD = (
    r"(?:(?:twenty|thirty)[\s-]?(?:" + ORDINAL_UNITS + r")"
    r"|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth"
    r"|eighteenth|nineteenth|twentieth|thirtieth|" + ORDINAL_UNITS + r")"
)
DAY_NUMBER = r"(?:3[01]|[12][0-9]|0?[1-9])"
DAY_ORDINAL = r"(?:" + DAY_NUMBER + r"(?:st|nd|rd|th)|" + ORDINAL_WORD + r")"
# "May" must be capitalised: lower-case "may" is far more often the verb.
MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|(?-i:May|MAY)|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
YEAR = r"(?:1[89][0-9]{2}|20[0-9]{2})"
DAY_MONTH = (
    r"\b(?:" + DAY_ORDINAL + r"|" + DAY_NUMBER + r")\s+(?:of\s+)?" + MONTH + r"\b"
    r"(?:,?\s+" + YEAR + r"\b)?"
)
MONTH_DAY = (
    r"\b" + MONTH + r"\s+(?:(?:the\s+)?" + DAY_ORDINAL + r"\b(?:,?\s+" + YEAR + r"\b)?"
    r"|the\s+" + DAY_NUMBER + r"\b(?:,?\s+" + YEAR + r"\b)?"
    r"|" + DAY_NUMBER + r",?\s+" + YEAR + r"\b)"
)
WORDED_DATE = re.compile(DAY_MONTH + r"|" + MONTH_DAY, re.IGNORECASE)
NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?:\d{4}|\d{2})"
    r"(?![\d/-]|\.\d)"
    r"|(?<![\d/.-])\d{4}-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})(?![\d-])"
)


def is_calendar_day(day: str | None, month: str | None) -> bool:
    """Return whether day and month strings are a possible day (1-31) and month (1-12)."""
    return day is not None and month is not None and 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def find_numeric_dates(text: str) -> list[Hit]:
    """Return dates written in digits, day first ("14/03/2019", "14-03-19") or ISO."""
    hits = []
    for match in NUMERIC_DATE.finditer(text):
        day = match.group("day") or match.group("iso_day")
        month = match.group("month") or match.group("iso_month")
        if is_calendar_day(day, month):
            hits.append(hit_from_match(match, "DATE", "date"))
    return hits


def find_worded_dates(text: str) -> list[Hit]:
    """Return dates naming a day and a month ("5th May 2021", "March the 3rd").

    A month or year alone is not a specific date and is not matched; a leading "the"
    and a weekday stay outside the span.
    """
    return [hit_from_match(m, "DATE", "date") for m in WORDED_DATE.finditer(text)]


def find_dates(text: str) -> list[Hit]:
    """Return specific dates (DATE, "rule:date")."""
    return find_numeric_dates(text) + find_worded_dates(text)


def find_structured(text: str) -> list[Hit]:
    """Return every structured identifier in `text`, sorted by start and end.

    A number introduced as an NHS number is not also reported as a phone number.
    """
    emails = find_emails(text)
    phones = find_phones(text)
    nhs_numbers = find_nhs_numbers(text, phones)
    phones = [phone for phone in phones if not overlaps(phone, nhs_numbers)]
    hits = (
        emails
        + find_urls(text, emails)
        + phones
        + nhs_numbers
        + find_postcodes(text)
        + find_dates(text)
    )
    return sorted(hits, key=lambda hit: (hit.start, hit.end))
