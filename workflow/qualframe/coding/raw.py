"""Coding done on the raw transcripts: offsets written against the raw files are moved
onto the normalised text (through ingest's maps), and located segments onto the
de-identified text (through the anonymisation log), vectorised: the first per transcript,
the second over all transcripts at once.

The quote of a mapped segment becomes the de-identified text of the mapped span, so
nothing identifying travels further.
"""

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from qualframe.coding.segments import (
    ColumnMap,
    resolve_transcript,
    same_quote,
    transcript_lookup,
)
from qualframe.ingest.normalise import IngestMaps
from qualframe.schemas import Segment
from qualframe.text.offsets import EDIT_COLUMNS, OffsetMap

# rows per transcript whose quotes are compared to choose how the producer counted
READING_SAMPLE = 200


def raw_offsets_to_normalised(
    export: pd.DataFrame,
    columns: ColumnMap,
    maps: Mapping[str, IngestMaps],
    texts: Mapping[str, str],
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Move an export's character offsets (text columns, as read) from the raw files onto
    the normalised texts `texts`, whose ingest `maps` are given per transcript id.

    Producers count differently (IngestMaps.readings: a BOM or not, CRLF as one
    character or two); per transcript the reading under which most quotes match the
    normalised text at their mapped offsets is taken (the first on a tie). Rows whose
    offsets are not whole numbers within the raw text, or whose transcript is unknown,
    are left as they are for locate_segments to report. Returns the export with offsets
    replaced and the reading chosen per transcript.
    """
    if not (columns.start and columns.end) or export.empty:
        return export, {}
    ids = transcript_lookup(texts)
    names = export[columns.transcript]
    known = {name: resolve_transcript(name, ids) for name in names.unique()}
    transcripts = names.map(known)
    starts = pd.to_numeric(export[columns.start].str.strip(), errors="coerce")
    ends = pd.to_numeric(export[columns.end].str.strip(), errors="coerce")
    whole = starts.notna() & ends.notna() & (starts % 1 == 0) & (ends % 1 == 0)
    new_starts = export[columns.start].to_numpy(dtype=object, copy=True)
    new_ends = export[columns.end].to_numpy(dtype=object, copy=True)
    chosen = {}
    for transcript, rows in export[whole & transcripts.notna()].groupby(transcripts, sort=False):
        if transcript not in maps:
            continue
        begin = starts[rows.index].to_numpy(dtype=np.int64)
        finish = ends[rows.index].to_numpy(dtype=np.int64)
        quotes = rows[columns.text].tolist()
        best = None
        for name, (shift, offsets) in maps[transcript].readings().items():
            inside = (begin >= 0) & (begin < finish) & (finish <= offsets.source_length - shift)
            mapped = np.full((2, len(begin)), -1, dtype=np.int64)
            mapped[0, inside], mapped[1, inside] = offsets.derived_spans(
                begin[inside] + shift, finish[inside] + shift
            )
            score, checked = quote_matches(texts[transcript], mapped, quotes)
            if best is None or score > best[0]:
                best = (score, name, inside, mapped)
            if score == checked:
                break  # every quote matches: no other reading can do better
        _, chosen[transcript], inside, mapped = best
        positions = export.index.get_indexer(rows.index[inside])
        new_starts[positions] = mapped[0, inside].astype(str)
        new_ends[positions] = mapped[1, inside].astype(str)
    moved = export.assign(**{columns.start: new_starts, columns.end: new_ends})
    return moved, chosen


def quote_matches(text: str, spans: np.ndarray, quotes: list[str]) -> tuple[int, int]:
    """How many of the first READING_SAMPLE rows with a quote and a mapped span
    (`spans`: starts and ends, -1 where unmapped) quote the text at that span, and how
    many such rows there were."""
    matches = checked = 0
    for start, end, quote in zip(spans[0], spans[1], quotes, strict=True):
        if start < 0 or not quote.strip():
            continue
        matches += same_quote(text[start:end], quote)
        checked += 1
        if checked == READING_SAMPLE:
            break
    return matches, checked


def log_offset_map(entries: pd.DataFrame, raw_length: int, deid_length: int) -> OffsetMap:
    """The map from a de-identified text back to its normalised raw text, from the
    anonymisation log rows of that transcript (start, end, deid_start, deid_end)."""
    edits = entries[["start", "end", "deid_start", "deid_end"]].set_axis(EDIT_COLUMNS, axis=1)
    return OffsetMap.from_edits(edits.astype("int64"), raw_length, deid_length)


def map_segments_to_deidentified(
    segments: pd.DataFrame,
    deid_texts: Mapping[str, str],
    log: pd.DataFrame,
    raw_texts: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Take segments located in the normalised raw texts (schemas.Segment, raw offsets and
    raw quotes), the de-identified texts and the anonymisation log; return the segments
    on the de-identified texts: offsets mapped (a span reaching into a replaced
    identifier covers the whole replacement), quote and paragraph taken from the
    de-identified text (ids are left for the caller to renumber by the new positions).
    `raw_texts` gives the raw texts' lengths; without it they are worked out from the
    de-identified texts and the log. All transcripts' segments are mapped at once
    (`log_spans_to_deidentified`)."""
    if segments.empty:
        return segments
    transcripts = segments[Segment.transcript_id].to_numpy()
    if raw_texts is not None:
        raw_lengths = {t: len(raw_texts[t]) for t in pd.unique(transcripts)}
    else:
        grew = (log["deid_end"] - log["deid_start"]) - (log["end"] - log["start"])
        growth = grew.groupby(log["transcript_id"]).sum()
        raw_lengths = {
            t: len(deid_texts[t]) - int(growth.get(t, 0)) for t in pd.unique(transcripts)
        }
    starts, ends = log_spans_to_deidentified(
        log,
        transcripts,
        segments[Segment.start].to_numpy(dtype=np.int64),
        segments[Segment.end].to_numpy(dtype=np.int64),
        raw_lengths,
    )
    texts = [deid_texts[t] for t in transcripts]
    paragraphs = np.empty(len(segments), dtype=np.int64)
    for transcript_id, rows in pd.Series(np.arange(len(segments))).groupby(transcripts):
        where = rows.to_numpy()
        paragraphs[where] = paragraph_numbers(deid_texts[transcript_id], starts[where])
    return segments.assign(
        **{
            Segment.start: starts,
            Segment.end: ends,
            Segment.text: [text[s:e] for text, s, e in zip(texts, starts, ends, strict=True)],
            Segment.paragraph: paragraphs,
        }
    )


def log_spans_to_deidentified(
    log: pd.DataFrame,
    transcripts: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    raw_lengths: Mapping[str, int],
) -> tuple[np.ndarray, np.ndarray]:
    """Map raw spans of many transcripts onto the de-identified texts at once, as
    `log_offset_map(...).derived_spans` does one transcript at a time.

    The log's replacements (raw [start, end) → de-identified [deid_start, deid_end),
    non-empty raw spans that do not overlap) are searched by binary search over one sorted
    key, transcript then offset: a raw offset inside a replacement maps to the whole
    replacement, any other moves by what the replacements before it added or removed.
    A span outside its raw text (of `raw_lengths`) is a ValueError.
    """
    names = pd.Index(pd.unique(np.concatenate([transcripts, log["transcript_id"].to_numpy()])))
    lengths = np.array([raw_lengths.get(name, 0) for name in names], dtype=np.int64)
    which = names.get_indexer(transcripts)
    if len(starts) and (starts.min() < 0 or (ends > lengths[which]).any() or (ends < starts).any()):
        raise ValueError("span outside the raw text")
    if log.empty:  # nothing replaced: the texts are the same
        return starts.copy(), np.maximum(ends, starts)
    span = int(max(lengths.max(initial=0), log["end"].max() if len(log) else 0)) + 1
    ordered = log.assign(_t=names.get_indexer(log["transcript_id"])).sort_values(["_t", "start"])
    t = ordered["_t"].to_numpy(dtype=np.int64)
    raw_start = ordered["start"].to_numpy(dtype=np.int64)
    raw_end = ordered["end"].to_numpy(dtype=np.int64)
    deid_start = ordered["deid_start"].to_numpy(dtype=np.int64)
    deid_end = ordered["deid_end"].to_numpy(dtype=np.int64)
    grew = (deid_end - deid_start) - (raw_end - raw_start)
    # what the replacements up to and including each one added, within its transcript
    total = np.cumsum(grew)
    first_of = np.searchsorted(t, t, side="left")
    shift = total - np.concatenate([[0], total])[first_of]
    keys = t * span + raw_start

    def last_replacement(offsets: np.ndarray, side: str) -> np.ndarray:
        """Index of the transcript's last replacement starting at (side="right") or
        before (side="left") each offset; -1 where there is none."""
        found = np.searchsorted(keys, which * span + offsets, side=side) - 1
        valid = found >= 0
        valid[valid] = t[found[valid]] == which[valid]
        return np.where(valid, found, -1)

    def moved(offsets: np.ndarray, k: np.ndarray) -> np.ndarray:
        return offsets + np.where(k >= 0, shift[np.maximum(k, 0)], 0)

    k = last_replacement(starts, "right")
    inside = (k >= 0) & (starts < raw_end[np.maximum(k, 0)])
    derived_starts = np.where(inside, deid_start[np.maximum(k, 0)], moved(starts, k))
    k = last_replacement(ends, "left")
    inside = (k >= 0) & (ends <= raw_end[np.maximum(k, 0)])
    derived_ends = np.where(inside, deid_end[np.maximum(k, 0)], moved(ends, k))
    derived_ends = np.where(
        ends <= starts, derived_starts, np.maximum(derived_ends, derived_starts)
    )
    return derived_starts, derived_ends


def paragraph_numbers(text: str, offsets) -> np.ndarray:
    """segments.paragraph_number for many offsets at once: 1 + the blank-line breaks
    ending at or before each offset."""
    breaks = np.array([m.end() for m in re.finditer("\n\n", text)], dtype=np.int64)
    return np.searchsorted(breaks, np.asarray(offsets, dtype=np.int64), side="right") + 1
