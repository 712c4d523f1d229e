"""`qualframe run`: the snakemake command line it builds for a study folder."""

from pathlib import Path

import pytest

from qualframe.cli import build_parser
from qualframe.commands.run import snakemake_argv, study_config, workflow_dir
from qualframe.errors import QualframeError

STUDY = Path("/studies/crisis")
WORKFLOW = Path("/opt/qualframe")


def test_argv_runs_the_workflow_in_the_study_folder_with_the_default_profile():
    assert snakemake_argv(STUDY, WORKFLOW, ["--cores", "2"]) == [
        "--snakefile",
        "/opt/qualframe/Snakefile",
        "--directory",
        "/studies/crisis",
        "--configfile",
        "/studies/crisis/config.yaml",
        "--profile",
        "/opt/qualframe/profiles/default",
        "--cores",
        "2",
    ]


@pytest.mark.parametrize("given", [["--profile", "profiles/slurm"], ["--profile=profiles/slurm"]])
def test_a_profile_given_replaces_the_default(given):
    argv = snakemake_argv(STUDY, WORKFLOW, given)
    assert argv[-len(given) :] == given
    assert "/opt/qualframe/profiles/default" not in argv


def test_every_option_after_the_folder_goes_to_snakemake():
    args = build_parser().parse_args(["run", "DIR", "--report", "r.html", "--debug", "-n"])
    assert args.study == "DIR"
    assert args.snakemake_options == ["--report", "r.html", "--debug", "-n"]


def test_the_workflow_is_the_checkout_the_package_came_from():
    assert (workflow_dir() / "Snakefile").is_file()
    assert (workflow_dir() / "profiles" / "default").is_dir()


def test_a_study_folder_needs_its_config(tmp_path):
    with pytest.raises(QualframeError, match="no such study folder"):
        study_config(tmp_path / "missing")
    with pytest.raises(QualframeError, match="no config.yaml in the study folder"):
        study_config(tmp_path)
    (tmp_path / "config.yaml").write_text("study: {}\n")
    assert study_config(tmp_path) == tmp_path / "config.yaml"
