"""End to end on the bundled demo study, in a temporary working directory."""

import pandas as pd
import pytest

from qualframe.evaluate import read_gold_jsonl, score
from tests.e2e.conftest import make_demo_run
from tests.e2e.helpers import REPO, data_files, leaked_terms, run_snakemake

pytestmark = pytest.mark.e2e

DEMO = REPO / "resources" / "demo"


def test_matrix_has_every_case_and_code(demo_run):
    matrix = pd.read_parquet(demo_run / "results/matrix/framework_matrix.parquet")
    cases = pd.read_csv(DEMO / "cases.tsv", sep="\t")
    assert matrix["case_id"].nunique() == 18 == len(cases)
    assert len(matrix) == 18 * 16
    coded = pd.read_csv(DEMO / "coding/coded_segments.csv")
    assert matrix["n_segments"].sum() == (coded["Created by"] == "ES").sum()
    wide = pd.read_csv(demo_run / "results/matrix/framework_matrix_wide.csv")
    assert wide.shape == (18, 5 + 16)


def test_theme_summary_written(demo_run):
    summary = pd.read_parquet(demo_run / "results/themes/theme_summary.parquet")
    assert set(summary["group_attribute"]) == {"all", "service_type", "region", "lead_organisation"}
    overall = summary[(summary["group_attribute"] == "all") & (summary["level"] == "code")]
    assert len(overall) == 16
    assert pd.read_csv(demo_run / "results/themes/theme_summary.csv").shape == summary.shape


def test_no_gold_identifier_reaches_published_outputs(demo_run):
    gold = read_gold_jsonl((DEMO / "gold/identifiers.jsonl").read_text().splitlines())
    # an age ("fourteen") names nobody wherever else the word occurs: ages are checked by
    # position below, every other identifier by its text in every published file
    named = set(gold.loc[gold["entity_type"] != "AGE", "text"])
    folders = [demo_run / "results", demo_run / "logs"]
    assert leaked_terms(named, folders) == {}


def test_every_gold_span_is_replaced(demo_run):
    gold = read_gold_jsonl((DEMO / "gold/identifiers.jsonl").read_text().splitlines())
    log = pd.read_csv(demo_run / "restricted/anonymisation_log.csv")
    shards = [pd.read_parquet(p) for p in (demo_run / "restricted/ingest").glob("*.parquet")]
    texts = dict(pd.concat(shards)[["transcript_id", "text"]].itertuples(index=False))
    scores = score(gold, log, texts)
    assert scores.recall == 1.0, scores.gold[~scores.gold["found"]][
        ["transcript_id", "entity_type"]
    ]


def test_rerun_with_nothing_changed_does_nothing(demo_run):
    again = run_snakemake(demo_run, "--dry-run")
    assert again.returncode == 0
    assert "Nothing to be done" in again.stdout + again.stderr


def test_qdpx_export_validates_and_round_trips(demo_run):
    from qualframe.refi.archive import read_qdpx
    from qualframe.refi.read import read_project

    path = demo_run / "results/coding/project.qdpx"
    project = read_project(read_qdpx(path.read_bytes(), str(path)))  # validates the XSD
    segments = pd.read_parquet(demo_run / "results/coding/segments.parquet")
    codebook = pd.read_parquet(demo_run / "results/coding/codebook.parquet")
    assert len(project.sources) == 18 and len(project.cases) == 18
    assert set(project.codebook.loc[project.codebook["is_codable"], "name"]) == set(
        codebook["code"]
    )
    exported = project.segments[["source_name", "start", "end", "coder"]]
    original = segments[["transcript_id", "start", "end", "coder"]]
    assert sorted(map(tuple, exported.values.tolist())) == sorted(
        map(tuple, original.values.tolist())
    )
    gold = read_gold_jsonl((DEMO / "gold/identifiers.jsonl").read_text().splitlines())
    named = set(gold.loc[gold["entity_type"] != "AGE", "text"])
    text = "\n".join(project.sources["text"])
    assert not [t for t in named if t in text]


def test_matrix_counts_equal_a_recount_of_the_segments(demo_run):
    matrix = pd.read_parquet(demo_run / "results/matrix/framework_matrix.parquet")
    segments = pd.read_parquet(demo_run / "results/coding/segments.parquet")
    charted = segments[segments["coder"] == "ES"]
    recount = charted.groupby(["case_id", "code_id"]).size()
    cells = matrix.set_index(["case_id", "code_id"])["n_segments"]
    assert (cells[cells > 0].sort_index() == recount.sort_index()).all()
    assert cells.sum() == len(charted)
    assert matrix["coverage"].between(0, 1).all()


def test_workbook_has_a_sheet_per_theme(demo_run):
    import openpyxl

    book = openpyxl.load_workbook(demo_run / "results/matrix/framework_matrix.xlsx")
    codebook = pd.read_parquet(demo_run / "results/coding/codebook.parquet")
    themes = list(dict.fromkeys(codebook["theme"]))
    assert book.sheetnames == [*themes, "Counts", "Codebook"]
    first = book[themes[0]]
    assert first.freeze_panes is not None and first.max_row == 19


def test_html_report_shows_heatmap_and_summaries(demo_run):
    page = (demo_run / "results/report/study_report.html").read_text()
    assert page.count('class="cell"') >= 18 * 16
    assert "http://" not in page and "https://" not in page and "<script" not in page
    profiles = pd.read_parquet(demo_run / "results/themes/code_profiles.parquet")
    assert profiles["exemplars"].str.len().gt(0).all()
    for theme in profiles["theme"].unique():
        assert theme in page


def test_two_clean_runs_give_identical_data(demo_run, tmp_path_factory):
    second = make_demo_run(tmp_path_factory.mktemp("demo-again"))
    first_data, second_data = data_files(demo_run), data_files(second)
    assert len(first_data) > 40
    assert sorted(first_data) == sorted(second_data)
    assert [name for name, data in first_data.items() if second_data[name] != data] == []
