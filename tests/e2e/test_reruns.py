"""Re-run only what changed: after a demo run, an edit to one module of the package makes
a dry run list the steps whose command loads it, and those downstream, only."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from qualframe import codebase
from qualframe.provenance import code_version
from tests.e2e.helpers import snakemake_command

pytestmark = pytest.mark.e2e


def dry_run_jobs(folder: Path, package: Path, *extra: str) -> dict[str, int]:
    """{rule: number of jobs} a dry run in `folder` plans, importing `package`."""
    env = dict(os.environ, PYTHONPATH=str(package.parent))
    command = snakemake_command(folder, "--dry-run", *extra)
    run = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    stats = run.stdout.split("Job stats:", 1)
    if len(stats) == 1:
        assert "Nothing to be done" in run.stdout + run.stderr, run.stdout[-2000:]
        return {}
    jobs = {}
    for line in stats[1].splitlines()[3:]:
        match = re.fullmatch(r"(\w+)\s+(\d+)", line.strip())
        if not match or match[1] == "total":
            break
        jobs[match[1]] = int(match[2])
    return jobs


@pytest.fixture
def package_copy(tmp_path) -> Path:
    """A copy of the qualframe package that the workflow imports instead of the original."""
    copy = tmp_path / "site" / "qualframe"
    shutil.copytree(codebase.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")


def test_an_unchanged_package_re_runs_nothing(demo_run, package_copy):
    assert dry_run_jobs(demo_run, package_copy) == {}


def test_a_report_edit_re_runs_the_report_and_what_reads_it(demo_run, package_copy):
    edit(package_copy / "report" / "html.py")
    assert set(dry_run_jobs(demo_run, package_copy)) == {"report", "leak_scan", "manifest", "all"}


def test_a_deidentification_edit_re_runs_detection_and_what_follows(demo_run, package_copy):
    every_rule = set(dry_run_jobs(demo_run, package_copy, "--forceall"))
    edit(package_copy / "deid" / "rules.py")
    jobs = dry_run_jobs(demo_run, package_copy)
    assert set(jobs) == every_rule - {"ingest"} and jobs["detect"] == 2  # both shards


def test_every_step_loaded_only_modules_its_code_version_covers(demo_run):
    for path in sorted((demo_run / "results/provenance/steps").rglob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        assert record["code_version"] == code_version(record["step"]), path
        missing = set(record["modules"]) - set(codebase.command_modules(record["step"]))
        assert not missing, f"{record['step']} loaded {sorted(missing)}"
