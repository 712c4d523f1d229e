"""Scoring de-identification against gold spans: the gold file, recall, leak, precision."""

import json
import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.evaluate import (
    GoldSpan,
    gold_to_jsonl,
    read_gold_jsonl,
    score,
    scores_table,
)
from qualframe.schemas import ENTITY_TYPES

TEXTS = {
    "P01": "Interviewer: Hello Dr Ann Lee, thanks.\n\nParticipant: Ring 07700 900123 any time.\n",
    "P02": "Participant: Nothing to hide here, honestly.\n",
}


def span_of(tid: str, surface: str, label: str, nth: int = 0) -> tuple:
    text = TEXTS[tid]
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return (tid, start, start + len(surface), label, surface)


GOLD_ROWS = [
    span_of("P01", "Ann Lee", "PERSON"),
    span_of("P01", "07700 900123", "PHONE"),
]


def gold_of(rows) -> pd.DataFrame:
    columns = ["transcript_id", "start", "end", "entity_type", "text"]
    types = {c: str for c in columns} | {"start": "int64", "end": "int64"}
    return GoldSpan.validate(pd.DataFrame(rows, columns=columns).astype(types))


def predicted_of(rows) -> pd.DataFrame:
    """Predictions from (tid, start, end, type) rows."""
    columns = ["transcript_id", "start", "end", "entity_type"]
    types = {"transcript_id": str, "start": "int64", "end": "int64", "entity_type": str}
    return pd.DataFrame(rows, columns=columns).astype(types)


GOLD = gold_of(GOLD_ROWS)


# --- the gold file -----------------------------------------------------------------------


def test_gold_jsonl_round_trip():
    text = gold_to_jsonl(GOLD)
    first = json.loads(text.splitlines()[0])
    assert first["file"] == "P01"
    assert first["spans"][0] == {"start": 22, "end": 29, "label": "PERSON", "text": "Ann Lee"}
    pd.testing.assert_frame_equal(read_gold_jsonl(text.splitlines()), GOLD)


def test_gold_file_names_give_transcript_ids_and_blank_lines_are_skipped():
    lines = [
        json.dumps({"file": "transcripts/P01.docx", "spans": []}),
        "",
        json.dumps(
            {"file": "P02.txt", "spans": [{"start": 0, "end": 3, "label": "ORG", "text": "abc"}]}
        ),
        json.dumps(
            {"file": "site.A-03", "spans": [{"start": 1, "end": 2, "label": "AGE", "text": "x"}]}
        ),
    ]
    gold = read_gold_jsonl(lines)
    assert gold["transcript_id"].tolist() == ["P02", "site.A-03"]


def test_empty_gold_file_gives_an_empty_frame():
    gold = read_gold_jsonl([])
    assert gold.empty and list(gold.columns) == list(GOLD.columns)
    assert gold_to_jsonl(gold) == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "gold line 2: not valid JSON"),
        ("[1, 2]", "gold line 2: expected a JSON object"),
        ('{"spans": []}', "gold line 2: 'file' must be a non-empty string"),
        ('{"file": "P 9", "spans": []}', "gold line 2: 'file' 'P 9' does not give a valid"),
        ('{"file": "P9", "spans": {}}', "gold line 2: 'spans' must be a list"),
        (
            '{"file": "P9", "spans": [{"start": 0, "end": 2, "label": "PERSON"}]}',
            "gold line 2: span 1: needs",
        ),
        (
            '{"file": "P9", "spans": [{"start": "0", "end": 2, "label": "PERSON", "text": "ab"}]}',
            "gold line 2: span 1: start and end must be integers",
        ),
        (
            '{"file": "P9", "spans": [{"start": 3, "end": 2, "label": "PERSON", "text": ""}]}',
            "gold line 2: span 1: needs 0 <= start < end, got 3..2",
        ),
        (
            '{"file": "P9", "spans": [{"start": 0, "end": 2, "label": "NAME", "text": "ab"}]}',
            "gold line 2: span 1: unknown label 'NAME'",
        ),
        (
            '{"file": "P9", "spans": [{"start": 0, "end": 2, "label": "ORG", "text": "abc"}]}',
            "gold line 2: span 1: text must be a string of length end - start",
        ),
        (
            '{"file": "P01.txt", "spans": []}',
            "gold line 2: transcript 'P01' already given on line 1",
        ),
    ],
)
def test_bad_gold_lines_are_named(line, message):
    lines = ['{"file": "P01", "spans": []}', line]
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        read_gold_jsonl(lines)


# --- scoring -----------------------------------------------------------------------------


def test_partial_prediction_scores():
    person, phone = GOLD_ROWS
    predicted = predicted_of(
        [
            ("P01", person[1] + 4, person[2], "PERSON"),  # "Lee" only: found, "Ann" leaks
            ("P02", 13, 20, "ORG"),  # false alarm
        ]
    )
    scores = score(GOLD, predicted, TEXTS)
    assert scores.recall == 0.5
    assert scores.recall_by_label == {"PERSON": 1.0, "PHONE": 0.0}
    # identifier characters: "AnnLee" (6) + 11 digits; leaked "Ann" (3) + 11 digits
    assert scores.leak_share == pytest.approx(14 / 17)
    assert scores.precision == 0.5
    assert scores.precision_by_type == {"PERSON": 1.0, "ORG": 0.0}
    assert scores.transcripts == 2
    assert scores.transcripts_with_miss == 1
    assert scores.missed["text"].tolist() == ["07700 900123"]
    assert scores.false_alarms["transcript_id"].tolist() == ["P02"]


def test_found_regardless_of_type_and_touching_is_not_overlap():
    person, phone = GOLD_ROWS
    predicted = predicted_of(
        [
            ("P01", person[1], person[2], "LOCATION"),
            ("P01", phone[2], phone[2] + 1, "PHONE"),  # starts where the phone ends
        ]
    )
    scores = score(GOLD, predicted, TEXTS)
    assert scores.gold["found"].tolist() == [True, False]
    assert scores.predicted["overlaps_gold"].tolist() == [True, False]


def test_scores_table_has_all_then_labels_in_schema_order():
    predicted = predicted_of([("P01", GOLD_ROWS[1][1], GOLD_ROWS[1][2], "PHONE")])
    table = scores_table(score(GOLD, predicted, TEXTS))
    assert table["label"].tolist() == ["all", "PERSON", "PHONE"]
    assert table.loc[0, ["gold_spans", "found", "predicted_spans"]].tolist() == [2, 1, 1]
    assert math.isnan(table.loc[1, "precision"])  # nothing predicted as PERSON
    assert table.loc[2, "recall"] == 1.0


def test_anonymisation_log_columns_are_accepted():
    log = pd.DataFrame(
        {
            "transcript_id": ["P01"],
            "start": [GOLD_ROWS[0][1]],
            "end": [GOLD_ROWS[0][2]],
            "entity_type": ["PERSON"],
            "original": ["Ann Lee"],
            "replacement": ["[PERSON_1]"],
        }
    )
    assert score(GOLD, log, TEXTS).recall == 0.5


@pytest.mark.parametrize(
    ("gold_rows", "predicted_rows", "message"),
    [
        ([("P03", 0, 2, "ORG", "ab")], [], "gold row 1: unknown transcript 'P03'"),
        ([("P01", 0, 5, "ORG", "Ann L")], [], r"gold row 1: 'Ann L' is not the text at P01\[0:5\]"),
        ([], [("P01", 0, 999, "ORG")], r"predicted row 1: offsets 0..999 outside P01"),
        ([], [("P09", 0, 1, "ORG")], "predicted row 1: unknown transcript 'P09'"),
    ],
)
def test_inconsistent_spans_are_named(gold_rows, predicted_rows, message):
    with pytest.raises(ValueError, match=message):
        score(gold_of(gold_rows), predicted_of(predicted_rows), TEXTS)


def test_predictions_without_the_needed_columns_are_refused():
    with pytest.raises(ValueError, match="lack the column"):
        score(GOLD, pd.DataFrame({"transcript_id": ["P01"], "start": [0]}), TEXTS)


# --- properties --------------------------------------------------------------------------


@st.composite
def corpus_with_gold(draw):
    """A few texts and gold spans (possibly overlapping) inside them."""
    texts, rows = {}, []
    for number in range(draw(st.integers(1, 3))):
        tid = f"T{number}"
        text = draw(st.text(alphabet="ab1 .\n", min_size=1, max_size=60))
        texts[tid] = text
        for _ in range(draw(st.integers(0, 5))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            label = draw(st.sampled_from(ENTITY_TYPES))
            rows.append((tid, start, end, label, text[start:end]))
    return texts, gold_of(rows)


@st.composite
def spans_in(draw, texts: dict[str, str], max_size: int = 6):
    rows = []
    for _ in range(draw(st.integers(0, max_size))):
        tid = draw(st.sampled_from(sorted(texts)))
        start = draw(st.integers(0, len(texts[tid]) - 1))
        end = draw(st.integers(start + 1, len(texts[tid])))
        rows.append((tid, start, end, draw(st.sampled_from(ENTITY_TYPES))))
    return rows


def as_predicted(gold: pd.DataFrame) -> pd.DataFrame:
    return gold[["transcript_id", "start", "end", "entity_type"]]


@settings(max_examples=150, deadline=None)
@given(corpus_with_gold())
def test_perfect_prediction_finds_everything_and_leaks_nothing(corpus):
    texts, gold = corpus
    scores = score(gold, as_predicted(gold), texts)
    if gold.empty:
        assert math.isnan(scores.recall) and math.isnan(scores.precision)
        return
    assert scores.recall == 1.0
    assert scores.precision == 1.0
    assert scores.leak_share == 0.0 or math.isnan(scores.leak_share)  # NaN: no letters
    assert scores.transcripts_with_miss == 0


@settings(max_examples=150, deadline=None)
@given(corpus_with_gold())
def test_empty_prediction_finds_nothing(corpus):
    texts, gold = corpus
    scores = score(gold, predicted_of([]), texts)
    if not gold.empty:
        assert scores.recall == 0.0
        assert scores.transcripts_with_miss == gold["transcript_id"].nunique()
    if scores.gold["identifier_chars"].sum() > 0:
        assert scores.leak_share == 1.0
    assert math.isnan(scores.precision)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_adding_predictions_never_lowers_recall_nor_raises_leak(data):
    texts, gold = data.draw(corpus_with_gold())
    first = data.draw(spans_in(texts))
    extra = data.draw(spans_in(texts))
    before = score(gold, predicted_of(first), texts)
    after = score(gold, predicted_of(first + extra), texts)
    if gold.empty:
        return
    assert after.recall >= before.recall
    assert after.gold["found"].ge(before.gold["found"]).all()
    assert after.gold["leaked_chars"].le(before.gold["leaked_chars"]).all()
