"""Guessing which column of a coded-data sheet holds what, from its headers and contents,
for a person to check (`new-study --coding SHEET` writes the guess into the config)."""

import re

import pandas as pd

FIELDS = ("transcript", "code", "coder", "text", "start", "end")
# header words per field, best first; a header equal to one scores more than one holding it
HEADER_WORDS = {
    "transcript": (
        "document name",
        "document",
        "transcript",
        "doc",
        "file",
        "filename",
        "file name",
        "source",
        "interview",
        "case",
    ),
    "code": ("code", "codes", "node", "nodes", "code name", "category", "tag", "tags", "label"),
    "coder": ("coder", "created by", "coded by", "user", "author", "annotator", "owner"),
    "text": (
        "segment",
        "text",
        "quote",
        "quotation",
        "coded text",
        "excerpt",
        "content",
        "utterance",
        "passage",
        "selection",
        "paragraph",
    ),
    "start": ("start", "start position", "start offset", "startposition", "char start"),
    "end": ("end", "end position", "end offset", "endposition", "char end"),
}
SEPARATORS = (";", "|", ",", "\n")
_WORDS = re.compile(r"[^a-z0-9]+")


def guess_column_mapping(frame: pd.DataFrame) -> dict[str, str]:
    """Guess the column of each field (transcript, code, coder, text and, when they look
    like character offsets, start and end) of a sheet read as text. Returns {field:
    column} for the fields found, each column used once; a person checks the guess."""
    scores = []
    for column in frame.columns:
        values = frame[column].astype(str).str.strip()
        values = values[values != ""]
        for field in FIELDS:
            header = header_score(str(column), field)
            if field in ("start", "end") and not header:
                continue  # numbers alone may be paragraphs, lines or times
            score = header + content_score(values, field, len(frame))
            if score > 0:
                scores.append((score, field, column))
    mapping: dict[str, str] = {}
    for _, field, column in sorted(scores, key=lambda s: -s[0]):
        if field not in mapping and column not in mapping.values():
            mapping[field] = column
    if ("start" in mapping) != ("end" in mapping):
        mapping.pop("start", None)
        mapping.pop("end", None)
    return {field: mapping[field] for field in FIELDS if field in mapping}


def header_score(header: str, field: str) -> float:
    """3 for a header that is one of the field's words, 2 for one holding such a word
    (offsets need an exact header: MAXQDA's Begin/End count paragraphs), else 0."""
    words = _WORDS.sub(" ", header.casefold()).strip()
    if words in HEADER_WORDS[field]:
        return 3.0
    if field in ("start", "end"):
        return 0.0
    padded = f" {words} "
    return 2.0 if any(f" {word} " in padded for word in HEADER_WORDS[field]) else 0.0


def content_score(values: pd.Series, field: str, rows: int) -> float:
    """Up to 2 for contents that look like the field: whole numbers for offsets, long
    varied text for quotes, few short distinct values for transcripts and coders, short
    labels for codes; negative for contents that cannot be the field."""
    if values.empty:
        return -1.0
    numeric = values.str.fullmatch(r"\d+").mean()
    length = values.str.len().mean()
    distinct = values.nunique() / len(values)
    if field in ("start", "end"):
        return 1.0 if numeric == 1.0 else -5.0
    if numeric > 0.5:
        return -5.0
    if field == "text":
        return min(length / 40, 2.0) + distinct
    if length > 60:
        return -2.0
    if field == "transcript":
        return 1.0 if values.nunique() <= max(rows // 3, 1) else 0.0
    if field == "coder":
        return 1.0 if values.nunique() <= 10 and length <= 30 else -1.0
    return 0.5  # code: short labels


def guess_code_separator(values: pd.Series) -> str:
    """The separator between several codes in one cell ("career;teaching"): the first of
    ';', '|', ',' and a line break found in at least one cell of `values`, else ""."""
    cells = values.astype(str)
    for separator in SEPARATORS:
        if cells.str.contains(separator, regex=False).any():
            return separator
    return ""
