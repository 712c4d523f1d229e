"""Identifiers found by pattern.

Structured identifiers (e-mail, URL, phone, postcode, NHS and National Insurance
numbers, dates, ages) and names recognisable by their shape (a name after a title, an
organisation or place ending in "Trust", "Council", "Road"…, an unfamiliar capitalised
word). Every finder takes the normalised text of one transcript and returns a list of
`Hit`s with Python str offsets (end exclusive), a detector name "rule:<kind>" and a
confidence in [0, 1].
"""

import bisect
import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

import phonenumbers

from qualframe.deid.words import (
    ABBREVIATED_TITLES,
    ACRONYMS,
    RANKS,
    WORD_TITLES,
    is_common_proper_noun,
    is_english_word,
    is_function_word,
    is_sentence_start,
)


class Hit(NamedTuple):
    """One candidate identifier: span, entity type, its text, who found it, how sure."""

    start: int
    end: int
    entity_type: str
    text: str
    detector: str
    confidence: float = 1.0


def hit_from_match(
    match: re.Match, entity_type: str, kind: str, confidence: float, group: int = 0
) -> Hit:
    """Return the `Hit` for `group` of a regular-expression match."""
    start, end = match.span(group)
    return Hit(start, end, entity_type, match.string[start:end], f"rule:{kind}", confidence)


def overlaps(hit: Hit, others: list[Hit]) -> bool:
    """Return whether `hit` shares at least one character with any of `others`."""
    return any(hit.start < other.end and other.start < hit.end for other in others)


SPACE = re.compile(r"\s")  # str.isspace() characters


def word_edge(text: str, index: int, step: int, floor: int = 0) -> int:
    """Return the nearest whitespace position (or text edge) from `index` in direction `step`.

    Forwards, the offset of the first whitespace at or after `index`; backwards, the
    offset just after the last whitespace before `index`, not looking before `floor`.
    """
    if not 0 < index < len(text):
        return max(0, min(len(text), index))
    if step > 0:
        space = SPACE.search(text, index)
        return space.start() if space else len(text)
    floor = min(floor, index)
    edge = max(text.rfind(" ", floor, index), text.rfind("\n", floor, index), floor - 1) + 1
    while (space := SPACE.search(text, edge, index)) is not None:  # a tab, a no-break space…
        edge = space.end()
    return edge


def anchored_matches(
    pattern: re.Pattern,
    anchors: re.Pattern | list[tuple[int, int]],
    text: str,
    before: int,
    after: int,
) -> list[re.Match]:
    """Return the matches of `pattern` that contain an anchor, sorted by start.

    A fast path for patterns that always contain something rare (a digit, a month name,
    "years old"): `pattern` is tried only in a window of `before`/`after` characters
    around each anchor, widened to whole words. `anchors` is a pattern or a list of
    (start, end) spans already found.
    """
    if isinstance(anchors, re.Pattern):
        anchors = [hint.span() for hint in anchors.finditer(text)]
    found: dict[tuple[int, int], re.Match] = {}
    for low, high, group in anchor_windows(sorted(anchors), text, before, after):
        starts = [start for start, _ in group]
        for match in pattern.finditer(text, low, high):
            # the anchors starting inside the match: one must also end inside it
            first = bisect.bisect_left(starts, match.start())
            last = bisect.bisect_right(starts, match.end())
            if any(end <= match.end() for _, end in group[first:last]):
                found.setdefault(match.span(), match)
    return sorted(found.values(), key=lambda match: match.start())


def anchor_windows(
    anchors: list[tuple[int, int]], text: str, before: int, after: int
) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Return (low, high, anchors) windows: each anchor's span widened by `before` and
    `after` characters and then to whole words, overlapping windows merged into one.

    Merging keeps the work linear: in one long token (a 1 MB string of "a@a@…") every
    anchor's window would be the whole token, searched once per anchor.
    """
    windows: list[tuple[int, int, list[tuple[int, int]]]] = []
    for hint_start, hint_end in anchors:
        if windows and hint_start - before <= windows[-1][1]:
            low, high, group = windows[-1]
            group.append((hint_start, hint_end))
            if hint_end + after > high:
                windows[-1] = (low, word_edge(text, hint_end + after, 1), group)
            continue
        low = word_edge(text, hint_start - before, -1, floor=windows[-1][1] if windows else 0)
        windows.append((low, word_edge(text, hint_end + after, 1), [(hint_start, hint_end)]))
    return windows


DIGIT_RUN = re.compile(r"\d+")


@functools.lru_cache(maxsize=4)  # asked by several finders for the same text in turn
def digit_runs(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of every run of digits in `text`: the anchors of numeric rules."""
    return [match.span() for match in DIGIT_RUN.finditer(text)]


def word_start_pattern(words: Iterable[str]) -> str:
    """Return a regular expression matching any of `words` at the start of a word, any case.

    Python's re skips quickly through a text only to a character of a case-sensitive set
    that opens the pattern; an alternation under IGNORECASE after `\\b` is tried at every
    position, several times slower. So the pattern opens with the words' first letters
    in both cases, checks by look-behind that the letter starts a word, and then, by the
    letter, matches the rest of one of the words (longest first) case-insensitively.
    """
    by_letter: dict[str, list[str]] = {}
    for word in sorted({word.lower() for word in words}, key=lambda word: (-len(word), word)):
        by_letter.setdefault(word[0], []).append(re.escape(word[1:]))
    letters = "".join(sorted(by_letter)) + "".join(sorted(by_letter)).upper()
    branches = "|".join(
        f"(?<=[{letter}{letter.upper()}])(?i:{'|'.join(rests)})"
        for letter, rests in sorted(by_letter.items())
    )
    return f"[{letters}](?<!\\w\\w)(?:{branches})"


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


# Every spoken number starts with a token spelling 0 ("oh", "double oh"…).
SPOKEN_ZERO = re.compile(word_start_pattern(["oh", "o", "zero", "nought", *REPEATERS]) + r"\b")


def find_spoken_phones(text: str) -> list[Hit]:
    """Return phone numbers spoken as digit words (PHONE, "rule:phone_spoken").

    "oh seven seven double oh, nine double oh, one two three" spells 07700900123: a
    number is 10-11 digits starting with 0, words separated by spaces, commas or hyphens.
    Only runs of digit words from a token that can spell 0 are read: tokens before it
    in a run cannot start a number.
    """
    hits, scanned_to = [], 0
    for hint in SPOKEN_ZERO.finditer(text):
        run = SPOKEN_RUN.match(text, hint.start()) if hint.start() >= scanned_to else None
        if run is None:
            continue
        scanned_to = run.end()
        tokens = list(SPOKEN_TOKEN_RE.finditer(text, run.start(), run.end()))
        for first, last in phone_spans_in_run(tokens):
            start, end = tokens[first].start(), tokens[last].end()
            hits.append(Hit(start, end, "PHONE", text[start:end], "rule:phone_spoken", 0.9))
    return hits


# The shortest possible international number (country code included) has 7 digits.
MIN_PHONE_DIGITS = 7
# Where a written number can be: a run of digits and the separators phonenumbers accepts
# between them (its own list: spaces, dashes, dots, slashes, brackets, tildes...).
PHONE_PUNCTUATION = re.escape(phonenumbers.phonenumberutil._VALID_PUNCTUATION)
DIGIT_CLUSTER = re.compile(rf"[+{PHONE_PUNCTUATION}]?\d[\d\s{PHONE_PUNCTUATION}]*")


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
    for cluster in DIGIT_CLUSTER.finditer(text):
        digits = sum(character.isdigit() for character in cluster.group())
        if cluster.start() < scanned_to or digits < MIN_PHONE_DIGITS:
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

# The official UK pattern (outward code, optional space, inward code), any case.
POSTCODE = re.compile(
    r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?|[0-9][A-HJKPS-UW])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)


def find_postcodes(text: str) -> list[Hit]:
    """Return UK postcodes, with or without the space, any case (POSTCODE, "rule:postcode")."""
    matches = anchored_matches(POSTCODE, digit_runs(text), text, before=4, after=4)
    return [hit_from_match(m, "POSTCODE", "postcode", 0.95) for m in matches]


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
    for match in anchored_matches(NHS_NUMBER, digit_runs(text), text, before=0, after=13):
        hit = hit_from_match(match, "NHS_NUMBER", "nhs_number", 1.0)
        in_context = has_nhs_context(text, hit.start)
        checksum = nhs_checksum_ok(re.sub(r"\D", "", hit.text))
        if in_context or (checksum and not overlaps(hit, phones)):
            # A failed check digit in an NHS context is still redacted, with less certainty.
            hits.append(hit if checksum else hit._replace(confidence=0.9))
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
# After an ordinal day ("22nd may", "the fifth of may"), or between a day and a year
# ("5 may 2021"), "may" is the month in any case.
ORDINAL_MAY = (
    r"\b(?:" + DAY_ORDINAL + r"\s+(?:of\s+)?may\b(?:,?\s+" + YEAR + r"\b)?"
    r"|" + DAY_NUMBER + r"\s+may,?\s+" + YEAR + r"\b)"
)
WORDED_DATE = re.compile(DAY_MONTH + r"|" + MONTH_DAY + r"|" + ORDINAL_MAY, re.IGNORECASE)
MONTH_WORDS = (
    "january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
MONTH_WORD = re.compile(word_start_pattern(MONTH_WORDS) + r"\b")
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
    for match in anchored_matches(NUMERIC_DATE, digit_runs(text), text, before=6, after=8):
        day = match.group("day") or match.group("iso_day")
        month = match.group("month") or match.group("iso_month")
        if is_calendar_day(day, month):
            hits.append(hit_from_match(match, "DATE", "date", 0.95))
    return hits


def find_worded_dates(text: str) -> list[Hit]:
    """Return dates naming a day and a month ("5th May 2021", "March the 3rd").

    A month or year alone is not a specific date and is not matched; a leading "the"
    and a weekday stay outside the span.
    """
    matches = anchored_matches(WORDED_DATE, MONTH_WORD, text, before=40, after=30)
    return [hit_from_match(m, "DATE", "date", 0.95) for m in matches]


def find_dates(text: str) -> list[Hit]:
    """Return specific dates (DATE, "rule:date")."""
    return find_numeric_dates(text) + find_worded_dates(text)


# --- National Insurance numbers ----------------------------------------------------------

# Two prefix letters (never D, F, I, Q, U or V; O never second; BG, GB, KN, NK, NT, TN
# and ZZ unused), six digits in pairs, a suffix A-D; spaces optional, any case.
NI_NUMBER = re.compile(
    r"\b(?!(?:BG|GB|KN|NK|NT|TN|ZZ))[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"(?: ?[0-9]{2}){3} ?[A-D]\b",
    re.IGNORECASE,
)


def find_ni_numbers(text: str) -> list[Hit]:
    """Return National Insurance numbers ("AB 12 34 56 C", "ab123456c") as NI_NUMBER hits.

    Written in capitals the format alone is near-certain; in lower case less so.
    """
    return [
        hit_from_match(m, "NI_NUMBER", "ni_number", 0.95 if m.group().isupper() else 0.85)
        for m in anchored_matches(NI_NUMBER, digit_runs(text), text, before=3, after=10)
    ]


# --- ages --------------------------------------------------------------------------------

UNIT_WORDS = "one|two|three|four|five|six|seven|eight|nine"
TENS_WORDS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
TEEN_WORDS = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
AGE_VALUE = (
    r"(?:1[01][0-9]|[1-9]?[0-9]"
    r"|(?:" + TENS_WORDS + r")(?:[\s-](?:" + UNIT_WORDS + r"))?"
    r"|" + TEEN_WORDS + r"|" + UNIT_WORDS + r")"
)
# "a 15-year-old", "sixteen years old": the phrase makes the number an age.
AGE_YEARS_OLD = re.compile(r"\b(" + AGE_VALUE + r")[\s-]years?[\s-]old\b", re.IGNORECASE)
YEARS_OLD = re.compile(r"years?[\s-]old\b", re.IGNORECASE)
# "aged 34", "age 16", "at the age of nine".
AGE_AGED = re.compile(r"\b(?:aged?|age\s+of)\s+(" + AGE_VALUE + r")\b(?![.,]?\d)", re.IGNORECASE)
# The number must end the clause, so "we were 12 staff" and "it's 5 minutes" are no ages.
AGE_END = (
    r"(?:\s+years?\s+old)?"
    r"(?=\s*(?:[.,;:!?)\]\"”]|$|-\s|\s+(?:and|but|so|when|then|now|at\s+the\s+time|or\s+so"
    r"|in\s+(?:19|20)[0-9]{2}|i|he|she|they|we|you)\b))"
)
BE_OR_TURN = (
    r"(?:'s|’s|\s+is|\s+was|\s+turned|\s+turns|\s+had\s+just\s+turned|\s+(?:will|would)\s+be)"
)
HEDGE = r"(?:only\s+|just\s+|nearly\s+|almost\s+|barely\s+|about\s+)?"
# "she's 16", "he was seventeen", "I was 15 when", "my son is nine".
AGE_PERSON_IS = re.compile(
    r"\b(?:she|he|i|you|they|(?:my|his|her|their|our)\s+(?:son|daughter|child|kid|boy|girl"
    r"|brother|sister|mum|mother|dad|father|partner|wife|husband|friend))"
    r"(?:" + BE_OR_TURN + r"|'m|’m|'re|’re|\s+were|\s+am|\s+are|'ll\s+be|'d\s+be)"
    r"\s+" + HEDGE + r"(" + AGE_VALUE + r")" + AGE_END,
    re.IGNORECASE,
)
# "Dale is seventy-five now", "our oldest regular is 66": a name or the oldest/youngest.
AGE_NAMED_IS = re.compile(
    r"(?:\b(?-i:(?!(?:It|That|This|There|Here|What|Which|Who|Where|She|He|They|We|You)\b)"
    r"[A-Z][a-z]+)"
    r"|\b(?:oldest|youngest)\s+[a-z]+)"
    + BE_OR_TURN
    + r"\s+"
    + HEDGE
    + r"("
    + AGE_VALUE
    + r")"
    + AGE_END,
    re.IGNORECASE,
)
# Where a number that ends a clause begins: the anchor of AGE_PERSON_IS and AGE_NAMED_IS.
NUMBER_WORD = re.compile(
    word_start_pattern("|".join([UNIT_WORDS, TENS_WORDS, TEEN_WORDS]).split("|"))
)
AGE_TAIL = re.compile(AGE_VALUE + AGE_END, re.IGNORECASE)
AGE_PREFIX_WIDTH = 60  # "their daughter had just turned nearly " with room to spare
AGE_SUFFIX_WIDTH = 40  # " years old at the time" with room to spare


def age_tails(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of every number, in digits or words, that ends a clause."""
    starts = sorted(
        {start for start, _ in digit_runs(text)} | {m.start() for m in NUMBER_WORD.finditer(text)}
    )
    return [match.span() for start in starts if (match := AGE_TAIL.match(text, start))]


def find_ages(text: str) -> list[Hit]:
    """Return ages of people as AGE hits covering the number ("16" in "she's 16").

    "a 15-year-old" and "aged 34" are near-certain; "he was seventeen" and "Marek is
    seventy-five now" less so.
    """
    years_old = anchored_matches(AGE_YEARS_OLD, YEARS_OLD, text, before=20, after=0)
    hits = [hit_from_match(m, "AGE", "age", 0.95, group=1) for m in years_old]
    hits += [hit_from_match(m, "AGE", "age", 0.9, group=1) for m in AGE_AGED.finditer(text)]
    tails = age_tails(text)
    for pattern, confidence in ((AGE_PERSON_IS, 0.7), (AGE_NAMED_IS, 0.6)):
        matches = anchored_matches(pattern, tails, text, AGE_PREFIX_WIDTH, AGE_SUFFIX_WIDTH)
        hits += [hit_from_match(m, "AGE", "age", confidence, group=1) for m in matches]
    best: dict[tuple[int, int], Hit] = {}
    for hit in hits:  # "he's 16 years old" is found twice: keep the surer reading
        kept = best.get((hit.start, hit.end))
        if kept is None or hit.confidence > kept.confidence:
            best[(hit.start, hit.end)] = hit
    return sorted(best.values())


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
        + find_ni_numbers(text)
        + find_postcodes(text)
        + find_dates(text)
        + find_ages(text)
    )
    return sorted(hits, key=lambda hit: (hit.start, hit.end))


# --- names by their shape ----------------------------------------------------------------
# These read capitals, so on a lower-case auto-transcript they run on a case-restored copy
# (`words.restore_case`), whose offsets are those of the original.

TITLE_BEFORE_NAME = (
    r"(?:(?=[A-Z])(?i:"
    + "|".join(sorted(ABBREVIATED_TITLES + WORD_TITLES, key=len, reverse=True))
    + r")\.?|(?:"
    + "|".join(sorted(RANKS, key=len, reverse=True))
    + r")\b)"
)
NAME_WORD = r"[A-Z][\w'’]*(?:-[A-Za-z][\w'’]*)*"
INITIALS = r"(?:[A-Z](?:\.\s*|\s+))*"
TITLED_NAME = re.compile(
    r"\b" + TITLE_BEFORE_NAME + r"\s+(" + INITIALS + NAME_WORD + r"(?:\s+" + NAME_WORD + r")?)"
)
POSSESSIVE_END = re.compile(r"(?:['’][sS]?)$")


def name_words_end(text: str, start: int, end: int) -> int:
    """Return where a titled name in text[start:end] ends.

    A trailing word that is a function word ("Dr Quist And…") is dropped, and a
    possessive ("Dr Quist's") is left outside.
    """
    words = list(re.finditer(r"\S+", text[start:end]))
    while len(words) > 1 and is_function_word(words[-1].group()):
        words.pop()
    end = start + words[-1].end()
    possessive = POSSESSIVE_END.search(text, start, end)
    return possessive.start() if possessive and possessive.start() > start else end


def find_titled_names(text: str) -> list[Hit]:
    """Return names after a UK title, with or without a full stop (PERSON, "rule:title").

    "Dr Nadia Quist", "Cllr B Orme", "Sgt. O'Neill", "DI Varley": the span is the name
    with its initials, without the title. A title followed by a function word ("Doctor
    Who") is no name.
    """
    hits = []
    for match in TITLED_NAME.finditer(text):
        start, end = match.span(1)
        first_word = text[start:end].split()[0]
        if is_function_word(first_word):
            continue
        end = name_words_end(text, start, end)
        hits.append(Hit(start, end, "PERSON", text[start:end], "rule:title", 0.95))
    return hits


# The last word of a name says what it names: "… NHS Foundation Trust" an organisation,
# "… Road" or "… House" a place.
STREET_SUFFIXES = frozenset(
    (
        "road rd street lane avenue drive crescent grove terrace square gardens parade mews "
        "close way walk row"
    ).split()
)
SUFFIX_TYPES = {
    **dict.fromkeys(
        (
            "trust council police constabulary service ccg icb partnership hospitals "
            "healthcare surgery practice school academy college association charity "
            "foundation ltd limited plc hub cafe café"
        ).split(),
        "ORG",
    ),
    **dict.fromkeys(STREET_SUFFIXES, "LOCATION"),
    **dict.fromkeys(
        (
            "hospital house centre center ward unit suite clinic building hall lodge court "
            "wing infirmary park estate"
        ).split(),
        "LOCATION",
    ),
}
# Words that make a name generic rather than proper: "Mental Health Trust", "Crisis
# House", "Car Park", "Decision Unit", "Best Practice" (before a street type any word
# will do: "High Street" is a street).
GENERIC_NAME_WORDS = frozenset(
    """
    act acute adult adults advice advisory ambulance assessment baby best borough bus
    business car care central child children childrens city civic clinical commissioning
    community county court crisis crown day decision dental district drop-in education
    emergency families family fire form foundation further general good grammar group
    haven health health-based high home hospital housing inpatient integrated intensive
    job junior liaison local magistrates main medical mental mother national new nhs night
    nursery old older outpatient parish partnership peer people place police primary
    prison private probation psychiatric public railway recovery regional rescue
    resolution respite royal safe safety sanctuary secondary section secure service
    services sixth social special specialist staff station support teaching team town
    train treatment triage urgent university voluntary walk-in wellbeing women womens
    young youth
    """.split()
)
# Starts only at a word's start: from inside a long capitalised token each start would
# rescan the token (quadratic: 125 s for one 100,000-character token).
CAPITALISED_RUN = re.compile(
    r"(?<![\w'’&-])(?:St\b\.?|[A-Z][\w'’&-]*)(?:\s+(?:(?:and|&|of|upon|on|in|le|la|de)\s+)?(?:St\b\.?|[A-Z][\w'’&-]*))+"
)


def suffixed_name(text: str, start: int, end: int) -> Hit | None:
    """Return the named organisation or place that text[start:end] is, if its suffix says so.

    Takes a run of capitalised words; leading function words ("So", "The") are dropped.
    The run's last word must be a known suffix (`SUFFIX_TYPES`). Before a street type
    any word will do ("School Road", "High Street"); before another suffix some word
    must be neither a suffix nor generic (`GENERIC_NAME_WORDS`): "Mental Health Trust"
    and "Crisis House" name no one.
    """
    words = list(re.finditer(r"\S+", text[start:end]))
    while words and is_function_word(words[0].group()):
        words.pop(0)
    if len(words) < 2:
        return None
    suffix = words[-1].group().lower()
    entity_type = SUFFIX_TYPES.get(suffix)
    name_words = [w.group().lower() for w in words[:-1] if w.group()[0].isupper()]
    specific = [w for w in name_words if w not in GENERIC_NAME_WORDS | SUFFIX_TYPES.keys()]
    if entity_type is None or not (specific or (name_words and suffix in STREET_SUFFIXES)):
        return None
    start, end = start + words[0].start(), start + words[-1].end()
    # "Larkspur Hospital" is surely a name; "Beacon House" probably.
    confidence = 0.9 if any(not is_english_word(word) for word in specific) else 0.75
    return Hit(start, end, entity_type, text[start:end], "rule:suffix", confidence)


def find_suffixed_names(text: str) -> list[Hit]:
    """Return organisations and places named by capitalised words and a telling suffix.

    "Harrowdale NHS Foundation Trust", "Tyne and Wear Council" (ORG); "Marlpit Road",
    "St Brannock's Hospital" (LOCATION). Detector "rule:suffix".
    """
    hits = []
    for match in CAPITALISED_RUN.finditer(text):
        run_start, run_end = match.span()
        # A run may hold a name and go on ("Harrowdale Council Offices"): try each suffix.
        for word in re.finditer(r"\S+", match.group()):
            if word.group().lower() in SUFFIX_TYPES:
                hit = suffixed_name(text, run_start, run_start + word.end())
                if hit:
                    hits.append(hit)
    return longest_hits(hits)


def longest_hits(hits: list[Hit]) -> list[Hit]:
    """Return `hits` without those inside a longer one ("Harrowdale NHS Foundation" in
    "Harrowdale NHS Foundation Trust")."""
    return [
        hit
        for hit in hits
        if not any(
            other is not hit
            and other.start <= hit.start
            and hit.end <= other.end
            and other.end - other.start > hit.end - hit.start
            for other in hits
        )
    ]


# Street types that, even in lower case, follow nothing but a street's name.
STREET_TYPES = frozenset("avenue crescent terrace gardens mews parade grove row".split())
LOWER_CASE_WORD = re.compile(r"[a-z][a-z'’-]*")
MAX_NAME_WORDS = 4


def find_suffixed_names_uncased(text: str) -> list[Hit]:
    """Return organisations and places by suffix in a lower-case text ("deane road").

    Without capitals the name is the run of up to four words before the suffix, cut at
    a function word, punctuation or a digit, from its first word that looks proper
    (`is_proper_looking`: "hancock street") or, before a street type that follows only
    names, its first word that is not generic ("quarry avenue"). Detector "rule:suffix".
    """
    hits = []
    for suffix in LOWER_CASE_WORD.finditer(text):
        entity_type = SUFFIX_TYPES.get(suffix.group())
        if entity_type is None:
            continue
        words: list[re.Match] = []
        cursor = suffix.start()
        while len(words) < MAX_NAME_WORDS:
            previous = re.search(r"([a-z][a-z'’-]*) $", text[max(0, cursor - 40) : cursor])
            if previous is None or is_function_word(previous.group(1)):
                break
            start = cursor - len(previous.group(0))
            words.insert(0, LOWER_CASE_WORD.match(text, start))
            cursor = start
        proper = [word for word in words if is_proper_looking(word.group())]
        if proper:  # "lovely old wexcombe house" -> "wexcombe house"
            words = words[words.index(proper[0]) :]
        while words and words[0].group() in GENERIC_NAME_WORDS | SUFFIX_TYPES.keys():
            words.pop(0)
        if not words:
            continue
        if proper or suffix.group() in STREET_TYPES:
            start, end = words[0].start(), suffix.end()
            confidence = 0.75 if proper else 0.6
            hits.append(Hit(start, end, entity_type, text[start:end], "rule:suffix", confidence))
    return hits


def is_proper_looking(word: str) -> bool:
    """Return whether a lower-case word looks like part of a name: no English word, no
    everyday proper noun ("victorian"), no known acronym ("camhs")."""
    return not (is_english_word(word) or is_common_proper_noun(word) or word in ACRONYMS)


INITIALLED_NAME = re.compile(r"(?<!\S)((?:[A-Z]\.\s?){1,2}[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w'’-])")
# an initial without its full stop ("I report to J Leach"): only in mid-sentence, where a
# lone capital letter is no article or pronoun
BARE_INITIAL_NAME = re.compile(r"(?<!\S)([A-HJ-Z] [A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w'’-])")


def find_initialled_names(text: str) -> list[Hit]:
    """Return names written with initials ("B. Day", "J.K. Quist", mid-sentence "J Leach")
    as PERSON hits.

    The word before must not be capitalised ("Plan B. Staff…" is no name), nor the
    name a function word ("A. Then…"), nor the initial a lone "I.". Detector
    "rule:initials".
    """
    hits = []
    for match in INITIALLED_NAME.finditer(text):
        start, end = match.span(1)
        initials = re.match(r"(?:[A-Z]\.\s?)+", match.group(1)).group()
        surname = match.group(1)[len(initials) :]
        if (
            initials.strip() != "I."  # "…than I. Still, …"
            and not is_function_word(surname)
            and not previous_capitalised(text, start)
        ):
            hits.append(Hit(start, end, "PERSON", text[start:end], "rule:initials", 0.7))
    for match in BARE_INITIAL_NAME.finditer(text):
        start, end = match.span(1)
        surname = match.group(1)[2:]
        if (
            not is_sentence_start(text, start)
            and not is_function_word(surname)
            and not previous_capitalised(text, start)
        ):
            hits.append(Hit(start, end, "PERSON", text[start:end], "rule:initials", 0.6))
    return hits


def previous_capitalised(text: str, start: int) -> bool:
    """Return whether the word just before `start` (same sentence) starts with a capital."""
    match = re.search(r"([^\W\d_]+)[ \t]+$", text[max(0, start - 30) : start])
    return match is not None and match.group(1)[0].isupper()


# Trust acronyms: letters ending in N(HS) + (F)T, such as "PMNHSFT" or "WSHNT".
TRUST_ACRONYM = re.compile(r"\b[A-Z]{2,}(?:NHS|N)F?T\b")
CONNECTORS = frozenset({"and", "&", "of", "the", "upon", "on"})


def acronyms_of(name: str) -> set[str]:
    """Return the acronyms a multi-word name may be written as.

    "Harrowdale Vale NHS Foundation Trust" -> {"HVNFT", "HVNHSFT"}; connectors ("and",
    "of") are skipped.
    """
    words = [word for word in re.findall(r"[\w'’]+", name) if word.lower() not in CONNECTORS]
    if len(words) < 2:
        return set()
    initials = "".join(word[0].upper() for word in words)
    whole = "".join(word if word.isupper() else word[0].upper() for word in words)
    return {initials, whole} - {""}


def find_acronyms(text: str, names: list[Hit]) -> list[Hit]:
    """Return acronyms of trusts and of the given organisation hits ("rule:acronym").

    Takes the text and hits already found in it; an acronym of a detected organisation
    ("HVNFT" after "Harrowdale Vale NHS Foundation Trust") is near-certain, a word shaped
    like a trust's acronym less so.
    """
    wanted = {
        acronym: hit.entity_type
        for hit in names
        if hit.entity_type == "ORG"
        for acronym in acronyms_of(hit.text)
        if len(acronym) >= 3
    }
    hits = []
    for match in re.finditer(r"\b[A-Z]{3,}\b", text):
        if match.group() in wanted:
            hits.append(hit_from_match(match, wanted[match.group()], "acronym", 0.85))
        elif TRUST_ACRONYM.fullmatch(match.group()):
            hits.append(hit_from_match(match, "ORG", "acronym", 0.6))
    return hits


def find_name_patterns(text: str) -> list[Hit]:
    """Return names recognised by a title, a suffix or initials, sorted by start and end.

    Takes text with capitals as written (or restored, see `words.restore_case`).
    """
    hits = find_titled_names(text) + find_suffixed_names(text) + find_initialled_names(text)
    return sorted(hits, key=lambda hit: (hit.start, hit.end))


# Capitalised words, possibly "O'Brien", "McDonald" or "Smith-Jones"; digits excluded.
CAPITALISED_WORD = re.compile(r"(?<![\w'’-])[A-Z][^\W\d_]*(?:['’-][^\W\d_]+)*(?![\w'’-])")
PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "to", "near", "around", "into", "outside"})
PREVIOUS_WORD = re.compile(r"([^\W\d_]+)\W*$")


def previous_word(text: str, start: int) -> str:
    """Return the word just before offset `start`, lower case ("" at the start)."""
    match = PREVIOUS_WORD.search(text, max(0, start - 30), start)
    return match.group(1).lower() if match else ""


@functools.lru_cache(maxsize=65536)  # pure, and called for every mention
def is_unfamiliar(word: str) -> bool:
    """Return whether a capitalised word is neither English nor a name of no one.

    All-capital acronyms, titles, function words, English words ("Beacon"), and
    everyday proper nouns ("English", "Christmas") are familiar.
    """
    bare = POSSESSIVE_END.sub("", word)
    return not (
        len(bare) < 2
        or bare.removesuffix("s").isupper()  # "ICB", "GPs"
        or bare.lower() in ABBREVIATED_TITLES + WORD_TITLES
        or is_function_word(bare)
        or is_common_proper_noun(bare)
        or is_english_word(bare)
    )


def find_unfamiliar_words(text: str) -> list[Hit]:
    """Return capitalised words in mid-sentence that are not English ("rule:unfamiliar").

    A weak signal for names a model missed ("Okonkwo", "Trewarthen"): low confidence,
    lower still at the start of a sentence, where capitals say less; LOCATION after
    "in", "at", "from"…, else PERSON. A possessive stays outside the span.
    """
    hits = []
    for match in CAPITALISED_WORD.finditer(text):
        word, start = match.group(), match.start()
        if not is_unfamiliar(word):
            continue
        possessive = POSSESSIVE_END.search(word)
        end = start + (possessive.start() if possessive else len(word))
        place = previous_word(text, start) in PLACE_PREPOSITIONS
        entity_type = "LOCATION" if place else "PERSON"
        confidence = 0.3 if is_sentence_start(text, start) else 0.4
        hits.append(Hit(start, end, entity_type, text[start:end], "rule:unfamiliar", confidence))
    return joined_neighbours(text, hits)


def joined_neighbours(text: str, hits: list[Hit]) -> list[Hit]:
    """Return hits sorted by start, those separated by one space joined into one.

    "Tomasz Wierzbicki" is one name, so propagation can also find its parts; the joined
    hit keeps the first one's type and the higher confidence.
    """
    joined: list[Hit] = []
    for hit in sorted(hits):
        last = joined[-1] if joined else None
        if last and text[last.end : hit.start] == " ":
            confidence = max(last.confidence, hit.confidence)
            joined[-1] = last._replace(
                end=hit.end, text=text[last.start : hit.end], confidence=confidence
            )
        else:
            joined.append(hit)
    return joined
