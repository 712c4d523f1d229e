"""Provenance: what each step read and wrote, with which code, where and when.

A step's code version is a digest of the package modules its command loads
(`qualframe.codebase`), so Snakemake re-runs a rule when the code it calls changes, and
only then (Snakemake tracks neither imported packages nor console scripts).
A step record names every input and output file with its size and SHA-256, the step's
parameters, the configuration's digest, the code version, the versions of Python and
the key packages, host, user, SLURM job id, the command, and four times: when the process
started, when the step's work started and ended, and when the record was written (after
hashing its files).
Records hold paths and checksums only, never file content.
"""

import datetime as dt
import getpass
import hashlib
import importlib.metadata
import json
import os
import platform
import socket
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import psutil

import qualframe
from qualframe import codebase
from qualframe.io import sha256_file

RECORD_FORMAT = "qualframe-step-record/1"
MANIFEST_FORMAT = "qualframe-run-manifest/1"
# Set by the workflow for every job: the digest of the configuration in force. Passed
# through the environment, not as a rule param, so that a change to one step's settings
# does not re-run every step.
CONFIG_DIGEST_VARIABLE = "QUALFRAME_CONFIG_DIGEST"
KEY_PACKAGES = (
    "qualframe",
    "snakemake",
    "pandas",
    "pandera",
    "pyarrow",
    "great-expectations",
    "spacy",
    "numpy",
    "openpyxl",
    "lxml",
    "phonenumbers",
    "pyahocorasick",
    "rocrate",
)


def code_digest(step: str | None = None) -> str:
    """SHA-256 of the source of the modules `qualframe <step>` loads (with no step: of
    every module of the package)."""
    return codebase.command_digest(step) if step else codebase.package_digest()


def code_version(step: str | None = None) -> str:
    """`<package version>+<first 12 hex digits of code_digest(step)>`."""
    return f"{qualframe.__version__}+{code_digest(step)[:12]}"


def loaded_modules() -> list[str]:
    """The package modules this process has loaded, sorted: the code a step ran."""
    return sorted(name for name in sys.modules if name.split(".")[0] == "qualframe")


def config_digest(config: Mapping) -> str:
    """SHA-256 of the configuration as canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def as_posix(path: str | os.PathLike) -> str:
    """`path` as written in records: relative to the working folder when inside it."""
    path = Path(os.path.normpath(path))
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            pass
    return path.as_posix()


def files_under(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """The files named by `paths`, a folder standing for every file inside it, sorted."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file())
        else:
            found.add(path)
    return sorted(found)


def file_entry(path: str | os.PathLike) -> dict:
    """{"path", "size", "sha256"} of one file."""
    return {"path": as_posix(path), "size": os.path.getsize(path), "sha256": sha256_file(path)}


def describe_files(paths: Iterable[str | os.PathLike]) -> list[dict]:
    """File entries of every file named by `paths` (folders expanded), sorted by path."""
    return sorted((file_entry(path) for path in files_under(paths)), key=lambda e: e["path"])


def package_versions(names: Iterable[str] = KEY_PACKAGES) -> dict[str, str]:
    """Installed versions of `names` ("not installed" for any that is missing)."""
    versions = {}
    for name in names:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def runtime_environment() -> dict:
    """Python, platform, key package versions, host, user and SLURM job of this process."""
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": package_versions(),
        "host": socket.gethostname(),
        "user": getpass.getuser(),
        "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
    }


def now() -> str:
    """The current UTC time, ISO 8601 to the millisecond."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def process_started() -> str:
    """When this process started (UTC, ISO 8601): before Python and its imports loaded."""
    started = dt.datetime.fromtimestamp(psutil.Process().create_time(), dt.UTC)
    return started.isoformat(timespec="milliseconds")


def step_record(
    step: str,
    command: list[str],
    inputs: Iterable[str | os.PathLike],
    outputs: Iterable[str | os.PathLike],
    params: Mapping,
    started: str,
    ended: str,
) -> dict:
    """The provenance record of one step that ran `command` from `started` to `ended`.

    Takes the step (subcommand) name, its command line, the input and output paths
    (folders expanded to their files), its parameters and the times; hashes the files
    now and adds the code version, the configuration digest from the environment and
    the runtime environment.
    """
    return {
        "format": RECORD_FORMAT,
        "step": step,
        "command": command,
        "inputs": describe_files(inputs),
        "outputs": describe_files(outputs),
        "params": dict(params),
        "config_digest": os.environ.get(CONFIG_DIGEST_VARIABLE),
        "code_version": code_version(step),
        "code_digest": code_digest(step),
        "modules": loaded_modules(),
        "process_started": process_started(),
        "started": started,
        "ended": ended,
        "recorded": now(),
        **runtime_environment(),
    }
