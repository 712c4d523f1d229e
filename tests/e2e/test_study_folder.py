"""A study of one's own: a config named with --configfile, and a study folder run with
`qualframe run` outside the checkout."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.e2e.helpers import REPO, run_snakemake
from tests.e2e.test_small_study import make_study

pytestmark = pytest.mark.e2e


def test_configfile_names_a_study_config(tmp_path, codebook_dict):
    """`snakemake --configfile my_study.yaml` runs the study that config describes. A
    config at config/config.yaml (in the checkout: the demo's) is not merged into it: the
    one planted here would stop the run, its region not being an integer. With
    primary_coder "" every coder's coding is charted."""
    folder = make_study(tmp_path, codebook_dict)
    own = folder / "my_study.yaml"
    config = yaml.safe_load((folder / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["coding"]["primary_coder"] = ""  # every coder charted: S03 was coded by two
    own.write_text(yaml.safe_dump(config), encoding="utf-8")
    planted = {"study": {"case_attributes": {"region": {"type": "integer"}}}}
    (folder / "config" / "config.yaml").write_text(yaml.safe_dump(planted), encoding="utf-8")

    run = run_snakemake(folder, "--configfile", str(own))
    assert run.returncode == 0, run.stderr[-3000:]
    matrix = pd.read_parquet(folder / "results/matrix/framework_matrix.parquet")
    assert matrix.groupby("case_id")["n_segments"].sum().to_dict() == {"S01": 2, "S02": 1, "S03": 2}
    summary = pd.read_parquet(folder / "results/themes/theme_summary.parquet")
    workforce = summary.query("group_attribute == 'all' and code_id == 'workforce'")
    assert workforce["segments"].tolist() == [3]
    manifest = (folder / "results/provenance/manifest.json").read_text(encoding="utf-8")
    assert "my_study.yaml" in manifest


def checkout_state() -> dict[str, float]:
    """{path: mtime} of what a run would write in the checkout: its top-level entries and
    everything under results/, restricted/, logs/ and .snakemake/."""
    state = {path.name: path.stat().st_mtime for path in REPO.iterdir()}
    for zone in ("results", "restricted", "logs", ".snakemake"):
        for path in (REPO / zone).rglob("*"):
            state[str(path)] = path.lstat().st_mtime
    return state


def qualframe(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The `qualframe` command installed beside this interpreter, run in `cwd`."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    command = [str(Path(sys.executable).parent / "qualframe"), *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_qualframe_run_keeps_a_study_in_its_folder(tmp_path, codebook_dict):
    """A study folder outside the checkout, run from a third folder: the config's paths
    are read relative to the study folder, and results, restricted files, logs and
    Snakemake's state land there, none in the checkout or the folder it was run from."""
    study = make_study(tmp_path / "study", codebook_dict)
    (study / "config" / "config.yaml").rename(study / "config.yaml")
    (study / "config").rmdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = checkout_state()

    run = qualframe("run", str(study), "--cores", "2", cwd=elsewhere)
    assert run.returncode == 0, run.stderr[-3000:]
    first_line = run.stdout.splitlines()[0]
    assert first_line.startswith("snakemake --snakefile ")
    assert f"--directory {study}" in first_line and "--cores 2" in first_line

    matrix = pd.read_parquet(study / "results/matrix/framework_matrix.parquet")
    assert matrix.groupby("case_id")["n_segments"].sum().to_dict() == {"S01": 2, "S02": 1, "S03": 1}
    for made in ("results", "restricted", "logs", ".snakemake"):
        assert (study / made).is_dir(), made
    assert list(elsewhere.iterdir()) == []
    assert checkout_state() == before

    again = qualframe("run", str(study), "--dry-run", cwd=elsewhere)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "Nothing to be done" in again.stdout + again.stderr


def test_qualframe_run_names_a_folder_without_config(tmp_path):
    run = qualframe("run", str(tmp_path), cwd=tmp_path)
    assert run.returncode == 1
    assert (
        run.stderr.strip() == f"error: {tmp_path}: no config.yaml in the study folder "
        "(make one with qualframe new-study)"
    )
