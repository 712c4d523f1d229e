"""Mentions: the spans to replace in one transcript, and how overlapping ones are resolved.

A detection becomes a `Mention`; mentions of one transcript are trimmed to the name
("Dr Helen Marsh's" -> "Helen Marsh") and overlaps resolved, longest first.
"""

import bisect
import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import pandas as pd

from qualframe.deid.allow import TITLE_PREFIX

PROPAGATED = "propagated"
NAMED_TYPES = ("PERSON", "ORG", "LOCATION")
POSSESSIVE_SPAN = re.compile(r"(?:['’][sS]|(?<=[sS])['’])$")


class Mention(NamedTuple):
    """One span to replace: offsets, entity type, its text, who found it, how sure.

    `detectors` is sorted and without repeats; "propagated" only when no detector found
    the span itself.
    """

    start: int
    end: int
    entity_type: str
    text: str
    detectors: tuple[str, ...]
    confidence: float

    @property
    def detector(self) -> str:
        """Return the detectors joined by "+" ("ner+register"), as the log shows them."""
        return "+".join(self.detectors)


# --- per-transcript spans ----------------------------------------------------------------


def detector_rank(detector: str) -> int:
    """Return how much a detector is trusted when spans tie: lower wins.

    Structured rules beat the register, the register beats other detectors, and
    anything detected beats a propagated match.
    """
    if detector.startswith("rule:"):
        return 0
    if detector == "register":
        return 1
    return 3 if detector == PROPAGATED else 2


def mention_rank(mention: Mention) -> int:
    """Return the rank of a mention's most trusted detector (`detector_rank`)."""
    return min(map(detector_rank, mention.detectors))


def overlapping(a: Mention, b: Mention) -> bool:
    """Return whether two mentions share at least one character."""
    return a.start < b.end and b.start < a.end


def resolve_overlaps(mentions: Iterable[Mention]) -> list[Mention]:
    """Return `mentions` without overlaps, sorted by start.

    Where mentions overlap, the longest is kept; ties go to the more trusted detector
    (`mention_rank`), then to the more confident, then to the earliest. A dropped
    mention of the same entity type as a kept one it overlaps lends it its detectors
    and confidence (`absorb`).
    """
    starts: list[int] = []
    kept: list[Mention] = []
    dropped: list[Mention] = []
    ranked = sorted(
        mentions, key=lambda m: (m.start - m.end, mention_rank(m), -m.confidence, m.start)
    )
    for mention in ranked:
        i = bisect.bisect_left(starts, mention.start)
        clashes_before = i > 0 and kept[i - 1].end > mention.start
        clashes_after = i < len(kept) and kept[i].start < mention.end
        if clashes_before or clashes_after:
            dropped.append(mention)
        else:
            starts.insert(i, mention.start)
            kept.insert(i, mention)
    return absorb(kept, dropped, starts)


def absorb(kept: list[Mention], dropped: list[Mention], starts: list[int]) -> list[Mention]:
    """Return `kept` with the detectors and confidence of overlapping same-type `dropped`.

    Takes kept mentions sorted by start, the mentions that lost to them and the kept
    starts. A span found by "ner" inside one found by "register" lists "ner+register";
    its confidence is the highest. "propagated" is listed only when nothing else is.
    """
    detectors = [set(mention.detectors) for mention in kept]
    confidence = [mention.confidence for mention in kept]
    for loser in dropped:
        j = max(bisect.bisect_right(starts, loser.start) - 1, 0)
        while j < len(kept) and kept[j].start < loser.end:
            if overlapping(kept[j], loser) and kept[j].entity_type == loser.entity_type:
                detectors[j] |= set(loser.detectors)
                confidence[j] = max(confidence[j], loser.confidence)
            j += 1
    merged = []
    for mention, found_by, sure in zip(kept, detectors, confidence, strict=True):
        if len(found_by) > 1:
            found_by.discard(PROPAGATED)
        start, end, kind, text = mention[:4]  # Mention(...): quicker than _replace
        merged.append(Mention(start, end, kind, text, tuple(sorted(found_by)), sure))
    return merged


def trim_to_name(mention: Mention) -> Mention:
    """Return a named-entity mention without a trailing possessive or a person's title.

    "Priya's" becomes "Priya" and "Dr Helen Marsh" becomes "Helen Marsh", so the
    "'s" and the title stay readable next to the replacement. Other mentions are
    returned as they are.
    """
    if mention.entity_type not in NAMED_TYPES:
        return mention
    start, end = mention.start, mention.end
    possessive = POSSESSIVE_SPAN.search(mention.text)
    if possessive and possessive.start() > 0:
        end = mention.start + possessive.start()
    title = TITLE_PREFIX.match(mention.text) if mention.entity_type == "PERSON" else None
    if title and mention.start + title.end() < end:
        start = mention.start + title.end()
    offset = start - mention.start
    return mention._replace(start=start, end=end, text=mention.text[offset : offset + end - start])


def with_confidence(detections: pd.DataFrame) -> pd.DataFrame:
    """Return the detections with `confidence` 1.0 added when the detector gave none.

    Not validated here (pandera's fixed cost per call would be a tenth of a rules-only
    pass over a small corpus): the commands validate the detections they read, once,
    as a Detection frame (`commands.pseudonymise.pseudonymise`).
    """
    if "confidence" not in detections.columns:
        detections = detections.assign(confidence=1.0)
    return detections.astype({"confidence": "float64"})


def detections_by_transcript(
    texts: Mapping[str, str], detections: pd.DataFrame, row_numbers: list[int] | None = None
) -> dict[str, list[Mention]]:
    """Return {transcript id: mentions} for every transcript in `texts`.

    A `detector` already joined by "+" is split; a detection without a letter or digit
    is dropped. Raises ValueError naming the 1-based
    detection row whose transcript is unknown or whose `text` is not the text at its
    offsets (`row_numbers`: the rows' numbers when the frame is part of a larger one).
    """
    mentions: dict[str, list[Mention]] = {transcript_id: [] for transcript_id in texts}
    columns = ["transcript_id", "start", "end", "entity_type", "text", "detector", "confidence"]
    rows = zip(*(detections[column].tolist() for column in columns), strict=True)
    numbers = row_numbers or range(1, len(detections) + 1)
    for row_number, (tid, start, end, entity_type, text, detector, confidence) in zip(
        numbers, rows, strict=True
    ):
        if tid not in texts:
            raise ValueError(f"detection row {row_number}: unknown transcript {tid!r}")
        if texts[tid][start:end] != text:
            raise ValueError(
                f"detection row {row_number}: {text!r} is not the text at {tid}[{start}:{end}]"
            )
        if not any(char.isalnum() for char in text):
            continue  # punctuation or blanks identify no one, and would match everywhere
        found_by = tuple(sorted(set(str(detector).split("+"))))
        mentions[tid].append(
            Mention(int(start), int(end), entity_type, text, found_by, float(confidence))
        )
    return mentions
