"""Run the workflow on a study folder.

`qualframe run DIR [snakemake options]` runs the packaged workflow on the study folder.
Results, restricted files, logs and Snakemake's own state are written inside the study
folder (Snakemake's `--directory`), and the paths in its `config.yaml` are read relative
to it. The checkout holding the workflow is never written to.
"""

import argparse
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import qualframe
from qualframe.commands import options
from qualframe.errors import QualframeError

STUDY_CONFIG = "config.yaml"
DEFAULT_PROFILE = Path("profiles") / "default"


def register_parser(subparsers):
    parser = options.add_command(
        subparsers,
        "run",
        __doc__,
        epilog="Options after DIR go to snakemake unchanged, e.g. --cores 2, --dry-run, "
        "--profile profiles/slurm --workflow-profile none.",
    )
    options.add_study(parser, "the study folder (holding config.yaml)")
    parser.add_argument(
        "--unattended",
        action="store_true",
        help="for cron and scrontab: never prompt; skip (exit 0) while another run of the "
        "study is alive; remove a lock a dead run left; log to DIR/logs/runs/<run-id>.log "
        "and print only when the run fails",
    )
    parser.add_argument(
        "snakemake_options",
        nargs=argparse.REMAINDER,
        metavar="SNAKEMAKE_OPTION",
        help="passed to snakemake as they are",
    )
    return parser


def workflow_dir() -> Path:
    """The folder holding the workflow's Snakefile, rules and profiles: the checkout the
    qualframe package was installed from."""
    root = Path(qualframe.__file__).resolve().parents[2]
    if not (root / "Snakefile").is_file():
        raise QualframeError(
            "the workflow (Snakefile) is not beside the installed package: install qualframe "
            "from its repository with `pip install -e .`",
            path=str(root),
        )
    return root


def study_config(study: Path) -> Path:
    """The config of a study folder; a missing folder or config is a QualframeError."""
    if not study.is_dir():
        raise QualframeError("no such study folder (make one with qualframe new-study)", str(study))
    config = study / STUDY_CONFIG
    if not config.is_file():
        raise QualframeError(
            f"no {STUDY_CONFIG} in the study folder (make one with qualframe new-study)",
            path=str(study),
        )
    return config


def names_option(options: Sequence[str], name: str) -> bool:
    """Whether `options` hold the long option `name` (as `--name value` or `--name=value`)."""
    return any(option == name or option.startswith(f"{name}=") for option in options)


def snakemake_argv(study: Path, workflow: Path, options: Sequence[str] = ()) -> list[str]:
    """The snakemake command line (without the program) that runs the workflow in
    `workflow` on the study folder `study`, followed by the user's own `options`. The
    workstation profile is used unless the options name a profile."""
    argv = [
        "--snakefile",
        str(workflow / "Snakefile"),
        "--directory",
        str(study),
        "--configfile",
        str(study / STUDY_CONFIG),
    ]
    if not names_option(options, "--profile"):
        argv += ["--profile", str(workflow / DEFAULT_PROFILE)]
    return [*argv, *options]


def run(args) -> None:
    from qualframe.runs import runner

    study = Path(args.study).resolve()
    study_config(study)
    # `--unattended` after DIR arrives among the snakemake options
    options = [option for option in args.snakemake_options if option != "--unattended"]
    unattended = args.unattended or len(options) < len(args.snakemake_options)
    if unattended:
        options.append("--rerun-incomplete")  # what a killed run left is made again
    argv = snakemake_argv(study, workflow_dir(), options)
    # the steps call `qualframe`: the one installed beside this interpreter
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    command = [sys.executable, "-m", "snakemake", *argv]
    if not unattended:
        print("snakemake " + shlex.join(argv), flush=True)
    if runner.is_a_run(options):  # locked and recorded in the run history
        unlock = [sys.executable, "-m", "snakemake", *snakemake_argv(study, workflow_dir())]
        status = runner.run_study(study, command, [*unlock, "--unlock"], unattended, env)
    else:
        status = subprocess.run(command, env=env).returncode
    if status:
        raise SystemExit(status)
