"""The review page: the raw text of every transcript with its replacements and the
review candidates (`review.review_candidates`) highlighted, like the UK Data Service text
anonymisation helper, with a summary table; as one page (`review_html`) or as a folder of
pages, one per group of transcripts, and an index (`review_pages`). The page is
`templates/review.html.j2`. Pages hold raw text: they belong in the restricted folder.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

import pandas as pd

from qualframe.deid.review import REASON_HELP, REASONS, by_transcript
from qualframe.pages import Markup, render

INDEX = "index.html"
EVIDENCE_HEAD = (
    "Term",
    "Type",
    "Occurrences",
    "Tagged",
    "Found by",
    "Mid-sentence",
    "Capitalised there",
    "Languages",
    "Replaced everywhere",
    "Why",
)


class Highlight(NamedTuple):
    """One highlighted stretch of a transcript: a replacement or a merged candidate."""

    start: int
    end: int
    replacement: str | None  # None: a candidate, not a replacement
    title: str
    flagged: bool


class Piece(NamedTuple):
    """A stretch of a transcript's text as the page shows it: plain, or highlighted."""

    text: str
    mark: Highlight | None


def replacement_title(row) -> str:
    """Return the tooltip of a replacement: type, detectors and confidence when known."""
    parts = [f"{row.entity_type} → {row.replacement}", f"found by {row.detector}"]
    confidence = pd.to_numeric(getattr(row, "confidence", None), errors="coerce")
    if pd.notna(confidence):
        parts.append(f"confidence {float(confidence):.2f}")
    return " · ".join(parts)


def highlights(log: pd.DataFrame, candidates: pd.DataFrame) -> list[Highlight]:
    """Return the highlights of one transcript, sorted by start and not overlapping.

    Takes its log and its candidates. A candidate overlapping a replacement flags that
    replacement (its reason joins the tooltip); other candidates that overlap each
    other merge into one highlight.
    """
    replacements = [
        Highlight(int(row.start), int(row.end), row.replacement, replacement_title(row), False)
        for row in log.sort_values("start").itertuples(index=False)
    ]
    loose: list[tuple[int, int, str]] = []
    for row in candidates.sort_values(["start", "end"]).itertuples(index=False):
        hit = [i for i, r in enumerate(replacements) if r.start < row.end and row.start < r.end]
        for i in hit:
            flagged = replacements[i]
            title = f"{flagged.title} · to check: {row.reason}"
            replacements[i] = flagged._replace(title=title, flagged=True)
        if not hit:
            loose.append((int(row.start), int(row.end), str(row.reason)))
    return sorted(replacements + merged_candidates(loose), key=lambda mark: mark.start)


def merged_candidates(spans: list[tuple[int, int, str]]) -> list[Highlight]:
    """Return candidate spans (sorted by start) merged where they overlap, reasons joined."""
    merged: list[Highlight] = []
    for start, end, reason in spans:
        if merged and start < merged[-1].end:
            last = merged[-1]
            reasons = last.title if reason in last.title.split("; ") else f"{last.title}; {reason}"
            merged[-1] = last._replace(end=max(last.end, end), title=reasons)
        else:
            merged.append(Highlight(start, end, None, reason, False))
    return merged


def pieces(text: str, marks: list[Highlight]) -> list[Piece]:
    """Return one transcript's text cut at its highlights: plain and highlighted pieces in
    order, together the whole text."""
    found, cursor = [], 0
    for mark in marks:
        if mark.start < cursor:  # cannot happen with `highlights`; never emit overlaps
            continue
        found.append(Piece(text[cursor : mark.start], None))
        found.append(Piece(text[mark.start : mark.end], mark))
        cursor = mark.end
    found.append(Piece(text[cursor:], None))
    return found


def summary_table(
    transcript_ids: list[str],
    log: pd.DataFrame,
    candidates: pd.DataFrame,
    page_of: Mapping[str, str] | None = None,
) -> dict:
    """The summary: per transcript (linked to its section, on the page `page_of` names if
    given) its replacements, its candidates and its candidates by reason; and the totals."""
    replaced = log["transcript_id"].value_counts()
    listed = candidates["transcript_id"].value_counts()
    by_reason = candidates.groupby(["transcript_id", "reason"]).size()
    rows, totals = [], [0] * (2 + len(REASONS))
    for tid in transcript_ids:
        counts = [int(replaced.get(tid, 0)), int(listed.get(tid, 0))]
        counts += [int(by_reason.get((tid, reason), 0)) for reason in REASONS]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        rows.append({"id": tid, "page": page_of[tid] if page_of else "", "counts": counts})
    return {"rows": rows, "totals": totals}


def evidence_table(evidence: pd.DataFrame | None) -> dict | None:
    """The terms searched for across the corpus and the verdicts, as rows of text; None
    when there are none."""
    if evidence is None or evidence.empty:
        return None
    rows = [
        [
            str(cell)
            for cell in (
                row.term,
                row.entity_type,
                row.occurrences,
                row.tagged,
                row.detectors,
                row.mid_sentence,
                row.capitalised,
                row.languages,
                "yes" if row.propagated else "no",
                row.reason,
            )
        ]
        for row in evidence.itertuples(index=False)
    ]
    return {"head": EVIDENCE_HEAD, "rows": rows}


class Grouped:
    """The anonymisation log and the candidates, split by transcript once."""

    def __init__(self, log: pd.DataFrame, candidates: pd.DataFrame):
        self.logs, self.candidates = by_transcript(log), by_transcript(candidates)
        self.no_log, self.no_candidates = log.iloc[0:0], candidates.iloc[0:0]

    def highlights(self, transcript_id: str) -> list[Highlight]:
        return highlights(
            self.logs.get(transcript_id, self.no_log),
            self.candidates.get(transcript_id, self.no_candidates),
        )


def transcript_sections(
    raw_texts: Mapping[str, str], ids: list[str], grouped: Grouped
) -> list[dict]:
    """The raw text of each transcript of `ids`, cut at its highlights."""
    return [{"id": tid, "pieces": pieces(raw_texts[tid], grouped.highlights(tid))} for tid in ids]


def page(title: str, **parts: object) -> str:
    """A self-contained review page: the title, the warning, the legend and whichever of
    `back` (link to the index), `notes`, `summary`, `evidence`, `appendix` (HTML) and
    `transcripts` are given."""
    context = {
        "back": "",
        "notes": [],
        "summary": None,
        "evidence": None,
        "appendix": Markup(""),
        "transcripts": [],
    }
    context |= parts
    return str(
        render("qualframe.deid", "review.html.j2", title=title, reasons=REASON_ROWS, **context)
    )


REASON_ROWS = [(reason, REASON_HELP[reason]) for reason in REASONS]


def review_html(
    raw_texts: Mapping[str, str],
    log: pd.DataFrame,
    candidates: pd.DataFrame,
    title: str,
    evidence: pd.DataFrame | None = None,
    notes: Iterable[str] = (),
) -> str:
    """Return one self-contained HTML page for reviewing a de-identified corpus.

    Takes {transcript id: normalised raw text}, the anonymisation log, the candidates
    from `review_candidates` and the page title. The page has a legend, a summary table
    (replacements and candidates per transcript) and each transcript's raw text with
    every replacement shown as the struck original beside its replacement, and every
    candidate marked in another colour; tooltips say why. All text is escaped; the page
    uses inline CSS only, no scripts and no outside resources. It holds raw text, so it
    belongs in the restricted folder. `evidence` (from `pseudonymise_corpus`) adds the
    propagation table; `notes` are shown above the summary.
    """
    ids = sorted(raw_texts)
    return page(
        title,
        notes=list(notes),
        summary=summary_table(ids, log, candidates),
        evidence=evidence_table(evidence),
        transcripts=transcript_sections(raw_texts, ids, Grouped(log, candidates)),
    )


def review_pages(
    raw_texts: Mapping[str, str],
    groups: Mapping[str, list[str]],
    log: pd.DataFrame,
    candidates: pd.DataFrame,
    title: str,
    evidence: pd.DataFrame | None = None,
    notes: Iterable[str] = (),
    appendix: str = "",
    memo: Callable[[str, list[str], Callable[[], str]], str] | None = None,
) -> dict[str, str]:
    """The review as a folder of pages: {file name: HTML}.

    Like `review_html`, but the transcripts' texts are on one page per group (`groups`:
    {group name: its transcript ids}, e.g. one group per shard), named `<group>.html`,
    and `index.html` holds the notes, the legend, the summary table linking to each
    transcript on its page, the propagation table and `appendix` (HTML, such as
    `charting.review.replacements_section`: the replacements made in the analysts'
    charting summaries). A page stays the size of its group however large the corpus,
    and a browser opens it quickly. `memo`, when given, is called for each group's page
    with its name, its sorted transcript ids and a function rendering it, and returns
    the page (a cache of earlier runs' pages).
    """
    page_of = {tid: f"{name}.html" for name, ids in groups.items() for tid in ids}
    ids = sorted(page_of)
    grouped = Grouped(log, candidates)
    pages = {
        INDEX: page(
            title,
            notes=list(notes),
            summary=summary_table(ids, log, candidates, page_of),
            evidence=evidence_table(evidence),
            appendix=Markup(appendix),
        )
    }
    for name, members in groups.items():
        ids = sorted(members)

        def render_page(name=name, ids=ids) -> str:
            return page(
                f"{title}: {name}",
                back=INDEX,
                transcripts=transcript_sections(raw_texts, ids, grouped),
            )

        pages[f"{name}.html"] = memo(name, ids, render_page) if memo else render_page()
    return pages
