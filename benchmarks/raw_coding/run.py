"""Time coding done on the raw transcripts: ingest's normalisation with its maps, and moving
raw-file offsets onto the normalised and then the de-identified texts.

    python benchmarks/raw_coding/run.py --transcripts 200 --segments-per-transcript 500

Builds seeded synthetic raw transcripts the way Windows editors and CAQDAS leave them
(a BOM, CRLF line endings, trailing spaces, runs of blank lines, decomposed accents),
an anonymisation log replacing names in the normalised texts, and coded segments with
offsets counted in the raw files. Times each step once and checks that every segment
lands on its quote; prints a markdown table for benchmarks/README.md. Nothing here is
asserted.
"""

import argparse
import platform
import resource
import time
import unicodedata

import numpy as np
import pandas as pd

from qualframe.coding import ColumnMap, codebook_from_dict, locate_segments
from qualframe.coding.raw import map_segments_to_deidentified, raw_offsets_to_normalised
from qualframe.ingest.normalise import IngestMaps, normalise_with_maps
from qualframe.log_offsets import map_offset

WORDS = "the café staff said we could not recruit nurses funding ran out police".split()
NAMES = ["Ann Lee", "Bob Hart", "Leeds", "Cafe\u0301 Nova"]
COLUMNS = ColumnMap("doc", "code", "coder", "text", start="start", end="end")
CODEBOOK = {"themes": [{"id": "t", "name": "T", "codes": [{"id": "c", "name": "C"}]}]}


def raw_transcript(rng: np.random.Generator, paragraphs: int) -> str:
    """One raw transcript: numbered turns, so every sentence is unique."""
    turns = []
    for p in range(paragraphs):
        words = rng.choice(WORDS, size=int(rng.integers(8, 30))).tolist()
        words.insert(int(rng.integers(0, len(words))), str(rng.choice(NAMES)))
        turns.append(f"{'Q' if p % 2 else 'A'}{p}: {' '.join(words)}.  ")
    blank = ["\r\n\r\n", "\r\n\r\n\r\n\r\n", "\r\n \r\n"]
    return "\ufeff" + "".join(t + str(rng.choice(blank)) for t in turns)


def anonymisation_log(transcript_id: str, text: str) -> tuple[str, pd.DataFrame]:
    """Replace every name in a normalised text; the log as pseudonymise writes it."""
    rows, pieces, at, shift = [], [], 0, 0
    hits = sorted(
        (i, i + len(name))
        for name in ("Ann Lee", "Bob Hart", "Leeds", "Café Nova")
        for i in find_all(text, name)
    )
    for start, end in hits:
        new = "[PERSON_1]"
        pieces += [text[at:start], new]
        rows.append((transcript_id, start, end, start + shift, start + shift + len(new)))
        shift += len(new) - (end - start)
        at = end
    pieces.append(text[at:])
    columns = ["transcript_id", "start", "end", "deid_start", "deid_end"]
    return "".join(pieces), pd.DataFrame(rows, columns=columns)


def find_all(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at != -1:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def coded_rows(rng, transcript_id: str, raw: str, n: int) -> list[tuple]:
    """Segments with offsets counted in the raw file as written (after the BOM)."""
    view = raw[1:]
    rows, seen = [], set()
    while len(rows) < n:
        start = int(rng.integers(0, len(view) - 200))
        while not view[start].isalpha() or (start and view[start - 1].isalpha()):
            start += 1
        end = start + int(rng.integers(20, 150))
        # a coder selects whole characters: never between a letter and its accent
        while end < len(view) and (view[end - 1].isspace() or unicodedata.combining(view[end])):
            end += 1
        if (start, end) not in seen:  # the same span coded twice is a duplicate
            seen.add((start, end))
            rows.append((transcript_id, "c", "ES", view[start:end], str(start), str(end)))
    return rows


def timed(step: str, table: list, fn, *args):
    began = time.perf_counter()
    result = fn(*args)
    table.append((step, time.perf_counter() - began))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=200)
    parser.add_argument("--segments-per-transcript", type=int, default=500)
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    ids = [f"T{i:04d}" for i in range(args.transcripts)]
    raws = {t: raw_transcript(rng, args.paragraphs) for t in ids}
    table: list[tuple[str, float]] = []

    def ingest():
        return {t: normalise_with_maps(raw) for t, raw in raws.items()}

    ingested = timed("ingest: normalise with maps", table, ingest)
    texts = {t: text for t, (text, _) in ingested.items()}
    stored = {
        t: {**maps.to_columns(), "normalised_characters": len(texts[t])}
        for t, (_, maps) in ingested.items()
    }
    maps = timed(
        "rebuild maps from stored edits",
        table,
        lambda: {t: IngestMaps.from_row(row) for t, row in stored.items()},
    )
    deid, logs = {}, []
    for t in ids:
        deid[t], log = anonymisation_log(t, texts[t])
        logs.append(log)
    log = pd.concat(logs, ignore_index=True)
    rows = [r for t in ids for r in coded_rows(rng, t, raws[t], args.segments_per_transcript)]
    export = pd.DataFrame(rows, columns=["doc", "code", "coder", "text", "start", "end"])
    codebook = codebook_from_dict(CODEBOOK)

    moved, readings = timed(
        "raw offsets onto normalised text",
        table,
        raw_offsets_to_normalised,
        export,
        COLUMNS,
        maps,
        texts,
    )
    segments = timed(
        "locate and check every segment",
        table,
        locate_segments,
        moved,
        "coded.csv",
        COLUMNS,
        texts,
        codebook,
    )
    mapped = timed(
        "onto de-identified text (vectorised)",
        table,
        map_segments_to_deidentified,
        segments,
        deid,
        log,
        texts,
    )
    sample = segments.head(5000)

    def per_row():
        for row in sample.itertuples(index=False):
            entries = log[log["transcript_id"] == row.transcript_id]
            map_offset(entries, row.start, "start"), map_offset(entries, row.end, "end")

    timed(f"same, per row with map_offset ({len(sample):,} rows)", table, per_row)

    print(
        f"{args.transcripts} transcripts, {len(export):,} segments, "
        f"{sum(map(len, raws.values())) / 1e6:.1f} M raw characters; readings chosen: "
        f"{sorted(set(readings.values()))}; segments located: {len(segments):,}; "
        f"{platform.python_version()}, peak "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB\n"
    )
    print("| step | seconds |\n|---|---|")
    for step, seconds in table:
        print(f"| {step} | {seconds:.2f} |")
    assert len(mapped) == len(export)


if __name__ == "__main__":
    main()
