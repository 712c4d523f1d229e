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
    "scipy",
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


def file_entry(path: str | os.PathLike, known: Mapping | None = None) -> dict:
    """{"path", "size", "sha256"} of one file. The checksum is taken from `known`
    ({(path, size, mtime_ns): sha256}, see `known_checksums`) when the file's size and
    modification time match what its writer recorded, else computed."""
    stat = os.stat(path)
    posix = as_posix(path)
    sha256 = (known or {}).get((posix, stat.st_size, stat.st_mtime_ns))
    return {"path": posix, "size": stat.st_size, "sha256": sha256 or sha256_file(path)}


def written_entry(path: str | os.PathLike) -> dict:
    """The entry of a file a step has just written: hashed, with its modification time
    (`mtime_ns`), so that the steps reading it need not hash it again."""
    stat = os.stat(path)
    return {
        "path": as_posix(path),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "sha256": sha256_file(path),
    }


def describe_files(paths: Iterable[str | os.PathLike], known: Mapping | None = None) -> list[dict]:
    """File entries of every file named by `paths` (folders expanded), sorted by path,
    reusing the checksums in `known` for files unchanged since their writer hashed them."""
    return sorted((file_entry(path, known) for path in files_under(paths)), key=lambda e: e["path"])


def known_checksums(records_dir: str | os.PathLike | None) -> dict[tuple[str, int, int], str]:
    """{(path, size, mtime_ns): sha256} of every file the step records under `records_dir`
    list as written: each file is hashed once per run, by the step that writes it, and
    readers reuse that checksum while the file's size and modification time are unchanged."""
    known: dict[tuple[str, int, int], str] = {}
    if not records_dir or not os.path.isdir(records_dir):
        return known
    for path in sorted(Path(records_dir).rglob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a record being written, or not a record: its files get hashed
        if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
            continue
        for entry in record.get("outputs", []):
            if "mtime_ns" in entry:
                known[(entry["path"], entry["size"], entry["mtime_ns"])] = entry["sha256"]
    return known


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


def cpu_seconds() -> float:
    """CPU time (user and system) this process has used so far, in seconds."""
    times = psutil.Process().cpu_times()
    return round(times.user + times.system, 2)


def step_record(
    step: str,
    command: list[str],
    inputs: Iterable[str | os.PathLike],
    outputs: Iterable[str | os.PathLike],
    params: Mapping,
    started: str,
    ended: str,
    known: Mapping | None = None,
) -> dict:
    """The provenance record of one step that ran `command` from `started` to `ended`.

    Takes the step (subcommand) name, its command line, the input and output paths
    (folders expanded to their files), its parameters and the times, and the checksums
    other steps recorded for the files they wrote (`known_checksums`); hashes the
    outputs, and the inputs changed since their writer hashed them, and adds the code
    version, the configuration digest from the environment and the runtime environment.
    """
    return {
        "format": RECORD_FORMAT,
        "step": step,
        "command": command,
        "inputs": describe_files(inputs, known),
        "outputs": sorted(map(written_entry, files_under(outputs)), key=lambda e: e["path"]),
        "params": dict(params),
        "config_digest": os.environ.get(CONFIG_DIGEST_VARIABLE),
        "code_version": code_version(step),
        "code_digest": code_digest(step),
        "modules": loaded_modules(),
        "process_started": process_started(),
        "started": started,
        "ended": ended,
        "recorded": now(),
        # with the times: on a shared machine, wall time also counts waiting for a core
        "cpu_seconds": cpu_seconds(),
        **runtime_environment(),
    }
