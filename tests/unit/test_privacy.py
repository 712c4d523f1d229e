"""The leak scan over published files, and formulas kept as text in published CSV."""

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from qualframe import io as qio
from qualframe.cli import main
from qualframe.deid.leaks import (
    Term,
    find_leaks,
    leak_terms,
    published_texts,
    readable_text,
    review_flags,
)
from qualframe.errors import QualframeError


def log_of(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["original", "entity_type", "replacement"])


def test_terms_are_originals_and_name_parts_minus_allowed_short_and_ages():
    log = log_of(
        ("Dr Priya Raman", "PERSON", "[PERSON_1]"),
        ("Leeds", "LOCATION", "[LOCATION_1]"),
        ("16", "AGE", "[AGE_1]"),
        ("Jo", "PERSON", "[PERSON_2]"),
        ("NHS England", "ORG", "[ORG_1]"),
        ("rose", "PERSON", "[PERSON_3]"),
    )
    terms = {t.text for t in leak_terms(log, ["NHS England"])}
    assert terms == {"Dr Priya Raman", "Priya", "Raman", "Leeds"}


def test_leaks_are_whole_words_and_english_words_keep_their_case():
    log = log_of(("Rose Hill", "PERSON", "[PERSON_1]"), ("Skelmersdale", "LOCATION", "[L_1]"))
    terms = leak_terms(log, [])
    texts = {
        "a.csv": "The numbers rose; skelmersdale was busy.",
        "b.txt": "Rose Hill said so. Skelmersdales is not a place.",
    }
    leaks = find_leaks(terms, texts)
    assert [(leak.path, leak.replacement) for leak in leaks] == [
        ("a.csv", "[L_1]"),
        ("b.txt", "[PERSON_1]"),
    ]


def test_published_texts_read_inside_zips_and_unescape_html(tmp_path):
    with zipfile.ZipFile(tmp_path / "project.qdpx", "w") as archive:
        archive.writestr("project.qde", "<Source name='O&apos;Neill'/>")
    (tmp_path / "page.html").write_text("<p>O&#x27;Neill</p>", encoding="utf-8")
    texts = published_texts([tmp_path])
    assert all("O'Neill" in readable_text(Path(path)) for path in texts)


def test_markup_is_not_read_cell_text_and_strings_are(tmp_path):
    """A workbook's column XML (`max="3"`), HTML tags and attributes, JSON keys' syntax
    are markup; cell text, page text, readable attributes and JSON strings are read."""
    with zipfile.ZipFile(tmp_path / "matrix.xlsx", "w") as archive:
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            '<worksheet><cols><col min="1" max="3" width="9"/></cols>'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>P01</t></is></c></row>'
            "</sheetData></worksheet>",
        )
        archive.writestr("xl/sharedStrings.xml", "<sst><si><t>talked to Max</t></si></sst>")
    (tmp_path / "report.html").write_text(
        '<div class="max" data-max="1">\n<p title="Max">ok</p>\n</div>', encoding="utf-8"
    )
    (tmp_path / "record.json").write_text('{"width": 3, "note": ["fine", "Max said"]}')
    terms = [Term("Max", "PERSON", "[PERSON_1]")]
    leaks = find_leaks(terms, published_texts([tmp_path]))
    assert [(Path(leak.path).name, leak.where) for leak in leaks] == [
        ("matrix.xlsx", "member xl/sharedStrings.xml"),
        ("record.json", "string 4"),
        ("report.html", "line 2"),
    ]


def test_disguised_copies_are_found_and_located(tmp_path):
    terms = leak_terms(log_of(("Wigan", "LOCATION", "[LOCATION_1]")), [])
    pd.DataFrame(
        {"case": ["P01", "P02", "P03"], "home": ["Wig\u200ban", "Ｗｉｇａｎ", "Leeds"]}
    ).to_parquet(tmp_path / "cases.parquet")
    (tmp_path / "P01.txt").write_text("line one\nback in WIG\u00adAN then\n")
    leaks = find_leaks(terms, published_texts([tmp_path]))
    assert [(Path(leak.path).name, leak.where) for leak in leaks] == [
        ("P01.txt", "line 2"),
        ("cases.parquet", "column 2, row 1"),
        ("cases.parquet", "column 2, row 2"),
    ]


def test_every_register_term_is_looked_for():
    register = {"Sam Fakeley": "PERSON", "Larkmoor Clinic": "ORG", "Jo": "PERSON"}
    log = log_of(("Sam Fakeley", "PERSON", "[PERSON_4]"))
    terms = {t.text: t.replacement for t in leak_terms(log, [], register)}
    assert terms == {
        "Fakeley": "[PERSON_4]",
        "Sam Fakeley": "[PERSON_4]",
        "Larkmoor Clinic": "register ORG",
    }


def test_leak_scan_command_fails_naming_files_not_originals(tmp_path, capsys):
    log = tmp_path / "restricted" / "anonymisation_log.csv"
    log.parent.mkdir()
    pd.DataFrame(
        {
            "transcript_id": ["P01"],
            "start": [0],
            "end": [5],
            "deid_start": [0],
            "deid_end": [10],
            "entity_type": ["LOCATION"],
            "original": ["Wigan"],
            "replacement": ["[LOCATION_1]"],
        }
    ).to_csv(log, index=False)
    (tmp_path / "allow.txt").write_text("", encoding="utf-8")
    published = tmp_path / "results"
    published.mkdir()
    (published / "matrix.csv").write_text("case,text\nP01,back in Wigan\n", encoding="utf-8")
    args = [
        "leak-scan",
        "--log", str(log),
        "--allow-list", str(tmp_path / "allow.txt"),
        "--scan", str(published),
        "--output", str(tmp_path / "summary.json"),
        "--output-findings", str(tmp_path / "restricted" / "findings.csv"),
    ]  # fmt: skip
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "1 identifier(s) appear in published files" in err
    assert "matrix.csv (1: line 2)" in err and "Wigan" not in err
    assert not (tmp_path / "summary.json").exists()
    findings = pd.read_csv(tmp_path / "restricted" / "findings.csv")
    assert findings[["original", "replacement"]].values.tolist() == [["Wigan", "[LOCATION_1]"]]
    (published / "matrix.csv").write_text("case,text\nP01,back in [LOCATION_1]\n")
    assert main(args) == 0
    assert '"leaks": 0' in (tmp_path / "summary.json").read_text(encoding="utf-8")


def test_published_csv_keeps_formulas_as_text_and_parquet_keeps_them_exact(tmp_path):
    table = pd.DataFrame(
        {"quote": ['=HYPERLINK("x")', "+1", "-so", "@sum", "\tx", "plain"], "n": range(6)}
    )
    qio.write_table(table, tmp_path / "t.parquet", tmp_path / "t.csv")
    assert pd.read_parquet(tmp_path / "t.parquet")["quote"].tolist() == table["quote"].tolist()
    written = pd.read_csv(tmp_path / "t.csv", keep_default_na=False)
    assert written["quote"].tolist() == [
        '\'=HYPERLINK("x")',
        "'+1",
        "'-so",
        "'@sum",
        "'\tx",
        "plain",
    ]
    assert written["n"].tolist() == list(range(6))


# --- where restricted files may go ------------------------------------------------------


def test_restricted_dir_is_refused_where_it_would_be_shared(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    repository = tmp_path / "repo"
    repository.mkdir()
    (tmp_path / "results").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "results")
    refused = {
        "results": "it is inside results/, which is published",
        str(tmp_path / "results" / "r"): "it is inside results/, which is published",
        ".//results/../results/r": "it is inside results/, which is published",
        "link/r": "it is inside results/, which is published",
        "/": "it is the root folder",
        str(Path.home()): "it is your home folder",
        str(repository): "it is the qualframe repository",
    }
    for path, reason in refused.items():
        with pytest.raises(QualframeError) as caught:
            qio.checked_restricted_dir(path, "results", repository)
        assert str(caught.value) == f"{path}: restricted_dir cannot be used: {reason}"
    assert qio.checked_restricted_dir("restricted", "results", repository) == "restricted"


def test_restricted_dir_must_be_new_empty_or_the_runs_own(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "notes.txt").write_text("someone else's")
    with pytest.raises(QualframeError, match="already holds files this workflow did not create"):
        qio.checked_restricted_dir(shared, tmp_path / "results", tmp_path / "repo")
    own = tmp_path / "restricted"
    qio.claim_restricted_dir(own)
    (own / "anonymisation_log.csv").write_text("x")
    assert own.stat().st_mode & 0o077 == 0
    assert qio.checked_restricted_dir(own, tmp_path / "results", tmp_path / "repo") == str(own)


def test_config_alias_bomb_and_size_are_refused_before_validation(tmp_path, monkeypatch):
    bomb = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
    for name, previous in zip("bcdef", "abcde", strict=True):
        bomb += f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]\n"
    (tmp_path / "bomb.yaml").write_text(bomb)
    with pytest.raises(QualframeError, match="expand the configuration to 1,234,573 values"):
        qio.check_config_file(tmp_path / "bomb.yaml")
    (tmp_path / "loop.yaml").write_text("a: &a [1, *a]\n")
    qio.check_config_file(tmp_path / "loop.yaml")  # a node holding itself ends
    monkeypatch.setattr(qio, "MAX_CONFIG_BYTES", 10)
    with pytest.raises(QualframeError, match="bytes, over the limit of 10$"):
        qio.check_config_file(tmp_path / "bomb.yaml")


def test_review_flags_in_published_transcripts_are_listed_not_failed(tmp_path):
    (tmp_path / "P01.txt").write_text(
        "We asked Okon\u200bkwo about [PERSON_1] and rang 0161 496 0732.\n"
    )
    (tmp_path / "report.json").write_text('{"note": "Okonkwo"}')
    flags = review_flags(published_texts([tmp_path]), [])
    assert [(Path(f.path).name, f.where, f.entity_type, f.original) for f in flags] == [
        ("P01.txt", "line 1", "unknown capitalised word", "Okon\u200bkwo"),
        ("P01.txt", "line 1", "digit run", "0161 496 0732"),
    ]
