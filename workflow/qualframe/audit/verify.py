"""Check that nothing changed since the run: re-hash every file the manifest and the step
records name, and look for files added to the results folder."""

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from qualframe import provenance
from qualframe.audit.manifest import published_files
from qualframe.runs.history import is_history_path

CRATE_FILE = "ro-crate-metadata.json"


class Finding(NamedTuple):
    """One problem found: the file, what is wrong (missing, changed, added, disagrees)
    and the detail."""

    path: str
    problem: str
    detail: str


class Verification(NamedTuple):
    checked: int
    skipped: list[str]  # restricted files this user cannot read
    findings: list[Finding]


def expected_checksums(
    manifest: Mapping, read_records: bool = True
) -> tuple[dict[str, str], list[Finding]]:
    """{path: sha256} of every file in the manifest, its step records and what the
    records name; plus a finding wherever a record and the manifest disagree. Without
    `read_records` (an earlier run's manifest, whose records later runs replaced), the
    manifest's own list only."""
    expected = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    expected.update({step["path"]: step["sha256"] for step in manifest["steps"]})
    if manifest.get("shards"):
        expected[manifest["shards"]["path"]] = manifest["shards"]["sha256"]
    findings = []
    for step in manifest["steps"] if read_records else []:
        if not os.path.isfile(step["path"]):
            continue  # reported as missing
        try:
            record = json.loads(Path(step["path"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a damaged record is reported as changed
        for entry in [*record.get("inputs", []), *record.get("outputs", [])]:
            listed = expected.setdefault(entry["path"], entry["sha256"])
            if listed != entry["sha256"]:
                findings.append(
                    Finding(
                        entry["path"],
                        "disagrees",
                        f"the manifest lists sha256 {listed[:12]}…, the record {step['path']} "
                        f"{entry['sha256'][:12]}…",
                    )
                )
    return expected, findings


def verify_run(
    manifest: Mapping,
    manifest_path: str,
    read_records: bool = True,
    ignore: Iterable[str] = (),
) -> Verification:
    """Re-hash every file named in `manifest` (read from `manifest_path`) and its records.

    Restricted files the user cannot read are skipped and listed, not failed; files under
    the results folder that the manifest does not list are reported as added, except
    `ignore` and the run history (`qualframe history`), which no step writes.
    """
    expected, findings = expected_checksums(manifest, read_records)
    checked, skipped = 0, []
    for path, sha256 in sorted(expected.items()):
        if not os.path.exists(path):
            findings.append(Finding(path, "missing", "named by the run but not found"))
        elif not os.access(path, os.R_OK):
            skipped.append(path)
        else:
            checked += 1
            current = provenance.sha256_file(path)
            if current != sha256:
                findings.append(
                    Finding(path, "changed", f"sha256 was {sha256[:12]}…, is {current[:12]}…")
                )
    crate = provenance.as_posix(Path(manifest_path).parent / CRATE_FILE)
    # the leak scan reads the manifest, so its summary and record come after it
    after = manifest.get("written_after", [])
    ignore = {*expected, *ignore, provenance.as_posix(manifest_path), crate, *after}
    for path in published_files(manifest["results_dir"], ignore):
        if is_history_path(path):
            continue
        findings.append(Finding(path, "added", "in the results folder but not made by the run"))
    return Verification(checked, skipped, sorted(findings))


def describe(verification: Verification) -> str:
    """A readable report of a verification, one line per problem."""
    lines = [
        f"{finding.problem}: {finding.path} ({finding.detail})" for finding in verification.findings
    ]
    if verification.skipped:
        lines.append(
            f"not checked: {len(verification.skipped)} restricted file(s) this user cannot read"
        )
    verdict = "FAILED" if verification.findings else "OK"
    lines.append(
        f"verify {verdict}: {verification.checked} file(s) re-hashed, "
        f"{len(verification.findings)} problem(s)"
    )
    return "\n".join(lines)
