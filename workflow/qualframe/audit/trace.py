"""Trace an output back to its inputs.

From a framework-matrix cell, a theme-summary row or a coded segment, through the coded
segments, to the span of the de-identified transcript, the offsets of that span in the
normalised raw transcript, the raw input file and its SHA-256, with the provenance
record of every step on the way. Raw text appears only when asked for, and only to a
user who can read the restricted folder.
"""

import json
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.errors import QualframeError
from qualframe.log_offsets import map_offset_to_raw
from qualframe.schemas import CellSummary, MatrixCell, Segment

MATRIX = "matrix/framework_matrix.parquet"
SUMMARY = "themes/theme_summary.parquet"
SEGMENTS = "coding/segments.parquet"
CODEBOOK = "coding/codebook.parquet"
CASES = "coding/cases.parquet"
CELL_SUMMARIES = "charting/cell_summaries.parquet"
DEID_TRANSCRIPTS = "deid/transcripts"


class Run:
    """A finished run as its manifest describes it: files, checksums and step records."""

    def __init__(self, manifest: Mapping):
        self.manifest = manifest
        self.results = Path(manifest["results_dir"])
        self.files = {entry["path"]: entry for entry in manifest["files"]}
        self.steps = {step["path"]: step for step in manifest["steps"]}
        self.loaded: dict[str, object] = {}

    def load(self, path: str, reader):
        """`reader(path)`, read once however many segments a trace follows through it."""
        if path not in self.loaded:
            self.loaded[path] = reader(path)
        return self.loaded[path]

    def path(self, relative: str) -> str:
        return (self.results / relative).as_posix()

    def file(self, path: str) -> dict:
        """The manifest entry of `path`; QualframeError when the run did not make it."""
        if path not in self.files:
            raise QualframeError(f"{path} is not in the run manifest: run the workflow first")
        return self.files[path]

    def step_of(self, path: str) -> dict | None:
        """Summary of the step record that wrote `path` (None for an input of the run)."""
        record = self.file(path)["written_by"]
        if record is None:
            return None
        step = self.steps[record]
        return {key: step[key] for key in ("step", "path", "sha256", "started", "ended", "host")}

    def record(self, record_path: str) -> dict:
        return self.load(record_path, lambda path: json.loads(qio.read_text(path)))

    def output_of(self, step: str, suffix: str) -> str | None:
        """The path ending in `suffix` that a `step` step wrote, if any."""
        for path, entry in self.files.items():
            record = entry["written_by"]
            if record and self.steps[record]["step"] == step and path.endswith(suffix):
                return path
        return None


def file_ref(run: Run, path: str) -> dict:
    entry = run.file(path)
    return {
        "path": path,
        "sha256": entry["sha256"],
        "zone": entry["zone"],
        "step": run.step_of(path),
    }


def segments_of_cell(run: Run, case_id: str, code_id: str) -> tuple[dict, list[str]]:
    """The matrix row of (case, code) and its segment ids."""
    path = run.path(MATRIX)
    matrix = qio.read_parquet(path)
    row = matrix[(matrix[MatrixCell.case_id] == case_id) & (matrix[MatrixCell.code_id] == code_id)]
    if row.empty:
        raise QualframeError(f"no matrix cell for case {case_id!r} and code {code_id!r}", path=path)
    ids = [i for i in row.iloc[0][MatrixCell.segment_ids].split(";") if i]
    origin = {
        "kind": "matrix cell",
        "case_id": case_id,
        "code_id": code_id,
        "n_segments": int(row.iloc[0][MatrixCell.n_segments]),
        "file": file_ref(run, path),
    }
    if row.iloc[0].get(MatrixCell.summary, ""):
        origin["summaries"] = summaries_of_cell(run, case_id, code_id)
    return origin, ids


def summaries_of_cell(run: Run, case_id: str, code_id: str) -> list[dict]:
    """Where the analysts wrote the summaries of (case, code): workbook, its SHA-256, sheet,
    cell and analyst, and the de-identified summaries table they were read into."""
    path = run.path(CELL_SUMMARIES)
    table = run.load(path, qio.read_parquet)
    rows = table[(table[CellSummary.case_id] == case_id) & (table[CellSummary.code_id] == code_id)]
    return [
        {
            "workbook": row[CellSummary.workbook],
            "sha256": row[CellSummary.workbook_sha256],
            "sheet": row[CellSummary.sheet],
            "cell": row[CellSummary.cell],
            "analyst": row[CellSummary.analyst],
            "replacements": int(row[CellSummary.replacements]),
            "table": file_ref(run, path),
        }
        for _, row in rows.iterrows()
    ]


def segments_of_summary_row(
    run: Run, row_number: int, primary_coder: str
) -> tuple[dict, list[str]]:
    """The theme-summary row `row_number` (1 = the first data row of its CSV) and the
    segments behind it: its theme's or code's segments in the cases of its group."""
    path = run.path(SUMMARY)
    summary = qio.read_parquet(path)
    if not 1 <= row_number <= len(summary):
        raise QualframeError(
            f"row {row_number} does not exist: the theme summary has {len(summary)} rows", path=path
        )
    row = summary.iloc[row_number - 1]
    segments = run.load(run.path(SEGMENTS), qio.read_parquet)
    codebook = qio.read_parquet(run.path(CODEBOOK))
    if row["level"] == "code":
        codes = {row["code_id"]}
    else:
        codes = set(codebook.loc[codebook["theme_id"] == row["theme_id"], "code_id"])
    chosen = segments[Segment.code_id].isin(codes)
    if row["group_attribute"] != "all":
        cases = qio.read_parquet(run.path(CASES))
        in_group = cases.loc[
            cases[row["group_attribute"]].astype(str) == row["group_value"], "case_id"
        ]
        chosen &= segments[Segment.case_id].isin(set(in_group))
    if primary_coder:
        chosen &= segments[Segment.coder] == primary_coder
    origin = {
        "kind": "theme summary row",
        "row": row_number,
        "level": row["level"],
        "theme_id": row["theme_id"],
        "code_id": row["code_id"],
        "group": f"{row['group_attribute']}={row['group_value']}",
        "file": file_ref(run, path),
    }
    return origin, list(segments.loc[chosen, Segment.segment_id])


def ingest_of(run: Run, transcript_id: str) -> tuple[str, dict, dict]:
    """The ingest shard table holding a transcript, the step record that wrote it and the
    record's entry for the transcript's raw file."""
    for record_path, step in run.steps.items():
        if step["step"] != "ingest":
            continue
        record = run.record(record_path)
        for entry in record["inputs"]:
            if Path(entry["path"]).stem == transcript_id:
                [table] = [e["path"] for e in record["outputs"]]
                return table, record, entry
    raise QualframeError(f"the run has no ingest step for transcript {transcript_id!r}")


def raw_location(run: Run, transcript_id: str, start: int, end: int, show_raw: bool) -> dict:
    """Where a de-identified span lies in the normalised raw transcript and which raw file
    that came from. Offsets need read access to the anonymisation log (restricted)."""
    table, _, raw = ingest_of(run, transcript_id)
    located = {
        "normalised_transcript": {**file_ref(run, table), "transcript_id": transcript_id},
        "raw_file": {"path": raw["path"], "sha256": raw["sha256"], "size": raw["size"]},
    }
    log_path = run.output_of("pseudonymise", "anonymisation_log.csv")
    if log_path is None or not os.access(log_path, os.R_OK):
        located["raw_offsets"] = "restricted: needs read access to the anonymisation log"
        return located
    log = run.load(log_path, qio.read_anonymisation_log)
    rows = log[log["transcript_id"] == transcript_id]
    raw_start = map_offset_to_raw(rows, start, side="start")
    raw_end = map_offset_to_raw(rows, end, side="end")
    located["raw_offsets"] = {"start": raw_start, "end": raw_end, "via": file_ref(run, log_path)}
    if show_raw:
        if not os.access(table, os.R_OK):
            raise QualframeError(
                "showing raw text needs read access to the restricted folder", path=table
            )
        shard = run.load(table, qio.read_ingested).set_index("transcript_id")
        located["raw_text"] = shard.loc[transcript_id, "text"][raw_start:raw_end]
    return located


def trace_segment(run: Run, segment: pd.Series, show_raw: bool) -> dict:
    """The chain behind one coded segment."""
    transcript_id = segment[Segment.transcript_id]
    start, end = int(segment[Segment.start]), int(segment[Segment.end])
    deid_path = run.path(f"{DEID_TRANSCRIPTS}/{transcript_id}.txt")
    deid_text = run.load(deid_path, qio.read_text)[start:end]
    return {
        "segment_id": segment[Segment.segment_id],
        "case_id": segment[Segment.case_id],
        "code_id": segment[Segment.code_id],
        "coder": segment[Segment.coder],
        "coded_in": {"file": segment[Segment.source_file], "row": int(segment[Segment.source_row])},
        "segments_table": file_ref(run, run.path(SEGMENTS)),
        "deidentified_span": {
            **file_ref(run, deid_path),
            "start": start,
            "end": end,
            "text": deid_text,
            "matches_segment": deid_text == segment[Segment.text],
        },
        **raw_location(run, transcript_id, start, end, show_raw),
    }


def trace(
    manifest: Mapping,
    *,
    case_id: str | None = None,
    code_id: str | None = None,
    segment_id: str | None = None,
    summary_row: int | None = None,
    primary_coder: str = "",
    show_raw: bool = False,
) -> dict:
    """The chain from one output (a matrix cell, a summary row or a segment) to the raw files."""
    run = Run(manifest)
    if segment_id is not None:
        origin, ids = {"kind": "coded segment", "segment_id": segment_id}, [segment_id]
    elif summary_row is not None:
        origin, ids = segments_of_summary_row(run, summary_row, primary_coder)
    elif case_id is not None and code_id is not None:
        origin, ids = segments_of_cell(run, case_id, code_id)
    else:
        raise QualframeError("say what to trace: --case and --code, --summary-row or --segment")
    segments = run.load(run.path(SEGMENTS), qio.read_parquet)
    segments = segments.set_index(Segment.segment_id, drop=False)
    unknown = [i for i in ids if i not in segments.index]
    if unknown:
        raise QualframeError(f"no coded segment {unknown[0]!r}", path=run.path(SEGMENTS))
    return {
        "output": origin,
        "segments": [trace_segment(run, segments.loc[i], show_raw) for i in ids],
    }


def step_line(step: dict | None) -> str:
    if step is None:
        return "an input of the run"
    return (
        f"step {step['step']}, record {step['path']} "
        f"(sha256 {step['sha256'][:16]}…, ended {step['ended']})"
    )


def sheet_cell(sheet: str, cell: str) -> str:
    """`'Sheet name'!C7`, as a spreadsheet writes a reference."""
    return "'" + sheet.replace("'", "''") + "'!" + cell


def describe(chain: Mapping) -> str:
    """The chain as readable text."""
    origin = chain["output"]
    lines = []
    if origin["kind"] == "matrix cell":
        lines.append(f"Matrix cell: case {origin['case_id']} × code {origin['code_id']}")
    elif origin["kind"] == "theme summary row":
        lines.append(
            f"Theme summary row {origin['row']}: {origin['level']} "
            f"{origin['code_id'] or origin['theme_id']}, group {origin['group']}"
        )
    else:
        lines.append(f"Coded segment {origin['segment_id']}")
    if "file" in origin:
        lines.append(f"  in {origin['file']['path']} (sha256 {origin['file']['sha256'][:16]}…)")
        lines.append(f"  made by {step_line(origin['file']['step'])}")
    for summary in origin.get("summaries", []):
        analyst = f", charted by {summary['analyst']}" if summary["analyst"] else ""
        lines += [
            f"  Summary written in {summary['workbook']} (sha256 {summary['sha256']}), "
            f"{sheet_cell(summary['sheet'], summary['cell'])}{analyst}",
            f"    read into {summary['table']['path']} "
            f"({summary['replacements']} replacement(s) by de-identification), "
            f"made by {step_line(summary['table']['step'])}",
        ]
    lines.append(f"  {len(chain['segments'])} coded segment(s)")
    for seg in chain["segments"]:
        deid, table = seg["deidentified_span"], seg["segments_table"]
        lines += [
            "",
            f"  Segment {seg['segment_id']}: case {seg['case_id']}, code {seg['code_id']}, "
            f"coder {seg['coder']}, {seg['coded_in']['file']} row {seg['coded_in']['row']}",
            f"    table: {table['path']}, made by {step_line(table['step'])}",
            f"    de-identified span: {deid['path']} [{deid['start']}:{deid['end']}] "
            f"(sha256 {deid['sha256'][:16]}…)",
            f'      "{deid["text"]}"',
            f"      made by {step_line(deid['step'])}",
        ]
        offsets = seg["raw_offsets"]
        normalised = seg["normalised_transcript"]
        if isinstance(offsets, dict):
            lines.append(
                f"    normalised raw span: transcript {normalised['transcript_id']} in "
                f"{normalised['path']} [{offsets['start']}:{offsets['end']}] "
                f"(sha256 {normalised['sha256'][:16]}…), offsets via {offsets['via']['path']}"
            )
        else:
            lines.append(f"    normalised raw transcript: {normalised['path']} ({offsets})")
        lines.append(f"      made by {step_line(normalised['step'])}")
        if "raw_text" in seg:
            lines.append(f'      raw text (restricted): "{seg["raw_text"]}"')
        raw = seg["raw_file"]
        lines.append(
            f"    raw input file: {raw['path']} (sha256 {raw['sha256']}, {raw['size']} bytes)"
        )
    return "\n".join(lines)
