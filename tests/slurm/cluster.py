"""A single-node SLURM cluster on this machine, for the workflow's SLURM test.

Needs root and the Debian packages `slurm-wlm` and `munge` (CI installs them; this module
installs nothing). `start()` creates a munge key if there is none, starts munged as user
munge, writes /etc/slurm/slurm.conf for this host, starts slurmctld and slurmd and waits
until the node is idle; `stop()` stops only the daemons that `start()` started.

The executor's jobstep plugin drops SLURM_CONF from the job environment, so the config has
to be at the default path. A slurm.conf not written by this module is never overwritten.

From a shell: `python -m tests.slurm.cluster start|stop|status`.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

SLURM_CONF = Path("/etc/slurm/slurm.conf")
MARKER = "# Written by qualframe tests/slurm/cluster.py: a single-node test cluster."
MUNGE_KEY = Path("/etc/munge/munge.key")
MUNGE_RUN = Path("/run/munge")
MUNGE_PID = MUNGE_RUN / "munged.pid"
SLURMCTLD_PID = Path("/run/slurmctld.pid")
SLURMD_PID = Path("/run/slurmd.pid")
STATE_DIR = Path("/var/lib/slurm/slurmctld")
SPOOL_DIR = Path("/var/lib/slurm/slurmd")
LOG_DIR = Path("/var/log/slurm")
PARTITION = "debug"
# profiles/slurm asks 4 GB for detect, and a group of two detect jobs 8 GB: declare at least
# this much so that the test runs on small CI machines too. Memory is bookkeeping only here
# (task/none enforces no limit; the demo study needs far less).
MIN_MEMORY_MB = 16000
BINARIES = ("munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol")


class ClusterError(RuntimeError):
    """The test cluster could not be set up."""


class ForeignConfigError(ClusterError):
    """/etc/slurm/slurm.conf belongs to someone else: this machine is not ours to set up."""


@dataclass
class Cluster:
    """What `start()` did, so that `stop()` undoes only that."""

    started: list[str] = field(default_factory=list)


def missing_requirements() -> str | None:
    """Why this machine cannot run the test cluster, or None if it can."""
    if os.geteuid() != 0:
        return "the test SLURM cluster needs root"
    missing = [name for name in BINARIES if shutil.which(name, path=_sbin_path()) is None]
    if missing:
        return f"SLURM or munge is not installed (missing {', '.join(missing)})"
    return None


def _sbin_path() -> str:
    return os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])


def _run(*command: str, check: bool = True, timeout: float = 30) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=_sbin_path())
    env.pop("SLURM_CONF", None)
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise ClusterError(f"{' '.join(command)} failed: {result.stderr.strip() or result.stdout}")
    return result


def munge_works() -> bool:
    """True if a credential made by munge decodes (munged is running with a key)."""
    try:
        encoded = _run("munge", "-n", check=False, timeout=10)
        if encoded.returncode != 0:
            return False
        decoded = subprocess.run(
            ["unmunge"], input=encoded.stdout, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return decoded.returncode == 0


def node_states() -> list[str]:
    """The states `sinfo` reports for the nodes, [] if the controller does not answer."""
    try:
        result = _run("sinfo", "--noheader", "--Node", "--format=%t", check=False, timeout=10)
    except subprocess.TimeoutExpired:
        return []
    if result.returncode != 0:
        return []
    return result.stdout.split()


def ensure_munge_key() -> None:
    """Create /etc/munge/munge.key (1024 random bytes, munge-owned, mode 0400) if missing."""
    if MUNGE_KEY.exists():
        return
    munge = pwd.getpwnam("munge")
    MUNGE_KEY.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chown(MUNGE_KEY.parent, munge.pw_uid, munge.pw_gid)
    fd = os.open(MUNGE_KEY, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o400)
    with os.fdopen(fd, "wb") as key:
        key.write(os.urandom(1024))
    os.chown(MUNGE_KEY, munge.pw_uid, munge.pw_gid)


def start_munged() -> None:
    """Start munged as user munge; its run, state and log folders are munge-owned."""
    munge = pwd.getpwnam("munge")
    for folder in (MUNGE_RUN, Path("/var/lib/munge"), Path("/var/log/munge")):
        folder.mkdir(mode=0o755, parents=True, exist_ok=True)
        os.chown(folder, munge.pw_uid, munge.pw_gid)
    _run("runuser", "-u", "munge", "--", "munged")  # forks into the background itself
    _wait_until(munge_works, 15, "munged did not start (see /var/log/munge/munged.log)")


def node_line() -> str:
    """This machine's node definition, as `slurmd -C` measures it, with at least
    MIN_MEMORY_MB of memory declared."""
    line = _run("slurmd", "-C").stdout.splitlines()[0]
    if not line.startswith("NodeName="):
        raise ClusterError(f"unexpected output from slurmd -C: {line!r}")
    fields = dict(item.split("=", 1) for item in line.split())
    fields["RealMemory"] = str(max(int(fields.get("RealMemory", 0)), MIN_MEMORY_MB))
    return " ".join(f"{key}={value}" for key, value in fields.items()) + (
        " NodeAddr=127.0.0.1 State=UNKNOWN"
    )


def slurm_conf(host: str, node: str) -> str:
    """A slurm.conf for one node that is also the controller; no accounting storage."""
    return f"""{MARKER}
# It is overwritten by that script whenever it starts the cluster; remove this header to
# keep your own changes.
ClusterName=qualframe-test
SlurmctldHost={host}(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
MpiDefault=none
# No cgroups: proctrack/linuxproc and task/none work inside containers.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Trust the node line below (RealMemory may exceed the machine's) rather than the hardware.
SlurmdParameters=config_overrides
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
# Without accounting, finished jobs are known to squeue only for MinJobAge seconds.
MinJobAge=3600
ReturnToService=2
StateSaveLocation={STATE_DIR}
SlurmdSpoolDir={SPOOL_DIR}
SlurmctldPidFile={SLURMCTLD_PID}
SlurmdPidFile={SLURMD_PID}
SlurmctldLogFile={LOG_DIR / "slurmctld.log"}
SlurmdLogFile={LOG_DIR / "slurmd.log"}
SlurmctldTimeout=30
SlurmdTimeout=30
{node}
PartitionName={PARTITION} Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""


def write_slurm_conf() -> None:
    """Write /etc/slurm/slurm.conf, unless one exists that this module did not write."""
    if SLURM_CONF.exists():
        first_line = SLURM_CONF.read_text(encoding="utf-8").partition("\n")[0]
        if first_line != MARKER:
            raise ForeignConfigError(
                f"{SLURM_CONF} exists and was not written by this script: not overwriting it"
            )
    SLURM_CONF.parent.mkdir(parents=True, exist_ok=True)
    host = socket.gethostname().split(".")[0]
    SLURM_CONF.write_text(slurm_conf(host, node_line()), encoding="utf-8")


def start(timeout: float = 60) -> Cluster:
    """Bring up munged, slurmctld and slurmd (those not already running) and wait for idle."""
    reason = missing_requirements()
    if reason:
        raise ClusterError(reason)
    cluster = Cluster()
    if not munge_works():
        ensure_munge_key()
        start_munged()
        cluster.started.append("munged")
    if "idle" in node_states():  # a cluster is already up: use it, leave it running
        return cluster
    write_slurm_conf()
    for folder in (STATE_DIR, SPOOL_DIR, LOG_DIR):
        folder.mkdir(parents=True, exist_ok=True)
    try:
        if not _pid_alive(SLURMCTLD_PID):
            _run("slurmctld")  # forks into the background itself
            cluster.started.append("slurmctld")
        if not _pid_alive(SLURMD_PID):
            _run("slurmd")
            cluster.started.append("slurmd")
        _wait_until(
            lambda: "idle" in node_states(),
            timeout,
            f"the node did not become idle (see {LOG_DIR}/slurmctld.log and slurmd.log)",
        )
    except BaseException:
        stop(cluster)
        raise
    return cluster


def stop(cluster: Cluster) -> None:
    """Stop the daemons that `start()` started, by the process ids in their pid files.

    With slurmctld stopped, the slurm.conf this module wrote is removed too: while it names
    an unreachable controller, every `scontrol` call waits about 9 s, and the SLURM
    executor plugin calls `scontrol show config` whenever Snakemake starts.
    """
    pid_files = {"slurmd": SLURMD_PID, "slurmctld": SLURMCTLD_PID, "munged": MUNGE_PID}
    for name in ("slurmd", "slurmctld", "munged"):
        if name in cluster.started:
            _terminate(pid_files[name])
    if "slurmctld" in cluster.started and SLURM_CONF.exists():
        if SLURM_CONF.read_text(encoding="utf-8").splitlines()[:1] == [MARKER]:
            SLURM_CONF.unlink()


def _pid_alive(pid_file: Path) -> bool:
    pid = _read_pid(pid_file)
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _read_pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _terminate(pid_file: Path, timeout: float = 15) -> None:
    pid = _read_pid(pid_file)
    if pid is None:
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)


def _wait_until(condition, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise ClusterError(message)


def main(argv: list[str]) -> int:
    """`start` brings the cluster up and leaves it running; `stop` stops the daemons whose
    pid files exist; `status` prints the node states."""
    action = argv[0] if argv else "status"
    if action == "start":
        start()
        print(f"SLURM test cluster up: node {' '.join(node_states())}")
    elif action == "stop":
        stop(Cluster(started=["slurmd", "slurmctld", "munged"]))
    elif action == "status":
        print(" ".join(node_states()) or "no controller answers")
    else:
        print("usage: python -m tests.slurm.cluster start|stop|status", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
