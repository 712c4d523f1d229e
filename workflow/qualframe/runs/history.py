"""The run history of a study: one record per run, and what changed between runs.

Every run started by `qualframe run` gets a run id (its UTC start time and a short digest)
and one line in `results/provenance/runs.jsonl`; a completed run also keeps a copy of its
manifest in `results/provenance/runs/<run-id>/manifest.json`. What changed since the
previous completed run is computed from the two manifests: the transcripts (the raw files
the ingest steps read, by transcript id), the coded-data files (what import_coding read
from the study: exports, codebook, case sheet) and the published outputs (every file under
results/ a step wrote, outside results/provenance/).

Records hold ids, paths, counts and checksums only, never file content.
"""

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from qualframe import io as qio
from qualframe.errors import QualframeError

RUN_FORMAT = "qualframe-run/1"
# Relative to the study folder.
PROVENANCE_DIR = Path("results/provenance")
MANIFEST = PROVENANCE_DIR / "manifest.json"
HISTORY_FILE = PROVENANCE_DIR / "runs.jsonl"
RUNS_DIR = PROVENANCE_DIR / "runs"
STEPS_DIR = PROVENANCE_DIR / "steps"
# Held while a record is appended; outside results/, which holds only what may be shared.
HISTORY_LOCK = Path(".snakemake/qualframe-history.lock")
RUN_ID_PATTERN = re.compile(r"\A[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}\Z")
# Outcomes of a run: the workflow finished (exit status 0) or failed; the invocation found
# another run of the study alive and did nothing; a run found dead (killed) by a later one.
COMPLETED, FAILED, SKIPPED, INTERRUPTED = "completed", "failed", "skipped", "interrupted"


def new_run_id(started: dt.datetime, salt: str) -> str:
    """`YYYYMMDDTHHMMSSZ-xxxxxx`: the UTC start time and 6 hex digits of a digest of the
    exact start time and `salt` (host and process id), so two runs started in the same
    second get different ids."""
    utc = started.astimezone(dt.UTC)
    digest = hashlib.sha256(f"{utc.isoformat()} {salt}".encode()).hexdigest()[:6]
    return f"{utc:%Y%m%dT%H%M%SZ}-{digest}"


def check_run_id(run_id: str) -> str:
    """`run_id` if it has the form of a run id (it becomes a folder name), else an error."""
    if not RUN_ID_PATTERN.match(run_id):
        raise QualframeError(f"not a run id (expected YYYYMMDDTHHMMSSZ-xxxxxx): {run_id!r}")
    return run_id


def manifest_of_run(run_id: str) -> Path:
    """Where a completed run's manifest is kept, relative to the study folder."""
    return RUNS_DIR / check_run_id(run_id) / "manifest.json"


def is_history_path(path: str) -> bool:
    """Whether a path (as written in records) belongs to the run history, which no step
    writes: the history file and the kept manifests."""
    runs = RUNS_DIR.as_posix()
    return path == HISTORY_FILE.as_posix() or path.startswith(runs + "/")


# What a manifest says about the study's inputs and outputs ------------------------------


def _steps_by_record(manifest: Mapping) -> dict[str, str]:
    return {step["path"]: step["step"] for step in manifest["steps"]}


def _read_by(manifest: Mapping, step_name: str) -> list[Mapping]:
    steps = _steps_by_record(manifest)
    return [
        entry
        for entry in manifest["files"]
        if any(steps.get(record) == step_name for record in entry.get("read_by", []))
    ]


def transcripts_of(manifest: Mapping) -> dict[str, str]:
    """{transcript id: SHA-256 of its raw file}: the files the ingest steps read."""
    return {Path(entry["path"]).stem: entry["sha256"] for entry in _read_by(manifest, "ingest")}


def coded_data_of(manifest: Mapping) -> dict[str, str]:
    """{path: SHA-256} of the coded data: what import-coding read from the study folder
    (coded-segment exports and projects, codebook, case sheet)."""
    return {
        entry["path"]: entry["sha256"]
        for entry in _read_by(manifest, "import-coding")
        if entry["zone"] == "study"
    }


def published_of(manifest: Mapping) -> dict[str, str]:
    """{path: SHA-256} of every file a step wrote under results/, except the provenance
    folder (step records hold times, so they differ on every run)."""
    provenance_dir = Path(manifest["results_dir"], "provenance").as_posix() + "/"
    return {
        entry["path"]: entry["sha256"]
        for entry in manifest["files"]
        if entry["zone"] == "results"
        and entry.get("written_by")
        and not entry["path"].startswith(provenance_dir)
    }


def changes(before: Mapping[str, str], after: Mapping[str, str]) -> dict:
    """What was added, removed and changed (by checksum) from `before` to `after`, each a
    sorted list of keys, and how many there are now."""
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(key for key in set(before) & set(after) if before[key] != after[key]),
        "total": len(after),
    }


def _parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def steps_run_since(manifest: Mapping, started: str) -> list[Mapping]:
    """The manifest's step entries whose step started at or after `started` (ISO time):
    the steps this run ran, as opposed to those whose results it kept."""
    since = _parse_time(started)
    return [step for step in manifest["steps"] if _parse_time(step["started"]) >= since]


def steps_after_manifest(study: str | os.PathLike, manifest: Mapping) -> list[dict]:
    """Step entries, like the manifest's, of the step records the manifest does not list:
    the steps that run after it (the leak scan), so the run's history counts them too."""
    listed = {step["path"] for step in manifest["steps"]}
    folder = Path(study, manifest.get("results_dir", "results"), "provenance", "steps")
    entries = []
    for path in sorted(folder.rglob("*.json")):
        relative = path.relative_to(study).as_posix()
        if relative in listed:
            continue
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise QualframeError(f"unreadable step record: {error}", path=relative) from error
        entries.append(
            {
                "path": relative,
                "step": record.get("step"),
                "started": record["started"],
                "slurm_job_id": record.get("slurm_job_id"),
                "config_digest": record.get("config_digest"),
            }
        )
    return entries


def job_order(job_id: str) -> tuple[int, str]:
    """Sort key putting SLURM job ids in numeric order (9 before 10)."""
    return len(job_id), job_id


def config_digest_of(manifest: Mapping, ran: list[Mapping]) -> str | None:
    """The configuration digest the run's steps recorded, or the manifest's only one when
    the run ran no step; None when they disagree."""
    for digests in ({s["config_digest"] for s in ran}, set(manifest.get("config_digests", []))):
        digests.discard(None)
        digests.discard("")
        if len(digests) == 1:
            return digests.pop()
    return None


# Records ----------------------------------------------------------------------------------


def run_record(
    run_id: str,
    outcome: str,
    started: str,
    ended: str | None,
    *,
    exit_status: int | None = None,
    code_version: str | None = None,
    config_digest: str | None = None,
    slurm_job_id: str | None = None,
    log: str | None = None,
    note: str | None = None,
) -> dict:
    """The history record of one run, before anything about its manifest is added."""
    return {
        "format": RUN_FORMAT,
        "run_id": check_run_id(run_id),
        "outcome": outcome,
        "started": started,
        "ended": ended,
        "exit_status": exit_status,
        "code_version": code_version,
        "config_digest": config_digest,
        "slurm_job_id": slurm_job_id,
        "log": log,
        "note": note,
        "manifest": None,
        "manifest_sha256": None,
        "previous_run": None,
        "steps_run": None,
        "slurm_jobs": [],
        "transcripts": None,
        "coded_data": None,
        "outputs": None,
    }


def with_manifest(
    record: Mapping,
    manifest: Mapping,
    manifest_path: str,
    manifest_sha256: str,
    previous: tuple[str, Mapping] | None,
    later_steps: Iterable[Mapping] = (),
) -> dict:
    """`record` completed from the run's manifest (kept at `manifest_path`) and the previous
    completed run's (`(run id, manifest)`, None for the first run): code version, config
    digest, the steps it ran and their SLURM jobs, and what changed since then.
    `later_steps` are entries of steps that ran after the manifest was written."""
    before = previous[1] if previous else {"steps": [], "files": [], "results_dir": "results"}
    ran = steps_run_since({"steps": [*manifest["steps"], *later_steps]}, record["started"])
    return {
        **record,
        "code_version": manifest.get("code_version"),
        "config_digest": config_digest_of(manifest, ran) or record["config_digest"],
        "manifest": manifest_path,
        "manifest_sha256": manifest_sha256,
        "previous_run": previous[0] if previous else None,
        "steps_run": len(ran),
        "slurm_jobs": sorted(
            {str(s["slurm_job_id"]) for s in ran if s.get("slurm_job_id")}, key=job_order
        ),
        "transcripts": changes(transcripts_of(before), transcripts_of(manifest)),
        "coded_data": changes(coded_data_of(before), coded_data_of(manifest)),
        "outputs": changes(published_of(before), published_of(manifest)),
    }


# The history file -------------------------------------------------------------------------


def read_history(study: str | os.PathLike) -> list[dict]:
    """Every record of `study`'s runs.jsonl, oldest first ([] before the first run)."""
    path = Path(study) / HISTORY_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise QualframeError(
                f"not a JSON record: {exc}", path=str(path), where=f"line {number}"
            ) from exc
        if not isinstance(record, dict) or "run_id" not in record:
            raise QualframeError("not a run record", path=str(path), where=f"line {number}")
        records.append(record)
    return records


def append_record(study: str | os.PathLike, record: Mapping) -> None:
    """Add one record to the history, atomically (the whole file is rewritten and renamed),
    under an exclusive lock so that two invocations never lose each other's lines."""
    path = Path(study) / HISTORY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n"
    lock_path = Path(study) / HISTORY_LOCK
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            existing = path.read_text(encoding="utf-8") if path.exists() else ""
            if existing and not existing.endswith("\n"):
                existing += "\n"
            qio.write_text(path, existing + line)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def last_completed(records: Iterable[Mapping]) -> Mapping | None:
    """The latest record of a completed run that kept a manifest, or None."""
    completed = [r for r in records if r["outcome"] == COMPLETED and r.get("manifest")]
    return completed[-1] if completed else None


def keep_manifest(study: str | os.PathLike, run_id: str) -> tuple[str, str]:
    """Copy the study's current manifest to the run's folder; return the copy's path
    (relative to the study folder) and its SHA-256."""
    kept = manifest_of_run(run_id)
    target = Path(study) / kept
    with qio.atomic_path(target) as tmp:
        shutil.copyfile(Path(study) / MANIFEST, tmp)
    return kept.as_posix(), qio.sha256_file(target)


def read_kept_manifest(study: str | os.PathLike, record: Mapping) -> dict:
    """The manifest a completed run kept, checked against the checksum in its record."""
    path = Path(study) / record["manifest"]
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise QualframeError(
            f"the manifest of run {record['run_id']} is missing", path=str(path)
        ) from exc
    if record.get("manifest_sha256") and (
        hashlib.sha256(data).hexdigest() != record["manifest_sha256"]
    ):
        raise QualframeError(
            f"the manifest of run {record['run_id']} differs from the checksum in "
            f"{HISTORY_FILE.as_posix()}",
            path=str(path),
        )
    return json.loads(data)


def manifest_is_current(study: str | os.PathLike, since: float) -> bool:
    """Whether the manifest describes the run that started at `since` (a modification time
    on the study's file system): it was written since then, or no step was (nothing to
    do). A run stopped before the manifest step (a target, --until) wrote step records
    but left an older manifest behind."""
    manifest = Path(study) / MANIFEST
    if not manifest.is_file():
        return False
    if manifest.stat().st_mtime >= since:
        return True
    records = (Path(study) / STEPS_DIR).rglob("*.json")
    return all(record.stat().st_mtime < since for record in records)


# Reading it -------------------------------------------------------------------------------


def _count(changed: Mapping | None) -> str:
    """`+added -removed ~changed` of one kind of file, "" when not known."""
    if not changed:
        return ""
    return f"+{len(changed['added'])} -{len(changed['removed'])} ~{len(changed['changed'])}"


def _duration(record: Mapping) -> str:
    if not record.get("ended"):
        return ""
    seconds = (_parse_time(record["ended"]) - _parse_time(record["started"])).total_seconds()
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes}:{seconds:02d}"


HISTORY_COLUMNS = (
    "run id",
    "started (UTC)",
    "took",
    "outcome",
    "transcripts",
    "coded data",
    "outputs",
    "steps",
    "SLURM jobs",
)


def history_rows(records: Iterable[Mapping]) -> list[tuple[str, ...]]:
    """One row of HISTORY_COLUMNS per record: changes as `+added -removed ~changed`."""
    rows = []
    for record in records:
        jobs = record.get("slurm_jobs") or []
        rows.append(
            (
                record["run_id"],
                record["started"][:19].replace("T", " "),
                _duration(record),
                record["outcome"],
                _count(record.get("transcripts")),
                _count(record.get("coded_data")),
                _count(record.get("outputs")),
                "" if record.get("steps_run") is None else str(record["steps_run"]),
                f"{jobs[0]}…{jobs[-1]} ({len(jobs)})" if len(jobs) > 2 else " ".join(jobs),
            )
        )
    return rows


def describe_history(records: list[Mapping]) -> str:
    """The history as a table, in order of start time, with a legend."""
    if not records:
        return "no runs recorded yet: start one with `qualframe run DIR`"
    rows = [HISTORY_COLUMNS, *history_rows(sorted(records, key=lambda r: r["started"]))]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HISTORY_COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.append(
        "changes since the previous completed run: +added -removed ~changed "
        "(`qualframe history DIR --json` lists them)"
    )
    return "\n".join(lines)
