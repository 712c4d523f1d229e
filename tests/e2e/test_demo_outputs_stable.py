"""The demo's published outputs, byte for byte: a refactoring that changes none of them
passes, one that changes any names the files.

The demo runs in a study folder holding a copy of `resources/demo` and the repository's
config (paths relative to the folder), so no output depends on where the checkout is.
Every file under `results/` is listed in `demo_outputs.sha256` with its SHA-256, except
the files in `EXCLUDED` (each says why: they hold run times or a time-named path). The
report names the code version of its step (a digest of the source it ran), which
changes with any edit to that code; it is hashed with that version replaced by
`<code version>`.

When a change of output is intended, regenerate the list and commit it with the change:

    QUALFRAME_WRITE_DIGESTS=1 .venv/bin/python -m pytest tests/e2e/test_demo_outputs_stable.py
"""

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from qualframe import provenance
from tests.e2e.helpers import REPO, run_snakemake
from tests.markup import invalid_attributes

pytestmark = pytest.mark.e2e

DIGESTS = Path(__file__).with_name("demo_outputs.sha256")
WRITE = "QUALFRAME_WRITE_DIGESTS"
REPORT = "results/report/study_report.html"
# path or folder (ending in "/") under results/: why it is not compared
EXCLUDED = {
    "results/provenance/steps/": "step records: start and end times, host, user, code version",
    "results/provenance/manifest.json": "the run's times and every step's code version",
    "results/provenance/ro-crate-metadata.json": "the run's start and end times",
    "results/provenance/leak_scan.json": "names the Data Docs run folder, named by time",
    "results/quality/data_docs/": "Great Expectations names its run folder by the time",
}
# Snakemake's marker of a folder output and git's placeholder: not outputs of a step
NOT_OUTPUTS = frozenset({".snakemake_timestamp", ".gitkeep"})


def is_excluded(relative: str) -> bool:
    return any(
        relative.startswith(path) if path.endswith("/") else relative == path for path in EXCLUDED
    )


def output_digests(folder: Path) -> dict[str, str]:
    """{path under `folder`: SHA-256} of every compared file under results/, sorted."""
    found = {}
    for path in sorted((folder / "results").rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if not path.is_file() or path.name in NOT_OUTPUTS or is_excluded(relative):
            continue
        data = path.read_bytes()
        if relative == REPORT:
            data = data.replace(provenance.code_version("report").encode(), b"<code version>")
        found[relative] = hashlib.sha256(data).hexdigest()
    return found


def read_digests(path: Path) -> dict[str, str]:
    """The committed list, in `sha256sum` format: `<digest>  <path>` per line."""
    rows = [line.split("  ", 1) for line in path.read_text(encoding="utf-8").splitlines()]
    return {name: digest for digest, name in rows}


def write_digests(path: Path, digests: dict[str, str]) -> None:
    path.write_text("".join(f"{d}  {name}\n" for name, d in digests.items()), encoding="utf-8")


@pytest.fixture(scope="module")
def demo_study(tmp_path_factory) -> Path:
    """The demo run in a study folder of its own, with relative paths only."""
    folder = tmp_path_factory.mktemp("demo-stable")
    shutil.copytree(REPO / "resources" / "demo", folder / "resources" / "demo")
    (folder / "config").mkdir()
    shutil.copy(REPO / "config" / "config.yaml", folder / "config" / "config.yaml")
    run = run_snakemake(folder)
    assert run.returncode == 0, run.stderr[-3000:]
    return folder


def test_every_output_of_the_demo_is_byte_identical_to_the_committed_list(demo_study):
    found = output_digests(demo_study)
    if os.environ.get(WRITE):
        write_digests(DIGESTS, found)
    listed = read_digests(DIGESTS)
    assert sorted(found) == sorted(listed), "files added or missing under results/"
    changed = [name for name, digest in found.items() if listed[name] != digest]
    assert changed == [], f"outputs changed (regenerate the list if intended: {WRITE}=1)"


def test_the_list_covers_every_published_table():
    listed = read_digests(DIGESTS)
    for table in ("coding/segments", "matrix/framework_matrix", "themes/theme_summary"):
        assert f"results/{table}.parquet" in listed and f"results/{table}.csv" in listed
    assert REPORT in listed and "results/coding/project.qdpx" in listed
    assert not [name for name in listed if is_excluded(name)]


def test_the_demo_pages_parse_with_known_attributes_only(demo_study):
    """The report and the review pages of the demo (Great Expectations' Data Docs are its
    own)."""
    pages = [demo_study / REPORT, *sorted((demo_study / "restricted/review/pages").glob("*.html"))]
    assert len(pages) >= 3
    for page in pages:
        assert invalid_attributes(page.read_text(encoding="utf-8")) == [], page.name
