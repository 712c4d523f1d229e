"""Text normalisation: the one form of text every later offset refers to, with the maps
back to the text as read, so an offset written against the raw file (by a CAQDAS) lands on
the same characters of the normalised text."""

import json
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qualframe.text.offsets import EDIT_COLUMNS, OffsetMap, normalize, rewrite

BOM = "\ufeff"
_BOM = re.compile(r"\A\ufeff")
_LINE_ENDING = re.compile(r"\r\n?")
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
    without_bom, bom_map = rewrite(text, _BOM, "")
    lf, endings_map = rewrite(without_bom, _LINE_ENDING, "\n")
    line_endings = bom_map.then(endings_map)
    normalised, steps = lf, OffsetMap.identity(len(lf))
    for step in (
        lambda t: normalize(t, "NFC"),
        lambda t: rewrite(t, _TRAILING_SPACE, ""),
        lambda t: rewrite(t, _MANY_BLANK_LINES, "\n\n"),
        lambda t: rewrite(t, _LEADING_NEWLINES, ""),
        lambda t: rewrite(t, _TRAILING_NEWLINES, "\n" if t.strip("\n") else ""),
    ):
        normalised, later = step(normalised)
        steps = steps.then(later)
    return normalised, IngestMaps(line_endings, steps)


def edits_json(offsets: OffsetMap) -> str:
    """A map's edits (OffsetMap.to_edits) as a JSON list of [source_start, source_end,
    derived_start, derived_end] rows."""
    return json.dumps(offsets.to_edits().to_numpy().tolist(), separators=(",", ":"))


def edits_map(edits: str, source_length: int, derived_length: int) -> OffsetMap:
    """The map stored as `edits_json`."""
    rows = np.asarray(json.loads(edits), dtype=np.int64).reshape(-1, 4)
    frame = pd.DataFrame(rows, columns=EDIT_COLUMNS)
    return OffsetMap.from_edits(frame, source_length, derived_length)
