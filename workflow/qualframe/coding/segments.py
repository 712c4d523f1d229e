"""Coded segments exported from a CAQDAS: resolve transcript and code, locate each quote
in the de-identified transcript, and return one validated row per segment."""

import itertools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.typing import DataFrame

from qualframe.coding.codes import code_lookup, resolve_code, split_codes
from qualframe.coding.report import failure, report_frame, summarise_failures
from qualframe.errors import QualframeError, ValidationFailed
from qualframe.schemas import Segment, columns_of

TRANSCRIPT_SUFFIXES = (".txt", ".docx", ".vtt", ".rtf", ".doc", ".odt", ".pdf")
# quote and dash styles a word processor or spreadsheet substitutes, one character each
_QUOTE_STYLES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"'}
    | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-")
)
_WHITESPACE = re.compile(r"\s+")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class ColumnMap:
    """Which columns of an export hold what; `start`/`end` are optional character offsets."""

    transcript: str
    code: str
    coder: str
    text: str
    start: str | None = None
    end: str | None = None

    def required(self) -> list[str]:
        names = [self.transcript, self.code, self.coder, self.text]
        return names + [c for c in (self.start, self.end) if c]


def locate_segments(
    export: pd.DataFrame,
    source: str,
    columns: ColumnMap,
    texts: Mapping[str, str],
    codebook: pd.DataFrame,
    code_separator: str | None = None,
) -> pd.DataFrame:
    """Resolve every row of a coded-segment export (read as text) against the
    de-identified `texts` (transcript id → text) and the `codebook`.

    A code cell holds one code label (id, name or path), or several joined by
    `code_separator` (one segment each). A quote found more than once in its transcript
    is taken at its first occurrence after the previous located row of that transcript
    (sheets list utterances in order) before it is called ambiguous.

    Returns a frame validating as schemas.Segment; raises ValidationFailed with one
    record per problem (file, row, column, value, problem) when any row fails, and
    QualframeError for an export without rows.
    """
    missing = [c for c in columns.required() if c not in export.columns]
    if missing:
        records = [
            failure(source, 1, c, "", "missing column: named in the column mapping")
            for c in missing
        ]
        raise ValidationFailed(
            summarise_failures(report_frame(records), len(export)),
            report_frame(records),
            path=source,
        )
    if export.empty:
        raise QualframeError("no coded segments: the export has a header but no rows", source)
    transcript_ids = transcript_lookup(texts)
    codes = code_lookup(codebook)
    records, located = [], []
    views: dict[str, tuple[str, list[int]]] = {}  # per transcript: its canonical view
    # rows as dicts: a pandas Series per row would cost more than locating its quote
    for index, row in zip(export.index, export.to_dict("records"), strict=True):
        line = int(index) + 2  # header is line 1
        problems_before = len(records)
        transcript = resolve_transcript(row[columns.transcript], transcript_ids)
        if transcript is None:
            records.append(
                failure(
                    source,
                    line,
                    columns.transcript,
                    row[columns.transcript],
                    "unknown transcript: no de-identified transcript of that name",
                )
            )
        code_ids = []
        labels = split_codes(row[columns.code], code_separator)
        for label in labels:
            code_id, problem = resolve_code(label, codes)
            if problem:
                records.append(failure(source, line, columns.code, label, problem))
            code_ids.append(code_id)
        coder = row[columns.coder].strip()
        if labels and not coder:
            records.append(failure(source, line, columns.coder, "", "empty coder"))
        if transcript is None:
            continue
        if transcript not in views:
            views[transcript] = canonical(texts[transcript])
        spans, problem = find_spans(texts[transcript], row, columns, views[transcript])
        if problem and labels:
            records.append(quote_failure(source, line, row[columns.text], columns, problem))
        # an uncoded row (a sheet of every utterance) is located only to keep the order
        coded = bool(labels) and len(records) == problems_before
        codes_of_row = list(dict.fromkeys(code_ids)) if coded else []
        located.append((transcript, spans, line, codes_of_row, coder, row[columns.text]))
    chosen = choose_by_row_order([(transcript, spans) for transcript, spans, *_ in located])
    rows = []
    for (transcript, _, line, code_ids, coder, quote), (span, problem) in zip(
        located, chosen, strict=True
    ):
        if code_ids and problem:
            records.append(quote_failure(source, line, quote, columns, problem))
        if not code_ids or span is None:
            continue
        start, end = span
        text = texts[transcript]
        for code_id in code_ids:
            rows.append(
                {
                    "transcript_id": transcript,
                    "start": start,
                    "end": end,
                    "case_id": transcript,
                    "code_id": code_id,
                    "coder": coder,
                    "paragraph": paragraph_number(text, start),
                    "text": text[start:end],
                    "source_file": source,
                    "source_row": line,
                }
            )
    records += duplicate_records(rows, source)
    if records:
        report = report_frame(records)
        raise ValidationFailed(summarise_failures(report, len(export)), report, path=source)
    if not rows:
        raise QualframeError("no coded segments: no row of the export names a code", source)
    return assign_segment_ids(pd.DataFrame(rows), codebook)


def quote_failure(source: str, line: int, quote: str, columns: ColumnMap, problem: str) -> dict:
    """A failure record for a segment that could not be located. The quote itself may
    hold identifiers (coding done on raw text): only its length is given."""
    column = columns.start if problem.startswith("offsets") else columns.text
    return failure(source, line, column, f"quote of {len(quote)} characters", problem)


def choose_by_row_order(
    rows: list[tuple[str, list[tuple[int, int]]]],
) -> list[tuple[tuple[int, int] | None, str]]:
    """For each row (transcript, the places its segment was found), in sheet order: its
    span and "" , or None and the problem. A row found at one place has that span; a
    quote found at several places gets the first at or after the end of the previous
    located row of its transcript, if that transcript's rows are in text order (the rows
    found at one place never go backwards); else it is ambiguous. A row found nowhere
    gets (None, "") (its problem is already reported)."""
    singles: dict[str, list[int]] = {}
    for transcript, spans in rows:
        if len(spans) == 1:
            singles.setdefault(transcript, []).append(spans[0][0])
    in_order = {t: all(a <= b for a, b in itertools.pairwise(s)) for t, s in singles.items()}
    previous_end: dict[str, int] = {}
    chosen = []
    for transcript, spans in rows:
        span, problem = (spans[0] if spans else None), ""
        if len(spans) > 1:
            after = previous_end.get(transcript, 0)
            if not in_order.get(transcript, True):
                span = None
                problem = ambiguous(len(spans), "the transcript's rows are not in text order")
            else:
                span = next((s for s in spans if s[0] >= after), None)
                if span is None:
                    problem = ambiguous(len(spans), "none after the previous row's segment")
        if span is not None:
            previous_end[transcript] = span[1]
        chosen.append((span, problem))
    return chosen


def duplicate_records(rows: list[dict], source: str) -> list[dict]:
    """Failure records for rows coding the same span with the same code by the same coder
    as an earlier row (an export done twice, or a copy-paste)."""
    first: dict[tuple, int] = {}
    records = []
    for row in rows:
        key = (row["transcript_id"], row["start"], row["end"], row["code_id"], row["coder"])
        if key in first:
            records.append(
                failure(
                    source,
                    row["source_row"],
                    "",
                    "",
                    f"duplicate segment: same span, code and coder as row {first[key]}",
                )
            )
        else:
            first[key] = row["source_row"]
    return records


def transcript_lookup(transcript_ids) -> dict:
    """Every accepted spelling of each transcript id: the id in any case, and its letters
    and digits alone with accents dropped (a file named "Entretien Élodie 3.docx" whose
    transcript is "entretien_elodie_3"), unless two ids share that."""
    lookup: dict = {t.casefold(): t for t in transcript_ids}
    loose: dict[str, set[str]] = {}
    for transcript_id in transcript_ids:
        loose.setdefault(loose_name(transcript_id), set()).add(transcript_id)
    for key, ids in loose.items():
        if key:
            lookup[("loose", key)] = next(iter(ids)) if len(ids) == 1 else None
    return lookup


def loose_name(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NOT_ALPHANUMERIC.sub("", ascii_name.casefold())


def resolve_transcript(name: str, lookup: Mapping) -> str | None:
    """The transcript id a document name refers to (see transcript_lookup), ignoring a
    file extension; None when none or several."""
    name = name.strip()
    for suffix in TRANSCRIPT_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    found = lookup.get(name.casefold())
    return found if found is not None else lookup.get(("loose", loose_name(name)))


def find_spans(
    text: str, row: Mapping, columns: ColumnMap, view: tuple[str, list[int]] | None = None
) -> tuple[list[tuple[int, int]], str]:
    """Every place one segment may be: its offsets when the export gives them, else each
    occurrence of its quote (see spans_of_quote). Returns (spans, "") or ([], problem)."""
    quote = row[columns.text]
    if columns.start and columns.end and row[columns.start].strip():
        span, problem = span_from_offsets(text, row[columns.start], row[columns.end], quote)
        return ([span] if span else []), problem
    if not quote.strip():
        return [], "empty quote: the segment has no text and no offsets"
    return spans_of_quote(text, quote, view)


def span_from_offsets(text: str, start: str, end: str, quote: str):
    try:
        begin, finish = int(start), int(end)
    except ValueError:
        return None, f"offsets are not whole numbers: {start!r}, {end!r}"
    if not 0 <= begin < finish <= len(text):
        return None, f"offsets out of range: {begin}-{finish} in a text of {len(text)} characters"
    if quote.strip() and not same_quote(text[begin:finish], quote):
        return None, "offsets do not match the quoted text"
    return (begin, finish), ""


def same_quote(located: str, quote: str) -> bool:
    """Whether a located text is the quoted one, ignoring whitespace, quote style and
    Unicode composition."""
    nfc = unicodedata.normalize("NFC", quote)
    return canonical_text(located).strip() == canonical_text(nfc).strip()


def canonical_text(text: str) -> str:
    """canonical(text)'s text alone, without the positions (one regex pass)."""
    return _WHITESPACE.sub(" ", text.translate(_QUOTE_STYLES))


def spans_of_quote(
    text: str, quote: str, view: tuple[str, list[int]] | None = None
) -> tuple[list[tuple[int, int]], str]:
    """Every occurrence of `quote` in `text`: exact ones, else those found ignoring
    whitespace, quote style and Unicode composition. `view` is canonical(text), when the
    caller has it already. Returns (spans, "") or ([], problem)."""
    quote = unicodedata.normalize("NFC", quote.strip())
    exact = find_all(text, quote)
    if exact:
        return [(at, at + len(quote)) for at in exact], ""
    canon_text, positions = view or canonical(text)
    canon_quote = canonical_text(quote).strip()
    loose = find_all(canon_text, canon_quote)
    if not loose:
        return [], "quote not found in the de-identified transcript"
    return [(positions[i], positions[i + len(canon_quote) - 1] + 1) for i in loose], ""


def span_from_quote(text: str, quote: str):
    """The one place `quote` occurs in `text` (see spans_of_quote), or a problem."""
    spans, problem = spans_of_quote(text, quote)
    if len(spans) > 1:
        return None, ambiguous(len(spans))
    return (spans[0] if spans else None), problem


def ambiguous(found: int, why: str = "") -> str:
    return f"ambiguous quote: found {found} times in the de-identified transcript" + (
        f", {why}" if why else ""
    )


def find_all(haystack: str, needle: str) -> list[int]:
    found, at = [], haystack.find(needle)
    while at != -1 and needle:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def canonical(text: str) -> tuple[str, list[int]]:
    """Text with quote styles unified and whitespace runs collapsed to one space, and for
    each character of it the offset of the character it came from."""
    chars, positions = [], []
    previous_space = False
    for offset, char in enumerate(text.translate(_QUOTE_STYLES)):
        if char.isspace():
            if previous_space:
                continue
            char, previous_space = " ", True
        else:
            previous_space = False
        chars.append(char)
        positions.append(offset)
    return "".join(chars), positions


def paragraph_number(text: str, offset: int) -> int:
    """1-based number of the paragraph (blank-line separated block) holding `offset`."""
    return text.count("\n\n", 0, offset) + 1


@pa.check_types
def assign_segment_ids(segments: pd.DataFrame, codebook: pd.DataFrame) -> DataFrame[Segment]:
    """Sort segments by transcript, position, codebook order and coder, and number them
    within each transcript (`P01-S001`), so ids are stable across runs."""
    if segments.empty:
        return pd.DataFrame(columns=columns_of(Segment))
    order = codebook.set_index("code_id")["code_order"]
    segments = segments.assign(_order=segments["code_id"].map(order))
    segments = segments.sort_values(
        ["transcript_id", "start", "end", "_order", "coder"], kind="stable"
    ).drop(columns="_order")
    number = segments.groupby("transcript_id").cumcount() + 1
    segments.insert(0, "segment_id", segments["transcript_id"] + "-S" + number.map("{:03d}".format))
    return segments[columns_of(Segment)].reset_index(drop=True)
