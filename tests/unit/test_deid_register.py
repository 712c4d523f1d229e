"""The identifier register, the allow-list and per-transcript detection."""

import pandas as pd
import pytest

from qualframe.deid import DEFAULT_ALLOW_LIST, build_register, detect_transcript, normalise_entity
from qualframe.deid.register import find_register_terms
from qualframe.schemas import Detection


def register_of(*rows: tuple[str, str]):
    return build_register(pd.DataFrame(list(rows), columns=["term", "entity_type"]))


def found(register, text: str) -> list[tuple[str, str]]:
    return [(hit.text, hit.entity_type) for hit in find_register_terms(register, text)]


# --- building the register ---------------------------------------------------------------


def test_register_counts_distinct_terms():
    register = register_of(
        ("Priya Raman", "PERSON"), ("priya raman", "PERSON"), ("Bolton", "LOCATION")
    )
    assert register.size == 2


def test_register_empty_term_names_row():
    terms = pd.DataFrame({"term": ["Priya", "  "], "entity_type": ["PERSON", "PERSON"]})
    with pytest.raises(ValueError, match=r"row 2: empty term"):
        build_register(terms)


def test_register_missing_term_names_row():
    terms = pd.DataFrame({"term": ["Priya", None], "entity_type": ["PERSON", "ORG"]})
    with pytest.raises(ValueError, match=r"row 2: empty term"):
        build_register(terms)


def test_register_unknown_entity_type_names_row():
    terms = pd.DataFrame(
        {"term": ["Priya", "Bolton", "Cole"], "entity_type": ["PERSON", "LOCATION", "NAME"]}
    )
    with pytest.raises(ValueError, match=r"row 3: unknown entity_type \(expected one of"):
        build_register(terms)


def test_register_term_with_two_types_names_both_rows():
    terms = pd.DataFrame({"term": ["Bolton", "bolton"], "entity_type": ["LOCATION", "ORG"]})
    with pytest.raises(ValueError, match=r"row 2: the term is ORG here but LOCATION in row 1"):
        build_register(terms)


def test_register_missing_column():
    with pytest.raises(ValueError, match="lacks column"):
        build_register(pd.DataFrame({"term": ["Priya"]}))


def test_empty_register_finds_nothing():
    register = build_register(pd.DataFrame({"term": [], "entity_type": []}))
    assert found(register, "Priya went to Bolton") == []


# --- matching ----------------------------------------------------------------------------


def test_register_matches_whole_words_only():
    register = register_of(("Sam", "PERSON"))
    assert found(register, "Sam rang the Samaritans, not Samuel; ask sam.") == [
        ("Sam", "PERSON"),
        ("sam", "PERSON"),
    ]


def test_register_matches_before_possessive():
    register = register_of(("Dave", "PERSON"))
    assert found(register, "It was Dave's idea and Dave’s team.") == [
        ("Dave", "PERSON"),
        ("Dave", "PERSON"),
    ]


def test_register_is_case_insensitive():
    register = register_of(("Priya Raman", "PERSON"))
    assert found(register, "PRIYA RAMAN and priya raman") == [
        ("PRIYA RAMAN", "PERSON"),
        ("priya raman", "PERSON"),
    ]


def test_register_longest_match_wins():
    register = register_of(("Bolton", "LOCATION"), ("Bolton Council", "ORG"), ("Council", "ORG"))
    assert found(register, "Bolton Council is in Bolton.") == [
        ("Bolton Council", "ORG"),
        ("Bolton", "LOCATION"),
    ]


def test_register_matches_curly_apostrophes():
    register = register_of(("O'Brien", "PERSON"))
    assert found(register, "Ask O’Brien.") == [("O’Brien", "PERSON")]


def test_register_offsets_survive_case_folding_that_changes_length():
    register = register_of(("Cole", "PERSON"))
    text = "İstanbul trip with Cole"
    [hit] = find_register_terms(register, text)
    assert text[hit.start : hit.end] == "Cole"


# --- normalisation and the allow-list ----------------------------------------------------


@pytest.mark.parametrize(
    "text, entity_type, key",
    [
        ("Dr Helen  Marsh", "PERSON", "helen marsh"),
        ("Dr. Helen Marsh's", "PERSON", "helen marsh"),
        ("Cllr Jones’", "PERSON", "jones"),
        ("“Priya”", "PERSON", "priya"),
        ("Sgt Cole", "PERSON", "cole"),
        ("DI Cole", "PERSON", "cole"),
        ("Di Cole", "PERSON", "di cole"),
        ("Mrs. Dr Cole", "PERSON", "cole"),
        ("PC World", "ORG", "pc world"),
        ("0161 496 0732", "PHONE", "01614960732"),
        ("+44 161 496 0732", "PHONE", "01614960732"),
        ("oh one six one, four nine six, oh seven three two", "PHONE", "01614960732"),
        ("BL1 4QR", "POSTCODE", "bl14qr"),
        ("943-476-5919", "NHS_NUMBER", "9434765919"),
    ],
)
def test_normalise_entity(text, entity_type, key):
    assert normalise_entity(text, entity_type) == key


def test_default_allow_list_has_national_bodies_and_calendar_words():
    for term in ("NHS", "Samaritans", "A&E", "Section 136", "Tuesday", "May", "Interviewer"):
        assert term in DEFAULT_ALLOW_LIST


# --- detecting in one transcript ---------------------------------------------------------


def test_detect_transcript_validates_and_is_sorted():
    register = register_of(("Priya Raman", "PERSON"), ("Bolton", "LOCATION"))
    text = "Priya Raman in Bolton, ring 07700 900481 before 14/03/2019."
    detections = detect_transcript("P01", text, register, DEFAULT_ALLOW_LIST)
    Detection.validate(detections)
    assert list(detections.columns) == [
        "transcript_id",
        "start",
        "end",
        "entity_type",
        "text",
        "detector",
        "confidence",
    ]
    assert list(detections["text"]) == ["Priya Raman", "Bolton", "07700 900481", "14/03/2019"]
    assert list(detections["detector"]) == ["register", "register", "rule:phone", "rule:date"]
    assert list(detections["confidence"]) == [1.0, 1.0, 0.95, 0.95]
    assert (detections["transcript_id"] == "P01").all()


def test_detect_transcript_drops_allow_listed_mentions():
    register = register_of(("Mind", "ORG"), ("NHS Bolton", "ORG"), ("The Police", "ORG"))
    text = "Mind and the police helped, and NHS Bolton."
    detections = detect_transcript("P01", text, register, DEFAULT_ALLOW_LIST)
    assert list(detections["text"]) == ["NHS Bolton"]


def test_detect_transcript_uses_the_given_allow_list():
    register = register_of(("Mind", "ORG"))
    detections = detect_transcript("P01", "Mind helped.", register, [])
    assert list(detections["text"]) == ["Mind"]


def test_detect_transcript_ignores_existing_placeholders():
    register = register_of(("Trust A", "ORG"), ("PERSON", "PERSON"))
    text = "[Trust A] said [PERSON_3] rang Trust A."
    detections = detect_transcript("P01", text, register, DEFAULT_ALLOW_LIST)
    assert list(detections["start"]) == [text.rindex("Trust A")]


def test_detect_transcript_looks_inside_transcriber_notes():
    register = register_of(("Dave", "PERSON"))
    text = "[Dave laughs] and [PERSON_3] and [Mental Health Trust B]"
    detections = detect_transcript("P01", text, register, DEFAULT_ALLOW_LIST)
    assert list(detections["text"]) == ["Dave"]


def test_detect_transcript_with_nothing_found_validates():
    register = register_of(("Priya", "PERSON"))
    detections = detect_transcript("P01", "Nothing here.", register, DEFAULT_ALLOW_LIST)
    assert detections.empty
    Detection.validate(detections)


def test_register_does_not_match_a_negated_verb():
    register = register_of(("Haven", "ORG"), ("Dave", "PERSON"))
    assert found(register, "We haven't, but Dave'll ring Haven.") == [
        ("Dave", "PERSON"),
        ("Haven", "ORG"),
    ]


# --- detecting without a register --------------------------------------------------------

EMPTY = register_of()


def detected(text: str, allow_list=DEFAULT_ALLOW_LIST) -> list[tuple[str, str, str]]:
    frame = detect_transcript("T1", text, EMPTY, allow_list)
    Detection.validate(frame)
    return list(zip(frame["text"], frame["entity_type"], frame["detector"], strict=True))


def test_detect_transcript_finds_names_by_shape_with_an_empty_register():
    text = (
        "Participant: I work for Harrowdale NHS Foundation Trust, HNFT for short, and Dr "
        "Nadia Quist runs it from Marlpit Road. Her NI number is AB 12 34 56 C; she's 16."
    )
    found_ = {(t, e) for t, e, _ in detected(text)}
    assert {
        ("Harrowdale NHS Foundation Trust", "ORG"),
        ("HNFT", "ORG"),
        ("Nadia Quist", "PERSON"),
        ("Marlpit Road", "LOCATION"),
        ("AB 12 34 56 C", "NI_NUMBER"),
        ("16", "AGE"),
    } <= found_


def test_detect_transcript_drops_hits_inside_an_allowed_phrase():
    text = "We've got Schwartz Rounds now, and Okonkwo runs them."
    assert [t for t, _, _ in detected(text)] == ["Okonkwo"]
    assert [t for t, _, _ in detected(text, allow_list=[])] == ["Schwartz", "Okonkwo"]


def test_detect_transcript_keeps_unfamiliar_words_only_where_nothing_else_found():
    text = "Then Dr Okonkwo rang Trewarthen."
    assert detected(text) == [
        ("Okonkwo", "PERSON", "rule:title"),
        ("Trewarthen", "PERSON", "rule:unfamiliar"),
    ]


def test_detect_transcript_reads_a_lower_case_transcript():
    text = (
        "interviewer: so how did it start?\n\nparticipant: dr okonkwo rang me from "
        "tregarthen road, and the nhs said yes. we opened on 22nd may."
    )
    found_ = {(t, e) for t, e, _ in detected(text)}
    assert {("okonkwo", "PERSON"), ("tregarthen road", "LOCATION"), ("22nd may", "DATE")} <= found_
    assert not any(t.lower() in ("nhs", "interviewer", "participant") for t, _ in found_)


def test_detect_transcript_confidence_in_unit_interval_and_sorted():
    text = "Dr Quist met Okonkwo on 14/03/2019 at Larkspur Hospital; call 07700 900481."
    frame = detect_transcript("T1", text, EMPTY, DEFAULT_ALLOW_LIST)
    assert frame["confidence"].between(0, 1).all()
    assert list(frame["start"]) == sorted(frame["start"])
    weak = frame[frame["detector"] == "rule:unfamiliar"]["confidence"]
    assert (weak < frame[frame["detector"] != "rule:unfamiliar"]["confidence"].min()).all()
