"""Scoring de-identification against a gold annotation of identifier spans.

A gold span counts as found when any predicted span overlaps it, whatever the types:
what matters for de-identification is that the identifier is hidden, not what it was
called. Leak is measured in characters: the share of the gold spans' letters and digits
that no predicted span covers. Precision is the share of predicted spans that overlap
some gold span. Pure functions over strings and frames; reading the files is the
caller's job.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath, PureWindowsPath

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import DataFrame

from qualframe.ingest import SUPPORTED_SUFFIXES
from qualframe.schemas import ENTITY_TYPES, ID_PATTERN, GoldSpan, Span, columns_of, dtypes_of

GOLD_COLUMNS = columns_of(GoldSpan)
PREDICTED_COLUMNS = ["transcript_id", "start", "end", "entity_type"]
SPAN_KEYS = ("start", "end", "label", "text")
ALL = "all"


# --- the gold file -----------------------------------------------------------------------


def transcript_id_of(file: str) -> str:
    """Return the transcript id named by a gold line's `file`: the id itself, or the stem of
    a file name or path with a transcript suffix ("interviews/P01.docx" -> "P01")."""
    name = PureWindowsPath(file).name if "\\" in file else PurePath(file).name
    stem, dot, suffix = name.rpartition(".")
    if dot and f".{suffix.lower()}" in SUPPORTED_SUFFIXES:
        return stem
    return name


def gold_line_spans(record: object) -> tuple[str, list[tuple[int, int, str, str]]]:
    """Return (transcript id, [(start, end, label, text)]) of one parsed gold line.

    Raises ValueError saying what is wrong (without the line number, which the caller
    adds).
    """
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object with 'file' and 'spans'")
    file, spans = record.get("file"), record.get("spans")
    if not isinstance(file, str) or not file:
        raise ValueError("'file' must be a non-empty string")
    transcript_id = transcript_id_of(file)
    if not pd.Series([transcript_id]).str.match(ID_PATTERN).iloc[0]:
        raise ValueError(f"'file' {file!r} does not give a valid transcript id")
    if not isinstance(spans, list):
        raise ValueError("'spans' must be a list")
    rows = []
    for number, span in enumerate(spans, start=1):
        where = f"span {number}"
        if not isinstance(span, dict) or any(key not in span for key in SPAN_KEYS):
            raise ValueError(f"{where}: needs the keys {', '.join(SPAN_KEYS)}")
        start, end, label, text = (span[key] for key in SPAN_KEYS)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            raise ValueError(f"{where}: start and end must be integers")
        if not 0 <= start < end:
            raise ValueError(f"{where}: needs 0 <= start < end, got {start}..{end}")
        if label not in ENTITY_TYPES:
            raise ValueError(f"{where}: unknown label {label!r}; use one of {ENTITY_TYPES}")
        if not isinstance(text, str) or len(text) != end - start:
            raise ValueError(f"{where}: text must be a string of length end - start")
        rows.append((start, end, label, text))
    return transcript_id, rows


@pa.check_types
def gold_frame(rows: list[tuple]) -> DataFrame[GoldSpan]:
    """Return (transcript_id, start, end, entity_type, text) rows as a GoldSpan frame."""
    frame = pd.DataFrame(rows, columns=GOLD_COLUMNS).astype(dtypes_of(GoldSpan))
    frame = frame.sort_values(["transcript_id", "start", "end"], kind="stable")
    return frame.reset_index(drop=True)


def read_gold_jsonl(lines: Iterable[str]) -> pd.DataFrame:
    """Return the spans of a gold file in JSON lines as a GoldSpan frame.

    Takes the file's lines; each non-blank line is `{"file": …, "spans": [{"start",
    "end", "label", "text"}, …]}`, where `file` is a transcript id or a file name whose
    stem is the id. Rows are sorted by transcript, start and end. Raises ValueError
    naming the 1-based line number and the problem (bad JSON, missing key, bad offsets,
    unknown label, a transcript given twice).
    """
    rows, seen = [], {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            transcript_id, spans = gold_line_spans(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValueError(f"gold line {number}: not valid JSON ({exc.msg})") from exc
        except ValueError as exc:
            raise ValueError(f"gold line {number}: {exc}") from exc
        if transcript_id in seen:
            raise ValueError(
                f"gold line {number}: transcript {transcript_id!r} already given on line "
                f"{seen[transcript_id]}"
            )
        seen[transcript_id] = number
        rows += [(transcript_id, *span) for span in spans]
    return gold_frame(rows)


@pa.check_types
def gold_to_jsonl(gold: DataFrame[GoldSpan]) -> str:
    """Return a GoldSpan frame as gold JSON lines, the inverse of `read_gold_jsonl`.

    One line per transcript in id order, `file` being the transcript id, spans sorted by
    start and end; the text ends with a newline (empty text for an empty frame).
    """
    gold = gold[GOLD_COLUMNS]
    lines = []
    for transcript_id, rows in gold.sort_values(["start", "end"], kind="stable").groupby(
        "transcript_id", sort=True
    ):
        spans = [
            {"start": int(start), "end": int(end), "label": label, "text": text}
            for start, end, label, text in rows[["start", "end", "entity_type", "text"]].itertuples(
                index=False
            )
        ]
        lines.append(json.dumps({"file": transcript_id, "spans": spans}, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


# --- scoring -----------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Scores:
    """The result of `score`.

    `gold` is the gold frame with `found` (some prediction overlaps the span),
    `identifier_chars` (letters and digits in the span) and `leaked_chars` (those no
    prediction covers); `predicted` is the prediction frame with `overlaps_gold`;
    `transcripts` is the number of transcripts scored. The measures are properties.
    """

    gold: pd.DataFrame
    predicted: pd.DataFrame
    transcripts: int

    @property
    def recall(self) -> float:
        """Share of gold spans found (NaN when there are none)."""
        return share(self.gold["found"].sum(), len(self.gold))

    @property
    def recall_by_label(self) -> dict[str, float]:
        """{gold label: recall} for every label present in the gold."""
        return share_by(self.gold, "found")

    @property
    def leak_share(self) -> float:
        """Share of identifier characters (letters, digits) that no prediction covers."""
        return share(self.gold["leaked_chars"].sum(), self.gold["identifier_chars"].sum())

    @property
    def precision(self) -> float:
        """Share of predicted spans overlapping a gold span (NaN when nothing predicted)."""
        return share(self.predicted["overlaps_gold"].sum(), len(self.predicted))

    @property
    def precision_by_type(self) -> dict[str, float]:
        """{predicted type: precision} for every type present in the predictions."""
        return share_by(self.predicted, "overlaps_gold")

    @property
    def missed(self) -> pd.DataFrame:
        """The gold spans that no prediction overlaps."""
        return self.gold.loc[~self.gold["found"], GOLD_COLUMNS].reset_index(drop=True)

    @property
    def false_alarms(self) -> pd.DataFrame:
        """The predicted spans that overlap no gold span."""
        return self.predicted.loc[~self.predicted["overlaps_gold"]].reset_index(drop=True)

    @property
    def transcripts_with_miss(self) -> int:
        """Number of transcripts with at least one gold span not found."""
        return int(self.missed["transcript_id"].nunique())


def share(part: float, whole: float) -> float:
    """Return part / whole as a float, NaN when whole is zero."""
    return float(part) / float(whole) if whole else float("nan")


def share_by(frame: pd.DataFrame, flag: str) -> dict[str, float]:
    """Return {entity type: share of rows with `flag` true}, types in ENTITY_TYPES order."""
    shares = frame.groupby("entity_type")[flag].mean()
    return {label: float(shares[label]) for label in ENTITY_TYPES if label in shares.index}


def coverage_mask(length: int, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Return a boolean array of `length`: True where some [start, end) covers the index."""
    delta = np.zeros(length + 1, dtype=np.int64)
    np.add.at(delta, starts, 1)
    np.add.at(delta, ends, -1)
    return np.cumsum(delta[:length]) > 0


def overlaps_any(starts: np.ndarray, ends: np.ndarray, other: pd.DataFrame) -> np.ndarray:
    """Return, for each [start, end), whether any span of `other` (start, end) overlaps it."""
    if other.empty:
        return np.zeros(len(starts), dtype=bool)
    ordered = other.sort_values("start")
    other_starts = ordered["start"].to_numpy()
    max_end = np.maximum.accumulate(ordered["end"].to_numpy())
    # Spans of `other` starting before `end` are a prefix; one of them reaches past `start`
    # exactly when the longest reach of that prefix does.
    before = np.searchsorted(other_starts, ends, side="left")
    reach = np.where(before > 0, max_end[np.maximum(before - 1, 0)], -1)
    return reach > starts


def check_spans(frame: pd.DataFrame, texts: Mapping[str, str], what: str) -> None:
    """Raise ValueError naming the first 1-based row of `frame` whose transcript is not in
    `texts`, whose offsets fall outside its text or, for gold, whose text differs."""
    lengths = {transcript_id: len(text) for transcript_id, text in texts.items()}
    for number, row in enumerate(frame.itertuples(index=False), start=1):
        if row.transcript_id not in lengths:
            raise ValueError(f"{what} row {number}: unknown transcript {row.transcript_id!r}")
        if not 0 <= row.start < row.end <= lengths[row.transcript_id]:
            raise ValueError(
                f"{what} row {number}: offsets {row.start}..{row.end} outside "
                f"{row.transcript_id} (length {lengths[row.transcript_id]})"
            )
        if what == "gold" and texts[row.transcript_id][row.start : row.end] != row.text:
            raise ValueError(
                f"gold row {number}: {row.text!r} is not the text at "
                f"{row.transcript_id}[{row.start}:{row.end}]"
            )


@pa.check_types
def predicted_frame(predicted: pd.DataFrame) -> DataFrame[Span]:
    """Return the prediction columns (transcript_id, start, end, entity_type) as a Span
    frame; accepts a Detection frame, an AnonymisationLog or any frame with those columns."""
    missing = [column for column in PREDICTED_COLUMNS if column not in predicted.columns]
    if missing:
        raise ValueError(f"predicted spans lack the column(s) {', '.join(missing)}")
    frame = predicted[PREDICTED_COLUMNS].astype(
        {"transcript_id": str, "start": "int64", "end": "int64", "entity_type": str}
    )
    return frame.reset_index(drop=True)


def score_transcript(
    text: str, gold: pd.DataFrame, predicted: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the gold and predicted rows of one transcript with their scoring columns
    (see `Scores`)."""
    gold, predicted = gold.copy(), predicted.copy()
    gold_starts, gold_ends = gold["start"].to_numpy(), gold["end"].to_numpy()
    covered = coverage_mask(len(text), predicted["start"].to_numpy(), predicted["end"].to_numpy())
    identifying = np.fromiter(map(str.isalnum, text), dtype=bool, count=len(text))
    # Prefix sums turn each span's character counts into two look-ups.
    identifying_before = np.concatenate([[0], np.cumsum(identifying)])
    leaked_before = np.concatenate([[0], np.cumsum(identifying & ~covered)])
    gold["found"] = overlaps_any(gold_starts, gold_ends, predicted)
    gold["identifier_chars"] = identifying_before[gold_ends] - identifying_before[gold_starts]
    gold["leaked_chars"] = leaked_before[gold_ends] - leaked_before[gold_starts]
    predicted["overlaps_gold"] = overlaps_any(
        predicted["start"].to_numpy(), predicted["end"].to_numpy(), gold
    )
    return gold, predicted


@pa.check_types
def score(gold: DataFrame[GoldSpan], predicted: pd.DataFrame, texts: Mapping[str, str]) -> Scores:
    """Return the `Scores` of predicted identifier spans against the gold.

    Takes a GoldSpan frame, the predictions (transcript_id, start, end, entity_type: a
    Detection frame or an anonymisation log) and {transcript id: normalised text} of
    every transcript scored; a transcript in `texts` without gold spans still counts.
    Raises ValueError naming the row when a span's transcript is not in `texts`, its
    offsets fall outside the text, or a gold text differs from the text at its offsets.
    """
    gold = gold[GOLD_COLUMNS].reset_index(drop=True)
    predicted = predicted_frame(predicted)
    check_spans(gold, texts, "gold")
    check_spans(predicted, texts, "predicted")
    gold_parts, predicted_parts = [], []
    gold_of, predicted_of = gold.groupby("transcript_id"), predicted.groupby("transcript_id")
    for transcript_id in sorted(set(gold["transcript_id"]) | set(predicted["transcript_id"])):
        gold_part, predicted_part = score_transcript(
            texts[transcript_id],
            gold_of.get_group(transcript_id) if transcript_id in gold_of.groups else gold[:0],
            predicted_of.get_group(transcript_id)
            if transcript_id in predicted_of.groups
            else predicted[:0],
        )
        gold_parts.append(gold_part)
        predicted_parts.append(predicted_part)
    empty_gold, empty_predicted = score_transcript("", gold[:0], predicted[:0])
    scored_gold = pd.concat([empty_gold, *gold_parts], ignore_index=True)
    scored_predicted = pd.concat([empty_predicted, *predicted_parts], ignore_index=True)
    return Scores(
        gold=scored_gold.astype(
            {"found": bool, "identifier_chars": "int64", "leaked_chars": "int64"}
        ),
        predicted=scored_predicted.astype({"overlaps_gold": bool}),
        transcripts=len(texts),
    )


def label_row(label: str, gold: pd.DataFrame, predicted: pd.DataFrame) -> dict:
    """Return one row of `scores_table` for the gold and predicted spans of one label."""
    return {
        "label": label,
        "gold_spans": len(gold),
        "found": int(gold["found"].sum()),
        "recall": share(gold["found"].sum(), len(gold)),
        "leak_share": share(gold["leaked_chars"].sum(), gold["identifier_chars"].sum()),
        "transcripts_with_miss": int(gold.loc[~gold["found"], "transcript_id"].nunique()),
        "predicted_spans": len(predicted),
        "overlapping_gold": int(predicted["overlaps_gold"].sum()),
        "precision": share(predicted["overlaps_gold"].sum(), len(predicted)),
    }


def scores_table(scores: Scores) -> pd.DataFrame:
    """Return the scores as a table: a row "all", then one row per entity type present in
    the gold or the predictions (recall and leak by gold label, precision by predicted
    type), in ENTITY_TYPES order."""
    gold, predicted = scores.gold, scores.predicted
    present = set(gold["entity_type"]) | set(predicted["entity_type"])
    rows = [label_row(ALL, gold, predicted)] + [
        label_row(
            label,
            gold[gold["entity_type"] == label],
            predicted[predicted["entity_type"] == label],
        )
        for label in ENTITY_TYPES
        if label in present
    ]
    return pd.DataFrame(rows)
