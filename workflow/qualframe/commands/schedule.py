"""Print the scrontab entry (or, with --cron, crontab line) that runs a study.

The entry runs `qualframe run DIR --unattended` at the time and days given, under SLURM's
scrontab or cron.
"""

import shutil
import sys
from pathlib import Path

from qualframe.commands import options
from qualframe.commands.paths import study_folder
from qualframe.errors import QualframeError


def register_parser(subparsers):
    parser = options.add_command(subparsers, "schedule", __doc__)
    options.add_study(parser)
    parser.add_argument("--at", required=True, help="time of day, HH:MM (24-hour clock)")
    parser.add_argument(
        "--days", default="daily", help="days of the week: daily (default), mon-fri, sat,sun …"
    )
    parser.add_argument(
        "--profile", help="Snakemake profile folder for the run (e.g. profiles/slurm)"
    )
    parser.add_argument("--cron", action="store_true", help="a crontab line, not scrontab")
    parser.add_argument(
        "--time-limit", default=None, help="scrontab: the job's time limit (default 12:00:00)"
    )
    parser.add_argument("--partition", help="scrontab: the partition to run in")
    parser.add_argument("--account", help="scrontab: the account to charge")
    parser.add_argument("--mail-user", help="scrontab: who SLURM mails when a run fails")
    parser.add_argument(
        "--cpus",
        type=int,
        default=None,
        help="scrontab: CPUs of the job (default 1; without a SLURM profile the whole "
        "workflow runs inside the job)",
    )
    return parser


def qualframe_executable() -> Path:
    """The `qualframe` command of this installation, as an absolute path: cron and SLURM
    start with a PATH that does not hold it."""
    beside = Path(sys.executable).parent / "qualframe"
    found = beside if beside.is_file() else shutil.which("qualframe")
    if not found:
        raise QualframeError("cannot find the qualframe command of this installation")
    return Path(found).absolute()


def run(args) -> None:
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
