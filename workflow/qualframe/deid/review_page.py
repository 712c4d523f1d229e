"""The review page: the raw text of every transcript with its replacements and the
review candidates (`review.review_candidates`) highlighted, like the UK Data Service text
anonymisation helper, with a summary table; as one page (`review_html`) or as a folder of
pages, one per group of transcripts, and an index (`review_pages`). Pages hold raw text:
they belong in the restricted folder.
"""

import html
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import pandas as pd

from qualframe.deid.review import REASON_HELP, REASONS, by_transcript

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
.warning { background: #fff4e5; border-left: 4px solid #e67e22; padding: .5em 1em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: .25em .75em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tfoot td { font-weight: bold; }
.text { white-space: pre-wrap; line-height: 1.6; border: 1px solid #ddd; padding: 1em; }
.rep { background: #e8f4fd; border-radius: 3px; padding: 0 2px; }
.rep del { color: #b03a2e; background: #fdecea; }
.rep ins { color: #1e6b30; background: #e6f4ea; text-decoration: none; font-weight: 600; }
.rep.flag { outline: 2px dashed #e67e22; }
mark.cand { background: #ffe066; outline: 2px solid #e67e22; padding: 0 1px; }
.legend span, .legend mark { margin-right: .5em; }
dl.legend dt { margin-top: .5em; }
"""


class Highlight(NamedTuple):
    """One highlighted stretch of a transcript: a replacement or a merged candidate."""

    start: int
    end: int
    replacement: str | None  # None: a candidate, not a replacement
    title: str
    flagged: bool


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


def marked_up(text: str, marks: list[Highlight]) -> str:
    """Return one transcript's text as escaped HTML with its highlights."""
    pieces, cursor = [], 0
    for mark in marks:
        if mark.start < cursor:  # cannot happen with `highlights`; never emit overlaps
            continue
        pieces.append(html.escape(text[cursor : mark.start]))
        span = f'data-start="{mark.start}" data-end="{mark.end}" title="{html.escape(mark.title)}"'
        original = html.escape(text[mark.start : mark.end])
        if mark.replacement is None:
            pieces.append(f'<mark class="cand" {span}>{original}</mark>')
        else:
            classes = "rep flag" if mark.flagged else "rep"
            pieces.append(
                f'<span class="{classes}" {span}><del>{original}</del> '
                f"<ins>{html.escape(mark.replacement)}</ins></span>"
            )
        cursor = mark.end
    pieces.append(html.escape(text[cursor:]))
    return "".join(pieces)


def summary_table(
    transcript_ids: list[str],
    log: pd.DataFrame,
    candidates: pd.DataFrame,
    page_of: Mapping[str, str] | None = None,
) -> str:
    """Return the HTML summary: per transcript, replacements and candidates by reason,
    each transcript linked to its section (on the page `page_of` names, if given)."""
    head = "".join(f"<th>{html.escape(reason)}</th>" for reason in REASONS)
    replaced = log["transcript_id"].value_counts()
    listed = candidates["transcript_id"].value_counts()
    by_reason = candidates.groupby(["transcript_id", "reason"]).size()
    rows, totals = [], [0] * (2 + len(REASONS))
    for tid in transcript_ids:
        counts = [int(replaced.get(tid, 0)), int(listed.get(tid, 0))]
        counts += [int(by_reason.get((tid, reason), 0)) for reason in REASONS]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        cells = "".join(f"<td>{n}</td>" for n in counts)
        page = html.escape(page_of[tid]) if page_of else ""
        link = f'<a href="{page}#t-{html.escape(tid)}">{html.escape(tid)}</a>'
        rows.append(f"<tr><td>{link}</td>{cells}</tr>")
    foot = "".join(f"<td>{n}</td>" for n in totals)
    return (
        "<table class='summary'><thead><tr><th>Transcript</th><th>Replacements</th>"
        f"<th>To check</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
        f"<tfoot><tr><td>All</td>{foot}</tr></tfoot></table>"
    )


def legend() -> str:
    """Return the HTML legend of the highlights and the reasons."""
    reasons = "".join(
        f"<dt>{html.escape(reason)}</dt><dd>{html.escape(REASON_HELP[reason])}</dd>"
        for reason in REASONS
    )
    return (
        "<dl class='legend'><dt><span class='rep'><del>original</del> <ins>replacement</ins>"
        "</span></dt><dd>replaced; hover for type, detectors and confidence</dd>"
        "<dt><span class='rep flag'><del>original</del> <ins>replacement</ins></span></dt>"
        "<dd>replaced, but to check (low confidence)</dd>"
        "<dt><mark class='cand'>candidate</mark></dt><dd>not replaced: to check; hover for why"
        f"</dd>{reasons}</dl>"
    )


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


def evidence_table(evidence: pd.DataFrame | None) -> str:
    """Return the HTML table of the terms searched for across the corpus and the verdicts."""
    if evidence is None or evidence.empty:
        return ""
    head = "".join(f"<th>{html.escape(name)}</th>" for name in EVIDENCE_HEAD)
    rows = []
    for row in evidence.itertuples(index=False):
        cells = (
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
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    return (
        "<h2>Propagation: terms found once and searched for everywhere</h2>"
        "<p>A term is replaced wherever it occurs only when it is registered or looks like a "
        "name where it occurs.</p>"
        f"<table class='summary'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
        "</tbody></table>"
    )


def notes_list(notes: Iterable[str]) -> str:
    """Return run notes (such as languages without a pipeline) as an HTML list."""
    items = "".join(f"<li>{html.escape(note)}</li>" for note in notes)
    return f"<ul class='warning'>{items}</ul>" if items else ""


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
    sections = transcript_sections(raw_texts, ids, Grouped(log, candidates))
    return page(
        title,
        f"{notes_list(notes)}{legend()}{summary_table(ids, log, candidates)}"
        f"{evidence_table(evidence)}{sections}",
    )


WARNING = (
    "<p class='warning'>This page shows the raw transcripts. Keep it in the restricted "
    "folder and do not share it. Add what should have been replaced to the identifier "
    "register, and what should not to the allow-list, then run again.</p>"
)


def page(title: str, body: str) -> str:
    """A self-contained review page: the title, the warning, then `body` (HTML)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{WARNING}{body}</body></html>\n"
    )


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


def transcript_sections(raw_texts: Mapping[str, str], ids: list[str], grouped: Grouped) -> str:
    """The raw text of each transcript of `ids`, highlighted, one section each."""
    return "".join(
        f'<section id="t-{html.escape(tid)}"><h2>{html.escape(tid)}</h2>'
        f'<div class="text">{marked_up(raw_texts[tid], grouped.highlights(tid))}</div></section>'
        for tid in ids
    )


INDEX = "index.html"


def review_pages(
    raw_texts: Mapping[str, str],
    groups: Mapping[str, list[str]],
    log: pd.DataFrame,
    candidates: pd.DataFrame,
    title: str,
    evidence: pd.DataFrame | None = None,
    notes: Iterable[str] = (),
    appendix: str = "",
) -> dict[str, str]:
    """The review as a folder of pages: {file name: HTML}.

    Like `review_html`, but the transcripts' texts are on one page per group (`groups`:
    {group name: its transcript ids}, e.g. one group per shard), named `<group>.html`,
    and `index.html` holds the notes, the legend, the summary table linking to each
    transcript on its page, the propagation table and `appendix` (HTML: the replacements
    made in the analysts' charting summaries). A page stays the size of its
    group however large the corpus, and a browser opens it quickly.
    """
    page_of = {tid: f"{name}.html" for name, ids in groups.items() for tid in ids}
    ids = sorted(page_of)
    grouped = Grouped(log, candidates)
    index = (
        f"{notes_list(notes)}{legend()}{summary_table(ids, log, candidates, page_of)}"
        f"{evidence_table(evidence)}{appendix}"
    )
    pages = {INDEX: page(title, index)}
    for name, members in groups.items():
        back = f"<p><a href='{INDEX}'>All transcripts</a></p>"
        sections = transcript_sections(raw_texts, sorted(members), grouped)
        pages[f"{name}.html"] = page(f"{title}: {name}", f"{back}{legend()}{sections}")
    return pages
