"""The review as a folder of pages: an index, and one page per group of transcripts."""

import stat

import pandas as pd

from qualframe.charting.review import replacements_section
from qualframe.cli import main
from qualframe.deid.review_page import INDEX, review_html, review_pages
from tests.markup import invalid_attributes
from tests.unit.cli_study import detected_study
from tests.unit.test_deid_review import parse, review

TEXTS = {
    "P01": "We met Kirsty and Dave at Zedcorp Partners in 2019.",
    "P02": "Then Lowenna rang 0113 496 0123 about the café.",
    "P03": "Nothing to see here.",
}
ROWS = [("P01", TEXTS["P01"], "Dave", "PERSON", "register", 1.0)]


def test_each_page_holds_its_own_transcripts_and_the_index_links_to_them():
    result, candidates = review(TEXTS, ROWS)
    groups = {"0001": ["P01", "P02"], "0002": ["P03"]}
    pages = review_pages(TEXTS, groups, result.log, candidates, title="Review")
    assert sorted(pages) == ["0001.html", "0002.html", INDEX]
    assert sorted(parse(pages["0001.html"]).sections) == ["P01", "P02"]
    assert sorted(parse(pages["0002.html"]).sections) == ["P03"]
    assert not parse(pages[INDEX]).sections  # no transcript text on the index
    for tid, page in (("P01", "0001.html"), ("P02", "0001.html"), ("P03", "0002.html")):
        assert f'href="{page}#t-{tid}"' in pages[INDEX]


def test_every_page_parses_with_known_attributes_only():
    result, candidates = review(TEXTS, ROWS)
    summary_log = pd.DataFrame(
        {
            "workbook": ["w.xlsx"],
            "sheet": ["People"],
            "cell": ["C3"],
            "entity_type": ["PERSON"],
            "original": ['Kirsty "K" <b>'],
            "replacement": ["[PERSON_1]"],
            "detector": ["register"],
        }
    )
    appendix = replacements_section(summary_log)
    pages = review_pages(
        TEXTS, {"a": ["P01"], "b": ["P02", "P03"]}, result.log, candidates, "R", appendix=appendix
    )
    pages["single.html"] = review_html(TEXTS, result.log, candidates, title="Review")
    assert "Kirsty &#34;K&#34; &lt;b&gt;" in pages[INDEX]
    for page in pages.values():
        assert invalid_attributes(page) == []


def test_a_page_shows_its_transcripts_as_the_single_page_does():
    result, candidates = review(TEXTS, ROWS)
    single = parse(review_html(TEXTS, result.log, candidates, title="Review"))
    pages = review_pages(TEXTS, {"a": ["P01"], "b": ["P02", "P03"]}, result.log, candidates, "R")
    split = [parse(pages[name]) for name in ("a.html", "b.html")]
    assert {tid: text for page in split for tid, text in page.sections.items()} == single.sections
    assert sorted(
        (m["start"], m["end"], m["text"]) for page in split for m in page.marks
    ) == sorted((m["start"], m["end"], m["text"]) for m in single.marks)


def test_the_review_command_writes_one_page_per_texts_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    texts = detected_study(tmp_path, TEXTS)
    pseudonymise = ["pseudonymise", "--texts", *texts, "--detections", "d.parquet"]
    assert (
        main(
            [*pseudonymise, "--allow-list", "allow.txt", "--output", "deid"]
            + ["--output-log", "r/log.csv", "--key", "r/key.csv"]
        )
        == 0
    )
    pages = tmp_path / "r" / "review" / "pages"
    pages.mkdir(parents=True)
    (pages / "stale.html").write_text("from an earlier run", encoding="utf-8")
    review_args = ["review", "--texts", *texts, "--detections", "d.parquet", "--log", "r/log.csv"]
    review_args += ["--allow-list", "allow.txt", "--output", "r/review/review.csv"]
    review_args += ["--output-pages", str(pages), "--output-evidence", "r/review/propagation.csv"]
    assert main(review_args) == 0
    assert sorted(p.name for p in pages.iterdir()) == ["P01.html", "P02.html", "P03.html", INDEX]
    assert stat.S_IMODE(pages.stat().st_mode) == 0o700
    assert stat.S_IMODE((pages / INDEX).stat().st_mode) == 0o600
    assert len(pd.read_csv(tmp_path / "r/review/review.csv")) >= 1


def test_the_review_reads_the_evidence_pseudonymise_wrote(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    texts = detected_study(tmp_path, TEXTS)
    common = ["--texts", *texts, "--detections", "d.parquet", "--allow-list", "allow.txt"]
    pseudonymise = ["pseudonymise", *common, "--output", "deid", "--output-log", "r/log.csv"]
    pseudonymise += ["--key", "r/key.csv", "--output-evidence", "r/propagation.csv"]
    assert main(pseudonymise) == 0
    review_args = ["review", *common, "--log", "r/log.csv", "--output", "r/review.csv"]
    given = main([*review_args, "--output-pages", "given", "--evidence", "r/propagation.csv"])
    again = main([*review_args, "--output-pages", "again", "--output-evidence", "r/again.csv"])
    assert given == again == 0
    written = pd.read_csv(tmp_path / "r/propagation.csv")
    assert len(written) >= 1
    pd.testing.assert_frame_equal(written, pd.read_csv(tmp_path / "r/again.csv"))
    # the page lists the evidence it was given as it lists the evidence it finds
    index = (tmp_path / "given" / INDEX).read_text(encoding="utf-8")
    assert index == (tmp_path / "again" / INDEX).read_text(encoding="utf-8")
