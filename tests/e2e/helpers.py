"""Running the workflow in a temporary study folder, as a user would from a shell."""

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import yaml

from qualframe.deid.words import is_english_word

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


TEXT_SUFFIXES = {".txt", ".csv", ".tsv", ".json", ".html", ".log", ".md", ".parquet", ".qdpx"}


def leaked_terms(terms: set[str], folders: list[Path]) -> dict[str, list[str]]:
    """Terms found as whole words in any text or table file under `folders`.

    Case is ignored, except for terms that are also English words ("Met" the police force,
    not "met"), which must match as written.
    """
    patterns = {
        t: re.compile(rf"(?<!\w){re.escape(t)}(?!\w)", 0 if is_english_word(t) else re.IGNORECASE)
        for t in terms
    }
    found: dict[str, list[str]] = {}
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix in TEXT_SUFFIXES):
            if path.suffix == ".parquet":
                text = pd.read_parquet(path).to_csv(index=False)
            elif path.suffix == ".qdpx":  # a zip: read what it holds, not compressed bytes
                with zipfile.ZipFile(path) as archive:
                    text = "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist())
            else:
                text = path.read_text(encoding="utf-8", errors="replace")
            for term, pattern in patterns.items():
                if pattern.search(text):
                    found.setdefault(str(path.relative_to(folder.parent)), []).append(term)
    return found
