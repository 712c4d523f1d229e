"""Charting end to end on the demo study: fill nine cells of the template (one naming a
participant by the real name de-identification replaced), point charting.workbook at the
filled workbook, run again; then an unchanged, an edited and a broken workbook."""

import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from tests.e2e.conftest import make_demo_run
from tests.e2e.helpers import leaked_terms, run_snakemake

pytestmark = pytest.mark.e2e

WORKBOOK = "charting/summaries.xlsx"
SUMMARY_TEXTS = [
    "{name} pushed for the service from the start; the nurses shaped it.",
    "Young people waiting overnight in A&E were the reason for the service.",
    "Service users sat on the steering group and set the opening hours.",
    "Opening was delayed by COVID-19 and staff were redeployed.",
    "Agreeing the partnership with the local authority was slow.",
    "Sharing records between the trust and the voluntary sector is still hard.",
    "A clinical lead championed the service.",
    "Funding is short-term and renewed every year.",
    "Staff turnover threatens continuity.",
]


def fill_template(folder: Path, name: str) -> list[tuple[str, str]]:
    """Fill nine summary cells that have coded excerpts; return their (sheet, cell)."""
    book = openpyxl.load_workbook(folder / "results/matrix/charting_template.xlsx")
    places = []
    for sheet in book.worksheets:
        if sheet["A1"].value != "case_id":
            continue
        for row in sheet.iter_rows(min_row=3, min_col=6):
            for cell in row:
                if cell.comment is not None and len(places) < len(SUMMARY_TEXTS):
                    cell.value = SUMMARY_TEXTS[len(places)].format(name=name)
                    places.append((sheet.title, cell.coordinate))
    (folder / "charting").mkdir(exist_ok=True)
    book.save(folder / WORKBOOK)
    return places


def point_config_at_workbook(folder: Path) -> None:
    path = folder / "config/config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["charting"] = {"workbook": [{"path": WORKBOOK, "analyst": "AR"}]}
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def jobs_of(dry_run: subprocess.CompletedProcess) -> set[str]:
    """The rules a dry run would run."""
    return set(re.findall(r"^rule (\w+):", dry_run.stdout, flags=re.MULTILINE)) - {"all"}


@pytest.fixture(scope="module")
def charted(tmp_path_factory):
    folder = make_demo_run(tmp_path_factory.mktemp("charting"))
    log = pd.read_csv(folder / "restricted/anonymisation_log.csv")
    people = log[(log["entity_type"] == "PERSON") & log["original"].str.contains(" ")]
    name = people["original"].iloc[0]  # a full name the transcripts' de-identification replaced
    places = fill_template(folder, name)
    point_config_at_workbook(folder)
    run = run_snakemake(folder)
    assert run.returncode == 0, run.stderr[-3000:]
    return folder, name, places


def test_nine_summaries_reach_the_matrix(charted):
    folder, name, places = charted
    matrix = pd.read_parquet(folder / "results/matrix/framework_matrix.parquet")
    summarised = matrix[matrix["summary"] != ""]
    assert len(summarised) == 9
    texts = set(summarised["summary"])
    assert set(SUMMARY_TEXTS[1:]) <= texts
    [with_name] = texts - set(SUMMARY_TEXTS[1:])
    assert name not in with_name and re.match(r"\[PERSON_\d+\] pushed", with_name)
    sources = {s.split(" ", 1)[1] for s in summarised["summary_source"]}
    assert sources == {"'" + sheet + "'!" + cell for sheet, cell in places}
    pairs = zip(summarised["charted_text"], summarised["summary"], strict=True)
    assert all(charted.startswith(summary) for charted, summary in pairs)
    table = pd.read_parquet(folder / "results/charting/cell_summaries.parquet")
    assert set(table["analyst"]) == {"AR"} and table["replacements"].sum() >= 1


def test_the_name_is_nowhere_in_results(charted):
    folder, name, _ = charted
    assert leaked_terms({name}, [folder / "results", folder / "logs"]) == {}
    review = (folder / "restricted/review/pages/index.html").read_text(encoding="utf-8")
    assert "Charting summaries" in review and name in review  # listed for review (restricted)


def test_report_and_workbook_show_summaries(charted):
    folder, _, _ = charted
    page = (folder / "results/report/study_report.html").read_text(encoding="utf-8")
    assert "9 of 288 cells summarised" in page
    assert SUMMARY_TEXTS[1].replace("&", "&amp;") in page
    book = openpyxl.load_workbook(folder / "results/matrix/framework_matrix.xlsx")
    counts = [[c.value for c in row] for row in book["Charting"].iter_rows(min_row=2, max_row=5)]
    assert sum(row[3] for row in counts) == 9


def test_trace_names_the_workbook_cell(charted):
    folder, _, places = charted
    matrix = pd.read_parquet(folder / "results/matrix/framework_matrix.parquet")
    cell = matrix[matrix["summary"] == SUMMARY_TEXTS[1]].iloc[0]
    trace = subprocess.run(
        [
            str(Path(sys.executable).parent / "qualframe"),
            "trace",
            "--case",
            cell["case_id"],
            "--code",
            cell["code_id"],
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    sheet, address = places[1]
    digest = pd.read_parquet(folder / "results/charting/cell_summaries.parquet")[
        "workbook_sha256"
    ].iloc[0]
    assert f"Summary written in {WORKBOOK} (sha256 {digest}), '{sheet}'!{address}" in trace.stdout
    assert "de-identified span: results/deid/transcripts/" in trace.stdout


def test_reruns_follow_the_workbook(charted):
    folder, _, _ = charted
    unchanged = run_snakemake(folder, "--dry-run")
    assert "Nothing to be done" in unchanged.stdout + unchanged.stderr
    book = openpyxl.load_workbook(folder / WORKBOOK)
    sheet = next(s for s in book.worksheets if s["A1"].value == "case_id")
    sheet["F3"] = "An edited summary."
    book.save(folder / WORKBOOK)
    edited = jobs_of(run_snakemake(folder, "--dry-run"))
    assert {"import_charting", "chart", "summarise", "report"} <= edited
    assert edited <= {
        "import_charting",
        "chart",
        "summarise",
        "report",
        "review",
        "check_quality",
        "leak_scan",
        "manifest",
    }


def test_a_formula_stops_the_run_with_one_error_line(charted):
    folder, _, _ = charted
    book = openpyxl.load_workbook(folder / WORKBOOK)
    sheet = next(s for s in book.worksheets if s["A1"].value == "case_id")
    sheet["G3"] = '=HYPERLINK("http://example.org","see")'
    book.save(folder / WORKBOOK)
    before = (folder / "results/charting/cell_summaries.parquet").read_bytes()
    run = run_snakemake(folder)
    assert run.returncode != 0
    log = (folder / "logs/charting/import_charting.log").read_text(encoding="utf-8")
    assert log.splitlines() == [
        f"error: {WORKBOOK}, sheet {sheet.title}, cell G3: a formula: summaries must be typed text"
    ]
    assert "Traceback" not in log
    assert (
        not (folder / "results/charting/cell_summaries.parquet").exists()
        or (folder / "results/charting/cell_summaries.parquet").read_bytes() == before
    )
