"""Verify today's files against an earlier run's manifest, and say which differences later
runs explain and which were made behind the workflow's back.

A difference is explained when a later run's kept manifest (or the current manifest, for a
run started without `qualframe run`) lists the file with the checksum it has now: the
earliest such run wrote it (or, for an input, read it in that form); a missing file is
explained when a later run no longer lists it. Anything else changed outside the workflow.
"""

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from qualframe import provenance
from qualframe.audit.verify import CRATE_FILE, Finding, Verification, verify_run
from qualframe.errors import QualframeError
from qualframe.runs import history


class Explained(NamedTuple):
    """A difference from the run's manifest, and the later run that explains it: its run
    id, "the current manifest" (a run not started with `qualframe run`), or None (changed
    outside the workflow)."""

    finding: Finding
    later_run: str | None
    how: str


class RunVerification(NamedTuple):
    run_id: str
    verification: Verification
    explained: list[Explained]

    @property
    def outside(self) -> list[Explained]:
        return [item for item in self.explained if item.later_run is None]


def find_run(records: Sequence[Mapping], run_id: str, study: Path) -> int:
    """The position of run `run_id` in the history; an error if it kept no manifest."""
    ids = [record["run_id"] for record in records]
    if run_id not in ids:
        raise QualframeError(
            f"no run {run_id} in the history", path=str(study / history.HISTORY_FILE)
        )
    position = len(ids) - 1 - ids[::-1].index(run_id)
    record = records[position]
    if not record.get("manifest"):
        raise QualframeError(
            f"run {run_id} kept no manifest (outcome: {record['outcome']}): "
            "only completed runs can be verified"
        )
    return position


def later_manifests(
    study: Path, records: Sequence[Mapping], position: int
) -> list[tuple[str, Mapping]]:
    """(label, manifest) of every completed run after the one at `position`, oldest first,
    then the current manifest if no kept manifest matches it (a run made without
    `qualframe run`)."""
    later = [
        record
        for record in records[position + 1 :]
        if record["outcome"] == history.COMPLETED and record.get("manifest")
    ]
    found = [(f"run {r['run_id']}", history.read_kept_manifest(study, r)) for r in later]
    current = study / history.MANIFEST
    kept_checksums = {r.get("manifest_sha256") for r in records}
    if current.is_file() and provenance.sha256_file(current) not in kept_checksums:
        found.append(("the current manifest", json.loads(current.read_text(encoding="utf-8"))))
    return found


def _checksums(manifest: Mapping) -> dict[str, str]:
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    listed.update({step["path"]: step["sha256"] for step in manifest["steps"]})
    if manifest.get("shards"):
        listed[manifest["shards"]["path"]] = manifest["shards"]["sha256"]
    return listed


def _is_input(manifest: Mapping, path: str) -> bool:
    """Whether the run only read `path`: no step of it wrote the file, and it is no step's
    record."""
    if any(step["path"] == path for step in manifest["steps"]):
        return False
    entry = next((e for e in manifest["files"] if e["path"] == path), None)
    return entry is not None and not entry.get("written_by")


def _run_of(label: str) -> str:
    return label.removeprefix("run ")


def explain(finding: Finding, later: Sequence[tuple[str, Mapping]]) -> Explained:
    """Which later run explains `finding`, if any (paths relative to the study folder)."""
    listings = [(label, _checksums(manifest), manifest) for label, manifest in later]
    if finding.problem == "missing":
        # removed by the first later run from which on no run lists it
        remover = None
        for label, listed, _ in listings:
            if finding.path in listed:
                remover = None
            elif remover is None:
                remover = label
        if remover:
            return Explained(finding, _run_of(remover), f"removed by {remover}")
        return Explained(finding, None, "missing: no later run removed it")
    if not os.path.isfile(finding.path):
        return Explained(finding, None, f"{finding.problem}: {finding.detail}")
    current = provenance.sha256_file(finding.path)
    for label, listed, manifest in listings:
        if listed.get(finding.path) == current:
            if _is_input(manifest, finding.path):
                return Explained(finding, _run_of(label), f"changed before {label}, which read it")
            return Explained(finding, _run_of(label), f"written by {label}")
    return Explained(finding, None, f"{finding.problem}: {finding.detail}")


def verify_against_run(study: Path, run_id: str) -> RunVerification:
    """Re-hash the files of run `run_id`'s kept manifest (run inside the study folder:
    paths are relative to it) and explain each difference by the later runs."""
    history.check_run_id(run_id)
    records = history.read_history(study)
    position = find_run(records, run_id, study)
    record = records[position]
    later = later_manifests(study, records, position)
    manifest = history.read_kept_manifest(study, record)
    current = history.MANIFEST.as_posix()
    crate = (history.PROVENANCE_DIR / CRATE_FILE).as_posix()
    verification = verify_run(
        manifest, record["manifest"], read_records=False, ignore=(current, crate)
    )
    explained = [explain(finding, later) for finding in verification.findings]
    return RunVerification(run_id, verification, explained)


def describe(result: RunVerification) -> str:
    """One line per difference, grouped: later runs first, then outside the workflow."""
    lines = [f"verify against run {result.run_id}"]
    by_runs = [item for item in result.explained if item.later_run]
    for item in by_runs:
        lines.append(f"{item.finding.problem}: {item.finding.path} ({item.how})")
    for item in result.outside:
        lines.append(f"OUTSIDE THE WORKFLOW: {item.finding.path} ({item.how})")
    if result.verification.skipped:
        lines.append(
            f"not checked: {len(result.verification.skipped)} restricted file(s) "
            "this user cannot read"
        )
    verdict = "FAILED" if result.outside else "OK"
    lines.append(
        f"verify {verdict}: {result.verification.checked} file(s) re-hashed; "
        f"{len(by_runs)} differ because later runs changed them, "
        f"{len(result.outside)} changed outside the workflow"
    )
    return "\n".join(lines)
