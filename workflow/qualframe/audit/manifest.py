"""The run manifest: every file the run read or wrote, with its checksum and its step.

Built from the steps' provenance records after re-hashing every file they name, so a
file changed behind the workflow's back is caught before the manifest vouches for it.
"""

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from qualframe import provenance
from qualframe.errors import QualframeError

# Files in the results folder that belong to no step: a placeholder kept by git and the
# marker Snakemake leaves in a folder output.
NOT_OUTPUTS = frozenset({".gitkeep", ".snakemake_timestamp"})


def is_under(path: str, folder: str) -> bool:
    """Whether `path` is `folder` or lies inside it (both as written in records)."""
    folder = provenance.as_posix(folder).rstrip("/")
    return path == folder or path.startswith(folder + "/")


def zone_of(
    path: str, restricted: Iterable[str], results_dir: str, workflow_files: set[str]
) -> str:
    """Which zone a file belongs to: restricted (listed by checksum only), results,
    workflow (the definition of the run) or study (the other inputs)."""
    if any(is_under(path, folder) for folder in restricted):
        return "restricted"
    if path in workflow_files:
        return "workflow"
    if is_under(path, results_dir):
        return "results"
    return "study"


def check_record_files(
    record_path: str, record: Mapping, hashed: dict[str, dict]
) -> dict[str, dict]:
    """Re-hash the files a record names; return {path: entry}. Raises QualframeError when
    a file is missing or differs from the checksum the step recorded. `hashed` keeps the
    entries of files already hashed, which many records name (the de-identified texts)."""
    entries = {}
    for entry in [*record["inputs"], *record["outputs"]]:
        path = entry["path"]
        if not os.path.exists(path):
            raise QualframeError(
                f"{path} is named by the step record but no longer exists: re-run the workflow",
                path=record_path,
            )
        if path not in hashed:
            hashed[path] = provenance.file_entry(path)
        current = hashed[path]
        if current["sha256"] != entry["sha256"]:
            raise QualframeError(
                f"{path} changed after the {record['step']} step wrote this record "
                f"(recorded sha256 {entry['sha256'][:12]}…, now {current['sha256'][:12]}…): "
                "re-run the workflow",
                path=record_path,
            )
        entries[path] = current
    return entries


def build_manifest(
    records: Mapping[str, Mapping],
    workflow_files: Iterable[str],
    restricted: Iterable[str],
    results_dir: str,
    created: str,
) -> dict:
    """The run manifest from the step records ({record path: record}).

    Takes the records, the files defining the workflow, the folders or files that are
    restricted (their entries carry checksums only, as every entry does), the results
    folder and the creation time. Every file appears once with its size, SHA-256, zone,
    the record of the step that wrote it and the records of the steps that read it.
    """
    restricted = list(restricted)
    workflow_entries = provenance.describe_files(workflow_files)
    workflow_paths = {entry["path"] for entry in workflow_entries}
    files: dict[str, dict] = {entry["path"]: dict(entry) for entry in workflow_entries}
    steps, hashed = [], {}
    for record_path, record in sorted(records.items()):
        record_path = provenance.as_posix(record_path)
        for path, entry in check_record_files(record_path, record, hashed).items():
            files.setdefault(path, dict(entry))
        for entry in record["inputs"]:
            files[entry["path"]].setdefault("read_by", []).append(record_path)
        for entry in record["outputs"]:
            files[entry["path"]]["written_by"] = record_path
        steps.append(
            {
                **provenance.file_entry(record_path),
                "step": record["step"],
                "started": record["started"],
                "ended": record["ended"],
                "host": record["host"],
                "slurm_job_id": record.get("slurm_job_id"),
                "code_version": record["code_version"],
                "config_digest": record["config_digest"],
            }
        )
    for path, entry in files.items():
        entry["zone"] = zone_of(path, restricted, results_dir, workflow_paths)
        entry.setdefault("read_by", [])
        entry.setdefault("written_by", None)
    config_digests = sorted({step["config_digest"] or "" for step in steps})
    return {
        "format": provenance.MANIFEST_FORMAT,
        "created": created,
        "results_dir": provenance.as_posix(results_dir),
        "restricted": [provenance.as_posix(path) for path in restricted],
        "code_version": provenance.code_version(),
        "config_digests": config_digests,
        "steps": steps,
        "files": [files[path] for path in sorted(files)],
    }


def shard_listing(records: Mapping[str, Mapping]) -> pd.DataFrame:
    """Which raw transcripts each ingest shard read: shard, transcript id, raw file, SHA-256."""
    rows = [
        {
            "shard": Path(record_path).stem,
            "transcript_id": Path(entry["path"]).stem,
            "raw_file": entry["path"],
            "sha256": entry["sha256"],
        }
        for record_path, record in sorted(records.items())
        if record["step"] == "ingest"
        for entry in record["inputs"]
    ]
    return pd.DataFrame(rows, columns=["shard", "transcript_id", "raw_file", "sha256"])


def published_files(results_dir: str | os.PathLike, ignore: Iterable[str]) -> list[str]:
    """Every file under the results folder (as written in records), except `ignore`."""
    ignore = set(ignore)
    found = (
        provenance.as_posix(p)
        for p in Path(results_dir).rglob("*")
        if p.is_file() and p.name not in NOT_OUTPUTS
    )
    return sorted(path for path in found if path not in ignore)


def stale_records(steps_dir: str | os.PathLike, records: Iterable[str]) -> list[Path]:
    """Step records under `steps_dir` that are not among the run's `records`: left by a
    shard or step that no longer exists (a transcript removed, coded data withdrawn)."""
    current = {os.path.normpath(path) for path in records}
    return sorted(
        path
        for path in Path(steps_dir).rglob("*.json")
        if path.is_file() and os.path.normpath(path) not in current
    )
