"""Dates ("5th of May", "05/03/2021") and ages of people ("she's 16", "aged 34")."""

import re

from qualframe.deid.rules import (
    Hit,
    anchored_matches,
    digit_runs,
    hit_from_match,
    word_start_pattern,
)
from qualframe.uk import (
    MONTH_ABBREVIATIONS,
    MONTH_TOKEN,
    MONTHS,
    ORDINAL_WORD,
    TEEN_WORDS,
    TENS_WORDS,
    UNIT_WORDS,
)

# --- dates -------------------------------------------------------------------------------

DAY_NUMBER = r"(?:3[01]|[12][0-9]|0?[1-9])"
DAY_ORDINAL = r"(?:" + DAY_NUMBER + r"(?:st|nd|rd|th)|" + ORDINAL_WORD + r")"
# "May" must be capitalised: lower-case "may" is far more often the verb.
MONTH = MONTH_TOKEN.replace("|may|", "|(?-i:May|MAY)|")
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
MONTH_WORDS = [month.lower() for month in MONTHS] + list(MONTH_ABBREVIATIONS)
MONTH_WORD = re.compile(word_start_pattern(MONTH_WORDS) + r"\b")
NUMERIC_DATE = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?:\d{4}|\d{2})"
    r"(?![\d/-]|\.\d)"
    r"|(?<![\d/.-])\d{4}-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})(?![\d-])"
)

# Every NUMERIC_DATE holds one: the day's last digit, its separator, the month's first
# digit (the year's last digit and "-" in ISO). Rarer than a digit run where a text
# is full of timestamps ("0:00:07").
NUMERIC_DATE_HINT = re.compile(r"\d[/.-]\d")


def is_calendar_day(day: str | None, month: str | None) -> bool:
    """Return whether day and month strings are a possible day (1-31) and month (1-12)."""
    return day is not None and month is not None and 1 <= int(day) <= 31 and 1 <= int(month) <= 12


def find_numeric_dates(text: str) -> list[Hit]:
    """Return dates written in digits, day first ("14/03/2019", "14-03-19") or ISO."""
    hits = []
    hints = [hint.span() for hint in NUMERIC_DATE_HINT.finditer(text)]
    for match in anchored_matches(NUMERIC_DATE, hints, text, before=6, after=8):
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


# --- ages --------------------------------------------------------------------------------

AGE_VALUE = (
    r"(?:1[01][0-9]|[1-9]?[0-9]"
    r"|(?:" + TENS_WORDS + r")(?:[\s-](?:" + UNIT_WORDS + r"))?"
    r"|" + TEEN_WORDS + r"|" + UNIT_WORDS + r")"
)
# "a 15-year-old", "sixteen years old": the phrase makes the number an age.
AGE_YEARS_OLD = re.compile(r"\b(" + AGE_VALUE + r")[\s-]years?[\s-]old\b", re.IGNORECASE)
YEARS_OLD = re.compile(r"years?[\s-]old\b", re.IGNORECASE)
# "aged 34", "age 16", "at the age of nine".
# "aged 16 to 25", "the age of 18-24": a range describes a group, not one person's age.
AGE_RANGE_AFTER = r"(?!\s*(?:-|–|to)\s*" + AGE_VALUE + r"\b)"
AGE_AGED = re.compile(
    r"\b(?:aged?|age\s+of)\s+(" + AGE_VALUE + r")\b(?![.,]?\d)" + AGE_RANGE_AFTER, re.IGNORECASE
)
# The number must end the clause, so "we were 12 staff" and "it's 5 minutes" are no ages.
AGE_END = (
    r"(?:\s+years?\s+old)?"
    r"(?=\s*(?:[.,;:!?)\]\"”]|$|-\s|\s+(?:and|but|so|when|then|now|at\s+the\s+time|or\s+so"
    r"|in\s+(?:19|20)[0-9]{2}|i|he|she|they|we|you)\b))"
)
BE_OR_TURN = (
    r"(?:'s|’s|\s+is|\s+was|\s+turned|\s+turns|\s+(?:will|would)\s+be"
    r"|(?:\s+had|['’]d)\s+(?:only\s+)?(?:just\s+)?turned)"
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
    """Return (start, end) of every number, in digits or words, that ends a clause and
    follows white space after a letter: where the number of AGE_PERSON_IS and
    AGE_NAMED_IS begins ("is 16", "turned nearly sixteen"), never a timestamp's "0:" at
    the start of a line after "Okay."."""
    starts = sorted(
        {start for start, _ in digit_runs(text)} | {m.start() for m in NUMBER_WORD.finditer(text)}
    )
    return [
        match.span()
        for start in starts
        if follows_a_word(text, start) and (match := AGE_TAIL.match(text, start))
    ]


def follows_a_word(text: str, start: int) -> bool:
    """Return whether white space precedes `start`, and a letter precedes that."""
    edge = start
    while edge > 0 and text[edge - 1].isspace():
        edge -= 1
    return 0 < edge < start and text[edge - 1].isalpha()


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
