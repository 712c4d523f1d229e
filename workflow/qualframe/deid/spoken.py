"""Identifiers read aloud: phone and NHS numbers as digit words ("oh seven seven double
oh…"), e-mail and web addresses with "at", "dot" and "slash" ("j smith at example trust
dot nhs dot uk"). Auto-transcripts write them so; the written-form rules miss them."""

import re

from qualframe.deid.rules import Hit, anchored_matches, word_start_pattern
from qualframe.deid.words import is_function_word
from qualframe.uk import DIGIT_WORDS, NHS_CONTEXT, REPEATERS, TOP_LEVEL_DOMAINS

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


SPOKEN_NHS_DIGITS = 10
SPOKEN_DIGIT_HINT = re.compile(word_start_pattern([*DIGIT_WORDS, *REPEATERS]) + r"\b")


def find_spoken_nhs_numbers(text: str) -> list[Hit]:
    """Return NHS numbers read out as 10 digit words next to talk of an NHS number
    (NHS_NUMBER, "rule:nhs_spoken"): "my NHS number's four eight five, seven seven…"."""
    hits = []
    for context in NHS_CONTEXT.finditer(text):
        low = max(0, context.start() - 120)
        for run in SPOKEN_RUN.finditer(text, low, min(len(text), context.end() + 120)):
            tokens = list(SPOKEN_TOKEN_RE.finditer(text, run.start(), run.end()))
            digits = "".join(token_digits(token.group()) for token in tokens)
            if len(digits) == SPOKEN_NHS_DIGITS:
                hits.append(
                    Hit(run.start(), run.end(), "NHS_NUMBER", run.group(), "rule:nhs_spoken", 0.9)
                )
    return sorted(set(hits))


TLD = r"(?:" + "|".join(TOP_LEVEL_DOMAINS) + r")"
ADDRESS_WORD = r"[a-z0-9][a-z0-9-]*"
# "example trust dot nhs dot uk", "the-hub dot org slash crisis slash help": up to three
# words before the first "dot", a top-level domain last, then "slash" paths.
DOTTED = (
    r"(?:"
    + ADDRESS_WORD
    + r"\s+){0,2}"
    + ADDRESS_WORD
    + r"(?:\s+dot\s+"
    + ADDRESS_WORD
    + r")*?\s+dot\s+"
    + TLD
    + r"\b(?:\s+dot\s+"
    + TLD
    + r"\b)*(?:\s+slash\s+"
    + ADDRESS_WORD
    + r")*"
)
SPOKEN_ADDRESS = re.compile(
    r"(?i:(?:(?:" + ADDRESS_WORD + r"\s+){0,2}" + ADDRESS_WORD + r"\s+at\s+)?"
    r"(?:(?:h\s*t\s*t\s*p\s*s?\s+colon\s+slash\s+slash\s+)?w\s*w\s*w\s+dot\s+)?" + DOTTED + r")"
)
SPOKEN_DOT = re.compile(r"\bdot\b", re.IGNORECASE)
# Words that lead into an address but are no part of it: "email me at", "it's on".
LEAD_IN = frozenset(
    "email e-mail mail address contact website site web page called via on at to is it's "
    "its me us them him her or and".split()
)


def trimmed_address(text: str, start: int, end: int) -> tuple[int, int]:
    """Return [start, end) without leading lead-in or function words ("email me at …")."""
    for word in re.finditer(r"\S+", text[start:end]):
        bare = word.group().lower()
        if bare not in LEAD_IN and not is_function_word(bare):
            return start + word.start(), end
    return end, end


def find_spoken_emails_and_urls(text: str) -> list[Hit]:
    """Return e-mail and web addresses spoken as words (EMAIL or URL, "rule:address_spoken").

    An address with "at" before its domain is an e-mail ("j smith at example trust dot
    nhs dot uk"), one without a web address ("crisis hub dot org slash help"); the
    domain ends with a known top-level domain, so "a dot on the map" is no address.
    """
    hits = []
    for match in anchored_matches(SPOKEN_ADDRESS, SPOKEN_DOT, text, before=60, after=60):
        start, end = trimmed_address(text, *match.span())
        if end <= start:
            continue
        span = text[start:end]
        entity_type = "EMAIL" if re.search(r"\sat\s", span, re.IGNORECASE) else "URL"
        hits.append(Hit(start, end, entity_type, span, "rule:address_spoken", 0.85))
    return hits
