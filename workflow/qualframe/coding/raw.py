"""Coding done on the raw transcripts: offsets written against the raw files are moved
onto the normalised text (through ingest's maps), and located segments onto the
de-identified text (through the anonymisation log), all vectorised per transcript.

The quote of a mapped segment becomes the de-identified text of the mapped span, so
nothing identifying travels further.
"""

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from qualframe.coding.segments import ColumnMap, resolve_transcript, same_quote
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
    ids = {t.casefold(): t for t in texts}
    transcripts = export[columns.transcript].map(lambda name: resolve_transcript(name, ids))
    starts = pd.to_numeric(export[columns.start].str.strip(), errors="coerce")
    ends = pd.to_numeric(export[columns.end].str.strip(), errors="coerce")
    whole = starts.notna() & ends.notna() & (starts % 1 == 0) & (ends % 1 == 0)
    moved = export.copy()
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
            score = quote_matches(texts[transcript], mapped, quotes)
            if best is None or score > best[0]:
                best = (score, name, inside, mapped)
        _, chosen[transcript], inside, mapped = best
        index = rows.index[inside]
        moved.loc[index, columns.start] = mapped[0, inside].astype(str)
        moved.loc[index, columns.end] = mapped[1, inside].astype(str)
    return moved, chosen


def quote_matches(text: str, spans: np.ndarray, quotes: list[str]) -> int:
    """How many of the first READING_SAMPLE rows with a quote and a mapped span
    (`spans`: starts and ends, -1 where unmapped) quote the text at that span."""
    matches = checked = 0
    for start, end, quote in zip(spans[0], spans[1], quotes, strict=True):
        if start < 0 or not quote.strip():
            continue
        matches += same_quote(text[start:end], quote)
        checked += 1
        if checked == READING_SAMPLE:
            break
    return matches


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
    de-identified texts and the log."""
    if segments.empty:
        return segments
    mapped = segments.copy()
    for transcript_id, rows in segments.groupby(Segment.transcript_id, sort=False):
        entries = log[log["transcript_id"] == transcript_id]
        text = deid_texts[transcript_id]
        if raw_texts is not None:
            raw_length = len(raw_texts[transcript_id])
        else:
            raw_length = (
                len(text)
                + int((entries["end"] - entries["start"]).sum())
                - int((entries["deid_end"] - entries["deid_start"]).sum())
            )
        offsets = log_offset_map(entries, raw_length, len(text))
        starts, ends = offsets.derived_spans(rows[Segment.start], rows[Segment.end])
        mapped.loc[rows.index, Segment.start] = starts
        mapped.loc[rows.index, Segment.end] = ends
        mapped.loc[rows.index, Segment.text] = [
            text[s:e] for s, e in zip(starts, ends, strict=True)
        ]
        mapped.loc[rows.index, Segment.paragraph] = paragraph_numbers(text, starts)
    return mapped


def paragraph_numbers(text: str, offsets) -> np.ndarray:
    """segments.paragraph_number for many offsets at once: 1 + the blank-line breaks
    ending at or before each offset."""
    breaks = np.array([m.end() for m in re.finditer("\n\n", text)], dtype=np.int64)
    return np.searchsorted(breaks, np.asarray(offsets, dtype=np.int64), side="right") + 1
