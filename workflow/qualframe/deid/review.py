"""The review report: what a person should check after de-identification, as a table and a page.

`review_candidates` lists, per transcript, what is left that may still identify
someone: capitalised words in mid-sentence that are not English words and were not
replaced, digit runs that were not replaced, and replacements the detectors were not
sure of. The page that shows them is `review_page`. Both hold raw text: they belong in
the restricted folder.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

import pandas as pd
import pandera.pandas as pa
from faker import Faker
from pandera.typing import DataFrame

from qualframe.deid.allow import DEFAULT_ALLOW_LIST, is_allowed, is_title, normalise_allow_list
from qualframe.deid.detect import placeholder_spans
from qualframe.deid.register import TermMatcher, build_matcher, find_terms
from qualframe.deid.words import (
    is_common_proper_noun,
    is_english_word,
    is_function_word,
    is_sentence_start,
)
from qualframe.schemas import REVIEW_REASONS, ReviewCandidate, columns_of, dtypes_of
from qualframe.text.canonical import canonical_view

UNKNOWN_WORD = "unknown capitalised word"
FIRST_NAME = "known first name"
DIGITS = "digit run"
LOW_CONFIDENCE = "low confidence"
NOT_REPLACED = "detected, not replaced"
REASONS = (UNKNOWN_WORD, FIRST_NAME, DIGITS, LOW_CONFIDENCE, NOT_REPLACED)
assert REASONS == REVIEW_REASONS, "reasons and their schema must agree"
REASON_HELP = {
    UNKNOWN_WORD: "a capitalised word in mid-sentence that is not an English word",
    FIRST_NAME: "a first name that is also an English word (Tom, Grace), or a first name "
    "and the capitalised word after it (Steve Lamb)",
    DIGITS: "four or more digits, or digits with a slash, left in the text",
    LOW_CONFIDENCE: "replaced, but the detectors were not sure it identifies anyone",
    NOT_REPLACED: "a detector found it, but it was not replaced",
}
CANDIDATE_COLUMNS = columns_of(ReviewCandidate)
MASK = "\0"  # stands in for replaced text, so nothing inside a replacement is a candidate
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
DIGIT_RUN = re.compile(r"(?<![\w.,/-])\d+(?:[ ./-]\d+)*(?![\w/-])")
MIN_DIGITS = 4
NAME_LOCALES = ("en_GB", "en_IE", "en_NZ", "en_US", "en_IN")  # Faker's given-name lists
NAME_PAIR = re.compile(r"(?<![^\W\d_])([^\W\d_]+) ([^\W\d_]+(?:['’-][^\W\d_]+)*)")


class Candidate(NamedTuple):
    """One candidate before it becomes a row: span, text and reason."""

    start: int
    end: int
    text: str
    reason: str


# --- what is left ------------------------------------------------------------------------


def masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Return `text` with every span overwritten by MASK characters, offsets unchanged."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = MASK * (end - start)
    return "".join(chars)


def allowed_spans(text: str, matcher: TermMatcher) -> list[tuple[int, int]]:
    """Return (start, end) of the allow-list terms in `text` ("Mental Health Act")."""
    return [(start, end) for start, end, _ in find_terms(matcher, text)]


def is_unknown_capitalised(word: str, text: str, start: int, allowed: frozenset[str]) -> bool:
    """Return whether a word may be a name a detector missed.

    True for a capitalised word that does not open a sentence, is not "I", a title, an
    English word, a common proper noun ("English", "Monday") or on the allow-list.
    """
    return (
        word[0].isupper()
        and word not in ("I", "I'm", "I’m", "I'd", "I’d", "I've", "I’ve", "I'll", "I’ll")
        and not is_sentence_start(text, start)
        and not is_title(word)
        and not is_english_word(word)
        and not is_common_proper_noun(word)
        and not is_allowed(word, "PERSON", allowed)
    )


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Return the first names of Faker's English-speaking locales, case-folded (about 1,900)."""
    names: set[str] = set()
    for locale in NAME_LOCALES:
        provider = Faker(locale).provider("faker.providers.person")
        for attribute in ("first_names", "first_names_female", "first_names_male"):
            names |= {name.casefold() for name in getattr(provider, attribute, ())}
    return frozenset(names)


def is_first_name(word: str) -> bool:
    """Return whether a capitalised word is a known first name ("Tom", "Grace", "Priya")."""
    return word[:1].isupper() and word.casefold() in given_names()


def first_names(text: str, allowed: frozenset[str]) -> list[Candidate]:
    """Return first names a reader should check in a masked text.

    Takes English words that are also first names, capitalised in mid-sentence ("told
    Tom"), and a first name followed by a capitalised word anywhere ("Steve Lamb, our
    ..." at the start of a turn). Unknown words are left to `unknown_words`.
    """
    found = [
        Candidate(m.start(), m.end(), m.group(), FIRST_NAME)
        for m in WORD.finditer(text)
        if is_first_name(m.group())
        and is_english_word(m.group())
        and not is_sentence_start(text, m.start())
        and not is_allowed(m.group(), "PERSON", allowed)
    ]
    for m in NAME_PAIR.finditer(text):
        first, second = m.group(1), m.group(2)
        if (
            is_first_name(first)
            and second[0].isupper()
            and not is_title(second)
            and not is_function_word(second)
            and not is_allowed(m.group(), "PERSON", allowed)
        ):
            found.append(Candidate(m.start(), m.end(), m.group(), FIRST_NAME))
    return found


def unknown_words(text: str, allowed: frozenset[str]) -> list[Candidate]:
    """Return capitalised mid-sentence words of a masked text that are not English words."""
    return [
        Candidate(match.start(), match.end(), match.group(), UNKNOWN_WORD)
        for match in WORD.finditer(text)
        if is_unknown_capitalised(match.group(), text, match.start(), allowed)
    ]


def digit_runs(text: str) -> list[Candidate]:
    """Return runs of digits (groups joined by space, ".", "/" or "-") worth a look.

    A run counts with four or more digits in all ("2019", "07700 900481") or with a
    slash ("5/3"), so "2-3 times" and "aged 34" are left alone.
    """
    return [
        Candidate(match.start(), match.end(), match.group(), DIGITS)
        for match in DIGIT_RUN.finditer(text)
        if sum(char.isdigit() for char in match.group()) >= MIN_DIGITS or "/" in match.group()
    ]


def log_confidence(log: pd.DataFrame, detections: pd.DataFrame) -> pd.Series:
    """Return the confidence of each log row, as numbers.

    Takes the log's own `confidence` when it has one (text read from CSV is converted),
    else the highest confidence of the detections overlapping the row, else 1.0.
    """
    if "confidence" in log.columns:
        return pd.to_numeric(log["confidence"], errors="coerce").fillna(1.0)
    if "confidence" not in detections.columns:
        return pd.Series(1.0, index=log.index)
    values = []
    for row in log.itertuples():
        overlapping = detections[
            (detections["transcript_id"] == row.transcript_id)
            & (detections["start"] < row.end)
            & (detections["end"] > row.start)
        ]
        values.append(float(overlapping["confidence"].max()) if len(overlapping) else 1.0)
    return pd.Series(values, index=log.index, dtype="float64")


def low_confidence_replacements(log: pd.DataFrame, threshold: float) -> list[Candidate]:
    """Return the replaced spans of one transcript's log found with confidence < threshold."""
    low = log[log["_confidence"] < threshold]
    return [
        Candidate(int(row.start), int(row.end), row.original, LOW_CONFIDENCE)
        for row in low.itertuples(index=False)
    ]


def unreplaced_detections(
    detections: pd.DataFrame, replaced: list[tuple[int, int]]
) -> list[Candidate]:
    """Return one transcript's detections that overlap no replaced span."""
    return [
        Candidate(int(row.start), int(row.end), row.text, NOT_REPLACED)
        for row in detections.itertuples(index=False)
        if not any(row.start < end and start < row.end for start, end in replaced)
    ]


def unreplaced_candidates(hidden: str, allowed: frozenset[str]) -> list[Candidate]:
    """Return unknown capitalised words, first names and digit runs of a masked text,
    looked for in its canonical view (`canonical_view`) and given the offsets of the
    characters they cover in `hidden`, so "Fake\u200bley" is one unknown word."""
    view, mapping = canonical_view(hidden)
    found = unknown_words(view, allowed) + first_names(view, allowed) + digit_runs(view)
    if mapping.is_identity():
        return found
    starts, ends = mapping.source_spans([c.start for c in found], [c.end for c in found])
    return [
        candidate._replace(start=int(start), end=int(end))
        for candidate, start, end in zip(found, starts, ends, strict=True)
    ]


def transcript_candidates(
    text: str,
    log: pd.DataFrame,
    detections: pd.DataFrame,
    low_confidence: float,
    allowed: frozenset[str],
    allow_matcher: TermMatcher,
) -> list[Candidate]:
    """Return every candidate of one transcript (see `review_candidates`)."""
    replaced = [(int(s), int(e)) for s, e in zip(log["start"], log["end"], strict=True)]
    hidden = masked(text, replaced + placeholder_spans(text) + allowed_spans(text, allow_matcher))
    found = [
        candidate._replace(text=text[candidate.start : candidate.end])
        for candidate in unreplaced_candidates(hidden, allowed)
    ]
    found += low_confidence_replacements(log, low_confidence)
    found += unreplaced_detections(detections, replaced)
    return found


def by_transcript(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Return {transcript id: its rows} of a frame with a `transcript_id` column."""
    return {str(tid): rows for tid, rows in frame.groupby("transcript_id", sort=False)}


# (transcript id, its text, its log rows, its detections, compute) -> its candidates
CandidateMemo = Callable[[str, str, pd.DataFrame, pd.DataFrame, Callable[[], list]], list]


@pa.check_types
def review_candidates(
    raw_texts: Mapping[str, str],
    log: pd.DataFrame,
    detections: pd.DataFrame,
    low_confidence: float = 0.6,
    allow_list: Iterable[str] = DEFAULT_ALLOW_LIST,
    memo: CandidateMemo | None = None,
) -> DataFrame[ReviewCandidate]:
    """Return what a person should check in each transcript, one row per place.

    Takes {transcript id: normalised raw text}, the anonymisation log (offsets into
    those texts; a `confidence` column is used when present), the detections, the
    confidence below which a replacement is listed, and the allow-list (its terms are
    never candidates). Lists capitalised words not at a sentence start that are not
    English words and were not replaced (UNKNOWN_WORD), unreplaced runs of four or more
    digits or with a slash (DIGITS), replacements with confidence below
    `low_confidence` (LOW_CONFIDENCE) and detections that no replacement covers
    (NOT_REPLACED). Returns a ReviewCandidate frame (transcript_id, start, end, text,
    reason) sorted by transcript and offset. `memo`, when given, is called for each
    transcript with its id, text, log rows (with their confidence as `_confidence`),
    detections and a function computing its candidates, and returns them (a cache of
    earlier runs' work: the candidates are a function of those and the settings).
    """
    allow_list = [term for term in allow_list if str(term).strip()]
    allowed = normalise_allow_list(allow_list)
    allow_matcher = build_matcher(dict.fromkeys(allow_list, None))
    log = log.assign(_confidence=log_confidence(log, detections))
    logs, found_by_detectors = by_transcript(log), by_transcript(detections)
    rows = []
    for tid in sorted(raw_texts):
        text = raw_texts[tid]
        own_log = logs.get(tid, log.iloc[0:0])
        own_detections = found_by_detectors.get(tid, detections.iloc[0:0])

        def compute(text=text, own_log=own_log, own_detections=own_detections) -> list:
            return transcript_candidates(
                text, own_log, own_detections, low_confidence, allowed, allow_matcher
            )

        found = memo(tid, text, own_log, own_detections, compute) if memo else compute()
        rows += [(tid, *candidate) for candidate in found]
    frame = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS).astype(dtypes_of(ReviewCandidate))
    frame = frame.drop_duplicates().sort_values(
        ["transcript_id", "start", "end", "reason"], kind="stable"
    )
    return frame.reset_index(drop=True)
