"""De-identifying the analysts' summaries with the study's pseudonym key.

Summaries are typed by people who have read the raw transcripts, so they may name
participants. Each summary goes through the transcripts' detection (rules, register and,
when enabled, NER) and is also searched for every entity of the pseudonym key; an entity
the key knows is replaced by the placeholder the transcripts use for it, any other by its
category ("[PERSON]"), since numbering new entities is the transcripts' step's job.
"""

from collections.abc import Iterable

import pandas as pd
import pandera.pandas as pa
from pandera.typing import DataFrame

from qualframe.deid.allow import is_allowed, normalise_allow_list
from qualframe.deid.detect import detect_transcript
from qualframe.deid.ner import NerModel
from qualframe.deid.propagate import find_mentions
from qualframe.deid.pseudonym_key import by_entity_key, checked_key, entity_key
from qualframe.deid.pseudonymise import log_frame, replace_spans
from qualframe.deid.register import Register, build_matcher, find_terms
from qualframe.deid.surrogate_values import match_case
from qualframe.schemas import AnonymisationLog, CellSummary, columns_of, placeholder

KEY_DETECTOR = "pseudonym key"
PLACE_COLUMNS = ["workbook", "sheet", "cell"]
DETECTION_COLUMNS = [
    "transcript_id",
    "start",
    "end",
    "entity_type",
    "text",
    "detector",
    "confidence",
]


def summary_ids(summaries: pd.DataFrame) -> list[str]:
    """An id per summary for the log: `summary-1`, `summary-2` … in table order."""
    return [f"summary-{number}" for number in range(1, len(summaries) + 1)]


def key_detections(texts: dict[str, str], key: pd.DataFrame, allowed: frozenset[str]) -> list:
    """Every whole-word occurrence of an entity of the key in `texts`, as detection rows."""
    terms = {
        entity: entity_type
        for entity_type, entity in zip(key["entity_type"], key["entity"], strict=True)
        if not is_allowed(entity, entity_type, allowed)
    }
    matcher = build_matcher(terms)
    return [
        {
            "transcript_id": tid,
            "start": start,
            "end": end,
            "entity_type": entity_type,
            "text": text[start:end],
            "detector": KEY_DETECTOR,
            "confidence": 1.0,
        }
        for tid, text in texts.items()
        for start, end, entity_type in find_terms(matcher, text)
    ]


@pa.check_types
def deidentify_summaries(
    summaries: pd.DataFrame,
    register: Register,
    allow_list: Iterable[str],
    key: pd.DataFrame | None,
    ner: NerModel | None = None,
) -> tuple[DataFrame[CellSummary], pd.DataFrame]:
    """Return (the summaries de-identified, the log of what was replaced).

    `summaries` has read.SUMMARY_COLUMNS; `key` is the study's pseudonym key (as read
    from its CSV; None when there is none yet). The first frame validates as
    schemas.CellSummary, its `replacements` counting each summary's replacements. The
    log is an AnonymisationLog whose `transcript_id` is the summary's id (`summary_ids`)
    plus the summary's workbook, sheet and cell; it holds the originals: restricted.
    """
    allow_list = list(allow_list)
    allowed = normalise_allow_list(allow_list)
    key = checked_key(key)
    summaries = summaries.astype(str)
    ids = summary_ids(summaries)
    texts = dict(zip(ids, summaries["summary"], strict=True))
    found = [detect_transcript(tid, text, register, allow_list, ner) for tid, text in texts.items()]
    found.append(pd.DataFrame(key_detections(texts, key, allowed), columns=DETECTION_COLUMNS))
    detections = pd.concat(
        [frame[DETECTION_COLUMNS] for frame in found if len(frame)]
        or [pd.DataFrame(columns=DETECTION_COLUMNS)],
        ignore_index=True,
    )
    mentions, _ = find_mentions(texts, detections.astype({"confidence": "float64"}), allowed)
    style = key["style"].iloc[0] if len(key) else "numbered"
    known = by_entity_key(key, "replacement")
    new_texts, rows = [], []
    for tid in ids:
        values = [known.get(entity_key(m), placeholder(m.entity_type)) for m in mentions[tid]]
        if style == "surrogate":
            values = [match_case(v, m.text) for v, m in zip(values, mentions[tid], strict=True)]
        text, replaced = replace_spans(tid, texts[tid], mentions[tid], values)
        new_texts.append(text)
        rows += replaced
    log = AnonymisationLog.validate(log_frame(rows))
    places = summaries[PLACE_COLUMNS].set_axis(ids)
    log = log.join(places, on="transcript_id")
    counts = log["transcript_id"].value_counts()
    out = summaries.assign(
        summary=pd.Series(new_texts, index=summaries.index, dtype=object).astype(str),
        replacements=pd.Series(
            [int(counts.get(tid, 0)) for tid in ids], index=summaries.index, dtype="int64"
        ),
    )
    return out[columns_of(CellSummary)], log
