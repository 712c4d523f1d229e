"""Offset maps: where each character of a derived text came from in its source text.

Every text transformation the project makes (ingest's normalisation, the canonical view
used for matching) returns the new text with an `OffsetMap`, so a span found in the
derived text can be mapped back to the characters it covers in the source, and a span a
CAQDAS wrote against the source can be mapped onto the derived text.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

EDIT_COLUMNS = ["source_start", "source_end", "derived_start", "derived_end"]
# Runs of non-ASCII characters with the character before them: the only places a Unicode
# normal form can differ from the text (no composition pairs an ASCII character second).
_NON_ASCII_RUN = re.compile(r".?[^\x00-\x7f]+", re.DOTALL)


@dataclass(frozen=True, eq=False)
class OffsetMap:
    """For a derived text of n characters: derived character i came from
    `source[starts[i]:ends[i]]`; `starts` has a final entry, the source's length.

    Both arrays are non-decreasing. A character inserted from nothing has an empty source
    range; a deleted source character belongs to no derived character.
    """

    starts: np.ndarray
    ends: np.ndarray

    def __post_init__(self):
        if len(self.starts) != len(self.ends) + 1:
            raise ValueError("starts must have exactly one entry more than ends")

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        """The map of a text onto an unchanged copy of itself."""
        positions = np.arange(length + 1, dtype=np.int64)
        return cls(positions, positions[1:].copy())

    @property
    def derived_length(self) -> int:
        return len(self.ends)

    @property
    def source_length(self) -> int:
        return int(self.starts[-1])

    def is_identity(self) -> bool:
        return self.derived_length == self.source_length and bool(
            np.array_equal(self.ends, np.arange(1, self.derived_length + 1))
        )

    def source_spans(self, starts, ends) -> tuple[np.ndarray, np.ndarray]:
        """Map derived spans [start, end) to the source spans covering them (vectorised)."""
        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        self._check(starts, ends, self.derived_length, "derived")
        source_starts = self.starts[starts]
        last = np.clip(ends - 1, 0, None)
        covered = self.ends[last] if self.derived_length else np.zeros_like(ends)
        source_ends = np.where(ends > starts, np.maximum(covered, source_starts), source_starts)
        return source_starts, source_ends

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map one derived span [start, end) to the source span covering it."""
        source_starts, source_ends = self.source_spans([start], [end])
        return int(source_starts[0]), int(source_ends[0])

    def derived_spans(self, starts, ends) -> tuple[np.ndarray, np.ndarray]:
        """Map source spans [start, end) to the smallest derived spans holding every derived
        character that came from inside them (vectorised). A span whose characters were all
        deleted maps to an empty span where they were."""
        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        self._check(starts, ends, self.source_length, "source")
        # first derived character ending after the span starts
        derived_starts = np.searchsorted(self.ends, starts, side="right")
        # derived characters starting before the span ends
        derived_ends = np.searchsorted(self.starts[:-1], ends, side="left")
        empty = ends <= starts
        derived_ends = np.where(empty, derived_starts, np.maximum(derived_ends, derived_starts))
        return derived_starts, derived_ends

    def derived_span(self, start: int, end: int) -> tuple[int, int]:
        """Map one source span [start, end) onto the derived text."""
        derived_starts, derived_ends = self.derived_spans([start], [end])
        return int(derived_starts[0]), int(derived_ends[0])

    def then(self, later: "OffsetMap") -> "OffsetMap":
        """Compose: `self` maps text B back to A, `later` maps C back to B; the result maps
        C back to A."""
        if later.source_length != self.derived_length:
            raise ValueError("the later map's source is not this map's derived text")
        starts = self.starts[later.starts]
        covered = self.ends[np.clip(later.ends - 1, 0, None)] if len(self.ends) else later.ends
        ends = np.where(later.ends > later.starts[:-1], covered, starts[:-1])
        return OffsetMap(starts, np.maximum(ends, starts[:-1]))

    def to_edits(self) -> pd.DataFrame:
        """The map as its edits only: the runs where the derived text is not a character
        for character copy of its source (deletions have an empty derived span). Compact,
        for storage beside a text."""
        n = self.derived_length
        previous_ends = np.concatenate([[0], self.ends[:-1]]).astype(np.int64)
        copied = (self.ends - self.starts[:-1] == 1) & (self.starts[:-1] == previous_ends)
        rows, i = [], 0
        for i in np.flatnonzero(~copied):
            start, end, before = int(self.starts[i]), int(self.ends[i]), int(previous_ends[i])
            if rows and rows[-1][3] == i and rows[-1][:2] == (start, end):
                rows[-1] = (start, end, rows[-1][2], i + 1)  # one replacement, several chars
                continue
            if start > before:
                rows.append((before, start, int(i), int(i)))  # deleted before this character
            if end - start != 1 or start < before:
                rows.append((start, end, int(i), int(i) + 1))
        last = int(self.ends[-1]) if n else 0
        if last < self.source_length:
            rows.append((last, self.source_length, n, n))
        return pd.DataFrame(rows, columns=EDIT_COLUMNS, dtype="int64")

    @classmethod
    def from_edits(
        cls, edits: pd.DataFrame, source_length: int, derived_length: int
    ) -> "OffsetMap":
        """Rebuild a map from `to_edits`' table and the two texts' lengths."""
        builder = _Builder()
        source_at = derived_at = 0
        ordered = edits.sort_values(["derived_start", "derived_end", "source_start"])
        for row in ordered.itertuples(index=False):
            copied = row.derived_start - derived_at
            builder.copy(source_at, copied)
            builder.replace(row.source_start, row.source_end, row.derived_end - row.derived_start)
            source_at, derived_at = row.source_end, row.derived_end
        builder.copy(source_at, derived_length - derived_at)
        result = builder.build(source_length)
        if result.derived_length != derived_length:
            raise ValueError("the edits do not fit the texts' lengths")
        return result

    @staticmethod
    def _check(starts: np.ndarray, ends: np.ndarray, length: int, which: str) -> None:
        if len(starts) and (starts.min() < 0 or ends.max() > length or (ends < starts).any()):
            raise ValueError(f"span outside the {which} text of {length} characters")


class _Builder:
    """Collects a derived text's character origins piece by piece."""

    def __init__(self):
        self.starts: list[np.ndarray] = []
        self.ends: list[np.ndarray] = []

    def copy(self, source_start: int, length: int) -> None:
        if length > 0:
            positions = np.arange(source_start, source_start + length, dtype=np.int64)
            self.starts.append(positions)
            self.ends.append(positions + 1)

    def replace(self, source_start: int, source_end: int, length: int) -> None:
        if length > 0:
            self.starts.append(np.full(length, source_start, dtype=np.int64))
            self.ends.append(np.full(length, source_end, dtype=np.int64))

    def build(self, source_length: int) -> OffsetMap:
        starts = np.concatenate([*self.starts, np.array([source_length], dtype=np.int64)])
        ends = np.concatenate(self.ends) if self.ends else np.zeros(0, dtype=np.int64)
        return OffsetMap(starts, ends)


def rewrite(
    text: str, pattern: re.Pattern | str, replace: Callable[[re.Match], str] | str
) -> tuple[str, OffsetMap]:
    """Substitute every match of `pattern` like `re.sub` and map the result back to `text`:
    each replacement's characters come from the whole match."""
    pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
    builder, pieces, at = _Builder(), [], 0
    for match in pattern.finditer(text):
        new = match.expand(replace) if isinstance(replace, str) else replace(match)
        if new == match.group(0):
            continue
        pieces.append(text[at : match.start()])
        builder.copy(at, match.start() - at)
        pieces.append(new)
        builder.replace(match.start(), match.end(), len(new))
        at = match.end()
    pieces.append(text[at:])
    builder.copy(at, len(text) - at)
    return "".join(pieces), builder.build(len(text))


def replace_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> tuple[str, OffsetMap]:
    """Replace non-overlapping (start, end, new) spans of `text`, in any order."""
    builder, pieces, at = _Builder(), [], 0
    for start, end, new in sorted(spans):
        if start < at:
            raise ValueError(f"span {start}-{end} overlaps the one before it")
        pieces.append(text[at:start])
        builder.copy(at, start - at)
        pieces.append(new)
        builder.replace(start, end, len(new))
        at = end
    pieces.append(text[at:])
    builder.copy(at, len(text) - at)
    return "".join(pieces), builder.build(len(text))


def translate(
    text: str, mapping: Callable[[str], str] | Mapping[str, str]
) -> tuple[str, OffsetMap]:
    """Map each character to a string (empty, one or several characters). A dict maps only
    the characters it names; others are kept."""
    if isinstance(mapping, Mapping):
        table = mapping
        if not any(char in table for char in set(text)):
            return text, OffsetMap.identity(len(text))
        spans = ((i, i + 1, table[char]) for i, char in enumerate(text) if char in table)
    else:
        spans = ((i, i + 1, new) for i, char in enumerate(text) if (new := mapping(char)) != char)
    return replace_spans(text, spans)


def normalize(text: str, form: str) -> tuple[str, OffsetMap]:
    """Unicode normal form `form` (NFC, NFD, NFKC, NFKD) of `text`, with its map: each
    character sequence (a character and the combining marks after it) maps to itself."""
    if unicodedata.is_normalized(form, text):
        return text, OffsetMap.identity(len(text))
    spans = []
    for match in _NON_ASCII_RUN.finditer(text):
        run = match.group(0)
        whole = unicodedata.normalize(form, run)
        if whole == run:
            continue
        pieces = _sequences(run, match.start(), form)
        if "".join(new for _, _, new in pieces) != whole:
            pieces = [(match.start(), match.end(), whole)]  # composition across sequences
        spans += [piece for piece in pieces if piece[2] != text[piece[0] : piece[1]]]
    return replace_spans(text, spans)


def _sequences(run: str, offset: int, form: str) -> list[tuple[int, int, str]]:
    """Split `run` into character sequences (a starter and its combining marks), each
    with its normal form and its place in the whole text."""
    pieces, start = [], 0
    for i in range(1, len(run) + 1):
        if i == len(run) or unicodedata.combining(run[i]) == 0:
            pieces.append((offset + start, offset + i, unicodedata.normalize(form, run[start:i])))
            start = i
    return pieces
