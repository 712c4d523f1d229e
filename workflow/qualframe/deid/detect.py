"""Find candidate identifiers in one transcript by rules, the study register and NER."""

import bisect
import functools
import itertools
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
from pandera.typing import DataFrame

from qualframe.deid.allow import is_allowed, normalise_allow_list
from qualframe.deid.context import find_in_context
from qualframe.deid.language import language_at, text_language
from qualframe.deid.lexicon import is_common_word, is_function_phrase
from qualframe.deid.names import (
    find_acronyms,
    find_name_patterns,
    find_suffixed_names_uncased,
    find_unfamiliar_words,
)
from qualframe.deid.ner import NerModel, find_entities
from qualframe.deid.register import Register, build_matcher, find_register_terms, find_terms
from qualframe.deid.rules import Hit
from qualframe.deid.speakers import find_speaker_names, role_label_spans
from qualframe.deid.structured import find_structured
from qualframe.deid.wellknown import is_product_mention
from qualframe.deid.words import is_mostly_lower_case, restore_case
from qualframe.schemas import Detection
from qualframe.text.canonical import canonical_view
from qualframe.text.offsets import OffsetMap

# What an earlier redaction leaves: an upper-case tag ("[PERSON_3]", "[REDACTED]") or
# capitalised words ending in a letter or number ("[Trust A]", "[Hospital 2]"). Kept
# this narrow because transcriber notes such as "[Dave laughs]" can hold real names.
PLACEHOLDER = re.compile(r"\[(?:[A-Z][A-Z0-9_]*|(?:[A-Z][a-z]+ )+(?:[A-Z]|[0-9]+))\]")


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of every existing redaction placeholder in `text`."""
    return [match.span() for match in PLACEHOLDER.finditer(text)]


def inside_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Return whether [start, end) overlaps any of `spans`."""
    return any(start < span_end and span_start < end for span_start, span_end in spans)


class SpanIndex:
    """Spans (start, end), asked many times whether [start, end) overlaps one of them:
    `inside_any`'s answer by binary search, for the hundreds of speaker labels of a
    long transcript."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        # the largest end among the spans starting at or before each one
        self.reach = list(itertools.accumulate((end for _, end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        """Return whether [start, end) overlaps any of the spans."""
        before_end = bisect.bisect_left(self.starts, end)  # the spans starting before `end`
        return before_end > 0 and self.reach[before_end - 1] > start


@functools.lru_cache(maxsize=1024)  # asked by detection, then by propagation, for every transcript
def skipped_spans(text: str, placeholders: bool = True) -> SpanIndex:
    """Return the spans of `text` no mention may overlap: its role speaker labels and,
    when `placeholders`, its existing placeholders ("[PERSON_3]"). Read-only: shared."""
    roles = role_label_spans(text)
    return SpanIndex(placeholder_spans(text) + roles if placeholders else roles)


# pandas' default string type (pandas 3: Arrow-backed, NaN for missing).
STRING = pd.StringDtype("pyarrow", na_value=float("nan"))
# The Detection columns after transcript_id, and the type each is built as.
HIT_COLUMN_TYPES = {
    "start": np.int64,
    "end": np.int64,
    "entity_type": STRING,
    "text": STRING,
    "detector": STRING,
    "confidence": np.float64,
}


def hits_to_frame(transcript_id: str, hits: Iterable[Hit]) -> pd.DataFrame:
    """Return hits as a Detection-shaped frame for one transcript, sorted by start and end.

    Built column by column from lists (numpy for numbers, Arrow-backed strings): a
    third of the cost of an Arrow table converted to pandas, which matters for
    rules-only detection of short transcripts.
    """
    rows = sorted(hits, key=lambda hit: (hit.start, hit.end))
    columns = list(zip(*rows, strict=True)) or [()] * len(HIT_COLUMN_TYPES)
    data = {"transcript_id": pd.array([transcript_id] * len(rows), dtype=STRING)}
    for (name, dtype), column in zip(HIT_COLUMN_TYPES.items(), columns, strict=True):
        data[name] = pd.array(column, dtype=STRING) if dtype is STRING else np.array(column, dtype)
    return pd.DataFrame(data, copy=False)


def allowed_spans(text: str, allow_list: Iterable[str]) -> list[tuple[int, int]]:
    """Return (start, end) of every whole-word occurrence of an allow-list phrase in `text`.

    A detection inside one ("Schwartz" in "Schwartz Rounds") is part of an allowed term.
    Only phrases (terms with a space or punctuation) can hold a detection strictly inside
    them; a detection equal to a one-word term is dropped by `is_allowed`, so one-word
    terms, which match everywhere, are left out of this search.
    """
    matcher = phrase_matcher(tuple(allow_list))
    return [(start, end) for start, end, _ in find_terms(matcher, text)]


@functools.lru_cache(maxsize=4)  # one allow-list per study, asked once per transcript
def phrase_matcher(allow_list: tuple[str, ...]):
    """An Aho-Corasick matcher of the allow-list's phrases."""
    phrases = {t: None for t in allow_list if str(t).strip() and not str(t).strip().isalnum()}
    return build_matcher(phrases)


@functools.lru_cache(maxsize=4)  # one allow-list per study, asked once per transcript
def allowed_keys(allow_list: tuple[str, ...]) -> frozenset[str]:
    """`normalise_allow_list` of a study's allow-list, worked out once."""
    return normalise_allow_list(allow_list)


def inside_some(hit: Hit, spans: list[tuple[int, int]]) -> bool:
    """Return whether `hit` lies within one of `spans` (sorted, not overlapping)."""
    index = bisect.bisect_right(spans, (hit.start, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= hit.start and hit.end <= spans[index][1]


def covered_characters(length: int, hits: Iterable[Hit]) -> bytearray:
    """Return one byte per character of a text of `length`: 1 where some hit covers it."""
    covered = bytearray(length)
    for hit in hits:
        covered[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
    return covered


def find_candidates(text: str, register: Register, ner: NerModel | None) -> list[Hit]:
    """Return every detector's hits in one text, their `text` taken from `text` itself.

    Name patterns read a case-restored copy of a lower-case text (plus a suffix rule for
    lower case). Acronyms of the organisations found are looked for too. Unfamiliar
    capitalised words, a weak signal (weaker still in a lower-case text, where the
    restored capitals only say "not in the dictionary"), are kept only where nothing
    else found anything.
    """
    lower_case_text = is_mostly_lower_case(text)
    # case restoration knows English words only
    restore = lower_case_text and text_language(text) == "en"
    view = restore_case(text) if restore else text
    hits = find_structured(text) + find_name_patterns(view) + find_register_terms(register, text)
    hits += find_speaker_names(text) + find_in_context(text, lower_case_text)
    if lower_case_text:
        hits += find_suffixed_names_uncased(text)
    if ner is not None:
        hits += find_entities(ner, text)
    hits += find_acronyms(text, hits)
    covered = covered_characters(len(text), hits)
    unfamiliar = find_unfamiliar_words(view)
    if lower_case_text:  # "unfamiliar" is only "not in the dictionary": trust it less
        unfamiliar = [hit._replace(confidence=0.3) for hit in unfamiliar]
    hits += [
        hit
        for hit in unfamiliar
        if 1 not in covered[hit.start : hit.end] and is_unfamiliar_here(text, hit)
    ]
    # Hit(...) rather than _replace: several times quicker, for every hit of every finder
    return [
        Hit(start, end, kind, text[start:end], by, sure) for start, end, kind, _, by, sure in hits
    ]


def is_unfamiliar_here(text: str, hit: Hit) -> bool:
    """Return whether an unfamiliar (non-English) word is also no common word of the
    language of its paragraph: in French, "Donc" and "Alors" are no names."""
    language = language_at(text, hit.start)
    return language == "en" or not (
        is_common_word(hit.text, (language,)) or is_function_phrase(hit.text, (language,))
    )


def detect_transcript(
    transcript_id: str,
    text: str,
    register: Register,
    allow_list: Iterable[str],
    ner: NerModel | None = None,
) -> DataFrame[Detection]:
    """Return the candidate identifiers of one transcript as a Detection frame.

    Takes the transcript id, its normalised text, the study register (`build_register`),
    allow-list terms and optionally a `load_ner` model (None: rules and register only).
    Every detector reads the text's canonical view (`canonical_view`: no invisible
    characters, fullwidth letters and dash or space variants unified), and each mention
    is mapped back to the characters it covers in the text, disguises included.
    Runs the rules, the name patterns, the register and the model; drops mentions on or
    inside an allow-list term, well-known companies and products named where nothing
    ties them to anyone (`is_product_mention`), and mentions inside an existing placeholder such as
    "[PERSON_3]" or on a role speaker label ("Interviewer:", "INT:"); a speaker label
    that is a name is a PERSON ("rule:speaker"). Every row has a confidence in [0, 1]:
    validated rules 0.95-1, the register 1, the model by label, weak heuristics lower.
    Overlapping detections are kept; `pseudonymise_corpus` resolves them.

    The frame is built to the Detection model but not validated here: pandera's
    per-call cost would halve the speed of rules-only detection on interview-length
    texts; the commands validate all transcripts' detections at once, where they
    write or read them (`commands.detect`, `commands.pseudonymise`).
    """
    allow_list = tuple(allow_list)
    allowed = allowed_keys(allow_list)
    view, mapping = canonical_view(text)
    skip = skipped_spans(view)
    inside_allowed = allowed_spans(view, allow_list)
    hits = [
        hit
        for hit in find_candidates(view, register, ner)
        if not is_allowed(hit.text, hit.entity_type, allowed)
        and not skip.overlaps(hit.start, hit.end)
        and not inside_some(hit, inside_allowed)
        and not is_product_mention(view, hit)
    ]
    hits = set(on_source(hits, text, mapping))
    return hits_to_frame(transcript_id, sorted(hits))  # sorted: set order varies by run


def on_source(hits: list[Hit], text: str, mapping: OffsetMap) -> list[Hit]:
    """Return hits found in the canonical view of `text` with the offsets and text of the
    characters they cover in `text` itself, disguising characters included."""
    if mapping.is_identity():
        return hits
    starts, ends = mapping.source_spans([hit.start for hit in hits], [hit.end for hit in hits])
    return [
        hit._replace(start=int(start), end=int(end), text=text[start:end])
        for hit, start, end in zip(hits, starts, ends, strict=True)
    ]
