"""Run history, liveness of a study's runs, unattended runs and schedules."""

import datetime as dt
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from croniter import croniter
from hypothesis import given
from hypothesis import strategies as st

from qualframe.audit.later_runs import explain
from qualframe.audit.verify import Finding
from qualframe.cli import main
from qualframe.errors import QualframeError
from qualframe.io import sha256_file
from qualframe.runs import history, liveness, runner, schedule

DIGEST = "d" * 64
INGEST = "results/provenance/steps/ingest/0001.json"
IMPORT = "results/provenance/steps/import_coding.json"
CHART = "results/provenance/steps/chart.json"


def step(path, name, started, job=None):
    return {
        "path": path,
        "step": name,
        "started": started,
        "sha256": "0" * 64,
        "slurm_job_id": job,
        "config_digest": DIGEST,
    }


def entry(path, sha, zone, read_by=(), written_by=None):
    return {
        "path": path,
        "sha256": sha,
        "size": 1,
        "zone": zone,
        "read_by": list(read_by),
        "written_by": written_by,
    }


def manifest(transcripts, coded, outputs, started="2026-03-03T02:00:05.000+00:00", job=None):
    """A manifest of a study whose ingest read `transcripts` ({id: sha}), import_coding read
    `coded` ({path: sha}) and chart wrote `outputs` ({path: sha})."""
    files = [
        entry(f"raw/{tid}.txt", sha, "restricted", [INGEST]) for tid, sha in transcripts.items()
    ]
    files += [entry(path, sha, "study", [IMPORT]) for path, sha in coded.items()]
    files += [entry(path, sha, "results", [], CHART) for path, sha in outputs.items()]
    files += [entry("results/deid/P01.txt", "t", "results", [IMPORT], None)]
    files += [entry(CHART, "r", "results", [], None)]
    return {
        "results_dir": "results",
        "code_version": "0.1.0+abc",
        "config_digests": [DIGEST],
        "steps": [
            step(INGEST, "ingest", "2026-03-02T02:00:05.000+00:00"),
            step(IMPORT, "import-coding", started, job),
            step(CHART, "chart", started, job),
        ],
        "files": files,
    }


FIRST = manifest({"P01": "a", "P02": "b"}, {"coding/export.csv": "c"}, {"results/m.csv": "m"})
SECOND = manifest(
    {"P01": "a", "P02": "b2", "P03": "n"},
    {"coding/export.csv": "c"},
    {"results/m.csv": "m2", "results/new.csv": "x"},
    job="4242",
)


def test_a_run_id_is_its_utc_start_and_a_digest():
    started = dt.datetime(2026, 3, 3, 2, 0, 1, 5, tzinfo=dt.UTC)
    run_id = history.new_run_id(started, "host 1")
    assert run_id.startswith("20260303T020001Z-") and history.check_run_id(run_id)
    assert history.new_run_id(started, "host 2") != run_id


@pytest.mark.parametrize("bad", ["../../etc", "20260303T020001Z", "20260303T020001Z-ABCDEF\n"])
def test_a_run_id_that_could_be_a_path_is_refused(bad):
    with pytest.raises(QualframeError, match="not a run id"):
        history.manifest_of_run(bad)


def test_changes_between_two_manifests():
    record = history.run_record(
        "20260303T020000Z-abcdef", history.COMPLETED, "2026-03-03T02:00:00.000+00:00", None
    )
    done = history.with_manifest(record, SECOND, "kept.json", "f" * 64, ("first", FIRST))
    assert done["transcripts"] == {"added": ["P03"], "removed": [], "changed": ["P02"], "total": 3}
    assert done["coded_data"] == {"added": [], "removed": [], "changed": [], "total": 1}
    assert done["outputs"] == {
        "added": ["results/new.csv"],
        "removed": [],
        "changed": ["results/m.csv"],
        "total": 2,
    }
    # ingest started the day before: kept, not run; the two other steps ran as job 4242
    assert done["steps_run"] == 2 and done["slurm_jobs"] == ["4242"]
    assert done["previous_run"] == "first" and done["config_digest"] == DIGEST


def test_slurm_jobs_are_listed_in_numeric_order():
    assert sorted(["10", "9", "100", "11"], key=history.job_order) == ["9", "10", "11", "100"]


def test_the_first_run_adds_everything():
    record = history.run_record(
        "20260303T020000Z-abcdef", history.COMPLETED, "2026-03-03T02:00:00.000+00:00", None
    )
    done = history.with_manifest(record, FIRST, "kept.json", "f" * 64, None)
    assert done["transcripts"]["added"] == ["P01", "P02"] and done["previous_run"] is None


def test_history_file_is_appended_and_read_back(tmp_path):
    for second in range(3):
        started = f"2026-03-03T02:00:0{second}.000+00:00"
        run_id = f"20260303T02000{second}Z-abcdef"
        history.append_record(tmp_path, history.run_record(run_id, "failed", started, started))
    records = history.read_history(tmp_path)
    assert [r["run_id"][13:15] for r in records] == ["00", "01", "02"]
    table = history.describe_history(records)
    assert table.splitlines()[0].startswith("run id") and "failed" in table


def test_a_damaged_history_line_is_named(tmp_path):
    path = tmp_path / history.HISTORY_FILE
    path.parent.mkdir(parents=True)
    path.write_text('{"run_id": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(QualframeError, match=r"runs.jsonl, line 2: not a JSON record"):
        history.read_history(tmp_path)


def test_a_kept_manifest_that_changed_is_refused(tmp_path):
    (tmp_path / history.MANIFEST).parent.mkdir(parents=True)
    (tmp_path / history.MANIFEST).write_text(json.dumps(FIRST), encoding="utf-8")
    kept, sha256 = history.keep_manifest(tmp_path, "20260303T020000Z-abcdef")
    record = {"run_id": "20260303T020000Z-abcdef", "manifest": kept, "manifest_sha256": sha256}
    assert history.read_kept_manifest(tmp_path, record) == FIRST
    (tmp_path / kept).write_text(json.dumps(SECOND), encoding="utf-8")
    with pytest.raises(QualframeError, match="differs from the checksum"):
        history.read_kept_manifest(tmp_path, record)


# Liveness ----------------------------------------------------------------------------------


def test_the_run_lock_admits_one_holder(tmp_path):
    with liveness.run_lock(tmp_path) as first:
        with liveness.run_lock(tmp_path) as second:
            assert first and not second
    with liveness.run_lock(tmp_path) as again:
        assert again


def test_a_dead_or_reused_process_is_not_alive():
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    assert not liveness.process_alive(ended.pid, None)
    me = liveness.this_process()
    assert liveness.process_alive(me["pid"], me["pid_started"])
    assert not liveness.process_alive(me["pid"], me["pid_started"] - 100)  # pid reused


def test_a_snakemake_process_working_in_the_study_is_found(tmp_path):
    fake = tmp_path / "bin" / "snakemake"
    fake.parent.mkdir()
    fake.write_text("import time\ntime.sleep(60)\n", encoding="utf-8")
    study = tmp_path / "study"
    study.mkdir()
    process = subprocess.Popen([sys.executable, str(fake)], cwd=study)
    try:
        deadline = time.monotonic() + 10
        while process.pid not in liveness.snakemake_processes(study):
            assert time.monotonic() < deadline, "the snakemake process was not found"
            time.sleep(0.05)
        assert liveness.snakemake_processes(tmp_path) == []  # another folder
        live = liveness.find_live_run(study, None)
        assert live.pid == process.pid and live.describe() == f"pid {process.pid}"
    finally:
        process.kill()
        process.wait()


def test_a_recorded_run_on_another_host_without_a_job_counts_as_alive():
    state = {"host": "elsewhere.invalid", "pid": 12, "run_id": "r"}
    assert liveness.recorded_run_alive(state) == liveness.LiveRun(12, (), "r")
    dead_here = {**liveness.this_process(), "pid_started": 0.0}
    assert liveness.recorded_run_alive(dead_here) is None


def test_slurm_jobs_waiting_for_their_scheduled_time_are_not_alive(tmp_path, monkeypatch):
    study = tmp_path / "study"
    study.mkdir()
    rows = [
        ["11", "RUNNING", "None", str(study)],
        ["12", "PENDING", "BeginTime", str(study)],  # the next scrontab occurrence
        ["13", "PENDING", "Resources", str(study)],
        ["14", "RUNNING", "None", str(tmp_path)],  # another folder
        ["15", "RUNNING", "None", str(study)],  # this process's own job
    ]
    monkeypatch.setattr(liveness, "squeue", lambda *arguments: rows)
    assert liveness.slurm_jobs_in(study, own_job="15") == ("11", "13")
    monkeypatch.setattr(liveness, "squeue", lambda *arguments: [["12", "PENDING", "BeginTime"]])
    assert not liveness.slurm_job_running("12")


# Running a study unattended --------------------------------------------------------------


def python_command(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def log_of(study: Path, record: dict) -> str:
    return (study / record["log"]).read_text(encoding="utf-8")


def test_an_unattended_run_logs_and_records_its_outcome(tmp_path, capsys):
    status = runner.run_study(tmp_path, python_command("print('working')"), [], True)
    assert status == 0
    (record,) = history.read_history(tmp_path)
    assert record["outcome"] == "completed" and record["exit_status"] == 0
    assert "no manifest kept" in record["note"]
    assert "working" in log_of(tmp_path, record)
    assert oct((tmp_path / record["log"]).stat().st_mode & 0o777) == "0o600"
    assert capsys.readouterr().err == ""  # nothing for cron to mail
    assert not (tmp_path / liveness.RUN_STATE).exists()


def test_an_unattended_failure_is_told_on_the_console(tmp_path, capsys):
    status = runner.run_study(tmp_path, python_command("import sys; sys.exit(3)"), [], True)
    assert status == 3
    (record,) = history.read_history(tmp_path)
    assert record["outcome"] == "failed" and record["exit_status"] == 3
    assert f"failed with exit status 3; log: {tmp_path / record['log']}" in capsys.readouterr().err


def test_a_second_run_is_skipped_while_one_holds_the_lock(tmp_path):
    with liveness.run_lock(tmp_path):
        liveness.write_state(tmp_path, "20260303T020000Z-abcdef", "2026-03-03T02:00:00")
        status = runner.run_study(tmp_path, python_command("raise SystemExit(9)"), [], True)
    assert status == 0
    (record,) = history.read_history(tmp_path)
    assert record["outcome"] == "skipped"
    assert f"previous run still running (pid {os.getpid()}), skipped" in log_of(tmp_path, record)


def test_a_stale_lock_is_removed_and_the_dead_run_recorded(tmp_path):
    locks = tmp_path / liveness.LOCKS_DIR
    locks.mkdir(parents=True)
    (locks / "0.input.lock").write_text("x", encoding="utf-8")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    state = {
        **liveness.this_process(),
        "pid": dead.pid,
        "run_id": "20260303T020000Z-abcdef",
        "started": "2026-03-03T02:00:00.000+00:00",
        "log": "logs/runs/20260303T020000Z-abcdef.log",
    }
    (tmp_path / liveness.RUN_STATE).write_text(json.dumps(state), encoding="utf-8")
    unlock = python_command(f"import shutil; shutil.rmtree({str(locks)!r})")
    check = python_command(f"import os, sys; sys.exit(os.path.exists({str(locks)!r}))")
    assert runner.run_study(tmp_path, check, unlock, True) == 0
    interrupted, completed = history.read_history(tmp_path)
    assert interrupted["run_id"] == "20260303T020000Z-abcdef"
    assert interrupted["outcome"] == "interrupted"
    assert interrupted["log"] == "logs/runs/20260303T020000Z-abcdef.log"
    assert completed["outcome"] == "completed"
    log = log_of(tmp_path, completed)
    assert "stale lock left by run 20260303T020000Z-abcdef" in log and "unlocked" in log


def test_history_command_prints_json_lines(tmp_path, capsys):
    runner.run_study(tmp_path, python_command("pass"), [], True)
    assert main(["history", str(tmp_path), "--json"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["outcome"] == "completed"


# Schedules --------------------------------------------------------------------------------


def schedule_lines(capsys, *arguments) -> list[str]:
    assert main(["schedule", *arguments]) == 0
    return capsys.readouterr().out.splitlines()


def check_entry(line: str, study: Path, at: dt.datetime) -> list[str]:
    """The command words of a cron line, after checking its time fields with croniter
    (the next run after midnight of 2026-03-02, a Monday, must be `at`)."""
    fields = line.split(maxsplit=5)
    cron_time = " ".join(fields[:5])
    assert croniter.is_valid(cron_time)
    assert croniter(cron_time, dt.datetime(2026, 3, 2)).get_next(dt.datetime) == at
    words = shlex.split(fields[5])
    assert Path(words[0]).is_absolute() and Path(words[0]).name == "qualframe"
    assert words[1:4] == ["run", str(study.resolve()), "--unattended"]
    return words


def test_crontab_line_runs_the_unattended_command(tmp_path, capsys):
    lines = schedule_lines(capsys, str(tmp_path), "--at", "02:30", "--days", "sat,sun", "--cron")
    entries = [line for line in lines if not line.startswith("#")]
    assert len(entries) == 1
    check_entry(entries[0], tmp_path, dt.datetime(2026, 3, 7, 2, 30))


def test_scrontab_entry_has_scron_options_and_a_profile(tmp_path, capsys):
    lines = schedule_lines(
        capsys, str(tmp_path), "--at", "2:00", "--days", "mon-fri",
        "--profile", "profiles/slurm", "--partition", "short", "--time-limit", "4:00:00",
    )  # fmt: skip
    options = [line.split(maxsplit=1)[1] for line in lines if line.startswith("#SCRON ")]
    assert "--time=4:00:00" in options and "--partition=short" in options
    assert "--mail-type=FAIL" in options and f"--chdir={tmp_path.resolve()}" in options
    entry_line = lines[-1]
    words = check_entry(entry_line, tmp_path, dt.datetime(2026, 3, 2, 2, 0))
    assert words[4] == "--profile" and Path(words[5]).is_absolute()
    assert words[6:] == ["--workflow-profile", "none"]
    assert (Path(words[5]) / "profile.yaml").is_file()
    assert (tmp_path / "logs" / "runs").is_dir()  # where SLURM writes the job's output


@pytest.mark.parametrize(
    ("days", "field"),
    [("daily", "*"), ("mon-fri", "1-5"), ("fri-mon", "0-1,5-6"), ("sun,sat", "0,6"),
     ("mon,wed-fri", "1,3-5"), ("sun-sat", "*")],
)  # fmt: skip
def test_days_become_a_cron_field(days, field):
    assert schedule.day_field(schedule.parse_days(days)) == field


@given(st.text(max_size=12))
def test_any_time_text_is_a_time_or_a_clear_error(text):
    try:
        hour, minute = schedule.parse_time(text)
    except QualframeError as error:
        assert "--at takes a time of day as HH:MM" in str(error)
    else:
        assert 0 <= hour < 24 and 0 <= minute < 60


def test_a_study_path_cron_would_misread_is_refused(tmp_path, capsys):
    study = tmp_path / "50%"
    study.mkdir()
    assert main(["schedule", str(study), "--at", "02:00", "--cron"]) == 1
    assert "cron reads specially" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "runs"),
    [([], True), (["--cores", "2", "-p"], True), (["-n"], False), (["-np"], False),
     (["--dry-run"], False), (["--unlock"], False), (["--report=r.html"], False),
     (["--profile", "profiles/slurm", "--lint"], False), (["-j4"], True)],
)  # fmt: skip
def test_only_invocations_that_run_the_workflow_are_runs(options, runs):
    assert runner.is_a_run(options) is runs


def test_an_attended_run_refuses_to_overlap(tmp_path, capsys):
    with liveness.run_lock(tmp_path):
        status = runner.run_study(tmp_path, python_command("pass"), [], False)
    assert status == 1
    assert "another run of this study is alive" in capsys.readouterr().err
    (record,) = history.read_history(tmp_path)
    assert record["outcome"] == "skipped" and record["log"] is None


# Verify against an earlier run --------------------------------------------------------------


def test_differences_are_explained_by_the_later_run_that_made_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "m.csv").write_text("new", encoding="utf-8")
    now = sha256_file(tmp_path / "results" / "m.csv")
    later = [
        ("run B", manifest({}, {}, {"results/m.csv": "other", "results/gone.csv": "g"})),
        ("run C", manifest({}, {}, {"results/m.csv": now})),
    ]
    changed = explain(Finding("results/m.csv", "changed", "sha256 …"), later)
    assert (changed.later_run, changed.how) == ("C", "written by run C")
    gone = explain(Finding("results/gone.csv", "missing", "not found"), later)
    assert (gone.later_run, gone.how) == ("C", "removed by run C")
    (tmp_path / "results" / "m.csv").write_text("tampered", encoding="utf-8")
    tampered = explain(Finding("results/m.csv", "changed", "sha256 was a…, is b…"), later)
    assert tampered.later_run is None and tampered.how == "changed: sha256 was a…, is b…"
    missing = explain(Finding("results/kept.csv", "missing", "named by the run but not found"), [])
    assert missing.later_run is None


def test_a_manifest_older_than_the_runs_step_records_is_not_kept(tmp_path):
    manifest_file = tmp_path / history.MANIFEST
    record = tmp_path / history.STEPS_DIR / "chart.json"
    record.parent.mkdir(parents=True)
    manifest_file.write_text("{}", encoding="utf-8")
    record.write_text("{}", encoding="utf-8")
    os.utime(manifest_file, (100, 100))
    os.utime(record, (100, 100))
    assert history.manifest_is_current(tmp_path, since=200)  # nothing ran: still current
    os.utime(record, (300, 300))
    assert not history.manifest_is_current(tmp_path, since=200)  # stopped before the manifest
    os.utime(manifest_file, (250, 250))
    os.utime(record, (400, 400))  # a step after the manifest step, e.g. a final scan
    assert history.manifest_is_current(tmp_path, since=200)


def test_steps_after_the_manifest_count_in_the_run(tmp_path):
    steps = tmp_path / "results/provenance/steps"
    steps.mkdir(parents=True)
    started = "2026-03-03T02:00:05.000+00:00"
    (steps / "leak_scan.json").write_text(
        json.dumps({"step": "leak-scan", "started": started, "slurm_job_id": "4250"}),
        encoding="utf-8",
    )
    (steps / "chart.json").write_text("{}", encoding="utf-8")  # listed by the manifest
    manifest = {"steps": [{"path": "results/provenance/steps/chart.json"}]}
    (later,) = history.steps_after_manifest(tmp_path, manifest)
    assert later["path"] == "results/provenance/steps/leak_scan.json"
    record = history.run_record(
        "20260303T020000Z-abcdef", history.COMPLETED, "2026-03-03T02:00:00.000+00:00", None
    )
    done = history.with_manifest(record, SECOND, "kept.json", "f" * 64, None, [later])
    assert done["steps_run"] == 3 and done["slurm_jobs"] == ["4242", "4250"]
