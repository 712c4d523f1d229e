"""The demo study run through `snakemake --executor slurm` on a real single-node cluster.

The module fixture starts munged, slurmctld and slurmd on this machine (tests/slurm), so it
needs root and the Debian packages slurm-wlm and munge; it skips without them.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CODEBOOK
from tests.e2e.helpers import data_files
from tests.e2e.slurm_helpers import (
    SLURM_PROFILE_ARGS,
    run_snakemake_on_slurm,
    slurm_plugin_missing,
    step_records,
)
from tests.e2e.test_small_study import make_study
from tests.slurm import cluster

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def slurm_cluster():
    reason = cluster.missing_requirements() or slurm_plugin_missing()
    if reason:
        pytest.skip(reason)
    try:
        running = cluster.start()
    except cluster.ForeignConfigError as error:
        pytest.skip(str(error))
    yield running
    cluster.stop(running)


@pytest.fixture(scope="module")
def slurm_run(slurm_cluster, demo_run, tmp_path_factory):
    """The demo study's folder after a SLURM run, its process result and wall time."""
    folder = tmp_path_factory.mktemp("slurm")
    shutil.copytree(demo_run / "config", folder / "config")  # paths in it are absolute
    started = time.monotonic()
    run = run_snakemake_on_slurm(folder)
    return folder, run, time.monotonic() - started


def test_slurm_run_succeeds(slurm_run):
    folder, run, seconds = slurm_run
    assert run.returncode == 0, run.stderr[-5000:]
    assert "has been submitted with SLURM jobid" in run.stderr
    print(f"SLURM run of the demo study: {seconds:.0f} s")


def test_slurm_run_writes_the_same_data_as_a_local_run(slurm_run, demo_run):
    folder, run, _ = slurm_run
    assert run.returncode == 0, run.stderr[-3000:]
    local, remote = data_files(demo_run), data_files(folder)
    assert local, "the local run wrote no data outputs"
    assert sorted(remote) == sorted(local)
    differing = [path for path in local if remote[path] != local[path]]
    assert not differing, f"differ from the local run: {differing}"


def test_every_step_ran_as_a_slurm_job(slurm_run, demo_run):
    folder, run, _ = slurm_run
    assert run.returncode == 0, run.stderr[-3000:]
    records = step_records(folder)
    assert sorted(records) == sorted(step_records(demo_run))
    outside = [path for path, record in records.items() if not record["slurm_job_id"]]
    assert not outside, f"step records without a SLURM job id: {outside}"


@pytest.fixture(scope="module")
def unattended_slurm_run(slurm_cluster, tmp_path_factory):
    """A small study folder run once as a schedule runs it: `qualframe run DIR --unattended`
    with the SLURM profile."""
    study = make_study(tmp_path_factory.mktemp("slurm-unattended") / "study", CODEBOOK)
    (study / "config" / "config.yaml").rename(study / "config.yaml")
    command = [str(Path(sys.executable).parent / "qualframe"), "run", str(study), "--unattended"]
    run = subprocess.run(
        [*command, *SLURM_PROFILE_ARGS],
        cwd=study.parent,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    return study, run


def test_an_unattended_slurm_run_records_its_jobs_in_the_history(unattended_slurm_run):
    study, run = unattended_slurm_run
    assert run.returncode == 0, run.stderr[-5000:]
    assert (run.stdout, run.stderr) == ("", "")
    lines = (study / "results/provenance/runs.jsonl").read_text(encoding="utf-8").splitlines()
    (record,) = [json.loads(line) for line in lines]
    assert record["outcome"] == "completed"
    log = (study / record["log"]).read_text(encoding="utf-8")
    assert "has been submitted with SLURM jobid" in log
    jobs = {str(step["slurm_job_id"]) for step in step_records(study).values()}
    assert set(record["slurm_jobs"]) == jobs and "None" not in jobs
    assert record["slurm_jobs"] == sorted(jobs, key=int)
    assert record["steps_run"] == len(step_records(study))
    table = subprocess.run(
        [str(Path(sys.executable).parent / "qualframe"), "history", str(study)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert record["slurm_jobs"][0] in table
