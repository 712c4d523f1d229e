"""Corpus-wide pseudonymisation: consistency, propagation, overlaps, styles, the key, the log."""

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.deid import DEFAULT_ALLOW_LIST, build_register, detect_transcript
from qualframe.deid.allow import is_allowed, normalise_allow_list, normalise_entity
from qualframe.deid.detect import inside_any, placeholder_spans
from qualframe.deid.pseudonym_key import KEY_COLUMNS
from qualframe.deid.pseudonymise import LOG_COLUMNS, Pseudonymised, pseudonymise_corpus
from qualframe.deid.register import find_register_terms
from qualframe.deid.structured import find_structured
from qualframe.log_offsets import map_offset
from qualframe.schemas import REPLACEMENT_STYLES, AnonymisationLog, Detection, PseudonymKey
from qualframe.uk import POSTCODE, nhs_checksum_ok

REGISTER_TERMS = [
    ("Priya Raman", "PERSON"),
    ("Helen Marsh", "PERSON"),
    ("Dave", "PERSON"),
    ("Sam", "PERSON"),
    ("Bolton", "LOCATION"),
    ("Bolton Council", "ORG"),
    ("Marsh Lane", "LOCATION"),
]
REGISTER = build_register(pd.DataFrame(REGISTER_TERMS, columns=["term", "entity_type"]))
STYLES = REPLACEMENT_STYLES


def detections_for(texts: dict[str, str], register=REGISTER) -> pd.DataFrame:
    """Rules and register only, as detect_transcript without NER or name heuristics."""
    allowed = normalise_allow_list(DEFAULT_ALLOW_LIST)
    rows = []
    for tid, text in texts.items():
        placeholders = placeholder_spans(text)
        for hit in find_structured(text) + find_register_terms(register, text):
            if not is_allowed(hit.text, hit.entity_type, allowed) and not inside_any(
                hit.start, hit.end, placeholders
            ):
                confidence = getattr(hit, "confidence", 1.0)
                rows.append((tid, hit.start, hit.end, hit.entity_type, hit.text, hit.detector))
                rows[-1] += (confidence,)
    return detection_frame(rows)


def run(texts: dict[str, str], register=REGISTER, style="numbered", key=None) -> Pseudonymised:
    return pseudonymise_corpus(
        texts, detections_for(texts, register), DEFAULT_ALLOW_LIST, style=style, key=key
    )


def detection(tid, text, surface, entity_type, detector, nth=0, confidence=1.0):
    start = [m.start() for m in re.finditer(re.escape(surface), text)][nth]
    return (tid, start, start + len(surface), entity_type, surface, detector, confidence)


def detection_frame(rows, with_confidence=True) -> pd.DataFrame:
    columns = ["transcript_id", "start", "end", "entity_type", "text", "detector", "confidence"]
    types = {column: str for column in columns} | {"start": "int64", "end": "int64"}
    frame = pd.DataFrame(rows, columns=columns).astype(types | {"confidence": "float64"})
    if not with_confidence:
        return frame.drop(columns="confidence")
    return Detection.validate(frame)


def assert_log_invariants(texts: dict[str, str], result: Pseudonymised):
    log = result.log
    AnonymisationLog.validate(log)
    assert list(log.columns) == LOG_COLUMNS
    assert log.equals(log.sort_values(["transcript_id", "start"]).reset_index(drop=True))
    assert log["confidence"].between(0, 1).all()
    for row in log.itertuples(index=False):
        assert texts[row.transcript_id][row.start : row.end] == row.original
        assert result.texts[row.transcript_id][row.deid_start : row.deid_end] == row.replacement


def appears_as_word(original: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(original) + r"(?!\w)", text, re.IGNORECASE) is not None


def key_rows(key: pd.DataFrame) -> dict[tuple[str, str], tuple[int, str]]:
    return {
        (row.entity_type, row.entity): (row.number, row.replacement)
        for row in key.itertuples(index=False)
    }


def replacement_of(result: Pseudonymised, tid: str, original: str) -> str:
    log = result.log
    rows = log[(log["transcript_id"] == tid) & (log["original"] == original)]
    return rows["replacement"].iloc[0]


# --- consistency and propagation ---------------------------------------------------------


def test_result_is_a_frozen_record():
    result = run({"P01": "Dave spoke."})
    assert set(vars(result)) == {"texts", "log", "key", "evidence"}
    with pytest.raises(AttributeError):
        result.texts = {}


def test_same_entity_same_placeholder_across_transcripts():
    texts = {
        "P01": "I met Helen Marsh in Bolton.",
        "P02": "Helen Marsh moved away from Bolton.",
    }
    result = run(texts)
    assert result.texts == {
        "P01": "I met [PERSON_1] in [LOCATION_1].",
        "P02": "[PERSON_1] moved away from [LOCATION_1].",
    }
    assert_log_invariants(texts, result)


def test_name_parts_and_possessive_propagate_to_the_full_name():
    texts = {
        "P01": "Dr Priya Raman runs it.",
        "P02": "Priya's team, and Raman herself, and PRIYA again.",
    }
    result = run(texts)
    assert result.texts["P01"] == "Dr [PERSON_1] runs it."
    assert result.texts["P02"] == "[PERSON_1]'s team, and [PERSON_1] herself, and [PERSON_1] again."
    p02 = result.log[result.log["transcript_id"] == "P02"]
    assert list(p02["original"]) == ["Priya", "Raman", "PRIYA"]
    assert set(p02["detector"]) == {"propagated"}
    assert_log_invariants(texts, result)


def test_structured_identifiers_propagate_to_transcripts_without_context():
    texts = {
        "P01": "My NHS number is 123 456 7890.",
        "P02": "Then 123 456 7890 came up again.",
    }
    result = run(texts)
    assert result.texts["P02"] == "Then [NHS_NUMBER_1] came up again."
    assert list(result.log["detector"]) == ["rule:nhs_number", "propagated"]


def test_same_phone_written_and_spoken_is_one_entity():
    texts = {
        "P01": "Ring 07700 900481 today.",
        "P02": "It's oh seven seven double oh, nine double oh, four eight one.",
    }
    result = run(texts)
    assert result.texts["P01"] == "Ring [PHONE_1] today."
    assert result.texts["P02"] == "It's [PHONE_1]."


def test_ambiguous_name_part_is_its_own_entity():
    register = build_register(
        pd.DataFrame(
            [("Priya Raman", "PERSON"), ("Priya Shah", "PERSON")], columns=["term", "entity_type"]
        )
    )
    texts = {"P01": "Priya Raman and Priya Shah; Priya said so. Raman agreed."}
    result = run(texts, register)
    assert (
        result.texts["P01"] == "[PERSON_1] and [PERSON_2]; [PERSON_3] said so. [PERSON_1] agreed."
    )


def test_allow_listed_and_short_name_parts_are_not_propagated():
    detections = detection_frame(
        [detection("P01", "J May spoke to Mind.", "J May", "PERSON", "ner")]
    )
    texts = {"P01": "J May spoke to Mind.", "P02": "In May, J said hi."}
    result = pseudonymise_corpus(texts, detections, DEFAULT_ALLOW_LIST)
    assert result.texts == {"P01": "[PERSON_1] spoke to Mind.", "P02": "In May, J said hi."}


def test_sam_does_not_reach_into_samaritans():
    result = run({"P01": "Sam rang the Samaritans."})
    assert result.texts["P01"] == "[PERSON_1] rang the Samaritans."


# --- overlaps, detectors and confidence --------------------------------------------------


def test_longest_overlapping_span_wins():
    text = "Ask Bolton Council today."
    detections = detection_frame(
        [
            detection("P01", text, "Bolton", "LOCATION", "register"),
            detection("P01", text, "Bolton Council", "ORG", "ner", confidence=0.7),
        ]
    )
    result = pseudonymise_corpus({"P01": text}, detections, DEFAULT_ALLOW_LIST)
    assert result.texts["P01"] == "Ask [ORG_1] today."
    # a place inside an organisation is another entity: it lends neither name nor confidence
    assert list(result.log["detector"]) == ["ner"]
    assert list(result.log["confidence"]) == [0.7]


def test_equal_spans_prefer_rules_over_register():
    text = "It is BL1 4QR here."
    detections = detection_frame(
        [
            detection("P01", text, "BL1 4QR", "LOCATION", "register"),
            detection("P01", text, "BL1 4QR", "POSTCODE", "rule:postcode"),
        ]
    )
    result = pseudonymise_corpus({"P01": text}, detections, DEFAULT_ALLOW_LIST)
    assert result.texts["P01"] == "It is [POSTCODE_1] here."
    assert list(result.log["detector"]) == ["rule:postcode"]


def test_equal_length_overlaps_keep_the_earliest():
    text = "abc def ghi"
    detections = detection_frame(
        [
            ("P01", 4, 11, "ORG", "def ghi", "ner", 1.0),
            ("P01", 0, 7, "ORG", "abc def", "ner", 1.0),
        ]
    )
    result = pseudonymise_corpus({"P01": text}, detections, [])
    assert result.texts["P01"] == "[ORG_1] ghi"


def test_every_detector_of_a_span_is_listed_with_the_highest_confidence():
    text = "Then Dr Helen Marsh's team and Helen came."
    detections = detection_frame(
        [
            detection("P01", text, "Helen Marsh", "PERSON", "register", confidence=1.0),
            detection("P01", text, "Dr Helen Marsh's", "PERSON", "ner", confidence=0.5),
            detection("P01", text, "Helen", "PERSON", "rule:unfamiliar", confidence=0.4),
            detection("P01", text, "Helen", "PERSON", "ner", nth=1, confidence=0.3),
        ]
    )
    result = pseudonymise_corpus({"P01": text}, detections, [])
    assert result.texts["P01"] == "Then Dr [PERSON_1]'s team and [PERSON_1] came."
    log = result.log
    assert list(log["detector"]) == ["ner+register+rule:unfamiliar", "ner"]
    # the second "Helen" is also the part of a name found at 1.0, so it is as sure
    assert list(log["confidence"]) == [1.0, 1.0]


def test_detector_already_joined_is_split_and_sorted():
    text = "Dave spoke."
    detections = detection_frame([("P01", 0, 4, "PERSON", "Dave", "register+ner", 0.8)])
    result = pseudonymise_corpus({"P01": text}, detections, [])
    assert list(result.log["detector"]) == ["ner+register"]


def test_confidence_defaults_to_one_and_propagates_from_the_source():
    texts = {"P01": "Kirsty came.", "P02": "Kirsty left."}
    detections = detection_frame(
        [detection("P01", texts["P01"], "Kirsty", "PERSON", "ner")], with_confidence=False
    )
    result = pseudonymise_corpus(texts, detections, [])
    assert list(result.log["confidence"]) == [1.0, 1.0]
    detections = detection_frame(
        [detection("P01", texts["P01"], "Kirsty", "PERSON", "ner", confidence=0.45)]
    )
    result = pseudonymise_corpus(texts, detections, [])
    assert list(result.log["detector"]) == ["ner", "propagated"]
    assert list(result.log["confidence"]) == [0.45, 0.45]


# --- numbering and placeholders ----------------------------------------------------------


def test_numbering_follows_sorted_ids_then_offsets():
    texts = {
        "P02": "Dave and Sam.",
        "P01": "Sam met Helen Marsh.",
    }
    result = run(texts)
    assert result.texts == {
        "P01": "[PERSON_1] met [PERSON_2].",
        "P02": "[PERSON_3] and [PERSON_1].",
    }
    assert list(result.log["transcript_id"]) == ["P01", "P01", "P02", "P02"]


def test_existing_placeholders_are_left_alone_and_their_numbers_skipped():
    result = run({"P01": "[PERSON_1] told Dave about [Trust A] in Bolton."})
    assert result.texts["P01"] == "[PERSON_1] told [PERSON_2] about [Trust A] in [LOCATION_1]."
    assert list(result.log["original"]) == ["Dave", "Bolton"]


def test_transcript_without_identifiers_is_unchanged():
    texts = {"P01": "Nothing to hide here.", "P02": "Dave spoke."}
    result = run(texts)
    assert result.texts["P01"] == texts["P01"]
    assert set(result.log["transcript_id"]) == {"P02"}


def test_empty_corpus_log_and_key_validate():
    result = pseudonymise_corpus({"P01": "Nothing."}, detection_frame([]), [])
    assert result.texts == {"P01": "Nothing."}
    AnonymisationLog.validate(result.log)
    PseudonymKey.validate(result.key)
    assert result.log.empty and result.key.empty


def test_detection_not_matching_its_text_is_an_error():
    detections = detection_frame([("P01", 0, 4, "PERSON", "Dave", "register", 1.0)])
    with pytest.raises(ValueError, match=r"detection row 1: 'Dave' is not the text at P01\[0:4\]"):
        pseudonymise_corpus({"P01": "Sam spoke."}, detections, [])


def test_detection_for_unknown_transcript_is_an_error():
    detections = detection_frame([("P09", 0, 4, "PERSON", "Dave", "register", 1.0)])
    with pytest.raises(ValueError, match="detection row 1: unknown transcript 'P09'"):
        pseudonymise_corpus({"P01": "Dave spoke."}, detections, [])


def test_unknown_style_is_an_error():
    with pytest.raises(ValueError, match="style must be one of numbered, category, surrogate"):
        run({"P01": "Dave."}, style="fancy")


# --- styles ------------------------------------------------------------------------------


def test_category_style_names_only_the_type():
    result = run({"P01": "Dave met Sam in Bolton on 14/03/2019."}, style="category")
    assert result.texts["P01"] == "[PERSON] met [PERSON] in [LOCATION] on [DATE]."
    assert list(result.key["number"]) == [1, 1, 1, 2]  # numbers are kept for a later style


SURROGATE_TEXTS = {
    "P01": (
        "Dr Priya Raman from Bolton Council said Priya's team met at Marsh Lane. "
        "Call 07700 900481 or h.marsh@nhs.example, BL1 4QR, NHS number 943 476 5919."
    ),
    "P02": "Raman was there on 14/03/2019 and the 5th of May. priya agreed. Dave too.",
}


def test_surrogates_are_consistent_and_keep_the_shape_of_names():
    result = run(SURROGATE_TEXTS, style="surrogate")
    assert_log_invariants(SURROGATE_TEXTS, result)
    full = replacement_of(result, "P01", "Priya Raman")
    first, last = full.split()
    assert replacement_of(result, "P01", "Priya") == first  # the possessive stays outside
    assert result.texts["P01"].count(f"{first}'s team") == 1
    assert replacement_of(result, "P02", "Raman") == last
    assert replacement_of(result, "P02", "priya") == first.lower()  # lower-case stays lower
    assert result.texts["P01"].startswith(f"Dr {full} from ")
    assert replacement_of(result, "P01", "Bolton Council").endswith(" Council")
    assert replacement_of(result, "P01", "Marsh Lane").endswith(" Lane")


def test_surrogate_formats_are_fictional_and_valid():
    result = run(SURROGATE_TEXTS, style="surrogate")
    phone = replacement_of(result, "P01", "07700 900481")
    assert re.fullmatch(r"07700 900\d{3}", phone)
    postcode = replacement_of(result, "P01", "BL1 4QR")
    assert POSTCODE.fullmatch(postcode) and postcode.startswith("Z")
    nhs = replacement_of(result, "P01", "943 476 5919")
    assert re.fullmatch(r"999 \d{3} \d{4}", nhs) and nhs_checksum_ok(nhs.replace(" ", ""))
    email = replacement_of(result, "P01", "h.marsh@nhs.example")
    assert email.endswith("@example.org")
    assert re.fullmatch(r"\d{2}/\d{2}/2019", replacement_of(result, "P02", "14/03/2019"))
    assert re.fullmatch(
        r"\d{1,2}(st|nd|rd|th) of [A-Z][a-z]+", replacement_of(result, "P02", "5th of May")
    )


def test_surrogates_never_equal_an_original():
    result = run(SURROGATE_TEXTS, style="surrogate")
    first, last = replacement_of(result, "P01", "Priya Raman").split()
    # a corpus where that very surrogate is a real person gets another one
    texts = dict(SURROGATE_TEXTS, P03=f"Later {first} {last} called.")
    detections = pd.concat(
        [
            detections_for(texts),
            detection_frame([detection("P03", texts["P03"], f"{first} {last}", "PERSON", "ner")]),
        ],
        ignore_index=True,
    )
    clashing = pseudonymise_corpus(texts, detections, DEFAULT_ALLOW_LIST, style="surrogate")
    new_full = replacement_of(clashing, "P01", "Priya Raman")
    assert new_full != f"{first} {last}"
    assert not set(new_full.split()) & {first, last}
    originals = set(clashing.log["original"].str.casefold())
    assert not originals & set(clashing.log["replacement"].str.casefold())


def test_age_is_a_category_placeholder_in_surrogate_style():
    text = "She was aged 34 then."
    detections = detection_frame([detection("P01", text, "34", "AGE", "rule:age")])
    result = pseudonymise_corpus({"P01": text}, detections, [], style="surrogate")
    assert result.texts["P01"] == "She was aged [AGE] then."


def test_surrogate_depends_only_on_the_entity_number():
    one = run({"P01": "Dave spoke."}, style="surrogate")
    other = run({"P07": "Well, Dave spoke too."}, style="surrogate")
    assert one.key.equals(other.key)


# --- the pseudonym key -------------------------------------------------------------------


def test_key_lists_every_entity_mention_with_its_number():
    texts = {"P01": "Dr Priya Raman met Dave.", "P02": "Priya and Raman left Bolton."}
    result = run(texts)
    PseudonymKey.validate(result.key)
    assert list(result.key.columns) == KEY_COLUMNS
    assert key_rows(result.key) == {
        ("LOCATION", "bolton"): (1, "[LOCATION_1]"),
        ("PERSON", "priya raman"): (1, "[PERSON_1]"),
        ("PERSON", "priya"): (1, "[PERSON_1]"),
        ("PERSON", "raman"): (1, "[PERSON_1]"),
        ("PERSON", "dave"): (2, "[PERSON_2]"),
    }
    assert set(result.key["style"]) == {"numbered"}


def test_rerun_with_its_own_key_changes_nothing():
    for style in STYLES:
        first = run(SURROGATE_TEXTS, style=style)
        again = run(SURROGATE_TEXTS, style=style, key=first.key)
        assert again.texts == first.texts
        assert again.key.equals(first.key)


def test_transcript_sorting_first_keeps_every_replacement():
    texts = {"P01": "Dave met Helen Marsh.", "P02": "Sam was in Bolton."}
    first = run(texts)
    grown = run({"P00": "Sam and Dr Priya Raman, Bolton Council.", **texts}, key=first.key)
    assert grown.texts["P01"] == first.texts["P01"] == "[PERSON_1] met [PERSON_2]."
    assert grown.texts["P02"] == "[PERSON_3] was in [LOCATION_1]."
    assert grown.texts["P00"] == "[PERSON_3] and Dr [PERSON_4], [ORG_1]."
    assert key_rows(first.key).items() <= key_rows(grown.key).items()


def test_new_register_entry_keeps_every_replacement():
    texts = {"P01": "Kirsty met Dave at Marsh Lane.", "P02": "Kirsty and Dave."}
    small = build_register(pd.DataFrame([("Dave", "PERSON")], columns=["term", "entity_type"]))
    first = run(texts, register=small, style="surrogate")
    grown = run(texts, register=REGISTER, style="surrogate", key=first.key)
    more = build_register(
        pd.DataFrame([*REGISTER_TERMS, ("Kirsty", "PERSON")], columns=["term", "entity_type"])
    )
    grown_more = run(texts, register=more, style="surrogate", key=grown.key)
    assert key_rows(first.key).items() <= key_rows(grown.key).items()
    assert key_rows(grown.key).items() <= key_rows(grown_more.key).items()
    dave = replacement_of(first, "P01", "Dave")
    assert replacement_of(grown_more, "P02", "Dave") == dave


def test_new_full_name_takes_the_number_of_its_keyed_part():
    first = run(
        {"P01": "Priya came.", "P02": "Dave came."},
        register=build_register(
            pd.DataFrame([("Priya", "PERSON"), ("Dave", "PERSON")], columns=["term", "entity_type"])
        ),
    )
    assert key_rows(first.key)[("PERSON", "priya")] == (1, "[PERSON_1]")
    grown = run(
        {"P00": "Dave met Priya Raman.", "P01": "Priya came.", "P02": "Dave came."}, key=first.key
    )
    assert grown.texts["P00"] == "[PERSON_2] met [PERSON_1]."
    rows = key_rows(grown.key)
    assert rows[("PERSON", "priya raman")] == rows[("PERSON", "priya")] == (1, "[PERSON_1]")


def test_full_name_of_a_keyed_part_keeps_the_surrogate_first_name():
    register = build_register(pd.DataFrame([("Priya", "PERSON")], columns=["term", "entity_type"]))
    first = run({"P01": "Priya came."}, register=register, style="surrogate")
    alone = replacement_of(first, "P01", "Priya")
    grown = run(
        {"P01": "Priya came.", "P02": "Priya Raman came."}, style="surrogate", key=first.key
    )
    full = replacement_of(grown, "P02", "Priya Raman")
    assert full.split()[0] == alone and len(full.split()) == 2
    assert replacement_of(grown, "P01", "Priya") == alone


def test_keyed_part_shared_by_two_new_full_names_lends_its_number_to_neither():
    register = build_register(pd.DataFrame([("Priya", "PERSON")], columns=["term", "entity_type"]))
    first = run({"P01": "Priya came."}, register=register)
    grown = run(
        {"P01": "Priya came.", "P02": "Priya Raman and Priya Shah."},
        key=first.key,
        register=build_register(
            pd.DataFrame(
                [("Priya Raman", "PERSON"), ("Priya Shah", "PERSON")],
                columns=["term", "entity_type"],
            )
        ),
    )
    assert grown.texts == {"P01": "[PERSON_1] came.", "P02": "[PERSON_2] and [PERSON_3]."}


def test_changing_style_keeps_numbers_and_redraws_replacements():
    numbered = run(SURROGATE_TEXTS)
    surrogate = run(SURROGATE_TEXTS, style="surrogate", key=numbered.key)
    assert surrogate.key["number"].tolist() == numbered.key["number"].tolist()
    assert set(surrogate.key["style"]) == {"surrogate"}
    assert surrogate.key.equals(run(SURROGATE_TEXTS, style="surrogate").key)


def test_key_read_back_as_text_is_accepted():
    first = run(SURROGATE_TEXTS, style="surrogate")
    as_text = first.key.astype(str)  # how the command line reads a CSV: every column as text
    again = run(SURROGATE_TEXTS, style="surrogate", key=as_text)
    assert again.key.equals(first.key)


def test_key_entries_absent_from_the_corpus_are_kept():
    first = run({"P01": "Dave and Sam."})
    later = run({"P02": "Only Sam."}, key=first.key)
    assert later.texts["P02"] == "Only [PERSON_2]."
    assert key_rows(later.key) == key_rows(first.key)


def test_bad_key_is_an_error():
    key = run({"P01": "Dave."}).key.astype(str)
    with pytest.raises(ValueError, match=r"pseudonym key row 1: number 'one'"):
        run({"P01": "Dave."}, key=key.assign(number="one"))
    with pytest.raises(ValueError, match="lacks column"):
        run({"P01": "Dave."}, key=key.drop(columns="style"))
    with pytest.raises(ValueError, match=r"pseudonym key: row 1: entity_type 'FOO' fails isin"):
        run({"P01": "Dave."}, key=key.assign(entity_type="FOO"))
    with pytest.raises(ValueError, match=r"pseudonym key row 2: PERSON 'dave' is listed twice"):
        run({"P01": "Dave."}, key=pd.concat([key, key], ignore_index=True))


def test_new_numbers_follow_the_key_and_skip_placeholders():
    key = pd.DataFrame([("PERSON", "zed", 4, "[PERSON_4]", "numbered")], columns=KEY_COLUMNS)
    result = run({"P01": "Dave saw [PERSON_5] and Sam."}, key=key)
    assert result.texts["P01"] == "[PERSON_6] saw [PERSON_5] and [PERSON_7]."


# --- offset mapping ----------------------------------------------------------------------


def test_map_offset_shifts_and_snaps():
    text = "I met Dave today."
    result = run({"P01": text})
    log = result.log
    assert result.texts["P01"] == "I met [PERSON_1] today."
    assert map_offset(log, 0) == 0
    assert map_offset(log, 6) == 6  # start of "Dave"
    assert map_offset(log, 8, side="start") == 6
    assert map_offset(log, 8, side="end") == 16
    assert map_offset(log, 10, side="end") == 16  # end of "Dave"
    assert map_offset(log, len(text)) == len(result.texts["P01"])


def test_map_offset_rejects_unknown_side():
    with pytest.raises(ValueError, match="side must be"):
        map_offset(run({"P01": "Dave."}).log, 0, side="middle")


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


@settings(deadline=None, max_examples=100)
@given(corpora(), st.sampled_from(STYLES))
def test_property_log_offsets_match_both_texts(texts, style):
    result = run(texts, style=style)
    assert set(result.texts) == set(texts)
    assert_log_invariants(texts, result)


@settings(deadline=None, max_examples=100)
@given(corpora(), st.sampled_from(STYLES))
def test_property_no_original_survives(texts, style):
    result = run(texts, style=style)
    for original in set(result.log["original"]):
        for text in result.texts.values():
            assert not appears_as_word(original, text), original


@settings(deadline=None, max_examples=100)
@given(corpora(), st.sampled_from(STYLES))
def test_property_same_entity_same_replacement(texts, style):
    log = run(texts, style=style).log
    keyed = log.assign(
        key=[
            normalise_entity(o, t)
            for o, t in log[["original", "entity_type"]].itertuples(index=False)
        ],
        folded=log["replacement"].str.casefold(),
    )
    assert (keyed.groupby(["entity_type", "key"])["folded"].nunique() == 1).all()


@settings(deadline=None, max_examples=100)
@given(corpora())
def test_property_surrogates_are_distinct_per_entity(texts):
    key = run(texts, style="surrogate").key
    entities = key.assign(folded=key["replacement"].str.casefold())
    named = entities[entities["entity_type"] != "AGE"]
    owners = named.groupby("folded")[["entity_type", "number"]].nunique()
    assert (owners.max(axis=1) == 1).all()


@settings(deadline=None, max_examples=60)
@given(corpora())
def test_property_map_offset_is_monotonic(texts):
    result = run(texts)
    for tid, text in texts.items():
        transcript_log = result.log[result.log["transcript_id"] == tid]
        for side in ("start", "end"):
            mapped = [map_offset(transcript_log, offset, side) for offset in range(len(text) + 1)]
            assert mapped == sorted(mapped)
            assert mapped[0] == 0
            assert mapped[-1] == len(result.texts[tid])


@settings(deadline=None, max_examples=100)
@given(corpora(), transcripts(), st.sampled_from(["P00", "P02a", "Q01"]), st.sampled_from(STYLES))
def test_property_adding_a_transcript_keeps_every_replacement(texts, extra, extra_id, style):
    first = run(texts, style=style)
    grown = run({**texts, extra_id: extra}, style=style, key=first.key)
    assert key_rows(first.key).items() <= key_rows(grown.key).items()
    for row in grown.log.itertuples(index=False):
        keyed = key_rows(first.key).get(
            (row.entity_type, normalise_entity(row.original, row.entity_type))
        )
        if keyed is not None:
            assert row.replacement.casefold() == keyed[1].casefold()


@settings(deadline=None, max_examples=100)
@given(corpora(), st.sets(st.sampled_from(REGISTER_TERMS)), st.sampled_from(STYLES))
def test_property_adding_register_entries_keeps_every_replacement(texts, first_terms, style):
    columns = ["term", "entity_type"]
    small = build_register(pd.DataFrame(sorted(first_terms), columns=columns))
    first = run(texts, register=small, style=style)
    grown = run(texts, register=REGISTER, style=style, key=first.key)
    assert key_rows(first.key).items() <= key_rows(grown.key).items()


@settings(deadline=None, max_examples=30)
@given(corpora())
def test_property_full_detection_pipeline_keeps_the_invariants(texts):
    detections = pd.concat(
        [detect_transcript(t, x, REGISTER, DEFAULT_ALLOW_LIST) for t, x in texts.items()],
        ignore_index=True,
    )
    result = pseudonymise_corpus(texts, detections, DEFAULT_ALLOW_LIST, style="surrogate")
    assert_log_invariants(texts, result)


# --- one surface, one type ---------------------------------------------------------------


def test_a_surface_tagged_with_two_types_gets_one_placeholder():
    texts = {
        "P01": "I rang Quenby on Monday. Quenby said no.",
        "P02": "Then Quenby came round.",
    }
    rows = [
        detection("P01", texts["P01"], "Quenby", "PERSON", "ner", 0, 0.85),
        detection("P01", texts["P01"], "Quenby", "ORG", "ner", 1, 0.75),
        detection("P02", texts["P02"], "Quenby", "PERSON", "ner", 0, 0.85),
    ]
    result = pseudonymise_corpus(texts, detection_frame(rows), DEFAULT_ALLOW_LIST)
    assert set(result.log["replacement"]) == {"[PERSON_1]"}
    assert set(result.log["entity_type"]) == {"PERSON"}
    assert list(result.key["entity_type"]) == ["PERSON"]
    assert_log_invariants(texts, result)


def test_the_majority_of_detected_tags_decides_the_type():
    text = "Farrowby won. Farrowby lost. Farrowby drew."
    rows = [
        detection("P01", text, "Farrowby", "ORG", "ner", 0, 0.75),
        detection("P01", text, "Farrowby", "ORG", "ner", 1, 0.75),
        detection("P01", text, "Farrowby", "PERSON", "ner", 2, 0.85),
    ]
    result = pseudonymise_corpus({"P01": text}, detection_frame(rows), DEFAULT_ALLOW_LIST)
    assert result.texts["P01"] == "[ORG_1] won. [ORG_1] lost. [ORG_1] drew."


def test_a_tie_goes_to_person_and_the_register_beats_the_majority():
    text = "Wendlow came. Wendlow went."
    tie = [
        detection("P01", text, "Wendlow", "LOCATION", "ner", 0, 0.85),
        detection("P01", text, "Wendlow", "PERSON", "ner", 1, 0.85),
    ]
    result = pseudonymise_corpus({"P01": text}, detection_frame(tie), DEFAULT_ALLOW_LIST)
    assert result.texts["P01"] == "[PERSON_1] came. [PERSON_1] went."
    registered = [
        detection("P01", text, "Wendlow", "LOCATION", "register", 0),
        detection("P01", text, "Wendlow", "PERSON", "ner", 1, 0.85),
    ]
    result = pseudonymise_corpus({"P01": text}, detection_frame(registered), DEFAULT_ALLOW_LIST)
    assert result.texts["P01"] == "[LOCATION_1] came. [LOCATION_1] went."


def test_the_pseudonym_key_keeps_a_surface_s_type_when_transcripts_are_added():
    first = {"P01": "Quenby phoned."}
    rows = [detection("P01", first["P01"], "Quenby", "ORG", "ner", 0, 0.75)]
    earlier = pseudonymise_corpus(first, detection_frame(rows), DEFAULT_ALLOW_LIST)
    texts = {**first, "P02": "Quenby laughed. Quenby left."}
    rows += [
        detection("P02", texts["P02"], "Quenby", "PERSON", "ner", 0, 0.85),
        detection("P02", texts["P02"], "Quenby", "PERSON", "ner", 1, 0.85),
    ]
    later = pseudonymise_corpus(texts, detection_frame(rows), DEFAULT_ALLOW_LIST, key=earlier.key)
    assert set(later.log["replacement"]) == {"[ORG_1]"}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["PERSON", "ORG", "LOCATION"]), min_size=1, max_size=6),
    st.lists(st.sampled_from(["ner", "register", "rule:unfamiliar"]), min_size=6, max_size=6),
)
def test_any_mix_of_types_for_one_surface_gives_one_replacement(types, detectors):
    text = " ".join("Quenby said so." for _ in types)
    rows = [
        detection("P01", text, "Quenby", entity_type, detector, nth)
        for nth, (entity_type, detector) in enumerate(zip(types, detectors, strict=False))
    ]
    result = pseudonymise_corpus({"P01": text}, detection_frame(rows), DEFAULT_ALLOW_LIST)
    assert result.log["replacement"].nunique() == 1
    assert len(result.log) == len(types)
    registered = {t for t, d in zip(types, detectors, strict=False) if d == "register"}
    if len(registered) == 1:
        assert set(result.log["entity_type"]) == registered
