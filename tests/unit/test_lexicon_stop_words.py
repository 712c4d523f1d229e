"""spaCy's stop-word lists read without importing spaCy's language packages."""

import importlib

import pytest

from qualframe.deid.lexicon import spacy_stop_words, stop_words


@pytest.mark.parametrize("language", ["en", "fr", "de", "es", "it", "nl", "pt"])
def test_the_list_equals_spacys_module(language):
    module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    assert spacy_stop_words(language) == set(module.STOP_WORDS)


@pytest.mark.parametrize("language", ["xx", "zz", "", "../en", "en/../fr", "EN"])
def test_a_language_without_a_list_or_no_language_code_has_none(language):
    assert spacy_stop_words(language) == set()


def test_english_adds_our_function_words_and_french_is_folded():
    assert {"the", "um"} <= stop_words("en")
    assert "c'est" in stop_words("fr") or "est" in stop_words("fr")
