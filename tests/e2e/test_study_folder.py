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
from tests.e2e.test_small_study import CODED, make_study

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


def test_verify_passes_after_a_transcript_is_removed(tmp_path, codebook_dict):
    """One transcript a shard: removing S03 removes shard 0003; the next run removes that
    shard's step records, so verify finds nothing added to the results folder."""
    coded = [row for row in CODED if row[0] != "S03"]
    folder = make_study(tmp_path, codebook_dict)
    config_path = folder / "config" / "config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["shards"] = {"transcripts_per_shard": 1}
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    first = run_snakemake(folder)
    assert first.returncode == 0, first.stderr[-3000:]
    steps = folder / "results/provenance/steps"
    assert (steps / "ingest/0003.json").is_file() and (steps / "detect/0003.json").is_file()

    (folder / "study/transcripts/S03.vtt").unlink()
    pd.DataFrame(coded, columns=["Document name", "Code", "Created by", "Segment"]).to_csv(
        folder / "study/coded.csv", index=False
    )
    second = run_snakemake(folder)
    assert second.returncode == 0, second.stderr[-3000:]
    assert not (steps / "ingest/0003.json").exists()
    assert not (steps / "detect/0003.json").exists()
    assert "removed 2 step record(s) of steps no longer in the run" in (
        folder / "logs/provenance/manifest.log"
    ).read_text(encoding="utf-8")
    verify = qualframe("verify", cwd=folder)
    assert verify.returncode == 0, verify.stdout + verify.stderr


@pytest.mark.parametrize(
    ("sheet", "content", "expected"),
    [
        (
            "cases.tsv",
            lambda demo: "".join(
                line for line in demo["cases.tsv"].splitlines(True) if not line.startswith("P07")
            ),
            "cases.tsv: 1 transcript(s) without a case row: P07; add a row for each, its "
            "transcript id as case_id",
        ),
        (
            "cases.tsv",
            lambda demo: demo["cases.tsv"].replace("\tLondon\t", "\tLondres\t", 1),
            "cases.tsv: 1 of 18 rows failed validation: 1 value not allowed for region "
            "(row 6, column region: value not allowed for region)",
        ),
        (
            "codebook.yaml",
            lambda demo: demo["codebook.yaml"].replace("id: covid_delays", "id: two words", 1),
            "codebook.yaml: codebook does not meet its contract:",
        ),
        (
            "identifiers.tsv",
            lambda demo: "term\tentity_type\nSomeone\tNOBODY\n",
            "identifiers.tsv: identifier register row 1: unknown entity_type",
        ),
    ],
    ids=["transcript-without-case", "case-attribute", "codebook", "register"],
)
def test_sheets_are_checked_when_the_workflow_loads(tmp_path, sheet, content, expected):
    """A dry run stops on a bad case sheet, codebook or register before any step runs,
    naming the file and the place, and writes nothing."""
    demo = {
        name: (REPO / "resources/demo" / name).read_text(encoding="utf-8")
        for name in ("cases.tsv", "codebook.yaml", "identifiers.tsv")
    }
    if "id: covid_delays" not in demo["codebook.yaml"]:
        pytest.skip("the demo codebook changed")
    (tmp_path / sheet).write_text(content(demo), encoding="utf-8")
    config = yaml.safe_load((REPO / "config/config.yaml").read_text(encoding="utf-8"))
    for key in ("transcripts", "allow_list", "cases", "codebook", "identifiers"):
        config["study"][key] = str(REPO / config["study"][key])
    config["study"][
        {"cases.tsv": "cases", "codebook.yaml": "codebook"}.get(sheet, "identifiers")
    ] = sheet
    config["coding"]["exports"] = [str(REPO / p) for p in config["coding"]["exports"]]
    (tmp_path / "study.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())

    run = run_snakemake(tmp_path, "--configfile", str(tmp_path / "study.yaml"), "-n")
    output = run.stdout + run.stderr
    assert run.returncode == 1
    assert "QualframeError in file" in output
    assert expected in output, output[-2000:]
    assert "Traceback" not in output
    assert sorted(p.name for p in tmp_path.iterdir()) == before
