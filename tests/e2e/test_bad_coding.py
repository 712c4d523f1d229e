"""Broken coded data (tests/bad_inputs/coding/): one clear message naming the file and the
place, a non-zero exit, no traceback, and no output written."""

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import CODEBOOK, TEXTS

BAD = Path(__file__).resolve().parents[1] / "bad_inputs" / "coding"


def qualframe(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        [sys.executable, "-m", "qualframe.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def study(tmp_path):
    for transcript_id, text in TEXTS.items():
        (tmp_path / f"{transcript_id}.txt").write_text(text)
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(CODEBOOK))
    (tmp_path / "cases.tsv").write_text("case_id\tservice_type\nA1\tcafé\nA2\thouse\n")
    return tmp_path


def import_coding(study: Path, export: Path, codebook: Path | None = None, offsets=False):
    columns = ["transcript=doc", "code=code", "coder=coder", "text=text"]
    if offsets:
        columns += ["start=start", "end=end"]
    return qualframe(
        "import-coding",
        "--exports",
        str(export),
        "--columns",
        *columns,
        "--codebook",
        str(codebook or study / "codebook.yaml"),
        "--cases",
        str(study / "cases.tsv"),
        "--transcripts",
        str(study / "A1.txt"),
        str(study / "A2.txt"),
        "--output-segments",
        str(study / "out" / "segments.parquet"),
        "--segments-csv",
        str(study / "out" / "segments.csv"),
        "--output-codebook",
        str(study / "out" / "codebook.parquet"),
        "--codebook-csv",
        str(study / "out" / "codebook.csv"),
        "--output-cases",
        str(study / "out" / "cases.parquet"),
        "--cases-csv",
        str(study / "out" / "cases.csv"),
        cwd=study,
    )


@pytest.mark.parametrize(
    ("name", "offsets", "expected"),
    [
        ("unknown_code.csv", False, r"\s3\s+code\s+unknown code: not in the codebook"),
        ("missing_transcript.csv", False, "unknown transcript"),
        ("quote_not_found.csv", False, "quote not found in the de-identified transcript"),
        ("offsets_past_end.csv", True, "offsets out of range: 45-4500"),
    ],
)
def test_bad_coded_segments(study, name, offsets, expected):
    run = import_coding(study, BAD / name, offsets=offsets)
    assert run.returncode == 1
    assert f"error: {BAD / name}: 1 of" in run.stderr
    assert re.search(expected, run.stderr), run.stderr
    assert "no_such_code" not in run.stderr  # the cell's value stays out of the log
    assert "Traceback" not in run.stderr
    assert not (study / "out").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("duplicate_ids.yaml", "code id 'leadership' used twice (first at themes[1].codes[1]"),
        ("cyclic_codebook.csv", "cycle of parents: people > workforce > leadership > people"),
    ],
)
def test_bad_codebooks(study, name, expected):
    export = study / "ok.csv"
    export.write_text("doc,code,coder,text\nA1,leadership,ES,Our director\n")
    run = import_coding(study, export, codebook=BAD / name)
    assert run.returncode == 1
    assert str(BAD / name) in run.stderr and expected in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert not (study / "out").exists()


def test_malformed_project_xml(tmp_path):
    archive = tmp_path / "malformed.qdpx"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("project.qde", '<?xml version="1.0"?>\n<Project name="x">\n<Users>\n')
    run = qualframe("import-qdpx", str(archive), "--output", str(tmp_path / "out"), cwd=tmp_path)
    assert run.returncode == 1
    assert f"error: {archive}" in run.stderr and "line" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out").exists()


def test_not_a_zip(tmp_path):
    run = qualframe(
        "import-qdpx",
        str(BAD / "not_a_zip.qdpx"),
        "--output",
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    assert run.returncode == 1
    assert f"error: {BAD / 'not_a_zip.qdpx'}" in run.stderr and "zip" in run.stderr
    assert "Traceback" not in run.stderr
