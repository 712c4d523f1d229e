"""Speaker labels: role labels stay, a label that is a name gets that person's placeholder."""

import pandas as pd
import pytest

from qualframe.deid import (
    DEFAULT_ALLOW_LIST,
    build_register,
    detect_transcript,
    pseudonymise_corpus,
)
from qualframe.deid.speakers import is_role_label, speaker_labels

EMPTY = build_register(pd.DataFrame({"term": [], "entity_type": []}))


def deidentify(texts: dict[str, str]) -> dict[str, str]:
    detections = pd.concat(
        [detect_transcript(tid, text, EMPTY, DEFAULT_ALLOW_LIST) for tid, text in texts.items()],
        ignore_index=True,
    )
    return pseudonymise_corpus(texts, detections, DEFAULT_ALLOW_LIST).texts


@pytest.mark.parametrize(
    "label",
    [
        "Interviewer",
        "Respondent",
        "INT",
        "Int",
        "IV",
        "R",
        "P07",
        "Speaker 2",
        "Participant 3",
        "Moderator",
        "R12",
        "Interviewer 2",
    ],
)
def test_role_labels_are_roles(label):
    assert is_role_label(label)


@pytest.mark.parametrize("label", ["Bronwen", "Dr Ifeoma Chukwu", "Kasia Nowak"])
def test_names_are_not_roles(label):
    assert not is_role_label(label)


def test_label_schemes_are_recognised():
    text = (
        "INT: How long have you run the group?\n"
        "Resp. About four years now.\n"
        "INT: And before that?\n"
        "Resp. A drop-in at the library.\n"
        "Speaker 3 (00:12:07): Can I add something?\n"
        "Speaker 3 (00:12:30): Sorry, go on.\n"
        "Lead\tthis line has a tab\n"
        "Lead\tand so does this one\n"
        "<v Bronwen Pryce>Shall we start?</v>\n"
    )
    labels = {(label.text, label.is_role) for label in speaker_labels(text)}
    assert labels == {
        ("INT", True),
        ("Resp", True),
        ("Speaker 3", True),
        ("Lead", False),
        ("Bronwen Pryce", False),
    }


def test_a_note_heading_one_line_is_no_label():
    assert speaker_labels("Note: the recorder stopped here.\nIt started again later.\n") == ()


def test_a_numbered_label_met_once_is_a_label_where_numbered_labels_are_the_scheme():
    text = (
        "Speaker 4: Shall we start?\n"
        "Speaker 9: Yes.\n"
        "Rep 2: One more point from me.\n"
        "Speaker 4: Go on.\n"
    )
    assert ("Rep 2", True) in {(label.text, label.is_role) for label in speaker_labels(text)}
    out = deidentify({"A01": text})["A01"]
    assert "Rep 2: One more point" in out


def test_a_numbered_line_start_alone_is_no_label():
    assert speaker_labels("Step 2: pour the water.\nThen wait.\n") == ()


def test_role_labels_are_never_replaced():
    text = (
        "IV: Who set up the rota?\n"
        "R: Mostly Tadeusz, with help from the volunteers.\n"
        "IV: And the funding?\n"
        "R: That came later.\n"
    )
    out = deidentify({"A01": text})["A01"]
    assert out.startswith("IV: Who set up the rota?\nR: Mostly [PERSON_1],")
    assert out.count("IV:") == 2 and out.count("\nR:") == 2


def test_a_name_label_gets_the_same_placeholder_as_the_person_in_the_text():
    text = (
        "Interviewer: Thanks for joining, Bronwen.\n"
        "Bronwen: No problem at all.\n"
        "Interviewer: How did it start?\n"
        "Bronwen: Slowly, to be honest.\n"
    )
    out = deidentify({"B01": text})["B01"]
    assert "Bronwen" not in out
    assert out.splitlines()[1].startswith("[PERSON_1]: ")
    assert out.splitlines()[0].endswith("joining, [PERSON_1].")
    assert out.splitlines()[0].startswith("Interviewer: ")
