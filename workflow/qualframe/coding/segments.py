"""Coded segments exported from a CAQDAS: resolve transcript and code, locate each quote
in the de-identified transcript, and return one validated row per segment."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from qualframe.coding.report import failure, report_frame, summarise_failures
from qualframe.errors import QualframeError, ValidationFailed
from qualframe.schemas import Segment

TRANSCRIPT_SUFFIXES = (".txt", ".docx", ".vtt", ".rtf", ".doc")
_QUOTE_STYLES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"'}
)
_WHITESPACE = re.compile(r"\s+")


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
) -> pd.DataFrame:
    """Resolve every row of a coded-segment export (read as text) against the
    de-identified `texts` (transcript id → text) and the `codebook`.

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
    transcript_ids = {t.casefold(): t for t in texts}
    codes = code_lookup(codebook)
    rows, records = [], []
    for index, row in export.iterrows():
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
        code_id = codes.get(normalise_code_name(row[columns.code]))
        if code_id is None:
            records.append(
                failure(
                    source,
                    line,
                    columns.code,
                    row[columns.code],
                    "unknown code: not in the codebook by id, name or path",
                )
            )
        coder = row[columns.coder].strip()
        if not coder:
            records.append(failure(source, line, columns.coder, "", "empty coder"))
        if transcript is None:
            continue
        span, problem = find_span(texts[transcript], row, columns)
        if problem:
            column = columns.start if problem.startswith("offsets") else columns.text
            # the quote itself may hold identifiers (coding done on raw text): give its size
            value = f"quote of {len(row[columns.text])} characters"
            records.append(failure(source, line, column, value, problem))
        if len(records) > problems_before:
            continue
        start, end = span
        rows.append(
            {
                "transcript_id": transcript,
                "start": start,
                "end": end,
                "case_id": transcript,
                "code_id": code_id,
                "coder": coder,
                "paragraph": paragraph_number(texts[transcript], start),
                "text": texts[transcript][start:end],
                "source_file": source,
                "source_row": line,
            }
        )
    records += duplicate_records(rows, source)
    if records:
        report = report_frame(records)
        raise ValidationFailed(summarise_failures(report, len(export)), report, path=source)
    return assign_segment_ids(pd.DataFrame(rows), codebook)


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


def code_lookup(codebook: pd.DataFrame) -> dict[str, str]:
    """Map every accepted spelling of a code to its id: the id, the name, and the
    theme/code path as MAXQDA (`Theme\\Code`) or NVivo (`Theme > Code`) write it."""
    lookup = {}
    for row in codebook.itertuples(index=False):
        for name in (
            row.code_id,
            row.code,
            f"{row.theme}\\{row.code}",
            f"{row.theme} > {row.code}",
            f"{row.theme}/{row.code}",
        ):
            lookup[normalise_code_name(name)] = row.code_id
    return lookup


def normalise_code_name(name: str) -> str:
    return _WHITESPACE.sub(" ", name).strip().casefold()


def resolve_transcript(name: str, transcript_ids: Mapping[str, str]) -> str | None:
    """The transcript id a document name refers to, ignoring case and a file extension."""
    name = name.strip()
    for suffix in TRANSCRIPT_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    return transcript_ids.get(name.casefold())


def find_span(text: str, row: pd.Series, columns: ColumnMap) -> tuple[tuple[int, int] | None, str]:
    """Locate one segment: by offsets when the export gives them, else by its quote.
    Returns ((start, end), "") or (None, problem)."""
    quote = row[columns.text]
    if columns.start and columns.end and row[columns.start].strip():
        return span_from_offsets(text, row[columns.start], row[columns.end], quote)
    if not quote.strip():
        return None, "empty quote: the segment has no text and no offsets"
    return span_from_quote(text, quote)


def span_from_offsets(text: str, start: str, end: str, quote: str):
    try:
        begin, finish = int(start), int(end)
    except ValueError:
        return None, f"offsets are not whole numbers: {start!r}, {end!r}"
    if not 0 <= begin < finish <= len(text):
        return None, f"offsets out of range: {begin}-{finish} in a text of {len(text)} characters"
    if quote.strip() and canonical(text[begin:finish])[0].strip() != canonical(quote)[0].strip():
        return None, "offsets do not match the quoted text"
    return (begin, finish), ""


def span_from_quote(text: str, quote: str):
    """Find `quote` in `text` exactly, else ignoring whitespace and quote style.
    Zero or several matches are problems."""
    quote = quote.strip()
    exact = find_all(text, quote)
    if len(exact) == 1:
        return (exact[0], exact[0] + len(quote)), ""
    if len(exact) > 1:
        return None, f"ambiguous quote: found {len(exact)} times in the de-identified transcript"
    canon_text, positions = canonical(text)
    canon_quote = canonical(quote)[0].strip()
    loose = find_all(canon_text, canon_quote)
    if len(loose) == 1:
        begin = positions[loose[0]]
        finish = positions[loose[0] + len(canon_quote) - 1] + 1
        return (begin, finish), ""
    if len(loose) > 1:
        return None, f"ambiguous quote: found {len(loose)} times in the de-identified transcript"
    return None, "quote not found in the de-identified transcript"


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


def assign_segment_ids(segments: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """Sort segments by transcript, position, codebook order and coder, and number them
    within each transcript (`P01-S001`), so ids are stable across runs."""
    if segments.empty:
        return Segment.validate(pd.DataFrame(columns=list(Segment.to_schema().columns)))
    order = codebook.set_index("code_id")["code_order"]
    segments = segments.assign(_order=segments["code_id"].map(order))
    segments = segments.sort_values(
        ["transcript_id", "start", "end", "_order", "coder"], kind="stable"
    ).drop(columns="_order")
    number = segments.groupby("transcript_id").cumcount() + 1
    segments.insert(0, "segment_id", segments["transcript_id"] + "-S" + number.map("{:03d}".format))
    columns = list(Segment.to_schema().columns)
    return Segment.validate(segments[columns].reset_index(drop=True))
