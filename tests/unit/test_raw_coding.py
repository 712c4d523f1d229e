"""Coding done on the raw transcripts: raw offsets onto the normalised text, located
segments onto the de-identified text."""

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.coding import ColumnMap, locate_segments
from qualframe.coding.raw import (
    log_offset_map,
    map_segments_to_deidentified,
    raw_offsets_to_normalised,
)
from qualframe.ingest.normalise import normalise_with_maps
from qualframe.log_offsets import map_offset

COLUMNS = ColumnMap("doc", "code", "coder", "text", start="start", end="end")
RAW = "\ufeffQ: Did Dr Ann Lee help?   \r\n\r\n\r\n\r\nA: Yes, Ann Lee backed the café.\t\r\n"


def export(spans, raw_view):
    rows = [("P1.txt", "leadership", "ES", raw_view[s:e], str(s), str(e)) for s, e in spans]
    return pd.DataFrame(rows, columns=["doc", "code", "coder", "text", "start", "end"])


def test_raw_offsets_counted_any_way_land_on_the_quotes(codebook):
    normalised, maps = normalise_with_maps(RAW)
    for name, view in {
        "as written": RAW[1:],
        "LF": RAW[1:].replace("\r\n", "\n"),
        "with BOM": RAW,
    }.items():
        spans = [(view.index(q), view.index(q) + len(q)) for q in ("Did Dr", "backed the café.")]
        moved, readings = raw_offsets_to_normalised(
            export(spans, view), COLUMNS, {"P1": maps}, {"P1": normalised}
        )
        assert readings == {"P1": name}
        segments = locate_segments(moved, "x.csv", COLUMNS, {"P1": normalised}, codebook)
        assert segments["text"].tolist() == ["Did Dr", "backed the café."]


def test_bad_raw_offsets_are_left_for_the_locator_to_report(codebook):
    normalised, maps = normalise_with_maps(RAW)
    frame = export([(0, 3)], RAW[1:]).assign(start=["x"])
    moved, _ = raw_offsets_to_normalised(frame, COLUMNS, {"P1": maps}, {"P1": normalised})
    assert moved["start"].tolist() == ["x"]


def deidentify(raw: str, spans: list[tuple[int, int, str]]):
    """A de-identified text and its anonymisation log from replacements of raw spans."""
    log, pieces, at, shift = [], [], 0, 0
    for start, end, new in sorted(spans):
        pieces += [raw[at:start], new]
        log.append(
            {
                "transcript_id": "P1",
                "start": start,
                "end": end,
                "deid_start": start + shift,
                "deid_end": start + shift + len(new),
            }
        )
        shift += len(new) - (end - start)
        at = end
    pieces.append(raw[at:])
    return "".join(pieces), pd.DataFrame(log)


@settings(deadline=None)
@given(st.data())
def test_vectorised_mapping_equals_the_log_offset_map(data):
    raw = "Intro. Ann Lee met Bob at Leeds on Monday; then Ann left.\n"
    names = [(7, 14, "[PERSON_1]"), (19, 22, "[PERSON_2]"), (26, 31, "[LOCATION_1]")]
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True))
    deid, log = deidentify(raw, chosen)
    if log.empty:
        log = pd.DataFrame(columns=["transcript_id", "start", "end", "deid_start", "deid_end"])
    start = data.draw(st.integers(0, len(raw) - 2))
    end = data.draw(st.integers(start + 1, len(raw)))
    segments = pd.DataFrame(
        {
            "transcript_id": ["P1"],
            "start": [start],
            "end": [end],
            "text": [raw[start:end]],
            "paragraph": [1],
        }
    )
    mapped = map_segments_to_deidentified(segments, {"P1": deid}, log, {"P1": raw})
    expected = (map_offset(log, start, "start"), map_offset(log, end, "end"))
    assert (mapped.at[0, "start"], mapped.at[0, "end"]) == expected
    assert mapped.at[0, "text"] == deid[expected[0] : expected[1]]


@settings(deadline=None)
@given(st.data())
def test_all_transcripts_at_once_equal_one_offset_map_per_transcript(data):
    raw = "Intro. Ann Lee met Bob at Leeds on Monday; then Ann left.\n"
    names = [(7, 14, "[PERSON_1]"), (19, 22, "[PERSON_2]"), (26, 31, "[L]"), (48, 51, "")]
    deid, logs, rows = {}, [], []
    for transcript in ("P1", "P2", "P3"):
        chosen = data.draw(st.lists(st.sampled_from(names), unique=True))
        deid[transcript], log = deidentify(raw, chosen)
        logs.append(log.assign(transcript_id=transcript))
        for _ in range(data.draw(st.integers(0, 3))):
            start = data.draw(st.integers(0, len(raw) - 1))
            rows.append((transcript, start, data.draw(st.integers(start + 1, len(raw)))))
    log = pd.concat(logs, ignore_index=True)
    if log.empty:
        log = pd.DataFrame(columns=["transcript_id", "start", "end", "deid_start", "deid_end"])
    segments = pd.DataFrame(rows, columns=["transcript_id", "start", "end"])
    segments = segments.assign(text="", paragraph=1).sample(frac=1, random_state=0)
    mapped = map_segments_to_deidentified(segments, deid, log, {t: raw for t in deid})
    for row in mapped.itertuples():
        entries = log[log["transcript_id"] == row.transcript_id]
        expected = log_offset_map(entries, len(raw), len(deid[row.transcript_id])).derived_span(
            int(segments.at[row.Index, "start"]), int(segments.at[row.Index, "end"])
        )
        assert (row.start, row.end) == expected
        assert row.text == deid[row.transcript_id][expected[0] : expected[1]]
