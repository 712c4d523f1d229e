"""The Great Expectations suite over the published coded-segment table.

Run as a checkpoint in an ephemeral context whose only Data Docs site is a folder we
control. Auditors read the Data Docs, so two things are enforced after they are built:
- they open offline: every reference to an outside host (CSS, JavaScript, logo, links)
  is removed or pointed at the copy GX ships in `static/`;
- they never show values: results are requested in SUMMARY format with no partial
  unexpected list, so only counts and percentages are rendered, never a quote.
"""

import os
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import great_expectations as gx
import lxml.html
import pandas as pd
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from qualframe.deid.structured import EMAIL, NHS_NUMBER
from qualframe.uk import POSTCODE

SUITE = "coded_segments"
SITE = "audit"
KEY_COLUMNS = ("segment_id", "transcript_id", "case_id", "code_id", "coder", "start", "end", "text")
# Counts and percentages only: no unexpected values, lists or rows in results or docs.
RESULT_FORMAT = {
    "result_format": "SUMMARY",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
}
UK_PHONE = r"(?<![\d+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)"
# Patterns of identifiers no published quote may hold (name shown in the result, pattern).
IDENTIFIER_PATTERNS = {
    "e-mail address": EMAIL.pattern,
    "UK phone number": UK_PHONE,
    "UK postcode": "(?i)" + POSTCODE.pattern,  # POSTCODE is compiled case-insensitive
    "NHS number": NHS_NUMBER.pattern,
}
LONG_QUOTE = 5000  # characters; longer quotes are reported (not critical): whole answers?
_EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]?(?:https?:)?//[^;]*;", re.IGNORECASE)
# Without Bootstrap and Font Awesome the pages are plain HTML: keep tables readable and
# give the status icons (an icon font that is no longer loaded) a visible text.
OFFLINE_CSS = """
body { font-family: sans-serif; margin: 1em 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
td, th { border: 1px solid #ccc; padding: 0.2em 0.5em; vertical-align: top; }
.navbar img, img.img-fluid { max-height: 2em; }
.invisible { visibility: hidden; }
.fas { font-style: normal; font-weight: bold; }
.fa-check-circle::before { content: "\\2714  met"; color: #1a7f37; }
.fa-times::before { content: "\\2718  not met"; color: #c62828; }
.fa-question-circle::before { content: "?"; }
"""


@dataclass(frozen=True)
class FailedExpectation:
    """One expectation that failed: its name, whether it stops the run, and how many
    rows broke it (None when GX could not evaluate it, e.g. a missing column)."""

    name: str
    critical: bool
    unexpected_count: int | None


@dataclass(frozen=True)
class QualityResult:
    """The checkpoint's verdict: `passed` is False when any critical expectation failed."""

    passed: bool
    evaluated: int
    failed: tuple[FailedExpectation, ...]
    docs_index: Path

    def summary(self) -> str:
        """E.g. 'coded segments: 2 of 17 expectations failed (critical): code_id ... (1 row)'."""
        if not self.failed:
            return f"coded segments: all {self.evaluated} expectations met"
        parts = []
        for failure in self.failed:
            rows = (
                "not evaluated"
                if failure.unexpected_count is None
                else f"{failure.unexpected_count} row{'s' * (failure.unexpected_count != 1)}"
            )
            kind = "critical" if failure.critical else "warning"
            parts.append(f"{failure.name} ({kind}, {rows})")
        verdict = "failed" if not self.passed else "passed with warnings"
        return (
            f"coded segments {verdict}: {len(self.failed)} of {self.evaluated} expectations "
            f"not met: " + "; ".join(parts)
        )


def segment_expectations(codebook: pd.DataFrame, coders: list[str] | None) -> list:
    """The suite's expectations, each with a readable name and a `critical` flag in meta."""

    def named(expectation_class, name, critical=True, **kwargs):
        return expectation_class(
            **kwargs, description=name, meta={"name": name, "critical": critical}
        )

    E = gx.expectations
    expectations = [
        named(E.ExpectColumnValuesToNotBeNull, f"{column} is never empty", column=column)
        for column in KEY_COLUMNS
    ]
    expectations += [
        named(
            E.ExpectColumnValuesToBeInSet,
            "code_id is in the codebook",
            column="code_id",
            value_set=sorted(codebook["code_id"]),
        ),
        named(
            E.ExpectColumnPairValuesAToBeGreaterThanB,
            "start is before end",
            column_A="end",
            column_B="start",
            or_equal=False,
        ),
        named(
            E.ExpectColumnValueLengthsToBeBetween,
            "quote is not empty",
            column="text",
            min_value=1,
        ),
    ]
    if coders is not None:
        expectations.append(
            named(
                E.ExpectColumnValuesToBeInSet,
                "coder is a known coder",
                column="coder",
                value_set=sorted(coders),
            )
        )
    expectations += [
        named(
            E.ExpectColumnValuesToNotMatchRegex,
            f"no {kind} in quotes",
            column="text",
            regex=pattern,
        )
        for kind, pattern in IDENTIFIER_PATTERNS.items()
    ]
    expectations.append(
        named(
            E.ExpectColumnValueLengthsToBeBetween,
            f"quote is at most {LONG_QUOTE:,} characters",
            critical=False,
            column="text",
            max_value=LONG_QUOTE,
        )
    )
    return expectations


def check_segments(
    segments: pd.DataFrame,
    codebook: pd.DataFrame,
    coders: list[str] | None,
    docs_dir: Path,
    run_time: datetime | None = None,
) -> QualityResult:
    """Validate the published coded-segment table (schemas.Segment) against the codebook
    and, when given, the list of known coders; write Data Docs for auditors into
    `docs_dir`, which is replaced as a whole (give it a folder of its own).

    Returns whether every critical expectation was met and which failed, by name and
    count (never by value). `run_time` names the run in the docs (default: now, UTC).
    """
    docs_dir = Path(docs_dir).resolve()  # GX wants an absolute site folder
    docs_dir.parent.mkdir(parents=True, exist_ok=True)
    build_dir = Path(tempfile.mkdtemp(prefix=f".{docs_dir.name}.", dir=docs_dir.parent))
    try:
        results = run_checkpoint(segments, codebook, coders, build_dir, run_time)
        make_offline(build_dir)
        if docs_dir.exists():
            shutil.rmtree(docs_dir)
        os.replace(build_dir, docs_dir)
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)
    failed = tuple(
        FailedExpectation(
            name=result.expectation_config.meta["name"],
            critical=bool(result.expectation_config.meta["critical"]),
            unexpected_count=result.result.get("unexpected_count"),
        )
        for result in results
        if not result.success
    )
    return QualityResult(
        passed=not any(f.critical for f in failed),
        evaluated=len(results),
        failed=failed,
        docs_index=docs_dir / "index.html",
    )


def run_checkpoint(
    segments: pd.DataFrame,
    codebook: pd.DataFrame,
    coders: list[str] | None,
    site_dir: Path,
    run_time: datetime | None,
) -> list:
    """Run the suite as a checkpoint that builds Data Docs in `site_dir`; return the
    expectation results in suite order."""
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            SITE: {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(site_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    batch = (
        context.data_sources.add_or_update_pandas("qualframe")
        .add_dataframe_asset(SUITE)
        .add_batch_definition_whole_dataframe("whole table")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=SUITE))
    for expectation in segment_expectations(codebook, coders):
        suite.add_expectation(expectation)
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=SUITE, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=SUITE,
            validation_definitions=[validation],
            actions=[gx.checkpoint.UpdateDataDocsAction(name="data docs", site_names=[SITE])],
            result_format=RESULT_FORMAT,
        )
    )
    run_id = RunIdentifier(run_name=SUITE, run_time=run_time or datetime.now(UTC))
    with warnings.catch_warnings():
        # pandas warns that NHS_NUMBER has a group (a back-reference); it is intended
        warnings.filterwarnings("ignore", message=".*has match groups.*")
        outcome = checkpoint.run(batch_parameters={"dataframe": segments}, run_id=run_id)
    (validation_result,) = outcome.run_results.values()
    return list(validation_result.results)


def make_offline(site_dir: Path) -> None:
    """Rewrite every page and stylesheet of a Data Docs site so it fetches nothing from
    outside hosts: external stylesheets, scripts, forms and link targets are removed,
    the logo points at GX's local copy, and a small inline stylesheet keeps it readable."""
    logo = site_dir / "static" / "images" / "logo-long.png"
    pages = sorted(site_dir.rglob("*.html"))
    for page in pages:
        html = offline_html(page.read_text(encoding="utf-8"), page, site_dir, logo)
        if page == site_dir / "index.html":
            # the index's tables are filled by JavaScript that no longer loads: list the
            # pages as plain links too
            html = with_page_list(html, [p.relative_to(site_dir) for p in pages if p != page])
        page.write_text(html, encoding="utf-8")
    for sheet in sorted(site_dir.rglob("*.css")):
        text = sheet.read_text(encoding="utf-8")
        sheet.write_text(_CSS_URL.sub("none", _CSS_IMPORT.sub("", text)), encoding="utf-8")


def with_page_list(html: str, pages: list[Path]) -> str:
    """The index page with a plain list of links to `pages` (relative to the site)."""
    document = lxml.html.document_fromstring(html)
    listing = lxml.html.fragment_fromstring("<section id='offline-pages'><h2>Pages</h2></section>")
    items = lxml.html.Element("ul")
    for page in pages:
        link = lxml.html.Element("a", href=page.as_posix())
        link.text = " / ".join(page.with_suffix("").parts)
        item = lxml.html.Element("li")
        item.append(link)
        items.append(item)
    listing.append(items)
    document.find("body").insert(0, listing)
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode")


def local_reference(reference: str, page: Path, site_dir: Path) -> str | None:
    """A corrected relative path for a reference into the site's `static/` folder that
    does not resolve from `page` (GX 1.24 links the favicon one level too shallow from
    validation pages); None when the reference is fine or not into `static/`."""
    target = reference.split("#")[0].split("?")[0]
    if not target or (page.parent / target).exists() or "static/" not in target:
        return None
    local = site_dir / "static" / target.split("static/", 1)[1]
    return Path(os.path.relpath(local, page.parent)).as_posix() if local.exists() else None


def offline_html(html: str, page: Path, site_dir: Path, logo: Path) -> str:
    """One page of the site at `site_dir`, rewritten to reference local files only."""
    document = lxml.html.document_fromstring(html)
    for element in document.xpath("//link[@href] | //script[@src] | //form[@action]"):
        reference = element.get("href") or element.get("src") or element.get("action")
        if _EXTERNAL.match(reference):
            element.drop_tree()
    for footer in document.xpath("//footer"):
        footer.drop_tree()  # GX's newsletter call to action, a link to an outside host
    for image in document.xpath("//img[@src]"):
        if _EXTERNAL.match(image.get("src")):
            if "logo" in image.get("src") and logo.exists():
                image.set("src", Path(os.path.relpath(logo, page.parent)).as_posix())
            else:
                image.drop_tree()
    for element in document.xpath("//*[@href]"):
        if _EXTERNAL.match(element.get("href")):
            del element.attrib["href"]
    for element in document.xpath("//*[@href] | //*[@src]"):
        attribute = "href" if element.get("href") is not None else "src"
        repaired = local_reference(element.get(attribute), page, site_dir)
        if repaired is not None:
            element.set(attribute, repaired)
    for element in document.xpath("//*[@style]"):
        element.set("style", _CSS_URL.sub("none", element.get("style")))
    for style in document.xpath("//style"):
        style.text = _CSS_URL.sub("none", _CSS_IMPORT.sub("", style.text or ""))
    head = document.find("head")
    if head is not None:
        extra = lxml.html.Element("style")
        extra.text = OFFLINE_CSS
        head.append(extra)
    return lxml.html.tostring(document, doctype="<!DOCTYPE html>", encoding="unicode")
