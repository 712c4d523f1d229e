"""The review report: what a person should check after de-identification, as a table and a page.

`review_candidates` lists, per transcript, what is left that may still identify
someone: capitalised words in mid-sentence that are not English words and were not
replaced, digit runs that were not replaced, and replacements the detectors were not
sure of. `review_html` shows the raw text of every transcript with the replacements and
these candidates highlighted, like the UK Data Service text anonymisation helper. Both
hold raw text: they belong in the restricted folder.
"""

import html
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

import pandas as pd
from faker import Faker

from qualframe.deid.allow import DEFAULT_ALLOW_LIST, is_allowed, is_title, normalise_allow_list
from qualframe.deid.detect import placeholder_spans
from qualframe.deid.register import TermMatcher, build_matcher, find_terms
from qualframe.deid.words import (
    is_common_proper_noun,
    is_english_word,
    is_function_word,
    is_sentence_start,
)
from qualframe.schemas import REVIEW_REASONS, ReviewCandidate
from qualframe.text.canonical import canonical_view

UNKNOWN_WORD = "unknown capitalised word"
FIRST_NAME = "known first name"
DIGITS = "digit run"
LOW_CONFIDENCE = "low confidence"
NOT_REPLACED = "detected, not replaced"
REASONS = (UNKNOWN_WORD, FIRST_NAME, DIGITS, LOW_CONFIDENCE, NOT_REPLACED)
assert REASONS == REVIEW_REASONS, "reasons and their schema must agree"
REASON_HELP = {
    UNKNOWN_WORD: "a capitalised word in mid-sentence that is not an English word",
    FIRST_NAME: "a first name that is also an English word (Tom, Grace), or a first name "
    "and the capitalised word after it (Steve Lamb)",
    DIGITS: "four or more digits, or digits with a slash, left in the text",
    LOW_CONFIDENCE: "replaced, but the detectors were not sure it identifies anyone",
    NOT_REPLACED: "a detector found it, but it was not replaced",
}
CANDIDATE_COLUMNS = ["transcript_id", "start", "end", "text", "reason"]
MASK = "\0"  # stands in for replaced text, so nothing inside a replacement is a candidate
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
DIGIT_RUN = re.compile(r"(?<![\w.,/-])\d+(?:[ ./-]\d+)*(?![\w/-])")
MIN_DIGITS = 4
NAME_LOCALES = ("en_GB", "en_IE", "en_NZ", "en_US", "en_IN")  # Faker's given-name lists
NAME_PAIR = re.compile(r"(?<![^\W\d_])([^\W\d_]+) ([^\W\d_]+(?:['’-][^\W\d_]+)*)")


class Candidate(NamedTuple):
    """One candidate before it becomes a row: span, text and reason."""

    start: int
    end: int
    text: str
    reason: str


# --- what is left ------------------------------------------------------------------------


def masked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Return `text` with every span overwritten by MASK characters, offsets unchanged."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = MASK * (end - start)
    return "".join(chars)


def allowed_spans(text: str, matcher: TermMatcher) -> list[tuple[int, int]]:
    """Return (start, end) of the allow-list terms in `text` ("Mental Health Act")."""
    return [(start, end) for start, end, _ in find_terms(matcher, text)]


def is_unknown_capitalised(word: str, text: str, start: int, allowed: frozenset[str]) -> bool:
    """Return whether a word may be a name a detector missed.

    True for a capitalised word that does not open a sentence, is not "I", a title, an
    English word, a common proper noun ("English", "Monday") or on the allow-list.
    """
    return (
        word[0].isupper()
        and word not in ("I", "I'm", "I’m", "I'd", "I’d", "I've", "I’ve", "I'll", "I’ll")
        and not is_sentence_start(text, start)
        and not is_title(word)
        and not is_english_word(word)
        and not is_common_proper_noun(word)
        and not is_allowed(word, "PERSON", allowed)
    )


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Return the first names of Faker's English-speaking locales, case-folded (about 1,900)."""
    names: set[str] = set()
    for locale in NAME_LOCALES:
        provider = Faker(locale).provider("faker.providers.person")
        for attribute in ("first_names", "first_names_female", "first_names_male"):
            names |= {name.casefold() for name in getattr(provider, attribute, ())}
    return frozenset(names)


def is_first_name(word: str) -> bool:
    """Return whether a capitalised word is a known first name ("Tom", "Grace", "Priya")."""
    return word[:1].isupper() and word.casefold() in given_names()


def first_names(text: str, allowed: frozenset[str]) -> list[Candidate]:
    """Return first names a reader should check in a masked text.

    Takes English words that are also first names, capitalised in mid-sentence ("told
    Tom"), and a first name followed by a capitalised word anywhere ("Steve Lamb, our
    ..." at the start of a turn). Unknown words are left to `unknown_words`.
    """
    found = [
        Candidate(m.start(), m.end(), m.group(), FIRST_NAME)
        for m in WORD.finditer(text)
        if is_first_name(m.group())
        and is_english_word(m.group())
        and not is_sentence_start(text, m.start())
        and not is_allowed(m.group(), "PERSON", allowed)
    ]
    for m in NAME_PAIR.finditer(text):
        first, second = m.group(1), m.group(2)
        if (
            is_first_name(first)
            and second[0].isupper()
            and not is_title(second)
            and not is_function_word(second)
            and not is_allowed(m.group(), "PERSON", allowed)
        ):
            found.append(Candidate(m.start(), m.end(), m.group(), FIRST_NAME))
    return found


def unknown_words(text: str, allowed: frozenset[str]) -> list[Candidate]:
    """Return capitalised mid-sentence words of a masked text that are not English words."""
    return [
        Candidate(match.start(), match.end(), match.group(), UNKNOWN_WORD)
        for match in WORD.finditer(text)
        if is_unknown_capitalised(match.group(), text, match.start(), allowed)
    ]


def digit_runs(text: str) -> list[Candidate]:
    """Return runs of digits (groups joined by space, ".", "/" or "-") worth a look.

    A run counts with four or more digits in all ("2019", "07700 900481") or with a
    slash ("5/3"), so "2-3 times" and "aged 34" are left alone.
    """
    return [
        Candidate(match.start(), match.end(), match.group(), DIGITS)
        for match in DIGIT_RUN.finditer(text)
        if sum(char.isdigit() for char in match.group()) >= MIN_DIGITS or "/" in match.group()
    ]


def log_confidence(log: pd.DataFrame, detections: pd.DataFrame) -> pd.Series:
    """Return the confidence of each log row, as numbers.

    Takes the log's own `confidence` when it has one (text read from CSV is converted),
    else the highest confidence of the detections overlapping the row, else 1.0.
    """
    if "confidence" in log.columns:
        return pd.to_numeric(log["confidence"], errors="coerce").fillna(1.0)
    if "confidence" not in detections.columns:
        return pd.Series(1.0, index=log.index)
    values = []
    for row in log.itertuples():
        overlapping = detections[
            (detections["transcript_id"] == row.transcript_id)
            & (detections["start"] < row.end)
            & (detections["end"] > row.start)
        ]
        values.append(float(overlapping["confidence"].max()) if len(overlapping) else 1.0)
    return pd.Series(values, index=log.index, dtype="float64")


def low_confidence_replacements(log: pd.DataFrame, threshold: float) -> list[Candidate]:
    """Return the replaced spans of one transcript's log found with confidence < threshold."""
    low = log[log["_confidence"] < threshold]
    return [
        Candidate(int(row.start), int(row.end), row.original, LOW_CONFIDENCE)
        for row in low.itertuples(index=False)
    ]


def unreplaced_detections(
    detections: pd.DataFrame, replaced: list[tuple[int, int]]
) -> list[Candidate]:
    """Return one transcript's detections that overlap no replaced span."""
    return [
        Candidate(int(row.start), int(row.end), row.text, NOT_REPLACED)
        for row in detections.itertuples(index=False)
        if not any(row.start < end and start < row.end for start, end in replaced)
    ]


def unreplaced_candidates(hidden: str, allowed: frozenset[str]) -> list[Candidate]:
    """Return unknown capitalised words, first names and digit runs of a masked text,
    looked for in its canonical view (`canonical_view`) and given the offsets of the
    characters they cover in `hidden`, so "Fake\u200bley" is one unknown word."""
    view, mapping = canonical_view(hidden)
    found = unknown_words(view, allowed) + first_names(view, allowed) + digit_runs(view)
    if mapping.is_identity():
        return found
    starts, ends = mapping.source_spans([c.start for c in found], [c.end for c in found])
    return [
        candidate._replace(start=int(start), end=int(end))
        for candidate, start, end in zip(found, starts, ends, strict=True)
    ]


def transcript_candidates(
    text: str,
    log: pd.DataFrame,
    detections: pd.DataFrame,
    low_confidence: float,
    allowed: frozenset[str],
    allow_matcher: TermMatcher,
) -> list[Candidate]:
    """Return every candidate of one transcript (see `review_candidates`)."""
    replaced = [(int(s), int(e)) for s, e in zip(log["start"], log["end"], strict=True)]
    hidden = masked(text, replaced + placeholder_spans(text) + allowed_spans(text, allow_matcher))
    found = [
        candidate._replace(text=text[candidate.start : candidate.end])
        for candidate in unreplaced_candidates(hidden, allowed)
    ]
    found += low_confidence_replacements(log, low_confidence)
    found += unreplaced_detections(detections, replaced)
    return found


def by_transcript(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Return {transcript id: its rows} of a frame with a `transcript_id` column."""
    return {str(tid): rows for tid, rows in frame.groupby("transcript_id", sort=False)}


def review_candidates(
    raw_texts: Mapping[str, str],
    log: pd.DataFrame,
    detections: pd.DataFrame,
    low_confidence: float = 0.6,
    allow_list: Iterable[str] = DEFAULT_ALLOW_LIST,
) -> pd.DataFrame:
    """Return what a person should check in each transcript, one row per place.

    Takes {transcript id: normalised raw text}, the anonymisation log (offsets into
    those texts; a `confidence` column is used when present), the detections, the
    confidence below which a replacement is listed, and the allow-list (its terms are
    never candidates). Lists capitalised words not at a sentence start that are not
    English words and were not replaced (UNKNOWN_WORD), unreplaced runs of four or more
    digits or with a slash (DIGITS), replacements with confidence below
    `low_confidence` (LOW_CONFIDENCE) and detections that no replacement covers
    (NOT_REPLACED). Returns a ReviewCandidate frame (transcript_id, start, end, text,
    reason) sorted by transcript and offset.
    """
    allow_list = [term for term in allow_list if str(term).strip()]
    allowed = normalise_allow_list(allow_list)
    allow_matcher = build_matcher(dict.fromkeys(allow_list, None))
    log = log.assign(_confidence=log_confidence(log, detections))
    logs, found_by_detectors = by_transcript(log), by_transcript(detections)
    rows = []
    for tid in sorted(raw_texts):
        found = transcript_candidates(
            raw_texts[tid],
            logs.get(tid, log.iloc[0:0]),
            found_by_detectors.get(tid, detections.iloc[0:0]),
            low_confidence,
            allowed,
            allow_matcher,
        )
        rows += [(tid, *candidate) for candidate in found]
    frame = pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)
    frame = frame.astype({"transcript_id": str, "start": "int64", "end": "int64", "text": str})
    frame = frame.astype({"reason": str}).drop_duplicates()
    frame = frame.sort_values(["transcript_id", "start", "end", "reason"], kind="stable")
    return ReviewCandidate.validate(frame.reset_index(drop=True))


# --- the page ----------------------------------------------------------------------------

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


def summary_table(transcript_ids: list[str], log: pd.DataFrame, candidates: pd.DataFrame) -> str:
    """Return the HTML summary: per transcript, replacements and candidates by reason."""
    head = "".join(f"<th>{html.escape(reason)}</th>" for reason in REASONS)
    rows, totals = [], [0] * (2 + len(REASONS))
    for tid in transcript_ids:
        mine = candidates[candidates["transcript_id"] == tid]
        counts = [int((log["transcript_id"] == tid).sum()), len(mine)]
        counts += [int((mine["reason"] == reason).sum()) for reason in REASONS]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        cells = "".join(f"<td>{n}</td>" for n in counts)
        link = f'<a href="#t-{html.escape(tid)}">{html.escape(tid)}</a>'
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
    logs, candidates_of = by_transcript(log), by_transcript(candidates)
    sections = []
    for tid in ids:
        marks = highlights(
            logs.get(tid, log.iloc[0:0]), candidates_of.get(tid, candidates.iloc[0:0])
        )
        sections.append(
            f'<section id="t-{html.escape(tid)}"><h2>{html.escape(tid)}</h2>'
            f'<div class="text">{marked_up(raw_texts[tid], marks)}</div></section>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        "<p class='warning'>This page shows the raw transcripts. Keep it in the restricted "
        "folder and do not share it. Add what should have been replaced to the identifier "
        "register, and what should not to the allow-list, then run again.</p>"
        f"{notes_list(notes)}{legend()}{summary_table(ids, log, candidates)}"
        f"{evidence_table(evidence)}{''.join(sections)}</body></html>\n"
    )
