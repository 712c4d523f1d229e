"""Runs stopped dead, and two runs in one folder, on the demo study.

A run killed with SIGKILL in the middle of a step leaves no file under an output's name that
differs from an uninterrupted run's; unlocked and started again, it finishes with the same
data. A run ended by SIGTERM needs no unlocking. A second run started while one is working
in the folder is refused, and the first finishes unharmed.
"""

import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.fault_helpers import (
    DATA_ZONES,
    LOCKED_MESSAGE,
    BackgroundRun,
    incomplete_marks,
    install_pausing_qualframe,
    lock_files,
    present_paths,
    run_environment,
    temporary_files,
)
from tests.e2e.helpers import data_files, run_snakemake

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class KillPoint:
    """Where a run is killed: in `step`, as soon as its `log` appears (the job has started),
    or, with `pause_in_write_of`, once that output's temporary file is written and before it
    is renamed into place."""

    step: str
    record: str  # the step's provenance record, its last output
    log: str | None = None
    pause_in_write_of: str | None = None
    written: tuple[str, ...] = ()  # outputs of the step complete at the kill


KILL_POINTS = [
    # two detect jobs (one per shard) side by side, loading spaCy: no output written yet
    KillPoint(
        "detect",
        record="results/provenance/steps/detect/0001.json",
        log="logs/deidentify/detect/0001.log",
    ),
    # the anonymisation log and five de-identified texts written, the sixth half-way
    KillPoint(
        "pseudonymise",
        record="results/provenance/steps/pseudonymise.json",
        pause_in_write_of="results/deid/transcripts/P06.txt",
        written=("restricted/anonymisation_log.csv", "results/deid/transcripts"),
    ),
    # segments written, codebook half-way, cases not started
    KillPoint(
        "import_coding",
        record="results/provenance/steps/import_coding.json",
        pause_in_write_of="results/coding/codebook.parquet",
        written=("results/coding/segments.parquet", "results/coding/segments.csv"),
    ),
]


@dataclass
class Interrupted:
    """A demo run killed at `point`: what it left behind, and what Snakemake did next."""

    point: KillPoint
    folder: Path
    files: set[str]  # every file under results/ and restricted/ just after the kill
    data: dict[str, str]  # of those, the data files: {path: sha256}
    temporary: list[str]  # temporary files of interrupted writes
    paused_write: str | None  # the temporary file the paused write had written
    incomplete: set[str]  # outputs Snakemake had marked incomplete
    locks: list[str]
    check: subprocess.CompletedProcess  # dry run without the profile's rerun-incomplete
    refused: subprocess.CompletedProcess  # the plain restart
    unlock: subprocess.CompletedProcess
    restart: subprocess.CompletedProcess


def same_study(demo_run: Path, folder: Path) -> Path:
    """A new folder for the demo study: its config names the study by absolute paths."""
    shutil.copytree(demo_run / "config", folder / "config")
    return folder


def qualframe(folder: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "qualframe"), *args]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=300)


def reasons(log: str) -> dict[str, list[str]]:
    """{rule: the reason Snakemake gave for each of its jobs} from a run's output."""
    found: dict[str, list[str]] = {}
    for job in re.finditer(r"^(?:local)?rule (\w+):\n(?:    .*\n)*?    reason: (.*)$", log, re.M):
        found.setdefault(job[1], []).append(job[2])
    return found


@pytest.fixture(scope="module", params=KILL_POINTS, ids=lambda point: point.step)
def interrupted(request, demo_run, tmp_path_factory) -> Interrupted:
    point = request.param
    base = tmp_path_factory.mktemp(f"killed-{point.step}")
    folder = same_study(demo_run, base / "study")
    paused = base / "paused"
    if point.pause_in_write_of:
        bin_dir = install_pausing_qualframe(base / "bin")
        env = run_environment(
            bin_dir, QF_PAUSE_IN_WRITE_OF=point.pause_in_write_of, QF_PAUSE_SIGNAL=str(paused)
        )
        started = paused.exists
    else:
        env = run_environment()

        def started() -> bool:  # the job's shell runs, and Snakemake has marked it
            return (folder / point.log).exists() and point.record in incomplete_marks(folder)

    run = BackgroundRun(folder, base / "killed-run.txt", env)
    request.addfinalizer(run.kill)  # a paused job must not outlive a failed test
    run.wait_until(started, f"the {point.step} step running")
    run.kill()
    return Interrupted(
        point=point,
        folder=folder,
        files=present_paths(folder),
        data=data_files(folder, DATA_ZONES),
        temporary=temporary_files(folder),
        paused_write=paused.read_text() if paused.exists() else None,
        incomplete=incomplete_marks(folder),
        locks=lock_files(folder),
        check=run_snakemake(folder, "--dry-run", "--workflow-profile", "none"),
        # SIGKILL left Snakemake's locks: a plain restart is refused; `--unlock`, which
        # Snakemake's message advises, clears them
        refused=run_snakemake(folder),
        unlock=run_snakemake(folder, "--unlock"),
        restart=run_snakemake(folder),
    )


def test_the_kill_lands_in_the_middle_of_the_step(interrupted):
    point = interrupted.point
    assert point.record not in interrupted.files
    if point.pause_in_write_of:
        # the paused write: its file under a temporary name, not yet renamed
        tmp = Path(interrupted.paused_write).relative_to(interrupted.folder).as_posix()
        assert tmp in interrupted.temporary
        assert point.pause_in_write_of not in interrupted.files


def test_no_file_looks_complete_that_is_not(interrupted, demo_run):
    """Every data file under its final name is the uninterrupted run's, byte for byte. (A
    folder output may hold only some of its files: Snakemake has it marked incomplete.)"""
    uninterrupted = data_files(demo_run, DATA_ZONES)
    assert {p for p, digest in interrupted.data.items() if uninterrupted.get(p) != digest} == set()


def test_snakemake_knows_which_outputs_are_incomplete(interrupted):
    point = interrupted.point
    assert point.record in interrupted.incomplete  # marked when the job started
    assert interrupted.locks, "SIGKILL leaves Snakemake's locks behind"
    # outputs written before the kill (by the killed step or a job beside it): flagged
    written = interrupted.incomplete & interrupted.files
    assert set(point.written) <= written
    check = interrupted.check.stdout + interrupted.check.stderr
    if written:
        assert interrupted.check.returncode != 0
        assert "The files below seem to be incomplete" in check
        listed = set(check.split("Incomplete files:\n", 1)[1].split())
        assert written <= listed
    else:
        assert interrupted.check.returncode == 0, check[-3000:]


def test_restart_is_refused_until_unlocked(interrupted):
    refused = interrupted.refused
    assert refused.returncode != 0
    assert LOCKED_MESSAGE in refused.stdout + refused.stderr
    assert "--unlock" in refused.stdout + refused.stderr
    assert interrupted.unlock.returncode == 0, interrupted.unlock.stderr[-3000:]


def test_restart_redoes_the_killed_step(interrupted):
    restart = interrupted.restart
    assert restart.returncode == 0, restart.stderr[-3000:]
    log = restart.stdout + restart.stderr
    assert "workflow specific profile" in log  # profiles/default: rerun-incomplete: true
    step = interrupted.point.step
    assert step in reasons(log)
    if interrupted.point.written:
        # the profile's rerun-incomplete: a job with incomplete outputs is forced
        assert reasons(log)[step] == ["Forced execution"]
    assert incomplete_marks(interrupted.folder) == set()


def test_restart_finishes_with_the_outputs_of_an_uninterrupted_run(interrupted, demo_run):
    assert data_files(interrupted.folder, DATA_ZONES) == data_files(demo_run, DATA_ZONES)


def test_restart_leaves_no_temporary_file_and_verifies(interrupted):
    assert temporary_files(interrupted.folder) == []
    verified = qualframe(interrupted.folder, "verify")
    assert verified.returncode == 0, verified.stdout


@dataclass
class Terminated:
    """A demo run sent SIGTERM while import_coding writes its codebook, then started again."""

    folder: Path
    ended: int  # the terminated run's exit status
    locks: list[str]
    restart: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def terminated(demo_run, tmp_path_factory) -> Terminated:
    # SIGTERM is what `kill`, systemd and SLURM (scancel, the time limit) send first
    base = tmp_path_factory.mktemp("terminated")
    folder = same_study(demo_run, base / "study")
    paused = base / "paused"
    env = run_environment(
        install_pausing_qualframe(base / "bin"),
        QF_PAUSE_IN_WRITE_OF="results/coding/codebook.parquet",
        QF_PAUSE_SIGNAL=str(paused),
    )
    run = BackgroundRun(folder, base / "terminated-run.txt", env)
    try:
        run.wait_until(paused.exists, "the import_coding step writing its codebook")
        run.stop(signal.SIGTERM)
    finally:
        run.kill()
    return Terminated(folder, run.process.returncode, lock_files(folder), run_snakemake(folder))


def test_terminated_run_releases_its_lock_and_restarts(terminated, demo_run):
    assert terminated.ended != 0
    assert terminated.locks == []  # Snakemake ended cleanly: no --unlock needed
    assert terminated.restart.returncode == 0, terminated.restart.stderr[-3000:]
    assert data_files(terminated.folder, DATA_ZONES) == data_files(demo_run, DATA_ZONES)


def test_terminated_run_leaves_no_temporary_file(terminated):
    assert temporary_files(terminated.folder) == []
    verified = qualframe(terminated.folder, "verify")
    assert verified.returncode == 0, verified.stdout


def test_second_run_in_the_same_folder_is_refused_and_harms_nothing(demo_run, tmp_path):
    folder = same_study(demo_run, tmp_path / "study")
    first = BackgroundRun(folder, tmp_path / "first-run.txt", run_environment())
    try:
        first.wait_until(
            lambda: bool(lock_files(folder)) and (folder / "logs/ingest/0001.log").exists(),
            "the first run holding the folder",
        )
        second = run_snakemake(folder)
        first_was_running = first.process.poll() is None
        locks_kept = lock_files(folder)  # the refused run must not release the first's
        assert first.finish() == 0, first.output()[-3000:]
    finally:
        first.kill()
    assert second.returncode != 0
    assert LOCKED_MESSAGE in second.stdout + second.stderr
    assert first_was_running
    assert locks_kept
    assert data_files(folder, DATA_ZONES) == data_files(demo_run, DATA_ZONES)
    verified = qualframe(folder, "verify")
    assert verified.returncode == 0, verified.stdout
    assert "verify OK" in verified.stdout
