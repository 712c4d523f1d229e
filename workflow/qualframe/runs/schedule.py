"""Schedules: the scrontab entry (SLURM's cron) or crontab line that runs a study unattended.

Both call `qualframe run DIR --unattended` with absolute paths (cron and SLURM start jobs
in the home folder, with a short PATH), at a time of day on chosen days of the week.
"""

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from qualframe.errors import QualframeError

DAY_NUMBERS = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
TIME_PATTERN = re.compile(r"\A([01]?[0-9]|2[0-3]):([0-5][0-9])\Z")
# `%` ends a cron command (the rest becomes its standard input); `$` is expanded by
# scrontab; a newline ends the line.
UNSAFE_IN_CRON = ("%", "$", "\n", "\r")
DEFAULT_TIME_LIMIT = "12:00:00"


@dataclass(frozen=True)
class Schedule:
    """When and how a study runs: minute and hour, days of the week (cron numbers, Sunday
    0; empty for every day), the command's words."""

    minute: int
    hour: int
    days: tuple[int, ...]
    command: tuple[str, ...]

    def cron_time(self) -> str:
        """The five time fields of a cron line."""
        return f"{self.minute} {self.hour} * * {day_field(self.days)}"

    def command_line(self) -> str:
        return " ".join(shlex.quote(word) for word in self.command)


def parse_time(text: str) -> tuple[int, int]:
    """(hour, minute) of "HH:MM" (24-hour clock)."""
    match = TIME_PATTERN.match(text.strip())
    if not match:
        raise QualframeError(f"--at takes a time of day as HH:MM (00:00 to 23:59), not {text!r}")
    return int(match.group(1)), int(match.group(2))


def parse_days(text: str) -> tuple[int, ...]:
    """Days of the week as cron numbers, from "daily", "mon-fri", "sat,sun", "mon,wed-fri"
    (three-letter English names; a range may wrap round the week end: "fri-mon")."""
    text = text.strip().lower()
    if text in ("daily", "*", ""):
        return ()
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        start, end = _day(first), _day(last) if last else _day(first)
        day = start
        days.add(day)
        while day != end:
            day = (day + 1) % 7
            days.add(day)
    return () if len(days) == 7 else tuple(sorted(days))


def _day(name: str) -> int:
    try:
        return DAY_NUMBERS[name.strip()[:3]]
    except KeyError:
        raise QualframeError(
            f"--days takes day names (mon, tue, wed, thu, fri, sat, sun), ranges (mon-fri) "
            f"and lists (sat,sun), not {name!r}"
        ) from None


def day_field(days: Sequence[int]) -> str:
    """The cron day-of-week field: `*`, or numbers with consecutive runs as ranges."""
    if not days:
        return "*"
    parts, run = [], [days[0]]
    for day in days[1:]:
        if day == run[-1] + 1:
            run.append(day)
        else:
            parts.append(run)
            run = [day]
    parts.append(run)
    return ",".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in parts)


def unattended_command(
    qualframe: Path, study: Path, profile: Path | None, extra: Sequence[str] = ()
) -> tuple[str, ...]:
    """`<qualframe> run <study> --unattended [--profile <profile> --workflow-profile none]
    [extra…]`, absolute paths. With a profile, the workstation profile (the workflow's
    profiles/default) is kept from overriding it, as in the README's cluster command."""
    words = [str(qualframe), "run", str(study), "--unattended"]
    if profile is not None:
        words += ["--profile", str(profile), "--workflow-profile", "none"]
    words += list(extra)
    for word in words:
        if any(char in word for char in UNSAFE_IN_CRON):
            raise QualframeError(
                f"{word!r} holds a character cron reads specially (% $ or a line break): "
                "use a path without it"
            )
    return tuple(words)


def crontab_entry(schedule: Schedule, study: Path) -> str:
    """A commented crontab line: cron mails what the command prints, and it prints only
    when a run fails."""
    return "\n".join(
        [
            f"# qualframe: run the study {study} unattended ({describe(schedule)}).",
            "# Install with `crontab -e`. cron mails whatever the command prints to the",
            "# crontab's owner (or MAILTO): it prints only when a run fails.",
            f"{schedule.cron_time()} {schedule.command_line()}",
        ]
    )


def scrontab_entry(
    schedule: Schedule,
    study: Path,
    time_limit: str = DEFAULT_TIME_LIMIT,
    partition: str | None = None,
    account: str | None = None,
    mail_user: str | None = None,
    cpus: int = 1,
) -> str:
    """A commented scrontab entry: #SCRON options (sbatch's) for the job that runs the
    unattended command. SLURM mails `mail_user` (or the submitting user) when it fails.
    With a SLURM profile the job mostly waits for the jobs Snakemake submits (one CPU);
    without one the whole workflow runs inside it, on `cpus` CPUs."""
    options = [
        f"--job-name=qualframe-{_job_name(study)}",
        f"--time={time_limit}",
        *([f"--partition={partition}"] if partition else []),
        *([f"--account={account}"] if account else []),
        f"--cpus-per-task={cpus}",
        f"--mem={2 * cpus}G",
        f"--chdir={study}",
        f"--output={study}/logs/runs/scrontab-%j.out",
        "--open-mode=append",
        "--mail-type=FAIL",
        *([f"--mail-user={mail_user}"] if mail_user else []),
    ]
    site = {"partition": partition, "account": account, "mail-user": mail_user}
    unset = [f"--{name}" for name, value in site.items() if not value]
    site_note = (
        [f"# SITE: SLURM's defaults apply to {', '.join(unset)} (not given)"] if unset else []
    )
    return "\n".join(
        [
            f"# qualframe: run the study {study} unattended ({describe(schedule)}).",
            "# Install with `scrontab -e` (needs ScronParameters=enable in slurm.conf).",
            *site_note,
            "# --time must cover the whole run: Snakemake waits in this job for the jobs it",
            "# submits. --mail-type=FAIL mails when the run fails.",
            *(f"#SCRON {option}" for option in options),
            f"{schedule.cron_time()} {schedule.command_line()}",
        ]
    )


def _job_name(study: Path) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", study.name) or "study"


def describe(schedule: Schedule) -> str:
    names = {number: name for name, number in DAY_NUMBERS.items()}
    days = "every day" if not schedule.days else ", ".join(names[d] for d in schedule.days)
    return f"{schedule.hour:02d}:{schedule.minute:02d}, {days}"
