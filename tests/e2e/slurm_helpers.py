"""Running the workflow through the SLURM executor on the test cluster (tests/slurm)."""

import importlib.util
import json
import subprocess
from pathlib import Path

from tests.e2e.helpers import REPO, run_snakemake

# The site profile, then the test cluster's settings on top; profiles/default (the
# workstation profile) is left out, as the README's cluster command does.
SLURM_PROFILE_ARGS = (
    "--profile",
    str(REPO / "profiles" / "slurm"),
    "--profile",
    str(REPO / "tests" / "slurm"),
    "--workflow-profile",
    "none",
)


def slurm_plugin_missing() -> str | None:
    """Why the SLURM executor cannot run here, or None if its plugins are importable."""
    for module in ("snakemake_executor_plugin_slurm", "snakemake_executor_plugin_slurm_jobstep"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed (pip install -r requirements.lock)"
    return None


def run_snakemake_on_slurm(folder: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run the repository's Snakefile in `folder`, each job submitted with sbatch."""
    return run_snakemake(folder, *SLURM_PROFILE_ARGS, *extra)


def step_records(folder: Path) -> dict[str, dict]:
    """Every step record under results/provenance/steps/, by relative path."""
    steps = folder / "results" / "provenance" / "steps"
    return {
        str(path.relative_to(steps)): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(steps.rglob("*.json"))
    }
