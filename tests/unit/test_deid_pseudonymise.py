"""Corpus-wide pseudonymisation: consistency, propagation, overlaps, numbering, the log."""

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.deid import (
    DEFAULT_ALLOW_LIST,
    build_register,
    detect_transcript,
    map_offset,
    pseudonymise_corpus,
)
from qualframe.schemas import AnonymisationLog, Detection

REGISTER = build_register(
    pd.DataFrame(
        [
            ("Priya Raman", "PERSON"),
            ("Helen Marsh", "PERSON"),
            ("Dave", "PERSON"),
            ("Sam", "PERSON"),
            ("Bolton", "LOCATION"),
            ("Bolton Council", "ORG"),
            ("Marsh Lane", "LOCATION"),
        ],
        columns=["term", "entity_type"],
    )
)


def detections_for(texts: dict[str, str], register=REGISTER) -> pd.DataFrame:
    frames = [
        detect_transcript(tid, text, register, DEFAULT_ALLOW_LIST) for tid, text in texts.items()
    ]
    return pd.concat(frames, ignore_index=True)


def run(texts: dict[str, str], register=REGISTER):
    return pseudonymise_corpus(texts, detections_for(texts, register), DEFAULT_ALLOW_LIST)


def detection(tid: str, text: str, surface: str, entity_type: str, detector: str, nth: int = 0):
    start = [m.start() for m in re.finditer(re.escape(surface), text)][nth]
    return (tid, start, start + len(surface), entity_type, surface, detector)


def detection_frame(rows) -> pd.DataFrame:
    columns = ["transcript_id", "start", "end", "entity_type", "text", "detector"]
    types = {column: str for column in columns} | {"start": "int64", "end": "int64"}
    return Detection.validate(pd.DataFrame(rows, columns=columns).astype(types))


def assert_log_invariants(texts: dict[str, str], texts_out: dict[str, str], log: pd.DataFrame):
    AnonymisationLog.validate(log)
    assert list(log.columns) == [
        "transcript_id",
        "start",
        "end",
        "entity_type",
        "original",
        "replacement",
        "deid_start",
        "deid_end",
        "detector",
    ]
    assert log.equals(log.sort_values(["transcript_id", "start"]).reset_index(drop=True))
    for row in log.itertuples(index=False):
        assert texts[row.transcript_id][row.start : row.end] == row.original
        assert texts_out[row.transcript_id][row.deid_start : row.deid_end] == row.replacement


def appears_as_word(original: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(original) + r"(?!\w)", text, re.IGNORECASE) is not None


# --- consistency and propagation ---------------------------------------------------------


def test_same_entity_same_placeholder_across_transcripts():
    texts = {
        "P01": "I met Helen Marsh in Bolton.",
        "P02": "Helen Marsh moved away from Bolton.",
    }
    texts_out, log = run(texts)
    assert texts_out == {
        "P01": "I met [PERSON_1] in [LOCATION_1].",
        "P02": "[PERSON_1] moved away from [LOCATION_1].",
    }
    assert_log_invariants(texts, texts_out, log)


def test_name_parts_and_possessive_propagate_to_the_full_name():
    texts = {
        "P01": "Dr Priya Raman runs it.",
        "P02": "Priya's team, and Raman herself, and PRIYA again.",
    }
    texts_out, log = run(texts)
    assert texts_out["P01"] == "Dr [PERSON_1] runs it."
    assert texts_out["P02"] == "[PERSON_1]'s team, and [PERSON_1] herself, and [PERSON_1] again."
    p02 = log[log["transcript_id"] == "P02"]
    assert list(p02["original"]) == ["Priya", "Raman", "PRIYA"]
    assert set(p02["detector"]) == {"propagated"}
    assert_log_invariants(texts, texts_out, log)


def test_structured_identifiers_propagate_to_transcripts_without_context():
    texts = {
        "P01": "My NHS number is 123 456 7890.",
        "P02": "Then 123 456 7890 came up again.",
    }
    texts_out, log = run(texts)
    assert texts_out["P02"] == "Then [NHS_NUMBER_1] came up again."
    assert list(log["detector"]) == ["rule:nhs_number", "propagated"]


def test_same_phone_written_and_spoken_is_one_entity():
    texts = {
        "P01": "Ring 07700 900481 today.",
        "P02": "It's oh seven seven double oh, nine double oh, four eight one.",
    }
    texts_out, _ = run(texts)
    assert texts_out["P01"] == "Ring [PHONE_1] today."
    assert texts_out["P02"] == "It's [PHONE_1]."


def test_ambiguous_name_part_is_its_own_entity():
    register = build_register(
        pd.DataFrame(
            [("Priya Raman", "PERSON"), ("Priya Shah", "PERSON")], columns=["term", "entity_type"]
        )
    )
    texts = {"P01": "Priya Raman and Priya Shah; Priya said so. Raman agreed."}
    texts_out, _ = run(texts, register)
    assert texts_out["P01"] == "[PERSON_1] and [PERSON_2]; [PERSON_3] said so. [PERSON_1] agreed."


def test_allow_listed_and_short_name_parts_are_not_propagated():
    detections = detection_frame(
        [detection("P01", "J May spoke to Mind.", "J May", "PERSON", "ner")]
    )
    texts = {"P01": "J May spoke to Mind.", "P02": "In May, J said hi."}
    texts_out, _ = pseudonymise_corpus(texts, detections, DEFAULT_ALLOW_LIST)
    assert texts_out == {"P01": "[PERSON_1] spoke to Mind.", "P02": "In May, J said hi."}


def test_sam_does_not_reach_into_samaritans():
    texts = {"P01": "Sam rang the Samaritans."}
    texts_out, _ = run(texts)
    assert texts_out["P01"] == "[PERSON_1] rang the Samaritans."


# --- overlaps ----------------------------------------------------------------------------


def test_longest_overlapping_span_wins():
    text = "Ask Bolton Council today."
    detections = detection_frame(
        [
            detection("P01", text, "Bolton", "LOCATION", "register"),
            detection("P01", text, "Bolton Council", "ORG", "ner"),
        ]
    )
    texts_out, log = pseudonymise_corpus({"P01": text}, detections, DEFAULT_ALLOW_LIST)
    assert texts_out["P01"] == "Ask [ORG_1] today."
    assert list(log["detector"]) == ["ner"]


def test_equal_spans_prefer_rules_over_register():
    text = "It is BL1 4QR here."
    detections = detection_frame(
        [
            detection("P01", text, "BL1 4QR", "LOCATION", "register"),
            detection("P01", text, "BL1 4QR", "POSTCODE", "rule:postcode"),
        ]
    )
    texts_out, log = pseudonymise_corpus({"P01": text}, detections, DEFAULT_ALLOW_LIST)
    assert texts_out["P01"] == "It is [POSTCODE_1] here."
    assert list(log["detector"]) == ["rule:postcode"]


def test_equal_length_overlaps_keep_the_earliest():
    text = "abc def ghi"
    detections = detection_frame(
        [
            ("P01", 4, 11, "ORG", "def ghi", "ner"),
            ("P01", 0, 7, "ORG", "abc def", "ner"),
        ]
    )
    texts_out, _ = pseudonymise_corpus({"P01": text}, detections, [])
    assert texts_out["P01"] == "[ORG_1] ghi"


# --- numbering and placeholders ----------------------------------------------------------


def test_numbering_follows_sorted_ids_then_offsets():
    texts = {
        "P02": "Dave and Sam.",
        "P01": "Sam met Helen Marsh.",
    }
    texts_out, log = run(texts)
    assert texts_out == {
        "P01": "[PERSON_1] met [PERSON_2].",
        "P02": "[PERSON_3] and [PERSON_1].",
    }
    assert list(log["transcript_id"]) == ["P01", "P01", "P02", "P02"]


def test_existing_placeholders_are_left_alone_and_their_numbers_skipped():
    texts = {"P01": "[PERSON_1] told Dave about [Trust A] in Bolton."}
    texts_out, log = run(texts)
    assert texts_out["P01"] == "[PERSON_1] told [PERSON_2] about [Trust A] in [LOCATION_1]."
    assert list(log["original"]) == ["Dave", "Bolton"]


def test_transcript_without_identifiers_is_unchanged():
    texts = {"P01": "Nothing to hide here.", "P02": "Dave spoke."}
    texts_out, log = run(texts)
    assert texts_out["P01"] == texts["P01"]
    assert set(log["transcript_id"]) == {"P02"}


def test_empty_corpus_log_validates():
    texts_out, log = pseudonymise_corpus({"P01": "Nothing."}, detection_frame([]), [])
    assert texts_out == {"P01": "Nothing."}
    AnonymisationLog.validate(log)
    assert log.empty


def test_detection_not_matching_its_text_is_an_error():
    detections = detection_frame([("P01", 0, 4, "PERSON", "Dave", "register")])
    with pytest.raises(ValueError, match=r"detection row 1: 'Dave' is not the text at P01\[0:4\]"):
        pseudonymise_corpus({"P01": "Sam spoke."}, detections, [])


def test_detection_for_unknown_transcript_is_an_error():
    detections = detection_frame([("P09", 0, 4, "PERSON", "Dave", "register")])
    with pytest.raises(ValueError, match="detection row 1: unknown transcript 'P09'"):
        pseudonymise_corpus({"P01": "Dave spoke."}, detections, [])


# --- offset mapping ----------------------------------------------------------------------


def test_map_offset_shifts_and_snaps():
    text = "I met Dave today."
    texts_out, log = run({"P01": text})
    assert texts_out["P01"] == "I met [PERSON_1] today."
    assert map_offset(log, 0) == 0
    assert map_offset(log, 6) == 6  # start of "Dave"
    assert map_offset(log, 8, side="start") == 6
    assert map_offset(log, 8, side="end") == 16
    assert map_offset(log, 10, side="end") == 16  # end of "Dave"
    assert map_offset(log, len(text)) == len(texts_out["P01"])


def test_map_offset_rejects_unknown_side():
    _, log = run({"P01": "Dave."})
    with pytest.raises(ValueError, match="side must be"):
        map_offset(log, 0, side="middle")


# --- properties --------------------------------------------------------------------------

IDENTIFIERS = [
    "Priya Raman",
    "Priya",
    "Raman's",
    "Helen Marsh",
    "Dr Helen Marsh",
    "Marsh",
    "Dave",
    "Dave's",
    "Sam",
    "Bolton",
    "Bolton Council",
    "Marsh Lane",
    "07700 900481",
    "0161 496 0732",
    "oh seven seven double oh nine double oh four eight one",
    "h.marsh@example.org",
    "www.boltonhelp.org.uk/contact",
    "BL1 4QR",
    "bl14qr",
    "943 476 5919",
    "NHS number 123 456 7890",
    "14/03/2019",
    "the 5th of May",
]
FILLER = [
    "the",
    "team",
    "said",
    "we",
    "went",
    "to",
    "Samaritans",
    "NHS",
    "GP",
    "police",
    "May",
    "Tuesday",
    "about four hours",
    "[PERSON_2]",
    "[Trust A]",
    "it",
    "was",
    "good",
]
SEPARATORS = st.sampled_from([" ", ", ", ". ", "\n\n", " - "])
TOKENS = st.sampled_from(IDENTIFIERS + FILLER)


@st.composite
def transcripts(draw):
    tokens = draw(st.lists(TOKENS, min_size=1, max_size=25))
    text = tokens[0]
    for token in tokens[1:]:
        text += draw(SEPARATORS) + token
    return text + "."


@st.composite
def corpora(draw):
    texts = draw(st.lists(transcripts(), min_size=1, max_size=3))
    return {f"P{i:02d}": text for i, text in enumerate(texts, start=1)}


@settings(deadline=None, max_examples=150)
@given(corpora())
def test_property_log_offsets_match_both_texts(texts):
    texts_out, log = run(texts)
    assert set(texts_out) == set(texts)
    assert_log_invariants(texts, texts_out, log)


@settings(deadline=None, max_examples=150)
@given(corpora())
def test_property_no_original_survives(texts):
    texts_out, log = run(texts)
    for original in set(log["original"]):
        for text in texts_out.values():
            assert not appears_as_word(original, text), original


@settings(deadline=None, max_examples=150)
@given(corpora())
def test_property_same_entity_same_placeholder(texts):
    _, log = run(texts)
    folded = log.assign(key=log["original"].str.casefold())
    assert (folded.groupby("key")["replacement"].nunique() == 1).all()


@settings(deadline=None, max_examples=100)
@given(corpora())
def test_property_map_offset_is_monotonic(texts):
    texts_out, log = run(texts)
    for tid, text in texts.items():
        transcript_log = log[log["transcript_id"] == tid]
        for side in ("start", "end"):
            mapped = [map_offset(transcript_log, offset, side) for offset in range(len(text) + 1)]
            assert mapped == sorted(mapped)
            assert mapped[0] == 0
            assert mapped[-1] == len(texts_out[tid])
