"""Is another run of this study alive? Snakemake's lock, and who holds it.

Snakemake locks a working folder with files under `.snakemake/locks/` that say nothing
about their owner, and a run killed with SIGKILL (a time limit's last resort, the
out-of-memory killer, a power cut) leaves them behind. `qualframe run` therefore holds
an advisory lock of its own (`.snakemake/qualframe-run.lock`, released by the kernel when
the process dies, however it dies) and writes who it is beside it
(`.snakemake/qualframe-run.json`: run id, host, process id and start time, SLURM job id).
A run is alive when any of these holds:

- that lock is held, or the recorded process still runs (same host, same start time), or
  the recorded SLURM job is still running;
- a Snakemake process on this host works in the study folder (a run started by hand);
- a SLURM job of this user, pending or running, has the study folder as its working
  folder (the jobs of a run whose Snakemake died, or of a run on another login node).
"""

import contextlib
import fcntl
import getpass
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil

from qualframe import io as qio
from qualframe.errors import QualframeError

LOCKS_DIR = Path(".snakemake/locks")
RUN_LOCK = Path(".snakemake/qualframe-run.lock")
RUN_STATE = Path(".snakemake/qualframe-run.json")
# squeue lists a scheduled (scrontab) job as pending with this reason until its next time:
# it is not running.
NOT_YET_DUE = "BeginTime"
SQUEUE_TIMEOUT = 60


@dataclass(frozen=True)
class LiveRun:
    """A run of the study found alive: its process and/or SLURM jobs."""

    pid: int | None = None
    slurm_job_ids: tuple[str, ...] = ()
    run_id: str | None = None

    def describe(self) -> str:
        """`pid 123`, `SLURM job 45`, `pid 123, SLURM jobs 45 46`."""
        parts = [f"pid {self.pid}"] if self.pid else []
        if self.slurm_job_ids:
            noun = "job" if len(self.slurm_job_ids) == 1 else "jobs"
            parts.append(f"SLURM {noun} {' '.join(self.slurm_job_ids)}")
        return ", ".join(parts) or "owner unknown"


def snakemake_locks(study: Path) -> list[Path]:
    """Snakemake's lock files in the study folder ([] when it is not locked)."""
    return sorted((study / LOCKS_DIR).glob("*.lock"))


def this_process() -> dict:
    """Who this run is, for RUN_STATE: host, process id and start time, SLURM job id."""
    process = psutil.Process()
    return {
        "host": socket.gethostname(),
        "pid": process.pid,
        "pid_started": process.create_time(),
        "slurm_job_id": os.environ.get("SLURM_JOB_ID"),
    }


def read_state(study: Path) -> dict | None:
    """What RUN_STATE says about the run that wrote it (None if absent or unreadable)."""
    try:
        state = json.loads((study / RUN_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def process_alive(pid: int, started: float | None) -> bool:
    """Whether process `pid` runs on this host and is the one that started at `started`
    (process ids are reused)."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return False
        return started is None or abs(process.create_time() - started) < 1
    except psutil.Error:
        return False


def squeue(*arguments: str) -> list[list[str]]:
    """squeue's rows (fields split on "|"), [] where SLURM is not installed; an error when
    it is installed but does not answer (a run might then be alive unseen)."""
    if shutil.which("squeue") is None:
        return []
    command = ["squeue", "--noheader", *arguments]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=SQUEUE_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise QualframeError(f"cannot ask SLURM whether a run is alive: {exc}") from exc
    if result.returncode != 0:
        if "Invalid job id" in result.stderr:
            return []
        message = result.stderr.strip().splitlines()[-1:] or [f"exit {result.returncode}"]
        raise QualframeError(f"cannot ask SLURM whether a run is alive: {message[0]}")
    return [line.split("|") for line in result.stdout.splitlines() if line.strip()]


def slurm_job_running(job_id: str) -> bool:
    """Whether SLURM job `job_id` is running (a scrontab job waiting for its next time,
    under the same id, is not)."""
    rows = squeue("--jobs", job_id, "--format=%i|%T|%r")
    return any(state != "PENDING" or reason != NOT_YET_DUE for _, state, reason in rows)


def slurm_jobs_in(study: Path, own_job: str | None) -> tuple[str, ...]:
    """Ids of this user's SLURM jobs working in the study folder, pending or running,
    except `own_job` and jobs waiting for a scheduled time."""
    target = study.resolve()
    rows = squeue("--user", getpass.getuser(), "--format=%i|%T|%r|%Z")
    return tuple(
        job_id
        for job_id, state, reason, workdir in rows
        if job_id != own_job
        and not (state == "PENDING" and reason == NOT_YET_DUE)
        and _same_folder(workdir, target)
    )


def _same_folder(path: str, target: Path) -> bool:
    try:
        return Path(path).resolve() == target
    except (OSError, RuntimeError):
        return False


def snakemake_processes(study: Path) -> list[int]:
    """Process ids of Snakemake processes on this host (this user's: the others' working
    folders cannot be read) working in the study folder, except this process's ancestors."""
    target = study.resolve()
    ours = {os.getpid(), *(p.pid for p in psutil.Process().parents())}
    found = []
    for process in psutil.process_iter(["pid", "cmdline", "cwd"]):
        info = process.info
        if info["pid"] in ours or not info["cmdline"] or not info["cwd"]:
            continue
        if any("snakemake" in Path(arg).name for arg in info["cmdline"][:3]):
            if _same_folder(info["cwd"], target):
                found.append(info["pid"])
    return sorted(found)


def recorded_run_alive(state: dict | None, slurm: bool = True) -> LiveRun | None:
    """The run RUN_STATE names, if it is still alive: its process on this host, or its
    SLURM job (unless `slurm` is False). A run recorded on another host without a SLURM job
    cannot be checked from here and counts as alive."""
    if not state:
        return None
    own_job = os.environ.get("SLURM_JOB_ID")
    job = state.get("slurm_job_id")
    if slurm and job and job != own_job and slurm_job_running(str(job)):
        return LiveRun(state.get("pid"), (str(job),), state.get("run_id"))
    if state.get("host") == socket.gethostname():
        if state.get("pid") and process_alive(state["pid"], state.get("pid_started")):
            return LiveRun(state["pid"], (), state.get("run_id"))
        return None
    if job:
        return None  # its job has ended (or is ours: a scrontab job recurs under one id)
    return LiveRun(state.get("pid"), (), state.get("run_id"))


def find_live_run(
    study: Path, state: dict | None, warn: Callable[[str], None] = print
) -> LiveRun | None:
    """Another run of the study that is alive, or None (see the module's docstring).
    Where SLURM is installed but does not answer, `warn` is told and its jobs are not
    counted: a run cannot submit jobs then either."""
    try:
        recorded = recorded_run_alive(state)
        jobs = slurm_jobs_in(study, os.environ.get("SLURM_JOB_ID"))
    except QualframeError as error:
        warn(f"{error}; SLURM jobs not checked")
        recorded = recorded_run_alive(state, slurm=False)
        jobs = ()
    if recorded:
        return recorded
    processes = snakemake_processes(study)
    if processes or jobs:
        return LiveRun(processes[0] if processes else None, jobs)
    return None


@contextlib.contextmanager
def run_lock(study: Path) -> Iterator[bool]:
    """Hold the study's run lock for the duration; yields False (holding nothing) when
    another process holds it. The kernel releases it when the process dies."""
    path = study / RUN_LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_state(study: Path, run_id: str, started: str, log: str | None = None) -> None:
    """Record who holds the run lock: this process, for `run_id` started at `started`,
    logging to `log` (None: the console)."""
    state = {"run_id": run_id, "started": started, "log": log, **this_process()}
    qio.write_json(study / RUN_STATE, state)


def clear_state(study: Path) -> None:
    (study / RUN_STATE).unlink(missing_ok=True)
