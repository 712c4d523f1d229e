"""The corpus-wide steps' cache changes no output: after one transcript is edited, a study
whose steps reuse their earlier work ends with the same bytes as a copy of it whose cache
was deleted first, and the cache stays owner-only in the restricted folder."""

import re
import shutil
import stat
from pathlib import Path

import pytest
import yaml

from tests.e2e.helpers import REPO, run_snakemake, write_config

pytestmark = pytest.mark.e2e

CACHE = Path("restricted") / "cache"
# step records, manifest and crate hold times and paths, Great Expectations names its
# Data Docs pages by time; Snakemake's folder markers
VARYING = re.compile(
    r"^(results/provenance/(steps/|manifest\.json|ro-crate-metadata\.json|runs)|restricted/cache/"
    r"|results/quality/data_docs/)"
    r"|\.snakemake_timestamp$"
)
# the time in a Data Docs page's path, which the leak scan's summary lists
DATA_DOCS_TIME = re.compile(rb"/\d{8}T\d{6}\.\d+Z/")
# a line naming no one: the terms propagation searches for and the leak scan looks for
# stay the same (an edit that changes them is tests/unit/test_step_cache.py's)
EDIT = "Interviewer: Thank you.\n"
STEP_LOGS = {
    "pseudonymise": "logs/deidentify/pseudonymise.log",
    "review": "logs/deidentify/review.log",
    "leak-scan": "logs/provenance/leak_scan.log",
}


def study_bytes(folder: Path) -> dict[str, bytes]:
    """{path: bytes} of every file a run wrote under results/ and restricted/, but those
    holding times (records, manifest) and the cache itself."""
    found = {}
    for zone in ("results", "restricted"):
        for path in sorted((folder / zone).rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_file() and not VARYING.search(relative):
                found[relative] = DATA_DOCS_TIME.sub(b"TIME", path.read_bytes())
    return found


def reused(folder: Path, log: str) -> int:
    """How many entries a step's log says it took from its cache."""
    match = re.search(r"(\d+) reused from the cache", (folder / log).read_text(encoding="utf-8"))
    assert match, f"{log} says nothing of the cache"
    return int(match[1])


@pytest.fixture(scope="module")
def edited_studies(tmp_path_factory):
    """The demo study run once, copied without its cache, then one transcript edited in
    both and both run again: (with cache, without cache)."""
    cached = tmp_path_factory.mktemp("cached") / "study"
    shutil.copytree(REPO / "resources" / "demo", cached / "resources" / "demo")
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    write_config(cached, config)  # its paths are relative to the study folder
    first = run_snakemake(cached)
    assert first.returncode == 0, first.stderr[-3000:]
    scratch = tmp_path_factory.mktemp("scratch") / "study"
    shutil.copytree(cached, scratch, symlinks=True)
    shutil.rmtree(scratch / CACHE)
    for folder in (cached, scratch):
        edited = folder / "resources/demo/transcripts/P01.txt"
        edited.write_text(edited.read_text(encoding="utf-8") + EDIT, encoding="utf-8")
        run = run_snakemake(folder)
        assert run.returncode == 0, run.stderr[-3000:]
    return cached, scratch


def test_an_edit_gives_the_same_bytes_with_and_without_the_cache(edited_studies):
    cached, scratch = edited_studies
    with_cache, without = study_bytes(cached), study_bytes(scratch)
    assert "restricted/anonymisation_log.csv" in with_cache
    assert sorted(with_cache) == sorted(without)
    differing = [path for path in with_cache if with_cache[path] != without[path]]
    assert differing == []


def test_the_steps_reused_their_earlier_work(edited_studies):
    cached, scratch = edited_studies
    for step, log in STEP_LOGS.items():
        assert reused(cached, log) > 0, step
        assert reused(scratch, log) == 0, step


def test_the_cache_is_owner_only_and_in_the_restricted_folder(edited_studies):
    cached, _ = edited_studies
    folders = [cached / CACHE, *(p for p in (cached / CACHE).rglob("*") if p.is_dir())]
    assert {f.name for f in folders} >= {"cache", "pseudonymise", "review", "leak_scan"}
    for folder in folders:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    entries = [p for p in (cached / CACHE).rglob("*") if p.is_file()]
    assert entries
    for entry in entries:
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600, entry
    assert not list((cached / "results").rglob("cache"))
