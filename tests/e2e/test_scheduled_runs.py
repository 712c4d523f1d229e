"""Scheduled runs of a study folder, end to end: the crontab line's command run as cron runs
it, the run history after a transcript is added, verify against an earlier run, a run
started while another holds the study, and the run after one killed with SIGKILL."""

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CODEBOOK
from tests.e2e.test_small_study import make_study

pytestmark = pytest.mark.e2e

QUALFRAME = Path(sys.executable).parent / "qualframe"
NEW_TRANSCRIPT = (
    "Interviewer: What changed this year?\n\n"
    "Participant: The money ran out after a year though. We kept the café open anyway.\n"
)


def qualframe(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(QUALFRAME), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def history(study: Path) -> list[dict]:
    listed = qualframe("history", str(study), "--json", cwd=study)
    assert listed.returncode == 0, listed.stderr
    return [json.loads(line) for line in listed.stdout.splitlines()]


def cron_environment(home: Path) -> dict[str, str]:
    """What cron gives a job: a short PATH, HOME, SHELL and LOGNAME; nothing else."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "SHELL": "/bin/sh",
        "LOGNAME": os.environ.get("LOGNAME", "root"),
    }


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """A three-transcript study whose case sheet already lists S04, the interview to come."""
    folder = make_study(tmp_path_factory.mktemp("scheduled") / "study", CODEBOOK)
    (folder / "config" / "config.yaml").rename(folder / "config.yaml")
    (folder / "config").rmdir()
    with open(folder / "study" / "cases.tsv", "a", encoding="utf-8") as cases:
        cases.write("S04\tcrisis house\tNorth West\n")
    return folder


@pytest.fixture(scope="module")
def two_runs(study, tmp_path_factory):
    """The crontab line's command run as cron would; then S04 added and run again."""
    home = tmp_path_factory.mktemp("home")
    printed = qualframe("schedule", str(study), "--at", "02:00", "--cron", cwd=home)
    assert printed.returncode == 0, printed.stderr
    line = next(line for line in printed.stdout.splitlines() if not line.startswith("#"))
    command = line.split(maxsplit=5)[5]
    first = subprocess.run(
        ["/bin/sh", "-c", command],
        cwd=home,
        env=cron_environment(home),
        capture_output=True,
        text=True,
        timeout=900,
    )
    (study / "study" / "transcripts" / "S04.txt").write_text(NEW_TRANSCRIPT, encoding="utf-8")
    second = qualframe("run", str(study), "--unattended", cwd=home)
    return first, second, command


def test_the_crontab_command_runs_the_study_and_prints_nothing(two_runs, study):
    first, second, command = two_runs
    assert shlex.split(command)[1:4] == ["run", str(study), "--unattended"]
    assert first.returncode == 0, first.stderr[-3000:]
    assert (first.stdout, first.stderr) == ("", "")  # nothing for cron to mail
    assert second.returncode == 0, second.stderr[-3000:]
    logs = sorted((study / "logs" / "runs").glob("*.log"))
    assert len(logs) == 2
    assert "(100%) done" in logs[0].read_text(encoding="utf-8")


def test_history_shows_the_second_run_adding_one_transcript(two_runs, study):
    runs = history(study)
    assert [run["outcome"] for run in runs] == ["completed", "completed"]
    first, second = runs
    assert first["transcripts"]["added"] == ["S01", "S02", "S03"]
    assert second["previous_run"] == first["run_id"]
    assert second["transcripts"] == {"added": ["S04"], "removed": [], "changed": [], "total": 4}
    assert second["coded_data"] == {"added": [], "removed": [], "changed": [], "total": 3}
    assert "results/deid/transcripts/S04.txt" in second["outputs"]["added"]
    assert second["outputs"]["changed"], "adding a transcript changed no published output"
    for record in runs:
        assert (study / record["manifest"]).is_file() and (study / record["log"]).is_file()
        assert record["config_digest"] and record["code_version"]
    table = qualframe("history", str(study), cwd=study).stdout.splitlines()
    assert table[0].split()[:2] == ["run", "id"]
    assert table[2].split()[0] == second["run_id"] and "+1 -0 ~0" in table[2]


def test_nothing_identifying_in_the_history(two_runs, study):
    text = (study / "results/provenance/runs.jsonl").read_text(encoding="utf-8")
    for identifier in ("Amara", "Quist", "Brightwater", "Lowmoor", "07700", "BL1"):
        assert identifier not in text


def test_verify_tells_later_runs_from_changes_behind_the_workflows_back(two_runs, study):
    first_id = history(study)[0]["run_id"]
    checked = qualframe("verify", str(study), "--run", first_id, cwd=study)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    second_id = history(study)[1]["run_id"]
    assert f"(written by run {second_id})" in checked.stdout
    assert "results/deid/transcripts/S04.txt" in checked.stdout
    assert "0 changed outside the workflow" in checked.stdout

    summary = study / "results" / "themes" / "theme_summary.csv"
    original = summary.read_bytes()
    summary.write_bytes(original + b"tampered\n")
    try:
        tampered = qualframe("verify", str(study), "--run", first_id, cwd=study)
        assert tampered.returncode == 1
        assert "OUTSIDE THE WORKFLOW: results/themes/theme_summary.csv" in tampered.stdout
        current = qualframe("verify", str(study), cwd=study)
        assert current.returncode == 1 and "theme_summary.csv" in current.stdout
    finally:
        summary.write_bytes(original)
    assert qualframe("verify", str(study), cwd=study).returncode == 0


def wait_for(condition, what: str, process: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the run ended before {what}"
        assert time.monotonic() < deadline, f"no sign of {what} after {timeout} s"
        time.sleep(0.01)


def test_overlap_is_skipped_and_a_killed_run_is_unlocked(two_runs, study, tmp_path):
    with open(study / "study" / "transcripts" / "S04.txt", "a", encoding="utf-8") as text:
        text.write("\nParticipant: Staff left in the first winter.\n")  # work for the run
    with open(tmp_path / "output", "wb") as output:
        running = subprocess.Popen(
            [str(QUALFRAME), "run", str(study), "--unattended"],
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the wrapper, Snakemake and its jobs: one group to kill
        )
    try:
        locks = study / ".snakemake" / "locks"
        wait_for(lambda: any(locks.glob("*.lock")), "Snakemake's lock", running)
        os.killpg(running.pid, signal.SIGSTOP)  # held where it is, alive
        third = qualframe("run", str(study), "--unattended", cwd=tmp_path)
        assert third.returncode == 0, third.stderr
        assert (third.stdout, third.stderr) == ("", "")
        skipped = history(study)[-1]
        assert skipped["outcome"] == "skipped"
        log = (study / skipped["log"]).read_text(encoding="utf-8")
        assert f"previous run still running (pid {running.pid}), skipped" in log
    finally:
        os.killpg(running.pid, signal.SIGKILL)
        running.wait(timeout=60)
    assert any(locks.glob("*.lock")), "SIGKILL should leave Snakemake's lock behind"

    after = qualframe("run", str(study), "--unattended", cwd=tmp_path)
    assert after.returncode == 0, after.stderr[-3000:]
    assert not any(locks.glob("*.lock"))
    *_, killed, completed = history(study)
    assert killed["outcome"] == "interrupted" and completed["outcome"] == "completed"
    log = (study / completed["log"]).read_text(encoding="utf-8")
    assert f"stale lock left by run {killed['run_id']}" in log and "unlocked" in log
    assert completed["transcripts"]["changed"] == ["S04"]
    assert qualframe("verify", str(study), cwd=study).returncode == 0
