"""The demo study run through `snakemake --executor slurm` on a real single-node cluster.

The module fixture starts munged, slurmctld and slurmd on this machine (tests/slurm), so it
needs root and the Debian packages slurm-wlm and munge; it skips without them.
"""

import shutil
import time

import pytest

from tests.e2e.helpers import data_files
from tests.e2e.slurm_helpers import (
    run_snakemake_on_slurm,
    slurm_plugin_missing,
    step_records,
)
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
