"""Coding done on the raw transcripts: move each segment onto the de-identified text.

Offsets go through the anonymisation log's offset map, and the quote becomes the
de-identified text of the mapped span, so nothing identifying travels further.
"""

from collections.abc import Mapping

import pandas as pd

from qualframe.coding.segments import paragraph_number
from qualframe.deid import map_offset
from qualframe.schemas import Segment


def map_segments_to_deidentified(
    segments: pd.DataFrame,
    deid_texts: Mapping[str, str],
    log: pd.DataFrame,
) -> pd.DataFrame:
    """Take segments located in the normalised raw texts (schemas.Segment, raw offsets and
    raw quotes), the de-identified texts and the anonymisation log; return the segments
    on the de-identified texts: offsets mapped, quote and paragraph taken from the
    de-identified text (ids are left for the caller to renumber by the new positions)."""
    if segments.empty:
        return segments
    mapped = segments.copy()
    for transcript_id, rows in segments.groupby(Segment.transcript_id):
        entries = log[log["transcript_id"] == transcript_id]
        text = deid_texts[transcript_id]
        for index, row in rows.iterrows():
            start = map_offset(entries, int(row[Segment.start]), side="start")
            end = map_offset(entries, int(row[Segment.end]), side="end")
            mapped.at[index, Segment.start] = start
            mapped.at[index, Segment.end] = end
            mapped.at[index, Segment.text] = text[start:end]
            mapped.at[index, Segment.paragraph] = paragraph_number(text, start)
    return mapped
