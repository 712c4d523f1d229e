import re
import subprocess
import zlib
from pathlib import Path

import pandas as pd
import pytest

from qualframe.report import colour_scale, grouped_bars_svg, heatmap_svg, render_report
from qualframe.report.svg import EMPTY_FILL, SCALE_STOPS
from qualframe.themes import summarise_themes
from tests.markup import invalid_attributes

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "results"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def codebook():
    return pd.DataFrame(
        {
            "theme_id": ["people", "people", "money"],
            "theme": ["People & <staff>", "People & <staff>", "Money"],
            "code_id": ["lead", "bold", "funding"],
            "code": ["Leadership", "<b>", "Funding"],
            "definition": ["", "", ""],
            "valence": ["facilitator", "barrier", "barrier"],
            "cfir_domain": ["", "", ""],
            "cfir_construct": ["", "", ""],
            "code_order": [0, 1, 2],
        }
    )


@pytest.fixture
def matrix(codebook):
    cases = pd.DataFrame({"case_id": ["A1", "A2"], "service_type": ["café", "house"]})
    grid = cases.merge(codebook[["theme_id", "theme", "code_id", "code", "valence"]], how="cross")
    grid["n_segments"] = [2, 0, 1, 1, 4, 0]
    grid["n_coders"] = 1
    grid["coverage"] = float("nan")
    grid["rating"] = pd.array([pd.NA] * len(grid), dtype="Int64")
    for column in ("charted_text", "excerpts", "segment_ids", "references"):
        grid[column] = ""
    grid["summary"] = grid["summary_source"] = ""
    return grid


@pytest.fixture
def summary(matrix):
    return summarise_themes(matrix, ["service_type"])


METHODS = {
    "transcripts": 2,
    "segments": 8,
    "coders": 1,
    "qualframe_version": "0.1.0",
    "config": {"coding": {"primary_coder": "<ES>"}, "themes": {"group_by": ["service_type"]}},
}


def test_colour_scale_ends_and_empty():
    assert colour_scale(0) == EMPTY_FILL
    assert colour_scale(float("nan")) == EMPTY_FILL
    assert colour_scale(1.0) == SCALE_STOPS[-1]
    assert colour_scale(2.0) == SCALE_STOPS[-1]
    assert colour_scale(0.5) == SCALE_STOPS[2]
    assert colour_scale(0.2) != colour_scale(0.3)


def test_heatmap_has_one_rect_per_cell_with_its_fill():
    values = pd.DataFrame([[0.0, 1.0, 0.5], [0.25, 0.0, 1.0]], index=["A1", "A2"])
    values.columns = ["c1", "c2", "c3"]
    svg = heatmap_svg(
        values,
        {"A1": "A1", "A2": "A2"},
        [("T1", ["c1", "c2"]), ("T2", ["c3"])],
        {"c1": "one", "c2": "two", "c3": "three"},
    )
    cells = re.findall(r'<rect class="cell"[^>]*fill="(#[0-9a-f]{6})"', svg)
    assert len(cells) == 6
    assert cells == [colour_scale(v) for v in values.to_numpy().ravel()]
    assert cells[1] == SCALE_STOPS[-1]


def test_grouped_bars_one_bar_per_category_and_series():
    shares = pd.DataFrame({"x": [0.5, 1.0], "y": [0.0, 0.25]}, index=["t1", "t2"])
    svg = grouped_bars_svg(shares, {"t1": "T 1", "t2": "T 2"}, {"x": "X", "y": "Y"}, "share", "t")
    heights = re.findall(r'<rect class="bar"[^>]*height="([0-9.]+)"', svg)
    assert [float(h) for h in heights] == [120.0, 0.0, 240.0, 60.0]
    assert "100%" in svg and ">share<" in svg


def test_report_matrix_cells_and_tooltips(matrix, summary, codebook):
    page = render_report(matrix, summary, codebook, "service_type", METHODS)
    heatmap = page[page.index("<section id='matrix'>") : page.index("<section id='groups'>")]
    fills = re.findall(r'<rect class="cell"[^>]*fill="(#[0-9a-f]{6})"', heatmap)
    assert len(fills) == 2 * 3
    # A2 has 4 "<b>" segments, the most for that code: the darkest fill; A2 × funding is empty.
    assert "<title>A2 · &lt;b&gt;: 4 segment(s) (most for the code: 4)</title>" in heatmap
    assert fills == [
        SCALE_STOPS[-1],
        EMPTY_FILL,
        SCALE_STOPS[-1],
        colour_scale(0.5),
        SCALE_STOPS[-1],
        EMPTY_FILL,
    ]


def test_report_uses_coverage_when_present(matrix, summary, codebook):
    covered = matrix.assign(coverage=[0.1, 0.0, 0.05, 0.2, 0.02, 0.0])
    page = render_report(covered, summary, codebook, "service_type", METHODS)
    assert "coverage 20.0%" in page
    fills = re.findall(r'<rect class="cell"[^>]*fill="(#[0-9a-f]{6})"', page)
    assert fills[0] == colour_scale(0.5)  # A1 × lead: 0.1 of the largest cell, 0.2


def test_report_is_self_contained_and_escaped(matrix, summary, codebook):
    profiles = pd.DataFrame(
        {"code_id": ["bold"], "exemplars": ['"<script>x</script>" [A2 ¶3 10-40]']}
    )
    page = render_report(matrix, summary, codebook, "service_type", METHODS, profiles)
    assert not re.search(r"https?://", page)
    assert "<script" not in page.lower()
    assert "&lt;script&gt;" in page
    assert "<b>" not in page
    assert "&lt;b&gt;" in page
    assert "People &amp; &lt;staff&gt;" in page
    assert "&lt;ES&gt;" in page and "coding.primary_coder" in page
    assert "Exemplars: &lt;b&gt;" in page
    for section in ("methods", "matrix", "groups", "themes"):
        assert f"<section id='{section}'>" in page
    assert "<footer>" in page


def test_report_shows_profiles_quotes_and_extras(matrix, summary, codebook):
    profiles = pd.DataFrame(
        {
            "level": ["theme", "code", "code"],
            "theme_id": ["people", "people", "money"],
            "code_id": ["", "lead", "funding"],
            "top_cooccurring": ["Money (2)", "Funding (1)", ""],
            "krippendorff_alpha": [float("nan"), 0.812, float("nan")],
            "exemplars": ["", "First quote [A1 ¶1 0-5]\n\nSecond quote [A2 ¶2 6-9]", ""],
        }
    )
    page = render_report(matrix, summary, codebook, "service_type", METHODS, profiles)
    assert "<blockquote>First quote [A1 ¶1 0-5]</blockquote>" in page
    assert "<blockquote>Second quote [A2 ¶2 6-9]</blockquote>" in page
    assert "<th class='text'>Most often with</th><th>Agreement (α)</th>" in page
    assert "<td>0.81</td>" in page and "Funding (1)" in page


def test_report_is_deterministic(matrix, summary, codebook):
    first = render_report(matrix, summary, codebook, "service_type", METHODS)
    again = render_report(
        matrix.sample(frac=1, random_state=1), summary, codebook, "service_type", dict(METHODS)
    )
    assert first == again


def test_report_and_its_figures_parse_with_known_attributes_only(matrix, summary, codebook):
    profiles = pd.DataFrame(
        {"code_id": ["lead"], "theme_id": ["people"], "top_cooccurring": ["Money (2)"]}
    )
    page = render_report(matrix, summary, codebook, "service_type", METHODS, profiles)
    assert page.count("<svg ") == 3
    assert invalid_attributes(page) == []
    # the check finds the misspelling the figures once had
    assert invalid_attributes(page.replace('class="cell"', 'class-="cell"')) == ["<rect class->"]


def test_report_without_the_attribute_says_so(matrix, codebook):
    summary = summarise_themes(matrix, [])
    page = render_report(matrix, summary, codebook, "region", METHODS)
    assert "has no rows for region" in page
    assert page.count('<rect class="cell"') == 6


def screenshot(html: str, tmp_path: Path) -> Path:
    """Render `html` in headless Chromium; return the PNG path."""
    page, png = tmp_path / "report.html", tmp_path / "report.png"
    page.write_text(html, encoding="utf-8")
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1400,2000",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return png


def distinct_bytes(png: Path) -> int:
    """Distinct byte values of the PNG's decompressed image data: a blank page has a few."""
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    chunks, offset = [], 8
    while offset < len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        kind = data[offset + 4 : offset + 8]
        if kind == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += 12 + length
    return len(set(zlib.decompress(b"".join(chunks))))


needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="headless screenshot needs /usr/bin/chromium"
)


@needs_chromium
def test_report_screenshot_is_not_blank(matrix, summary, codebook, tmp_path):
    png = screenshot(render_report(matrix, summary, codebook, "service_type", METHODS), tmp_path)
    assert png.stat().st_size > 10_000
    assert distinct_bytes(png) > 50


@needs_chromium
@pytest.mark.skipif(
    not (RESULTS / "matrix" / "framework_matrix.parquet").exists(),
    reason="demo results absent (run `make run`)",
)
def test_demo_report_screenshot(tmp_path):
    matrix = pd.read_parquet(RESULTS / "matrix" / "framework_matrix.parquet")
    summary = pd.read_parquet(RESULTS / "themes" / "theme_summary.parquet")
    codebook = pd.read_parquet(RESULTS / "coding" / "codebook.parquet")
    segments = pd.read_parquet(RESULTS / "coding" / "segments.parquet")
    methods = {
        "transcripts": segments["transcript_id"].nunique(),
        "segments": len(segments),
        "coders": segments["coder"].nunique(),
    }
    page = render_report(matrix, summary, codebook, "service_type", methods)
    n_cells = matrix["case_id"].nunique() * len(codebook)
    assert page.count('<rect class="cell"') >= n_cells
    png = screenshot(page, tmp_path)
    assert png.stat().st_size > 50_000
    assert distinct_bytes(png) > 100
