"""Stopping runs dead: Snakemake in the background, a `qualframe` that pauses in the middle of
writing a chosen file, and the state a run leaves on disk (its data files, the jobs Snakemake
marked incomplete, its locks)."""

import base64
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.e2e.helpers import snakemake_command

# The data files compared between runs. The step records under results/provenance hold
# times, so they differ between any two runs.
DATA_ZONES = ("results", "restricted")
# How Snakemake 9.27.1 refuses a folder another run holds (snakemake.exceptions.LockException).
LOCKED_MESSAGE = "Directory cannot be locked"

# A `qualframe` command for PATH that runs the real one, except that its atomic write of the
# file QF_PAUSE_IN_WRITE_OF stops after the temporary file is written and before it is
# renamed into place: it names that temporary file in QF_PAUSE_SIGNAL and sleeps, so a test
# can kill the run at exactly that point. Replacing `qualframe.io.atomic_path` reaches every
# writer: they all look it up on the module.
PAUSING_QUALFRAME = """#!{python}
import contextlib
import os
import sys
import time
from pathlib import Path

from qualframe import io as qio
from qualframe.cli import main

real_atomic_path = qio.atomic_path


@contextlib.contextmanager
def pausing_atomic_path(path, mode=None):
    with real_atomic_path(path, mode) as tmp:
        yield tmp
        if Path(path) == Path(os.environ["QF_PAUSE_IN_WRITE_OF"]):
            Path(os.environ["QF_PAUSE_SIGNAL"]).write_text(str(tmp.resolve()))
            time.sleep(600)


qio.atomic_path = pausing_atomic_path
sys.exit(main())
"""


def run_environment(bin_dir: Path | None = None, **variables: str) -> dict[str, str]:
    """This environment, the virtualenv's commands first on PATH (after `bin_dir`, if given)."""
    env = {**os.environ, **variables}
    paths = [str(Path(sys.executable).parent), env.get("PATH", "")]
    if bin_dir is not None:
        paths.insert(0, str(bin_dir))
    env["PATH"] = os.pathsep.join(paths)
    return env


def install_pausing_qualframe(bin_dir: Path) -> Path:
    """Write the pausing `qualframe` into `bin_dir`; return the folder, for PATH."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    command = bin_dir / "qualframe"
    command.write_text(PAUSING_QUALFRAME.format(python=sys.executable), encoding="utf-8")
    command.chmod(0o755)
    return bin_dir


class BackgroundRun:
    """Snakemake started in its own session, so that it and every job it started (all in
    its process group) can be killed at once. Output goes to `transcript`, a file outside
    the study folder."""

    def __init__(self, folder: Path, transcript: Path, env: dict[str, str], *extra: str):
        self.folder = folder
        self.transcript = transcript
        with open(transcript, "wb") as out:
            self.process = subprocess.Popen(
                snakemake_command(folder, *extra),
                cwd=folder,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = 180) -> None:
        """Poll `condition` every 10 ms; fail if the run ends first or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(f"the run ended before {what}:\n{self.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no sign of {what} after {timeout} s")
            time.sleep(0.01)

    def kill(self) -> None:
        """SIGKILL to Snakemake and all its jobs, as a power cut or the OOM killer would."""
        self.stop(signal.SIGKILL)

    def stop(self, signal_number: int) -> None:
        """Send `signal_number` to Snakemake and all its jobs; wait for Snakemake to end."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # ended meanwhile
                os.killpg(self.process.pid, signal_number)
            self.process.wait(timeout=120)

    def finish(self, timeout: float = 600) -> int:
        return self.process.wait(timeout=timeout)

    def output(self) -> str:
        return self.transcript.read_text(encoding="utf-8", errors="replace")


def present_paths(folder: Path) -> set[str]:
    """Every file and non-empty folder under the run's output folders, relative to
    `folder`: a folder output (results/deid/transcripts) counts as written once it holds
    a file, as Snakemake sees it."""
    found = set()
    for zone in DATA_ZONES:
        for path in (folder / zone).rglob("*"):
            if path.is_file() or (path.is_dir() and any(path.iterdir())):
                found.add(path.relative_to(folder).as_posix())
    return found


def temporary_files(folder: Path) -> list[str]:
    """Temporary files of interrupted atomic writes (`.<name>.<random>.tmp`) in the run's
    output folders."""
    return sorted(
        path.relative_to(folder).as_posix()
        for zone in DATA_ZONES
        for path in (folder / zone).rglob(".*.tmp")
    )


def incomplete_marks(folder: Path) -> set[str]:
    """The output files Snakemake marked incomplete: it marks every output of a job when the
    job starts (`.snakemake/incomplete/<urlsafe base64 of the path>`) and unmarks them when
    it ends."""
    root = folder / ".snakemake" / "incomplete"
    marks = set()
    for marker in root.rglob("*"):
        if marker.is_file() and marker.name != "migration_underway":
            # long names are split into folders whose names start with "@"
            parts = [p.lstrip("@") for p in marker.relative_to(root).parts]
            marks.add(base64.urlsafe_b64decode("".join(parts)).decode())
    return marks


def lock_files(folder: Path) -> list[str]:
    return sorted(p.name for p in (folder / ".snakemake" / "locks").glob("*.lock"))
