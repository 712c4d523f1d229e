"""One run of a study's workflow, recorded in its history; unattended, safe to overlap.

`run_study` takes the study folder and the Snakemake command that runs it, holds the
study's run lock (`liveness`) while Snakemake works, and appends the run's record to the
history (`history`). Unattended (from cron or scrontab) it never prompts and never fails
because of an earlier run: while another run of the study is alive it logs "previous run
still running (…), skipped" and returns 0; a lock left by a dead run is removed (logged)
before it runs. Unattended output goes to one log per run, `logs/runs/<run-id>.log`; the
console gets nothing unless the run fails, so cron mails only failures.
"""

import datetime as dt
import os
import shlex
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from qualframe import io as qio
from qualframe import provenance
from qualframe.errors import QualframeError
from qualframe.runs import history, liveness

LOGS_DIR = Path("logs/runs")
# Snakemake options after which it does not run the workflow (or only pretends to): such
# invocations are not runs and are neither locked nor recorded.
NOT_RUNNING_OPTIONS = frozenset(
    {
        "--dry-run", "--dryrun", "--unlock", "--lint", "--summary", "--detailed-summary",
        "--list-rules", "--list-target-rules", "--lt", "--dag", "--rulegraph", "--filegraph",
        "--d3dag", "--report", "--cleanup-metadata", "--cm", "--list-changes", "--lc",
        "--touch", "--delete-all-output", "--delete-temp-output", "--archive", "--containerize",
        "--export-cwl", "--print-compilation", "--conda-create-envs-only",
        "--conda-cleanup-envs", "--generate-unit-tests", "--version", "--help",
    }
)  # fmt: skip
# Their one-letter forms (-n, -S, -D, -l, -t, -v, -h), alone or in a cluster such as -np.
NOT_RUNNING_LETTERS = frozenset("nSDltvh")
SKIPPED_MESSAGE = "previous run still running ({holder}), skipped"
# Lines of the log printed to the console when an unattended run fails (cron mails them).
FAILURE_TAIL_LINES = 30


def is_a_run(options: Sequence[str]) -> bool:
    """Whether Snakemake with `options` runs the workflow (not a dry run, unlock, lint,
    summary, report or the like)."""
    for option in options:
        name = option.split("=", 1)[0]
        if name in NOT_RUNNING_OPTIONS:
            return False
        letters = option[1:]
        if option.startswith("-") and not option.startswith("--") and letters.isalpha():
            if set(letters) & NOT_RUNNING_LETTERS:
                return False
    return True


def log_path_of(run_id: str) -> Path:
    """The run's log, relative to the study folder."""
    return LOGS_DIR / f"{history.check_run_id(run_id)}.log"


class RunLog:
    """The log of one unattended run (owner-only: Snakemake's output names files), or the
    console for an attended one."""

    def __init__(self, study: Path, run_id: str, unattended: bool):
        self.path = log_path_of(run_id) if unattended else None
        if self.path is None:
            self.stream: TextIO = sys.stderr
            return
        (study / LOGS_DIR).mkdir(parents=True, exist_ok=True)
        descriptor = os.open(
            study / self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, qio.RESTRICTED_FILE_MODE
        )
        self.stream = os.fdopen(descriptor, "a", encoding="utf-8", buffering=1)

    def line(self, message: str) -> None:
        stamp = f"{provenance.now()} " if self.path is not None else ""
        print(f"{stamp}{message}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.path is not None:
            self.stream.close()


def run_study(
    study: Path,
    command: Sequence[str],
    unlock_command: Sequence[str],
    unattended: bool,
    env: dict[str, str] | None = None,
) -> int:
    """Run `command` (Snakemake on the study) as one recorded run.

    Unattended, `unlock_command` removes a stale Snakemake lock first, and everything is
    logged to the run's log. Returns the exit status: Snakemake's, or 0 when skipped
    because another run is alive (1 when attended: the user is told).
    """
    study = study.resolve()
    started_at = dt.datetime.now(dt.UTC)
    started = started_at.isoformat(timespec="milliseconds")
    run_id = history.new_run_id(started_at, f"{socket.gethostname()} {os.getpid()}")
    log = RunLog(study, run_id, unattended)
    base = history.run_record(
        run_id,
        history.FAILED,
        started,
        None,
        code_version=provenance.code_version(),
        slurm_job_id=os.environ.get("SLURM_JOB_ID"),
        log=log.path.as_posix() if log.path else None,
    )
    try:
        if unattended:
            log.line(f"run {run_id} of {study}")
        with liveness.run_lock(study) as held:
            if not held:
                state = liveness.read_state(study)
                holder = liveness.LiveRun((state or {}).get("pid"))
                if state and state.get("slurm_job_id"):
                    holder = liveness.LiveRun(state.get("pid"), (str(state["slurm_job_id"]),))
                return skip(study, base, log, holder, unattended)
            return run_holding_lock(study, base, log, command, unlock_command, unattended, env)
    finally:
        log.close()


def skip(study: Path, base: dict, log: RunLog, holder: liveness.LiveRun, unattended: bool) -> int:
    """Log and record that another run is alive; 0 unattended (nothing is wrong), else 1."""
    message = SKIPPED_MESSAGE.format(holder=holder.describe())
    log.line(message)
    history.append_record(
        study, {**base, "outcome": history.SKIPPED, "ended": provenance.now(), "note": message}
    )
    if not unattended:
        print(f"error: another run of this study is alive ({holder.describe()})", file=sys.stderr)
        return 1
    return 0


def run_holding_lock(
    study: Path,
    base: dict,
    log: RunLog,
    command: Sequence[str],
    unlock_command: Sequence[str],
    unattended: bool,
    env: dict[str, str] | None,
) -> int:
    """With the run lock held: check for other live runs and stale locks, run, record."""
    previous = liveness.read_state(study)
    live = liveness.find_live_run(study, previous, warn=log.line)
    if live:
        return skip(study, base, log, live, unattended)
    if previous and previous.get("run_id"):
        record_interrupted(study, previous, log)
    if unattended and liveness.snakemake_locks(study):
        status = unlock(study, log, unlock_command, env, previous)
        if status != 0:
            return finish(study, base, log, status, unattended, since=None)
    liveness.write_state(study, base["run_id"], base["started"], base["log"])
    # the run's start on the study's file system, whose clock dates the files it writes
    since = (study / liveness.RUN_STATE).stat().st_mtime
    try:
        if unattended:
            log.line("$ " + shlex.join(command))
        status = run_command(command, study, log, env)
    finally:
        liveness.clear_state(study)
    return finish(study, base, log, status, unattended, since)


def record_interrupted(study: Path, previous: dict, log: RunLog) -> None:
    """The run named in a leftover RUN_STATE died without recording itself: record it."""
    try:
        history.check_run_id(previous["run_id"])
    except QualframeError:
        return
    message = f"run {previous['run_id']} ended without finishing (killed); recorded as interrupted"
    log.line(message)
    record = history.run_record(
        previous["run_id"],
        history.INTERRUPTED,
        previous.get("started") or "",
        None,
        slurm_job_id=previous.get("slurm_job_id"),
        log=previous.get("log"),
        note="found dead by the next run",
    )
    history.append_record(study, record)
    liveness.clear_state(study)


def unlock(
    study: Path,
    log: RunLog,
    unlock_command: Sequence[str],
    env: dict[str, str] | None,
    previous: dict | None,
) -> int:
    """Remove Snakemake's lock left by a run that is no longer alive; log what was done."""
    owner = f" left by run {previous['run_id']}" if previous and previous.get("run_id") else ""
    log.line(f"stale lock{owner} (no process or SLURM job of it alive): unlocking")
    log.line("$ " + shlex.join(unlock_command))
    status = run_command(unlock_command, study, log, env)
    log.line("unlocked" if status == 0 else f"unlocking failed (exit status {status})")
    return status


def run_command(
    command: Sequence[str], study: Path, log: RunLog, env: dict[str, str] | None
) -> int:
    """Run `command` (it names the study folder itself), its output to the log, nothing on
    its stdin. SIGTERM and SIGINT reach it and this process waits for it to stop, so that
    the run is still recorded."""
    to_log = log.path is not None  # attended, Snakemake writes to the console
    process = subprocess.Popen(
        list(command),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log.stream if to_log else None,
        stderr=subprocess.STDOUT if to_log else None,
    )

    def forward(signum, frame) -> None:
        process.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        status = process.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 128 - status if status < 0 else status


def finish(
    study: Path, base: dict, log: RunLog, status: int, unattended: bool, since: float | None
) -> int:
    """Record the run's outcome in the history; on an unattended failure, tell the console.
    `since` is the run's start on the study's file system (None: the workflow never ran)."""
    ended = provenance.now()
    record = {**base, "ended": ended, "exit_status": status}
    if status == 0 and since is not None and history.manifest_is_current(study, since):
        record = completed(study, record)
    elif status == 0:
        record = {
            **record,
            "outcome": history.COMPLETED,
            "note": "the workflow stopped before the manifest step: no manifest kept",
        }
    history.append_record(study, record)
    if unattended:
        log.line(f"run {record['run_id']} {record['outcome']} (exit status {status})")
    elif record["outcome"] == history.COMPLETED:
        log.line(f"run {record['run_id']} recorded: qualframe history {study}")
    if status != 0 and unattended:
        report_failure(study, record, log)
    return status


def completed(study: Path, record: dict) -> dict:
    """`record` of a completed run: its manifest kept, compared with the previous one."""
    previous_record = history.last_completed(history.read_history(study))
    previous, note = None, record["note"]
    if previous_record:
        try:
            previous = (
                previous_record["run_id"],
                history.read_kept_manifest(study, previous_record),
            )
        except QualframeError as error:  # the comparison is lost, not the record
            note = f"changes not computed: {error}"
    kept, sha256 = history.keep_manifest(study, record["run_id"])
    manifest = history.read_kept_manifest(study, {**record, "manifest": kept})
    done = history.with_manifest(
        {**record, "outcome": history.COMPLETED, "note": note},
        manifest,
        kept,
        sha256,
        previous,
        history.steps_after_manifest(study, manifest),
    )
    if previous_record and previous is None:
        done.update(transcripts=None, coded_data=None, outputs=None)
    return done


def report_failure(study: Path, record: dict, log: RunLog) -> None:
    """Print the outcome, the log's path and its last lines to stderr (cron mails them)."""
    print(
        f"qualframe run {study}: run {record['run_id']} failed with exit status "
        f"{record['exit_status']}; log: {study / record['log']}",
        file=sys.stderr,
    )
    try:
        lines = (study / record["log"]).read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    print("\n".join(lines[-FAILURE_TAIL_LINES:]), file=sys.stderr)
