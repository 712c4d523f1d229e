"""Running the workflow in a temporary study folder, as a user would from a shell."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

from qualframe import provenance
from qualframe.deid.leaks import Term, find_leaks, readable_text

REPO = Path(__file__).resolve().parents[2]


def write_config(folder: Path, config: dict) -> Path:
    path = folder / "config" / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def snakemake_command(folder: Path, *extra: str) -> list[str]:
    """The command that runs the repository's Snakefile with `folder` as working directory."""
    return [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
        "--directory",
        str(folder),
        "--cores",
        "2",
        *extra,
    ]


def run_snakemake(folder: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run the repository's Snakefile with `folder` as working directory."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    command = snakemake_command(folder, *extra)
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=900)


DATA_SUFFIXES = frozenset({".parquet", ".csv", ".xlsx", ".qdpx", ".txt"})


def data_files(folder: Path, zones: tuple[str, ...] = ("results",)) -> dict[str, str]:
    """{path relative to `folder`: SHA-256} of the data files (tables, workbook, project,
    texts) a run has under `zones`, without results/provenance, whose records hold times."""
    found = {}
    for zone in zones:
        for path in sorted((folder / zone).rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and path.suffix in DATA_SUFFIXES:
                if not relative.startswith("results/provenance/"):
                    found[relative] = provenance.sha256_file(path)
    return found


TEXT_SUFFIXES = {".txt", ".csv", ".tsv", ".json", ".html", ".log", ".md", ".parquet", ".qdpx"}


def leaked_terms(terms: set[str], folders: list[Path]) -> dict[str, list[str]]:
    """Terms found as whole words in any text or table file under `folders`, read as the
    leak scan reads them (`qualframe.deid.leaks`): case is ignored, except for terms that
    are also English words ("Met" the police force, not "met")."""
    searched = [Term(term, "", "") for term in sorted(terms)]
    found: dict[str, list[str]] = {}
    for folder in folders:
        texts = {
            str(path.relative_to(folder.parent)): readable_text(path)
            for path in sorted(folder.rglob("*"))
            if path.suffix in TEXT_SUFFIXES
        }
        for leak in find_leaks(searched, texts):
            if leak.original not in found.setdefault(leak.path, []):
                found[leak.path].append(leak.original)
    return found
