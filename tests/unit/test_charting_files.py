"""The charting commands on files: the template written and opened by LibreOffice, and the
import refusing a broken workbook with one error line per problem and nothing written."""

import io
import shutil
import subprocess
import zipfile

import openpyxl
import pandas as pd
import pytest
from lxml import etree

from qualframe.cli import main
from tests.unit.test_charting import KEY, segments  # noqa: F401 (fixture)

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def study(tmp_path, segments, codebook, cases):  # noqa: F811
    paths = {name: tmp_path / f"{name}.parquet" for name in ("segments", "codebook", "cases")}
    segments.to_parquet(paths["segments"])
    codebook.to_parquet(paths["codebook"])
    cases.to_parquet(paths["cases"])
    KEY.to_csv(tmp_path / "key.csv", index=False)
    template = tmp_path / "results/matrix/charting_template.xlsx"
    status = main(
        [
            "charting-template",
            "--segments", str(paths["segments"]),
            "--codebook", str(paths["codebook"]),
            "--cases", str(paths["cases"]),
            "--attributes", "service_type",
            "--output", str(template),
        ]
    )  # fmt: skip
    assert status == 0
    return tmp_path, paths, template


def import_args(folder, paths, *workbooks) -> list[str]:
    return [
        "import-charting",
        "--workbooks", *map(str, workbooks),
        "--codebook", str(paths["codebook"]),
        "--cases", str(paths["cases"]),
        "--attributes", "service_type",
        "--key", str(folder / "key.csv"),
        "--no-ner",
        "--output", str(folder / "results/charting/cell_summaries.parquet"),
        "--csv", str(folder / "results/charting/cell_summaries.csv"),
        "--output-log", str(folder / "restricted/charting/summary_replacements.csv"),
    ]  # fmt: skip


def test_every_xml_part_of_the_template_parses(study):
    _, _, template = study
    with zipfile.ZipFile(template) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels", ".vml")):
                etree.fromstring(archive.read(name))
    assert openpyxl.load_workbook(template)["People"]["C3"].comment is not None


def test_import_writes_the_summaries(study, capsys):
    folder, paths, template = study
    book = openpyxl.load_workbook(template)
    book["People"]["C3"] = "Priya said the director backed it."
    book.save(folder / "filled.xlsx")
    assert main(import_args(folder, paths, folder / "filled.xlsx")) == 0
    table = pd.read_parquet(folder / "results/charting/cell_summaries.parquet")
    assert list(table["summary"]) == ["[PERSON_3] said the director backed it."]
    assert "1 cell summaries from 1 workbook(s)" in capsys.readouterr().out


def test_a_broken_workbook_gives_one_line_per_problem_and_writes_nothing(study, capsys):
    folder, paths, template = study
    book = openpyxl.load_workbook(template)
    book["People"]["C3"] = '=CONCAT("Priya", " Raman")'
    book["Money"]["C4"] = "Priya Raman " * 200
    book.save(folder / "filled.xlsx")
    status = main(import_args(folder, paths, folder / "filled.xlsx"))
    err = capsys.readouterr().err
    assert status == 1
    place = f"error: {folder / 'filled.xlsx'}, sheet"
    assert err.splitlines() == [
        f"{place} People, cell C3: a formula: summaries must be typed text",
        f"{place} Money, cell C4: text of 2,399 characters, over the limit of 2,000",
    ]
    assert "Priya" not in err and "Traceback" not in err
    assert not (folder / "results/charting").exists()
    assert not (folder / "restricted/charting").exists()


def test_not_a_workbook(study, capsys):
    folder, paths, _ = study
    (folder / "notes.xlsx").write_text("not a workbook", encoding="utf-8")
    assert main(import_args(folder, paths, folder / "notes.xlsx")) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"error: {folder / 'notes.xlsx'}: not an .xlsx workbook Excel or LibreOffice saved"
    ]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_template_and_keeps_its_parts(study, tmp_path):
    _, _, template = study
    out = tmp_path / "converted"
    profile = tmp_path / "lo-profile"
    run = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(template),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    converted = out / template.name
    assert converted.exists(), run.stdout + run.stderr
    book = openpyxl.load_workbook(io.BytesIO(converted.read_bytes()))
    assert book.sheetnames == ["How to fill in", "People", "Money", "Excerpts"]
    people = book["People"]
    assert people.protection.sheet
    assert people["C3"].comment is not None and not people["C3"].protection.locked
    assert people["A3"].protection.locked


def test_leak_scan_looks_for_names_only_a_summary_held(tmp_path, capsys):
    columns = "transcript_id,start,end,entity_type,original,replacement,deid_start,deid_end"
    (tmp_path / "log.csv").write_text(f"{columns},detector,confidence\n", encoding="utf-8")
    (tmp_path / "summary_log.csv").write_text(
        f"{columns},detector,confidence,workbook,sheet,cell\n"
        "summary-1,0,14,PERSON,Zedekiah Quill,[PERSON],0,8,register,1.0,w.xlsx,People,C3\n",
        encoding="utf-8",
    )
    allow_list = tmp_path / "allow_list.txt"
    allow_list.write_text("", encoding="utf-8")
    published = tmp_path / "results/matrix.csv"
    published.parent.mkdir()
    published.write_text("case_id,summary\nA1,Zedekiah Quill said so\n", encoding="utf-8")
    status = main(
        [
            "leak-scan",
            "--log", str(tmp_path / "log.csv"), str(tmp_path / "summary_log.csv"),
            "--allow-list", str(allow_list),
            "--scan", str(published),
            "--output", str(tmp_path / "results/leak_scan.json"),
            "--output-findings", str(tmp_path / "restricted/leak_findings.csv"),
        ]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert status == 1 and "1 identifier(s) appear in published files" in err
    assert "Zedekiah" not in err
