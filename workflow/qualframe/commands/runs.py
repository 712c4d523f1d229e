"""`qualframe history` and `qualframe schedule`: a study's runs, and running it on a schedule."""

import json
import shutil
import sys
from pathlib import Path

from qualframe.errors import QualframeError


def add_parsers(steps) -> None:
    history = steps.add_parser(
        "history", help="list a study's runs: outcome, and what changed since the previous one"
    )
    history.add_argument("study", metavar="DIR", help="the study folder")
    history.add_argument("--json", action="store_true", help="print the records as JSON lines")
    history.set_defaults(run=run_history)

    schedule = steps.add_parser(
        "schedule",
        help="print the scrontab entry (or, with --cron, crontab line) that runs a study",
    )
    schedule.add_argument("study", metavar="DIR", help="the study folder")
    schedule.add_argument("--at", required=True, help="time of day, HH:MM (24-hour clock)")
    schedule.add_argument(
        "--days", default="daily", help="days of the week: daily (default), mon-fri, sat,sun …"
    )
    schedule.add_argument(
        "--profile", help="Snakemake profile folder for the run (e.g. profiles/slurm)"
    )
    schedule.add_argument("--cron", action="store_true", help="a crontab line, not scrontab")
    schedule.add_argument(
        "--time-limit", default=None, help="scrontab: the job's time limit (default 12:00:00)"
    )
    schedule.add_argument("--partition", help="scrontab: the partition to run in")
    schedule.add_argument("--account", help="scrontab: the account to charge")
    schedule.add_argument("--mail-user", help="scrontab: who SLURM mails when a run fails")
    schedule.add_argument(
        "--cpus",
        type=int,
        default=None,
        help="scrontab: CPUs of the job (default 1; without a SLURM profile the whole "
        "workflow runs inside the job)",
    )
    schedule.set_defaults(run=run_schedule)


def study_folder(path: str) -> Path:
    """The study folder, absolute; an error if it is not a folder."""
    folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise QualframeError("not a folder", path=path)
    return folder


def run_history(args) -> None:
    from qualframe.runs.history import describe_history, read_history

    records = read_history(study_folder(args.study))
    if args.json:
        for record in records:
            print(json.dumps(record, sort_keys=True, ensure_ascii=False))
    else:
        print(describe_history(records))


def qualframe_executable() -> Path:
    """The `qualframe` command of this installation, as an absolute path: cron and SLURM
    start with a PATH that does not hold it."""
    beside = Path(sys.executable).parent / "qualframe"
    found = beside if beside.is_file() else shutil.which("qualframe")
    if not found:
        raise QualframeError("cannot find the qualframe command of this installation")
    return Path(found).absolute()


def run_schedule(args) -> None:
    from qualframe.commands.run import workflow_dir
    from qualframe.runs import schedule

    study = study_folder(args.study)
    profile = None
    if args.profile:
        profile = Path(args.profile).expanduser()
        if not profile.is_absolute() and not profile.exists():
            # a profile named relative to the workflow's folder, as in the README
            profile = workflow_dir() / args.profile
        if not profile.is_dir():
            raise QualframeError("not a profile folder", path=args.profile)
        profile = profile.resolve()
    hour, minute = schedule.parse_time(args.at)
    plan = schedule.Schedule(
        minute,
        hour,
        schedule.parse_days(args.days),
        schedule.unattended_command(qualframe_executable(), study, profile),
    )
    if args.cron:
        slurm_only = [args.time_limit, args.partition, args.account, args.mail_user, args.cpus]
        if any(slurm_only):
            raise QualframeError(
                "--time-limit, --partition, --account, --mail-user and --cpus are for scrontab: "
                "drop them, or drop --cron"
            )
        print(schedule.crontab_entry(plan, study))
    else:
        print(
            schedule.scrontab_entry(
                plan,
                study,
                time_limit=args.time_limit or schedule.DEFAULT_TIME_LIMIT,
                partition=args.partition,
                account=args.account,
                mail_user=args.mail_user,
                cpus=args.cpus or 1,
            )
        )
        # SLURM cannot start the job if the folder of its --output does not exist
        (study / "logs" / "runs").mkdir(parents=True, exist_ok=True)
