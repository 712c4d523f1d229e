"""Text normalisation: the one form of text every later offset refers to, with the maps
back to the text as read, so an offset written against the raw file (by a CAQDAS) lands on
the same characters of the normalised text."""

import json
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qualframe.text.offsets import EDIT_COLUMNS, OffsetMap, normalize

BOM = "\ufeff"
_BOM_OR_LINE_ENDING = re.compile(r"\A\ufeff|\r\n?")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_LEADING_NEWLINES = re.compile(r"\A\n+")
_TRAILING_NEWLINES = re.compile(r"(?<!\n)\n*\Z")


@dataclass(frozen=True)
class IngestMaps:
    """How a normalised text came from the text as read: `line_endings` maps the text with
    the BOM removed and CRLF/CR turned into LF back to the text as read; `normalise` maps
    the normalised text back to that LF text."""

    line_endings: OffsetMap
    normalise: OffsetMap

    @property
    def has_bom(self) -> bool:
        return self.line_endings.source_length > 0 and (
            self.line_endings.derived_length == 0 or int(self.line_endings.starts[0]) == 1
        )

    def readings(self) -> dict[str, tuple[int, OffsetMap]]:
        """The ways a producer may have counted offsets in the raw file, each as (offset
        to add, map from that count to the normalised text): `as written` (the file's
        characters after a BOM, CRLF as two), `LF` (line endings as one character) and
        `with BOM` (the BOM counted as a character). Readings that count the same way as
        an earlier one are left out."""
        whole = self.line_endings.then(self.normalise)
        bom = 1 if self.has_bom else 0
        readings = {"as written": (bom, whole)}
        if self.line_endings.derived_length != self.line_endings.source_length - bom:
            readings["LF"] = (0, self.normalise)
        if bom:
            readings["with BOM"] = (0, whole)
        return readings

    def to_columns(self) -> dict:
        """The maps as the ingest table stores them: lengths and compact edits (JSON)."""
        return {
            "read_characters": self.line_endings.source_length,
            "line_ending_edits": edits_json(self.line_endings),
            "lf_characters": self.normalise.source_length,
            "normalise_edits": edits_json(self.normalise),
        }

    @classmethod
    def from_row(cls, row) -> "IngestMaps":
        """Rebuild the maps from one row of the ingest table (schemas.IngestedTranscript)."""
        lf, normalised = int(row["lf_characters"]), int(row["normalised_characters"])
        return cls(
            edits_map(row["line_ending_edits"], int(row["read_characters"]), lf),
            edits_map(row["normalise_edits"], lf, normalised),
        )


def normalise_text(text: str) -> str:
    """Return `text` with the BOM removed, CRLF/CR turned into LF, Unicode NFC,
    trailing spaces and tabs on lines dropped, runs of blank lines collapsed to one blank
    line, blank lines at the start dropped, and exactly one final newline (empty text
    stays empty)."""
    return normalise_with_maps(text)[0]


def normalise_with_maps(text: str) -> tuple[str, IngestMaps]:
    """`normalise_text` with the maps from the normalised text back to `text`."""
    lf, line_endings = substitute(text, _BOM_OR_LINE_ENDING, lambda m: "" if m[0] == BOM else "\n")
    normalised, steps = normalize(lf, "NFC")
    for pattern, replacement in (
        (_TRAILING_SPACE, ""),
        (_MANY_BLANK_LINES, "\n\n"),
        (_LEADING_NEWLINES, ""),
        (_TRAILING_NEWLINES, "\n"),
    ):
        if pattern is _TRAILING_NEWLINES and not normalised:
            break
        normalised, later = substitute(normalised, pattern, lambda _, r=replacement: r)
        steps = later if steps.is_identity() else steps.then(later)
    return normalised, IngestMaps(line_endings, steps)


def substitute(text: str, pattern: re.Pattern, replace) -> tuple[str, OffsetMap]:
    """`pattern`'s matches in `text` replaced by `replace(match)`, with the map back to
    `text` (each replacement's characters come from the whole match), built in one
    vectorised pass: ingest runs it on every transcript, and text.offsets.rewrite builds
    its map piece by piece."""
    spans = [(m.start(), m.end(), replace(m)) for m in pattern.finditer(text)]
    if not spans:
        return text, OffsetMap.identity(len(text))
    pieces, at = [], 0
    for start, end, new in spans:
        pieces += [text[at:start], new]
        at = end
    pieces.append(text[at:])
    starts = np.array([s for s, _, _ in spans], dtype=np.int64)
    ends = np.array([e for _, e, _ in spans], dtype=np.int64)
    lengths = np.array([len(n) for _, _, n in spans], dtype=np.int64)
    return "".join(pieces), offset_map(len(text), starts, ends, lengths)


def offset_map(
    source_length: int, starts: np.ndarray, ends: np.ndarray, lengths: np.ndarray
) -> OffsetMap:
    """The map of a text whose non-overlapping source spans [starts, ends), in order,
    became `lengths` characters each (each from the whole span), the rest copied."""
    copy_starts = np.concatenate([[0], ends])
    copy_lengths = np.concatenate([starts, [source_length]]) - copy_starts
    # pieces in derived order: copy 0, replacement 0, copy 1, … copy K
    piece_source = np.empty(2 * len(starts) + 1, dtype=np.int64)
    piece_source[0::2], piece_source[1::2] = copy_starts, starts
    piece_end = np.empty_like(piece_source)
    piece_end[0::2], piece_end[1::2] = -1, ends  # -1: a copy, one source character each
    piece_length = np.empty_like(piece_source)
    piece_length[0::2], piece_length[1::2] = copy_lengths, lengths
    piece = np.repeat(np.arange(len(piece_source)), piece_length)
    within = np.arange(len(piece)) - np.repeat(np.cumsum(piece_length) - piece_length, piece_length)
    copied = piece_end[piece] < 0
    derived_starts = piece_source[piece] + np.where(copied, within, 0)
    derived_ends = np.where(copied, derived_starts + 1, piece_end[piece])
    return OffsetMap(np.append(derived_starts, source_length), derived_ends)


def edits_json(offsets: OffsetMap) -> str:
    """A map's edits (OffsetMap.to_edits) as a JSON list of [source_start, source_end,
    derived_start, derived_end] rows."""
    return json.dumps(offsets.to_edits().to_numpy().tolist(), separators=(",", ":"))


def edits_map(edits: str, source_length: int, derived_length: int) -> OffsetMap:
    """The map stored as `edits_json`: built in one vectorised pass when its edits are
    spans in order, each starting where the copied text before it says (as ingest's
    are), else by OffsetMap.from_edits."""
    rows = np.asarray(json.loads(edits), dtype=np.int64).reshape(-1, 4)
    rows = rows[np.lexsort((rows[:, 0], rows[:, 3], rows[:, 2]))]
    starts, ends, derived_starts = rows[:, 0], rows[:, 1], rows[:, 2]
    lengths = rows[:, 3] - rows[:, 2]
    shift = np.concatenate([[0], np.cumsum(lengths - (ends - starts))[:-1]])
    in_order = bool(np.all(starts[1:] >= ends[:-1])) and bool(
        np.array_equal(derived_starts, starts + shift)
    )
    if in_order and source_length + int((lengths - (ends - starts)).sum()) == derived_length:
        return offset_map(source_length, starts, ends, lengths)
    frame = pd.DataFrame(rows, columns=EDIT_COLUMNS)
    return OffsetMap.from_edits(frame, source_length, derived_length)
