"""Find candidate identifiers in one transcript by rules and the study register."""

import re
from collections.abc import Iterable

import pandas as pd
import pandera.pandas as pa
from pandera.typing import DataFrame

from qualframe.deid.allow import is_allowed, normalise_allow_list
from qualframe.deid.register import Register, find_register_terms
from qualframe.deid.rules import Hit, find_structured
from qualframe.schemas import Detection

# What an earlier redaction leaves: an upper-case tag ("[PERSON_3]", "[REDACTED]") or
# capitalised words ending in a letter or number ("[Trust A]", "[Hospital 2]"). Kept
# this narrow because transcriber notes such as "[Dave laughs]" can hold real names.
PLACEHOLDER = re.compile(r"\[(?:[A-Z][A-Z0-9_]*|(?:[A-Z][a-z]+ )+(?:[A-Z]|[0-9]+))\]")


def placeholder_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of every existing redaction placeholder in `text`."""
    return [match.span() for match in PLACEHOLDER.finditer(text)]


def inside_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Return whether [start, end) overlaps any of `spans`."""
    return any(start < span_end and span_start < end for span_start, span_end in spans)


def hits_to_frame(transcript_id: str, hits: Iterable[Hit]) -> pd.DataFrame:
    """Return hits as a Detection-shaped frame for one transcript, sorted by start and end."""
    frame = pd.DataFrame(list(hits), columns=list(Hit._fields))
    frame = frame.astype({"start": "int64", "end": "int64"})
    frame.insert(0, "transcript_id", transcript_id)
    frame = frame.astype({"transcript_id": str, "entity_type": str, "text": str, "detector": str})
    columns = ["transcript_id", "start", "end", "entity_type", "text", "detector"]
    return frame[columns].sort_values(["start", "end"], kind="stable").reset_index(drop=True)


@pa.check_types
def detect_transcript(
    transcript_id: str, text: str, register: Register, allow_list: Iterable[str]
) -> DataFrame[Detection]:
    """Return the candidate identifiers of one transcript as a Detection frame.

    Takes the transcript id, its normalised text, the study register (`build_register`)
    and allow-list terms. Runs the rules and the register, drops mentions on the
    allow-list and mentions inside an existing placeholder such as "[PERSON_3]".
    Overlapping detections are kept; `pseudonymise_corpus` resolves them.
    """
    allowed = normalise_allow_list(allow_list)
    placeholders = placeholder_spans(text)
    hits = [
        hit
        for hit in find_structured(text) + find_register_terms(register, text)
        if not is_allowed(hit.text, hit.entity_type, allowed)
        and not inside_any(hit.start, hit.end, placeholders)
    ]
    return hits_to_frame(transcript_id, hits)
