import re
from datetime import UTC, datetime

import lxml.html
import pandas as pd
import pytest

from qualframe.quality import check_segments
from qualframe.quality.expectations import IDENTIFIER_PATTERNS
from qualframe.schemas import Segment

RUN_TIME = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
PLANTED_EMAIL = "jo.bloggs@example.com"
PLANTED_PHONE = "07700 900123"  # Ofcom drama number
QUOTES = [
    "[PERSON_1] said the ward manager really backed the change.",
    "We never had enough staff on nights, not in 2019 and not now.",
    "Funding stopped after 12 months, so the post went.",
]


def segment_table(quotes=QUOTES, codes=("leadership", "workforce", "funding")) -> pd.DataFrame:
    n = len(quotes)
    frame = pd.DataFrame(
        {
            "transcript_id": ["P01"] * n,
            "start": [100 * i for i in range(n)],
            "end": [100 * i + len(q) for i, q in enumerate(quotes)],
            "segment_id": [f"P01-{i}" for i in range(n)],
            "case_id": ["P01"] * n,
            "code_id": list(codes),
            "coder": ["ann", "bob", "ann"][:n],
            "paragraph": [1] * n,
            "text": list(quotes),
            "source_file": ["coded.csv"] * n,
            "source_row": list(range(2, n + 2)),
        }
    )
    return Segment.validate(frame)


def run(tmp_path, table, codebook, coders=("ann", "bob")):
    return check_segments(
        table, codebook, list(coders) if coders else None, tmp_path / "docs", run_time=RUN_TIME
    )


def failed_table():
    quotes = [*QUOTES[:2], f"You can e-mail me at {PLANTED_EMAIL} or ring {PLANTED_PHONE}."]
    return segment_table(quotes, codes=("leadership", "workforce", "not_a_code"))


def files_of(folder):
    return [path for path in folder.rglob("*") if path.is_file()]


def test_passing_table(tmp_path, codebook):
    result = run(tmp_path, segment_table(), codebook)
    assert result.passed and result.failed == ()
    assert result.evaluated == 17
    assert result.summary() == "coded segments: all 17 expectations met"
    assert result.docs_index == tmp_path / "docs" / "index.html"
    assert result.docs_index.is_file()
    # the site is built beside docs_dir and moved into place: nothing else is left there
    assert [p.name for p in tmp_path.iterdir()] == ["docs"]


def test_failing_table_names_failures_with_counts_never_values(tmp_path, codebook):
    result = run(tmp_path, failed_table(), codebook, coders=["ann"])
    assert not result.passed
    failed = {f.name: (f.critical, f.unexpected_count) for f in result.failed}
    assert failed == {
        "code_id is in the codebook": (True, 1),
        "coder is a known coder": (True, 1),
        "no e-mail address in quotes": (True, 1),
        "no UK phone number in quotes": (True, 1),
    }
    summary = result.summary()
    assert summary.startswith("coded segments failed: 4 of 17 expectations not met: ")
    assert "code_id is in the codebook (critical, 1 row)" in summary
    assert PLANTED_EMAIL not in summary and "not_a_code" not in summary


def test_coders_are_optional(tmp_path, codebook):
    result = run(tmp_path, segment_table(), codebook, coders=None)
    assert result.passed and result.evaluated == 16


def test_only_warnings_still_pass(tmp_path, codebook):
    table = segment_table([*QUOTES[:2], "so " * 2000])
    result = run(tmp_path, table, codebook)
    assert result.passed
    assert [(f.name, f.critical) for f in result.failed] == [
        ("quote is at most 5,000 characters", False)
    ]
    assert result.summary().startswith("coded segments passed with warnings")


def test_missing_and_null_columns_fail(tmp_path, codebook):
    table = segment_table().drop(columns=["coder"])
    table.loc[0, "code_id"] = None
    result = run(tmp_path, table, codebook, coders=None)
    failed = {f.name: f.unexpected_count for f in result.failed}
    assert not result.passed
    assert failed["coder is never empty"] is None  # not evaluated: the column is missing
    assert failed["code_id is never empty"] == 1


def test_data_docs_open_offline(tmp_path, codebook):
    run(tmp_path, failed_table(), codebook)
    docs = tmp_path / "docs"
    pages = sorted(docs.rglob("*.html"))
    assert {p.relative_to(docs).parts[0] for p in pages} == {
        "index.html",
        "expectations",
        "validations",
    }
    references = []
    for page in pages:
        document = lxml.html.parse(str(page)).getroot()
        for element in document.xpath("//*[@href or @src or @action]"):
            for attribute in ("href", "src", "action"):
                if element.get(attribute) is not None:
                    references.append((page, element.get(attribute)))
        # no outside address anywhere in a page, not even as a link to follow
        assert not re.search(r"https?://", page.read_text(encoding="utf-8")), page
    for page, reference in references:
        assert not re.match(r"(?:[a-z]+:)?//", reference, re.IGNORECASE), (page, reference)
        target = reference.split("#")[0].split("?")[0]
        if target:
            assert (page.parent / target).resolve().is_file(), (page, reference)
    # the index lists every page as a plain link (its tables need JavaScript)
    index_links = {ref for page, ref in references if page == docs / "index.html"}
    assert {p.relative_to(docs).as_posix() for p in pages if p.name != "index.html"} <= index_links
    for sheet in docs.rglob("*.css"):
        assert not re.search(r"https?://|@import", sheet.read_text(encoding="utf-8")), sheet
    for drawing in docs.rglob("*.svg"):
        # namespaces are names, not fetches; no other outside reference is allowed
        assert not re.search(r"(?:href|src)=\"https?://", drawing.read_text(encoding="utf-8"))


def test_data_docs_show_no_values(tmp_path, codebook):
    run(tmp_path, failed_table(), codebook)
    for path in files_of(tmp_path / "docs"):
        content = path.read_bytes()
        for planted in (PLANTED_EMAIL, PLANTED_PHONE, "not_a_code", "e-mail me at"):
            assert planted.encode() not in content, (path, planted)


def test_rerun_replaces_the_site(tmp_path, codebook):
    run(tmp_path, failed_table(), codebook)
    (tmp_path / "docs" / "stale.html").write_text("old")
    first = sorted(p.relative_to(tmp_path) for p in files_of(tmp_path / "docs"))
    run(tmp_path, failed_table(), codebook)
    second = sorted(p.relative_to(tmp_path) for p in files_of(tmp_path / "docs"))
    assert [p for p in first if p.name != "stale.html"] == second


@pytest.mark.parametrize(
    "kind, text",
    [
        ("e-mail address", "write to sam.o'neill+x@trust.nhs.uk today"),
        ("UK phone number", "my mobile is 07700 900983"),
        ("UK phone number", "call 0113 496 0123"),
        ("UK phone number", "on +44 (0)1632 960123"),
        ("UK phone number", "on +44 7700 900456"),
        ("UK postcode", "we live near LS1 4AP now"),
        ("UK postcode", "it's sw1a 1aa"),
        ("NHS number", "number 943 476 5919 on it"),
        ("NHS number", "9434765919"),
    ],
)
def test_identifier_patterns_find(kind, text):
    assert re.search(IDENTIFIER_PATTERNS[kind], text)


@pytest.mark.parametrize(
    "text",
    [
        *QUOTES,
        "[EMAIL_1] or [PHONE_2] at [POSTCODE_1], NHS number [NHS_NUMBER_1]",
        "about 40 or 50 patients a week, 2,000 a year",
        "from 2015 to 2019 in ward 12",
    ],
)
def test_identifier_patterns_spare_ordinary_text(text):
    assert not any(re.search(pattern, text) for pattern in IDENTIFIER_PATTERNS.values())
