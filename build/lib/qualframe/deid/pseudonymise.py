"""Corpus-wide pseudonymisation: one placeholder per entity, used everywhere it occurs.

Detections are resolved per transcript, every detected entity (and each part of a
person's full name) is then searched for across the whole corpus, and each entity is
replaced by a numbered placeholder such as "[PERSON_3]". The log records every
replacement with its offsets in both the raw and the de-identified text.
"""

import bisect
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from qualframe.deid.allow import (
    TITLE_PREFIX,
    is_allowed,
    is_title,
    normalise_allow_list,
    normalise_entity,
)
from qualframe.deid.detect import inside_any, placeholder_spans
from qualframe.deid.register import TermMatcher, build_matcher, find_terms
from qualframe.deid.rules import Hit
from qualframe.schemas import ENTITY_TYPES, AnonymisationLog, Detection

PROPAGATED = "propagated"
NAMED_TYPES = ("PERSON", "ORG", "LOCATION")
POSSESSIVE_SPAN = re.compile(r"(?:['’][sS]|(?<=[sS])['’])$")
PART_PUNCTUATION = ".,;:!?\"'’‘“”()"
MIN_PART_LENGTH = 2
EXISTING_PLACEHOLDER = re.compile(r"\[(" + "|".join(ENTITY_TYPES) + r")_(\d+)\]")
LOG_COLUMNS = [
    "transcript_id",
    "start",
    "end",
    "entity_type",
    "original",
    "replacement",
    "deid_start",
    "deid_end",
    "detector",
]

EntityKey = tuple[str, str]  # (entity type, normalised text)


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


def resolve_overlaps(hits: Iterable[Hit]) -> list[Hit]:
    """Return `hits` without overlaps, sorted by start.

    Where hits overlap, the longest is kept; ties go to the more trusted detector
    (`detector_rank`), then to the earliest. Nothing is merged.
    """
    starts: list[int] = []
    kept: list[Hit] = []
    ranked = sorted(hits, key=lambda h: (h.start - h.end, detector_rank(h.detector), h.start))
    for hit in ranked:
        i = bisect.bisect_left(starts, hit.start)
        clashes_before = i > 0 and kept[i - 1].end > hit.start
        clashes_after = i < len(kept) and kept[i].start < hit.end
        if not (clashes_before or clashes_after):
            starts.insert(i, hit.start)
            kept.insert(i, hit)
    return kept


def trim_to_name(hit: Hit) -> Hit:
    """Return a named-entity hit without a trailing possessive or a person's leading title.

    "Priya's" becomes "Priya" and "Dr Helen Marsh" becomes "Helen Marsh", so the
    "'s" and the title stay readable next to the placeholder. Other hits are returned as
    they are.
    """
    if hit.entity_type not in NAMED_TYPES:
        return hit
    start, end = hit.start, hit.end
    possessive = POSSESSIVE_SPAN.search(hit.text)
    if possessive and possessive.start() > 0:
        end = hit.start + possessive.start()
    title = TITLE_PREFIX.match(hit.text) if hit.entity_type == "PERSON" else None
    if title and hit.start + title.end() < end:
        start = hit.start + title.end()
    offset = start - hit.start
    return hit._replace(start=start, end=end, text=hit.text[offset : offset + end - start])


def detections_by_transcript(
    texts: Mapping[str, str], detections: pd.DataFrame
) -> dict[str, list[Hit]]:
    """Return {transcript id: hits} for every transcript in `texts`.

    Raises ValueError naming the 1-based detection row whose transcript is unknown or
    whose `text` is not the text at its offsets.
    """
    hits: dict[str, list[Hit]] = {transcript_id: [] for transcript_id in texts}
    columns = ["transcript_id", "start", "end", "entity_type", "text", "detector"]
    rows = detections[columns].itertuples(index=False)
    for row_number, (transcript_id, start, end, entity_type, text, detector) in enumerate(
        rows, start=1
    ):
        if transcript_id not in texts:
            raise ValueError(f"detection row {row_number}: unknown transcript {transcript_id!r}")
        if texts[transcript_id][start:end] != text:
            raise ValueError(
                f"detection row {row_number}: {text!r} is not the text at "
                f"{transcript_id}[{start}:{end}]"
            )
        hits[transcript_id].append(Hit(int(start), int(end), entity_type, text, detector))
    return hits


# --- propagation -------------------------------------------------------------------------


def name_parts(full_name: str, allowed: frozenset[str]) -> list[str]:
    """Return the words of a person's name worth searching for on their own.

    Titles, words shorter than two characters and allow-listed words are skipped.
    """
    parts = (word.strip(PART_PUNCTUATION) for word in full_name.split())
    return [
        part
        for part in parts
        if len(part) >= MIN_PART_LENGTH
        and not is_title(part)
        and not is_allowed(part, "PERSON", allowed)
    ]


def search_terms(detected: Mapping[str, list[Hit]], allowed: frozenset[str]) -> dict[str, str]:
    """Return {surface text: entity type} to search for across the corpus.

    Takes the resolved detections per transcript and the normalised allow-list. Every
    detected surface is a term, and so is each part of a multi-word person name; the
    first entity type seen (transcripts in id order, then by start) wins for a term.
    """
    terms: dict[str, str] = {}
    for transcript_id in sorted(detected):
        for hit in detected[transcript_id]:
            surfaces = [hit.text]
            if hit.entity_type == "PERSON" and len(hit.text.split()) > 1:
                surfaces += name_parts(hit.text, allowed)
            for surface in surfaces:
                if not is_allowed(surface, hit.entity_type, allowed):
                    terms.setdefault(surface, hit.entity_type)
    return terms


def propagated_hits(text: str, matcher: TermMatcher) -> list[Hit]:
    """Return every whole-word, case-insensitive occurrence of the matcher's terms in `text`.

    Takes the text and a matcher built from `search_terms`; occurrences inside an
    existing placeholder are skipped. A possessive stays outside the match ("Priya" in
    "Priya's").
    """
    placeholders = placeholder_spans(text)
    return [
        Hit(start, end, entity_type, text[start:end], PROPAGATED)
        for start, end, entity_type in find_terms(matcher, text)
        if not inside_any(start, end, placeholders)
    ]


# --- entity identity and numbering -------------------------------------------------------


def entity_key(hit: Hit) -> EntityKey:
    """Return the (entity type, normalised text) under which a hit counts as one entity."""
    return hit.entity_type, normalise_entity(hit.text, hit.entity_type)


def canonical_entities(keys: Iterable[EntityKey]) -> dict[EntityKey, EntityKey]:
    """Return {entity key: the entity it belongs to}.

    A one-word person key ("priya") belongs to the only known multi-word person name
    containing that word ("priya raman"); when no or several full names contain it, it
    is its own entity. Every other key is its own entity.
    """
    keys = set(keys)
    owners: dict[str, set[str]] = {}
    for entity_type, name in keys:
        if entity_type == "PERSON" and len(name.split()) > 1:
            for word in name.split():
                owners.setdefault(word, set()).add(name)
    canonical = {}
    for entity_type, name in keys:
        names = owners.get(name, set()) if entity_type == "PERSON" else set()
        canonical[(entity_type, name)] = (
            ("PERSON", next(iter(names))) if len(names) == 1 else (entity_type, name)
        )
    return canonical


def reserved_numbers(texts: Iterable[str]) -> dict[str, set[int]]:
    """Return {entity type: numbers} already used by placeholders like "[PERSON_3]" in `texts`.

    New placeholders skip these so an earlier redaction is never confused with a new one.
    """
    reserved: dict[str, set[int]] = {}
    for text in texts:
        for match in EXISTING_PLACEHOLDER.finditer(text):
            reserved.setdefault(match.group(1), set()).add(int(match.group(2)))
    return reserved


def number_entities(
    ordered_keys: Iterable[EntityKey], reserved: Mapping[str, set[int]]
) -> dict[EntityKey, str]:
    """Return {entity: placeholder}, numbered per type in the order entities first appear.

    Takes canonical entity keys in corpus order (repeats allowed) and the numbers to skip.
    """
    placeholders: dict[EntityKey, str] = {}
    last_number: dict[str, int] = {}
    for key in ordered_keys:
        if key in placeholders:
            continue
        entity_type = key[0]
        number = last_number.get(entity_type, 0) + 1
        while number in reserved.get(entity_type, set()):
            number += 1
        last_number[entity_type] = number
        placeholders[key] = f"[{entity_type}_{number}]"
    return placeholders


# --- replacement -------------------------------------------------------------------------


def replace_spans(
    transcript_id: str, text: str, hits: list[Hit], replacement_of: Mapping[Hit, str]
) -> tuple[str, list[dict]]:
    """Return the text with each hit replaced, and one log row per replacement.

    Takes non-overlapping hits sorted by start and the replacement for each hit.
    """
    pieces, rows, cursor, deid_length = [], [], 0, 0
    for hit in hits:
        replacement = replacement_of[hit]
        kept_before = text[cursor : hit.start]
        deid_start = deid_length + len(kept_before)
        pieces += [kept_before, replacement]
        deid_length = deid_start + len(replacement)
        cursor = hit.end
        rows.append(
            {
                "transcript_id": transcript_id,
                "start": hit.start,
                "end": hit.end,
                "entity_type": hit.entity_type,
                "original": hit.text,
                "replacement": replacement,
                "deid_start": deid_start,
                "deid_end": deid_length,
                "detector": hit.detector,
            }
        )
    pieces.append(text[cursor:])
    return "".join(pieces), rows


def log_frame(rows: list[dict]) -> pd.DataFrame:
    """Return log rows as an AnonymisationLog frame sorted by transcript_id and start."""
    frame = pd.DataFrame(rows, columns=LOG_COLUMNS)
    integers = {column: "int64" for column in ("start", "end", "deid_start", "deid_end")}
    strings = {column: str for column in LOG_COLUMNS if column not in integers}
    frame = frame.astype({**integers, **strings})
    frame = frame.sort_values(["transcript_id", "start"], kind="stable").reset_index(drop=True)
    return AnonymisationLog.validate(frame)


def pseudonymise_corpus(
    texts: Mapping[str, str], detections: pd.DataFrame, allow_list: Iterable[str]
) -> tuple[dict[str, str], pd.DataFrame]:
    """Return the de-identified text of every transcript and the log of replacements.

    Takes {transcript id: normalised text}, a Detection frame for those transcripts
    (possibly overlapping) and the allow-list terms (which stop name parts and detected
    surfaces from being searched for elsewhere). Every entity found anywhere is replaced
    at every whole-word occurrence in the corpus by the same "[TYPE_n]" placeholder.
    The log (an AnonymisationLog) has one row per replacement, sorted by transcript and
    start. Raises ValueError when a detection does not match its transcript.
    """
    Detection.validate(detections)
    allowed = normalise_allow_list(allow_list)
    order = sorted(texts)
    raw_hits = detections_by_transcript(texts, detections)
    detected = {tid: resolve_overlaps(map(trim_to_name, raw_hits[tid])) for tid in order}
    matcher = build_matcher(search_terms(detected, allowed))
    final = {
        tid: resolve_overlaps(detected[tid] + propagated_hits(texts[tid], matcher)) for tid in order
    }
    keys_in_order = [entity_key(hit) for tid in order for hit in final[tid]]
    canonical = canonical_entities(keys_in_order)
    placeholders = number_entities(
        (canonical[key] for key in keys_in_order), reserved_numbers(texts.values())
    )
    texts_out, rows = {}, []
    for tid in order:
        replacement_of = {hit: placeholders[canonical[entity_key(hit)]] for hit in final[tid]}
        texts_out[tid], transcript_rows = replace_spans(tid, texts[tid], final[tid], replacement_of)
        rows += transcript_rows
    return texts_out, log_frame(rows)


def map_offset(log: pd.DataFrame, offset: int, side: str = "start") -> int:
    """Return where an offset of the raw normalised text falls in the de-identified text.

    Takes the log rows of one transcript, an offset into its raw text and which side of
    a span the offset is ("start" or "end"). An offset inside a replaced span snaps to
    the placeholder's start (side="start") or end (side="end"), so a mapped span always
    covers whole placeholders. The mapping is monotonic.
    """
    if side not in ("start", "end"):
        raise ValueError(f"side must be 'start' or 'end', not {side!r}")
    spans = log.sort_values("start")
    starts, ends = spans["start"].to_numpy(), spans["end"].to_numpy()
    deid_starts, deid_ends = spans["deid_start"].to_numpy(), spans["deid_end"].to_numpy()
    # Replaced spans do not overlap, so ends are sorted too.
    passed = int(np.searchsorted(ends, offset, side="right"))
    if passed < len(starts) and starts[passed] < offset:
        return int(deid_starts[passed] if side == "start" else deid_ends[passed])
    shift = deid_ends[passed - 1] - ends[passed - 1] if passed else 0
    return int(offset + shift)
