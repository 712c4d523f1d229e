"""Where the terms propagation searches for occur in one transcript.

A term occurs wherever the study's whole-word, case-insensitive matcher finds it
(`register.find_terms`), outside existing placeholders and role speaker labels; an
occurrence is tagged when a detection overlaps it. The places (`term_spans`) depend only
on the text and the term list, so a step may keep them from an earlier run (`Reuse`).
"""

from collections.abc import Callable, Mapping
from typing import NamedTuple, Protocol

from qualframe.deid.detect import skipped_spans
from qualframe.deid.mentions import Mention
from qualframe.deid.register import find_terms


class Occurrence(NamedTuple):
    """One place a term occurs: transcript, offsets, entity type, and what was found there."""

    transcript_id: str
    start: int
    end: int
    entity_type: str
    tagged: bool


class Reuse(Protocol):
    """Per-transcript work of an earlier run that `find_mentions` may take instead of
    doing it again (a step's cache): `kept` returns a transcript's resolved detections
    (`kept_detections`) or None, `keep` offers them once computed; `term_spans` returns a
    transcript's `term_spans` for these terms, calling `compute` when it has none."""

    def kept(self, transcript_id: str) -> list[Mention] | None: ...

    def keep(self, transcript_id: str, mentions: list[Mention]) -> None: ...

    def term_spans(
        self, transcript_id: str, terms: Mapping[str, str], compute: Callable[[], list]
    ) -> list[tuple[int, int, str]]: ...


def term_spans(text: str, matcher) -> list[tuple[int, int, str]]:
    """Return (start, end, entity type) of every whole-word, case-insensitive occurrence of
    the matcher's terms in `text`, outside existing placeholders and role speaker labels."""
    placeholders = skipped_spans(text)
    return [
        (start, end, entity_type)
        for start, end, entity_type in find_terms(matcher, text)
        if not placeholders.overlaps(start, end)
    ]


def tagged(
    transcript_id: str, text: str, spans: list[tuple[int, int, str]], detected: list[Mention]
) -> list[Occurrence]:
    """Return the `term_spans` of a transcript as occurrences, each marked when a detection
    overlaps it."""
    covered = bytearray(len(text))
    for mention in detected:
        covered[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
    return [
        Occurrence(transcript_id, start, end, entity_type, 1 in covered[start:end])
        for start, end, entity_type in spans
    ]


def occurrences_in(
    transcript_id: str, text: str, matcher, detected: list[Mention]
) -> list[Occurrence]:
    """Return every whole-word, case-insensitive occurrence of the matcher's terms in `text`,
    outside existing placeholders and role speaker labels, each marked when a detection
    overlaps it."""
    return tagged(transcript_id, text, term_spans(text, matcher), detected)
