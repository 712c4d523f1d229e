"""A Workflow Run RO-Crate describing the run, built with the `rocrate` package.

The crate's root is the folder that holds `ro-crate-metadata.json` (results/provenance/);
the workflow, its inputs and its outputs are referenced by their paths relative to that
folder, so the crate stays valid when the whole run folder is archived or moved. No file
is copied into the crate: restricted files appear by checksum and size only.
"""

import os
from collections.abc import Mapping

from rocrate.model.contextentity import ContextEntity
from rocrate.rocrate import ROCrate

from qualframe import __version__

RO_CRATE_VERSION = "1.1"
# Workflow Run Crate 0.5 (https://w3id.org/ro/wfrun/workflow/0.5) and the profiles it
# builds on; the Workflow RO-Crate profile is added by rocrate with the main workflow.
RUN_PROFILES = {
    "https://w3id.org/ro/wfrun/process/0.5": "Process Run Crate",
    "https://w3id.org/ro/wfrun/workflow/0.5": "Workflow Run Crate",
}
ENCODING_FORMATS = {
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".txt": "text/plain",
    ".json": "application/json",
    ".html": "text/html",
    ".parquet": "application/vnd.apache.parquet",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".vtt": "text/vtt",
    ".qdpx": "application/zip",
    ".yaml": "application/yaml",
    ".smk": "text/x-snakemake",
}
RESTRICTED_NOTE = (
    "Restricted: listed by checksum and size only; its content is not part of the crate "
    "and must not be shared."
)


def crate_id(path: str, crate_dir: str) -> str:
    """A file's @id: its path relative to the crate's root folder, with forward slashes."""
    return os.path.relpath(path, crate_dir).replace(os.sep, "/")


def file_properties(entry: Mapping) -> dict:
    """schema.org properties of one manifest entry."""
    properties = {
        "name": entry["path"],
        "contentSize": entry["size"],
        "sha256": entry["sha256"],
        "additionalType": entry["zone"],
    }
    encoding = ENCODING_FORMATS.get(os.path.splitext(entry["path"])[1].lower())
    if encoding:
        properties["encodingFormat"] = encoding
    if entry["zone"] == "restricted":
        properties["description"] = RESTRICTED_NOTE
    return properties


def build_crate(manifest: Mapping, crate_dir: str, snakefile: str) -> dict:
    """Return the JSON-LD of a Workflow Run RO-Crate for the run in `manifest`.

    The main workflow is `snakefile`; one CreateAction describes the run (object: the
    files read and never written, result: the files written) and one per step record.
    """
    crate = ROCrate(version=RO_CRATE_VERSION)
    crate.name = "qualframe run"
    crate.description = (
        "Framework analysis run: de-identified transcripts, coded data, framework matrix "
        "and theme summaries, with the provenance of every step."
    )
    for profile, name in RUN_PROFILES.items():
        crate.root_dataset.append_to(
            "conformsTo",
            crate.add(
                ContextEntity(
                    crate,
                    profile,
                    properties={"@type": "CreativeWork", "name": name, "version": "0.5"},
                )
            ),
        )
    files = {
        entry["path"]: crate.add_file(
            None, crate_id(entry["path"], crate_dir), properties=file_properties(entry)
        )
        for entry in manifest["files"]
        if entry["path"] != snakefile
    }
    workflow = crate.add_workflow(
        None,
        crate_id(snakefile, crate_dir),
        main=True,
        lang="snakemake",
        properties={"name": "qualframe", "version": __version__},
    )
    for entry in manifest["files"]:
        if entry["path"] == snakefile:
            workflow["sha256"] = entry["sha256"]
            workflow["contentSize"] = entry["size"]
    for step in manifest["steps"]:
        files.setdefault(
            step["path"],
            crate.add_file(
                None,
                crate_id(step["path"], crate_dir),
                properties={
                    "name": step["path"],
                    "contentSize": step["size"],
                    "sha256": step["sha256"],
                    "encodingFormat": "application/json",
                    "description": f"Provenance record of the {step['step']} step",
                },
            ),
        )
    read = [entry for entry in manifest["files"] if entry["read_by"] and not entry["written_by"]]
    written = [entry for entry in manifest["files"] if entry["written_by"]]
    starts = [step["started"] for step in manifest["steps"]]
    ends = [step["ended"] for step in manifest["steps"]]
    crate.add_action(
        workflow,
        identifier="#run",
        object=[files[entry["path"]] for entry in read],
        result=[files[entry["path"]] for entry in written],
        properties={
            "name": "Run of the qualframe workflow",
            "startTime": min(starts, default=manifest["created"]),
            "endTime": max(ends, default=manifest["created"]),
        },
    )
    for step in manifest["steps"]:
        tool = crate.add(
            ContextEntity(
                crate,
                f"#qualframe-{step['step']}",
                properties={
                    "@type": "SoftwareApplication",
                    "name": f"qualframe {step['step']}",
                    "softwareVersion": step["code_version"],
                },
            )
        )
        record = step["path"]
        crate.add_action(
            tool,
            identifier=f"#step-{crate_id(record, crate_dir).rsplit('/steps/', 1)[-1]}",
            object=[files[e["path"]] for e in manifest["files"] if record in e["read_by"]],
            result=[files[e["path"]] for e in manifest["files"] if e["written_by"] == record],
            properties={
                "name": f"{step['step']} ({record})",
                "startTime": step["started"],
                "endTime": step["ended"],
                "subjectOf": {"@id": crate_id(record, crate_dir)},
            },
        )
    return crate.metadata.generate()
