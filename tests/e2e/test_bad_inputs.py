"""Broken and hostile inputs (tests/bad_inputs/): each file gives exactly one error line,
`error: <file>[, <where>]: <what is wrong>`, exit status 1, no traceback, and no output.

The tables in each folder's README.md list the same files and messages.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from qualframe.cli import main
from qualframe.commands.ingest import DEFAULT_MAX_BYTES
from qualframe.errors import QualframeError
from qualframe.ingest import discover_transcripts
from qualframe.refi import archive
from tests.conftest import CODEBOOK, TEXTS
from tests.e2e.helpers import REPO, run_snakemake

BAD = Path(__file__).resolve().parents[1] / "bad_inputs"
TRANSCRIPTS = BAD / "transcripts"
SHEETS = BAD / "sheets"
CONFIG = BAD / "config"
HOSTILE = BAD / "hostile"
NOT_CORPUS = {"README.md", ".gitattributes"}


def run(capsys, *args: str) -> tuple[int, str]:
    """Run `qualframe ARGS` in this process; its exit status and what it wrote to stderr."""
    status = main([str(a) for a in args])
    return status, capsys.readouterr().err


def error_line(status: int, err: str) -> str:
    """The one `error:` line of a refused input, after checking status and traceback."""
    assert status == 1, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1, err
    return lines[0]


def test_the_corpus_holds_at_least_30_files():
    files = [p for p in BAD.rglob("*") if p.is_file() and p.name not in NOT_CORPUS]
    assert len(files) >= 30, sorted(map(str, files))


def test_every_corpus_file_is_in_its_readme():
    for folder in (TRANSCRIPTS, SHEETS, CONFIG, HOSTILE):
        readme = (folder / "README.md").read_text(encoding="utf-8")
        for path in folder.rglob("*"):
            if path.is_file() and path.name not in NOT_CORPUS:
                assert f"`{path.relative_to(folder).as_posix()}`" in readme, path


# --- transcripts: qualframe ingest ------------------------------------------------------

NOT_EMPTY = "the transcript is empty (no text, or only white space and a BOM)"
NUL = (
    "binary data, not text (a NUL byte at byte offset {}: a UTF-16 file, or not a text file "
    "at all); save the transcript as UTF-8 text"
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "windows_1252.txt",
            ", line 3: not UTF-8 text (byte 0x92 at byte offset 61); save the transcript as UTF-8",
        ),
        ("empty.txt", f": {NOT_EMPTY}"),
        ("whitespace_and_bom.txt", f": {NOT_EMPTY}"),
        ("nul_bytes.txt", ", line 4: " + NUL.format(38)),
        ("utf16.txt", ", line 1: " + NUL.format(1)),
        (
            "not_a_zip.docx",
            ": not a readable .docx file: it is not a zip archive, as every .docx is "
            "(a .doc or a text file renamed?)",
        ),
        (
            "zip_not_word.docx",
            ": not a readable .docx file: a zip archive but not a Word document "
            "(There is no item named '[Content_Types].xml' in the archive)",
        ),
        (
            "zip_bomb.docx",
            ": not a readable .docx file: part 'word/document.xml' expands 1,026 times "
            "(over 200), like a zip bomb",
        ),
        (
            "bad_timestamp.vtt",
            ", line 8: not a valid WebVTT file: malformed cue timing "
            "(expected HH:MM:SS.mmm --> HH:MM:SS.mmm)",
        ),
        ("no_header.vtt", ", line 1: not a valid WebVTT file: the first line must be 'WEBVTT'"),
        (
            "unsupported.rtf",
            ": unsupported transcript format '.rtf'; use one of .txt, .docx, .vtt",
        ),
        (
            "bad_id/---.txt",
            ": file name gives no transcript id: it needs at least one letter or digit",
        ),
    ],
)
def test_bad_transcript(tmp_path, capsys, name, expected):
    out = tmp_path / "restricted" / "ingest" / "0001.parquet"
    status, err = run(capsys, "ingest", "--input", TRANSCRIPTS / name, "--output", out)
    assert error_line(status, err) == f"error: {TRANSCRIPTS / name}{expected}"
    assert not out.parent.exists()


def test_from_the_shell_one_line_and_a_traceback_only_with_debug(tmp_path):
    path, out = TRANSCRIPTS / "nul_bytes.txt", tmp_path / "ingest.parquet"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

    def shell(*extra):
        command = [sys.executable, "-m", "qualframe.cli", *extra, "ingest", "--input", str(path)]
        command += ["--output", str(out)]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    plain = shell()
    assert plain.returncode == 1
    assert plain.stderr == f"error: {path}, line 4: {NUL.format(38)}\n"
    debug = shell("--debug")
    assert "Traceback" in debug.stderr and "QualframeError" in debug.stderr
    assert not out.exists()


def test_a_bad_transcript_after_a_good_one_writes_nothing(tmp_path, capsys):
    good, bad = TRANSCRIPTS / "duplicate_id" / "P01.txt", TRANSCRIPTS / "windows_1252.txt"
    out = tmp_path / "restricted" / "ingest" / "0001.parquet"
    status, err = run(capsys, "ingest", "--input", good, bad, "--output", out)
    assert error_line(status, err).startswith(f"error: {bad}, line 3: not UTF-8 text")
    assert not out.parent.exists()


def test_transcript_over_the_size_limit(tmp_path, capsys):
    path = TRANSCRIPTS / "too_large.txt"
    size = path.stat().st_size
    out = tmp_path / "ingest.parquet"
    status, err = run(
        capsys, "ingest", "--input", path, "--output", out, "--max-bytes", str(size - 1)
    )
    assert error_line(status, err) == (
        f"error: {path}: the file is {size:,} bytes, over the limit of {size - 1:,} bytes for "
        "one transcript (qualframe ingest --max-bytes; ingest.max_transcript_mb in the config)"
    )
    assert not out.exists()
    # at the limit, and under the default limit of 50 MB, it is read
    assert run(capsys, "ingest", "--input", path, "--output", out, "--max-bytes", str(size))[0] == 0
    assert DEFAULT_MAX_BYTES == 50_000_000


def test_two_transcript_files_of_one_id(tmp_path, capsys):
    folder = TRANSCRIPTS / "duplicate_id"
    with pytest.raises(QualframeError) as caught:
        discover_transcripts(folder)
    assert str(caught.value) == (
        f"{folder / 'P01.txt'}: two transcripts share the id 'P01': {folder / 'P01.docx'}"
    )
    out = tmp_path / "ingest.parquet"
    status, err = run(
        capsys, "ingest", "--input", folder / "P01.docx", folder / "P01.txt", "--output", out
    )
    assert error_line(status, err) == (
        f"error: {folder / 'P01.txt'}: two raw files give the transcript id 'P01': "
        f"{folder / 'P01.docx'}"
    )
    assert not out.exists()


def test_file_name_that_cannot_be_an_id():
    folder = TRANSCRIPTS / "bad_id"
    with pytest.raises(QualframeError) as caught:
        discover_transcripts(folder)
    assert str(caught.value) == (
        f"{folder / '---.txt'}: file name gives no transcript id: it needs at least one "
        "letter or digit"
    )


def test_file_name_too_long_for_an_id(tmp_path, capsys):
    folder = TRANSCRIPTS / "long_name"
    (path,) = folder.iterdir()
    with pytest.raises(QualframeError) as caught:
        discover_transcripts(folder)
    assert str(caught.value) == (
        f"{path}: file name gives a transcript id of 243 characters, over the limit of 64: "
        "shorten the file name"
    )
    out = tmp_path / "ingest.parquet"
    status, err = run(capsys, "ingest", "--input", path, "--output", out)
    assert error_line(status, err).endswith("over the limit of 64: shorten the file name")
    assert not out.exists()


def test_symbolic_link_in_the_transcript_folder():
    folder = TRANSCRIPTS / "symlinked"
    assert (folder / "M03.txt").is_symlink()
    with pytest.raises(QualframeError) as caught:
        discover_transcripts(folder)
    assert str(caught.value) == (
        f"{folder / 'M03.txt'}: symbolic link in the transcript folder (refused: it could "
        "publish any file; copy the file in, or set ingest.allow_symlinks: true)"
    )


# --- case sheets, exports, codebooks: qualframe import-coding ---------------------------


@pytest.fixture
def study(tmp_path):
    for transcript_id, text in TEXTS.items():
        (tmp_path / f"{transcript_id}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(CODEBOOK), encoding="utf-8")
    (tmp_path / "cases.tsv").write_text("case_id\tservice_type\nA1\tcafé\nA2\thouse\n")
    (tmp_path / "coded.csv").write_text("doc,code,coder,text\nA1,leadership,ES,Our director\n")
    return tmp_path


OUTPUTS = ("segments", "codebook", "cases")


def import_coding(capsys, study: Path, export=None, codebook=None, cases=None, extra=()):
    """Run import-coding on the study with one file swapped for a bad one; the report of
    failures goes to study/logs/report.csv."""
    out = study / "out"
    return run(
        capsys,
        "import-coding",
        "--exports",
        export or study / "coded.csv",
        "--columns",
        "transcript=doc",
        "code=code",
        "coder=coder",
        "text=text",
        "--codebook",
        codebook or study / "codebook.yaml",
        "--cases",
        cases or study / "cases.tsv",
        *extra,
        "--transcripts",
        study / "A1.txt",
        study / "A2.txt",
        "--output-segments",
        out / "segments.parquet",
        "--segments-csv",
        out / "segments.csv",
        "--output-codebook",
        out / "codebook.parquet",
        "--codebook-csv",
        out / "codebook.csv",
        "--output-cases",
        out / "cases.parquet",
        "--cases-csv",
        out / "cases.csv",
        "--report",
        study / "logs" / "report.csv",
    )


def report_rows(study: Path) -> list[tuple]:
    report = pd.read_csv(study / "logs" / "report.csv", dtype=str, keep_default_na=False)
    return list(report[["row", "column", "value", "problem"]].itertuples(index=False, name=None))


def test_good_study_imports(study, capsys):
    assert import_coding(capsys, study)[0] == 0
    assert all((study / "out" / f"{name}.parquet").exists() for name in OUTPUTS)


NOT_AN_ID = "not a valid id: letters, digits, '_', '-', '.', starting with a letter or digit"


@pytest.mark.parametrize(
    ("name", "rules", "summary", "rows"),
    [
        (
            "cases_without_case_id.tsv",
            "{}",
            "1 of 2 rows failed validation: 1 missing column",
            [("1", "case_id", "", "missing column: a case sheet needs case_id")],
        ),
        (
            "cases_missing_a_case.tsv",
            "{}",
            "failed validation: 1 transcript without a case row",
            [("", "case_id", "A2", "transcript without a case row")],
        ),
        (
            "cases_bad_ids.tsv",
            "{}",
            "2 of 4 rows failed validation: 2 not a valid id",
            [("4", "case_id", "P 01", NOT_AN_ID), ("5", "case_id", "../x", NOT_AN_ID)],
        ),
        (
            "cases_duplicate_id.tsv",
            "{}",
            "2 of 3 rows failed validation: 2 duplicate value",
            [
                ("2", "case_id", "A1", "duplicate value: must be unique"),
                ("4", "case_id", "A1", "duplicate value: must be unique"),
            ],
        ),
        (
            "cases_wrong_type.tsv",
            '{"interviews": {"type": "integer"}}',
            "1 of 2 rows failed validation: 1 not an integer",
            [("3", "interviews", "abc", "not an integer")],
        ),
    ],
)
def test_bad_case_sheet(study, capsys, name, rules, summary, rows):
    """Validation failures: the summary line, and the report's rows (row, column, value,
    problem)."""
    status, err = import_coding(
        capsys, study, cases=SHEETS / name, extra=["--attribute-rules", rules]
    )
    assert error_line(status, err) == f"error: {SHEETS / name}: {summary}"
    assert report_rows(study) == rows
    assert not (study / "out").exists()


def test_case_sheet_with_a_trailing_tab(study, capsys):
    status, err = import_coding(capsys, study, cases=SHEETS / "cases_trailing_tab.tsv")
    assert error_line(status, err) == (
        f"error: {SHEETS / 'cases_trailing_tab.tsv'}: the rows have one cell more than the "
        "header has column names (a trailing tab or comma?), which would shift every column"
    )
    assert not (study / "out").exists()


MAPPED = "missing column: named in the column mapping"


@pytest.mark.parametrize(
    ("name", "expected", "rows"),
    [
        (
            "coded_missing_column.csv",
            ": 1 of 1 rows failed validation: 1 missing column",
            [("1", "coder", "", MAPPED)],
        ),
        (
            "coded_wrong_column.xlsx",
            ": 1 of 1 rows failed validation: 1 missing column",
            [("1", "coder", "", MAPPED)],
        ),
        (
            "coded_header_only.csv",
            ": no coded segments: the export has a header but no rows",
            None,
        ),
        (
            "coded_not_utf8.csv",
            ", line 3: not UTF-8 text (byte 0xeb at byte offset 73); save the export as UTF-8",
            None,
        ),
        (
            "coded_unclosed_quote.csv",
            ": cannot read as CSV: Error tokenizing data. C error: EOF inside string starting "
            "at row 1",
            None,
        ),
        (
            "not_an_xlsx.xlsx",
            ": cannot read as an Excel workbook (.xlsx): File is not a zip file",
            None,
        ),
    ],
)
def test_bad_export(study, capsys, name, expected, rows):
    status, err = import_coding(capsys, study, export=SHEETS / name)
    assert error_line(status, err) == f"error: {SHEETS / name}{expected}"
    if rows:
        assert report_rows(study) == rows
    assert not (study / "out").exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "codebook_not_yaml.yaml",
            ", line 7: not valid YAML: found character '\\t' that cannot start any token",
        ),
        ("codebook_code_without_name.yaml", ", themes[1].codes[2] (workforce): missing name"),
        (
            "codebook_bad_code_id.yaml",
            ": codebook does not meet its contract: themes[1].codes[2] (../workforce) code_id "
            f"'../workforce': {NOT_AN_ID}",
        ),
        ("codebook_not_a_mapping.yaml", ": expected a mapping with a list under 'themes'"),
    ],
)
def test_bad_codebook(study, capsys, name, expected):
    status, err = import_coding(capsys, study, codebook=SHEETS / name)
    assert error_line(status, err) == f"error: {SHEETS / name}{expected}"
    assert not (study / "out").exists()


# --- hostile REFI-QDA files: qualframe import-qdpx --------------------------------------

DOCTYPE = (
    "DOCTYPE declaration refused: REFI-QDA XML needs no DTD, and one can define entities "
    "that read local files or the network (XXE) or expand without end (billion laughs)"
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "zip_slip.qdpx",
            ", member '../evil.txt': path with '..' inside the archive (could escape its "
            "folder; refused)",
        ),
        (
            "absolute_path.qdpx",
            ", member '/tmp/evil.txt': absolute path inside the archive (refused)",
        ),
        (
            "symlink.qdpx",
            ", member 'sources/passwd.txt': symbolic link inside the archive (refused)",
        ),
        (
            "zip_bomb.qdpx",
            ", member 'sources/bomb.txt': member inflates 5,000,000 bytes from 4,874 "
            "(ratio over 200; looks like a zip bomb, refused)",
        ),
        (
            "size_header_lies.qdpx",
            ", member 'sources/P01.txt': cannot read member: Bad CRC-32 for file 'sources/P01.txt'",
        ),
        ("xxe.qdpx", f":project.qde, line 2: {DOCTYPE}"),
        ("billion_laughs.qdpx", f":project.qde, line 2: {DOCTYPE}"),
        ("external_dtd.qdpx", f":project.qde, line 2: {DOCTYPE}"),
        (
            "deep_nesting.qdpx",
            ":project.qde, line 6: malformed XML: Excessive depth in document: 256, use "
            "XML_PARSE_HUGE option, line 6, column 772",
        ),
        ("xxe.qdc", f", line 2: {DOCTYPE}"),
        (
            "duplicate_source_guid.qdpx",
            ':project.qde, line 16, element <TextSource guid="BBBBBBBB-0000-0000-0000-'
            '000000000001" name="P02">: GUID bbbbbbbb-0000-0000-0000-000000000001 used twice '
            "(first at line 11)",
        ),
        (
            "duplicate_selection_guid.qdpx",
            ':project.qde, line 17, element <PlainTextSelection guid="CCCCCCCC-0000-0000-0000-'
            '000000000001">: GUID cccccccc-0000-0000-0000-000000000001 used twice (first at '
            "line 12)",
        ),
        (
            "case_unknown_source.qdpx",
            ":project.qde: a case refers to unknown source GUID "
            "bbbbbbbb-0000-0000-0000-000000000002 (1 unknown in all)",
        ),
        (
            "nul_in_source.qdpx",
            ':project.qde, line 11, element <TextSource guid="BBBBBBBB-0000-0000-0000-'
            '000000000001" name="P01">: source text \'internal://P01.txt\' holds a NUL byte '
            "(character 25): binary data, not text",
        ),
    ],
)
def test_hostile_refi_file(tmp_path, capsys, monkeypatch, name, expected):
    monkeypatch.chdir(tmp_path)  # a member that escaped would land here or in /tmp
    out = tmp_path / "out"
    status, err = run(capsys, "import-qdpx", HOSTILE / name, "--output", out)
    assert error_line(status, err) == f"error: {HOSTILE / name}{expected}"
    assert not out.exists()
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()
    assert "root:" not in err  # nothing of /etc/passwd


def test_member_over_the_per_member_limit(tmp_path, capsys, monkeypatch):
    """A 300,000-byte source of random letters: it compresses too little for the ratio
    check, so only the per-member limit (200 MB, lowered here to 100,000 bytes) stops it
    before it is read whole."""
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 100_000)
    path, out = HOSTILE / "member_too_large.qdpx", tmp_path / "out"
    status, err = run(capsys, "import-qdpx", path, "--output", out)
    assert error_line(status, err) == (
        f"error: {path}, member 'sources/P01.txt': member inflates to 300,040 bytes, over the "
        "limit of 100,000 for one member (refused)"
    )
    assert not out.exists()


def test_zip_bomb_of_many_small_members(tmp_path, capsys, monkeypatch):
    """Each member is under the ratio check's 1 MB floor; together they pass the total
    limit, lowered here from 2 GB to 4 MB since a small file cannot pass 2 GB."""
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 4_000_000)
    path, out = HOSTILE / "zip_bomb_many_members.qdpx", tmp_path / "out"
    status, err = run(capsys, "import-qdpx", path, "--output", out)
    assert error_line(status, err) == (
        f"error: {path}: archive would inflate to 6,000,532 bytes, over the limit of 4,000,000"
    )
    assert not out.exists()


def test_hostile_project_as_a_coded_export(study, capsys):
    """import-coding reads a .qdpx export through the same safe reader."""
    status, err = import_coding(capsys, study, export=HOSTILE / "xxe.qdpx")
    expected = f"error: {HOSTILE / 'xxe.qdpx'}:project.qde, line 2: {DOCTYPE}"
    assert error_line(status, err) == expected
    assert not (study / "out").exists()


def test_formula_injection_is_neutralised_in_csv_only(tmp_path, capsys):
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(CODEBOOK), encoding="utf-8")
    out = tmp_path / "out"
    status, err = run(
        capsys,
        "import-coding",
        "--exports",
        HOSTILE / "formula_injection.csv",
        "--columns",
        "transcript=doc",
        "code=code",
        "coder=coder",
        "text=text",
        "--codebook",
        tmp_path / "codebook.yaml",
        "--cases",
        HOSTILE / "formula_header_cases.tsv",
        "--transcripts",
        HOSTILE / "formula_transcript.txt",
        "--output-segments",
        out / "segments.parquet",
        "--segments-csv",
        out / "segments.csv",
        "--output-codebook",
        out / "codebook.parquet",
        "--codebook-csv",
        out / "codebook.csv",
        "--output-cases",
        out / "cases.parquet",
        "--cases-csv",
        out / "cases.csv",
    )
    assert status == 0, err
    quotes = pd.read_csv(HOSTILE / "formula_injection.csv", dtype=str)["text"].tolist()
    assert [q[0] for q in quotes] == ["=", "+", "-", "@"]
    exact = pd.read_parquet(out / "segments.parquet")["text"].tolist()
    assert exact == quotes
    published = pd.read_csv(out / "segments.csv", dtype=str)["text"].tolist()
    assert published == ["'" + q for q in quotes]
    # a case sheet's column name is a header cell of the published cases.csv
    header = '=HYPERLINK("http://attacker.example","open")'
    assert header in pd.read_parquet(out / "cases.parquet").columns
    assert "'" + header in pd.read_csv(out / "cases.csv", dtype=str).columns


def test_case_sheet_cell_opening_a_quote_stays_in_its_row(study, capsys):
    """A cell starting with a double quote does not open a field that swallows the next
    row: one line is one row."""
    status, err = import_coding(capsys, study, cases=SHEETS / "cases_open_quote.tsv")
    assert status == 0, err
    cases = pd.read_parquet(study / "out" / "cases.parquet")
    assert cases["case_id"].tolist() == ["A1", "A2"]
    assert cases["service_type"].tolist() == ['"crisis café', "house"]


# --- configuration: snakemake dry run ---------------------------------------------------


def dry_run(folder: Path, configfile: Path) -> subprocess.CompletedProcess:
    return run_snakemake(folder, "--configfile", str(configfile), "-n")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "misspelt_key.yaml",
            [
                "ValidationError: Additional properties are not allowed "
                "('transcript_per_shard' was unexpected)",
                "in schema['properties']['shards']",
            ],
        ),
        (
            "wrong_type.yaml",
            [
                "ValidationError: 'lots' is not of type 'integer'",
                "On instance['matrix']['max_cell_chars']",
            ],
        ),
        (
            "missing_transcripts.yaml",
            [
                "QualframeError",
                "\nresources/demo/no_such_folder: transcript folder does not exist\n",
            ],
        ),
        (
            "restricted_in_results.yaml",
            [
                "ValidationError: 'results/restricted' should not be valid under",
                "On instance['restricted_dir']",
            ],
        ),
        (
            "transcript_limit_zero.yaml",
            [
                "ValidationError: 0 is less than or equal to the minimum of 0",
                "On instance['ingest']['max_transcript_mb']",
            ],
        ),
        (
            "restricted_dotslash_results.yaml",
            [
                "QualframeError",
                "\n.//results/r: restricted_dir cannot be used: it is inside results/, which "
                "is published\n",
            ],
        ),
        (
            "restricted_root.yaml",
            ["QualframeError", "\n/: restricted_dir cannot be used: it is the root folder\n"],
        ),
        (
            "alias_bomb.yaml",
            [
                "QualframeError",
                "config.yaml: YAML aliases (*name) expand the configuration to ",
                "values, over the limit of 100,000 (refused: aliases can expand without end)\n",
            ],
        ),
    ],
)
def test_bad_config(tmp_path, name, expected):
    """Snakemake reports these (on stdout), in its own words: the schema's message and
    the path of the key; for a missing folder, qualframe's message."""
    (tmp_path / "resources").symlink_to(REPO / "resources")
    shutil.copy(CONFIG / name, tmp_path / "config.yaml")
    result = dry_run(tmp_path, tmp_path / "config.yaml")
    output = result.stdout + result.stderr
    assert result.returncode == 1
    for text in expected:
        assert text in output, output[-3000:]
    assert "Traceback" not in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "resources"]


def test_restricted_dir_through_a_symbolic_link_into_results(tmp_path):
    """`restricted_dir: secret` where secret is a link to results/published: resolved,
    it is inside results/ and refused, before anything is written there."""
    (tmp_path / "resources").symlink_to(REPO / "resources")
    (tmp_path / "results" / "published").mkdir(parents=True)
    (tmp_path / "secret").symlink_to(tmp_path / "results" / "published")
    shutil.copy(CONFIG / "restricted_symlink.yaml", tmp_path / "config.yaml")
    result = dry_run(tmp_path, tmp_path / "config.yaml")
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "\nsecret: restricted_dir cannot be used: it is inside results/" in output, output
    assert "Traceback" not in output
    assert list((tmp_path / "results" / "published").iterdir()) == []
