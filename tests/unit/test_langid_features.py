"""Language identification with numpy-counted features agrees with py3langid's own walk."""

from functools import cache

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier, visit_counts

from qualframe.deid.langid_features import (
    FastLanguageIdentifier,
    automaton_depth,
    feature_counts,
    walked_states,
    window_states,
)


@cache
def identifiers() -> tuple[LanguageIdentifier, FastLanguageIdentifier]:
    """py3langid's identifier and the fast one, both loaded once."""
    path = MODEL_DIR / MODEL_FILE
    return (
        LanguageIdentifier.from_modelpath(path, norm_probs=True),
        FastLanguageIdentifier.from_modelpath(path, norm_probs=True),
    )


# Text in the scripts and languages the transcripts hold, and anything else.
texts = st.one_of(
    st.text(max_size=300),
    st.text(min_size=200, max_size=1500),  # over WALK_BELOW bytes: the numpy path
    st.lists(
        st.sampled_from(
            ["the ", "and ", "c'est ", "donc ", "Straße ", "日本語 ", "Ωμέγα ", "😀", "\n", "'"]
        ),
        max_size=60,
    ).map("".join),
)


@settings(deadline=None, max_examples=200)
@given(texts)
@example("")
@example("a")
@example("Bonjour, je m'appelle Jeanne et j'habite à Lille.")
def test_fast_identifier_classifies_as_py3langid(text):
    reference, fast = identifiers()
    assert fast.classify(text) == reference.classify(text)
    assert fast.rank(text) == reference.rank(text)


@settings(deadline=None, max_examples=200)
@given(texts)
def test_window_states_equal_the_byte_by_byte_walk(text):
    _, fast = identifiers()
    data = fast._encode(text)
    walked = walked_states(fast.tk_nextmove, fast._rowbase, data)
    windowed = window_states(fast._next_state, fast._row_start, data, fast._depth)
    assert windowed.tolist() == walked


@settings(deadline=None, max_examples=200)
@given(texts)
def test_feature_counts_equal_visit_counts_in_order(text):
    _, fast = identifiers()
    data = fast._encode(text)
    states = window_states(fast._next_state, fast._row_start, data, fast._depth)
    expected = visit_counts(fast.tk_nextmove, fast._rowbase, fast.tk_output, data)
    found = feature_counts(fast._outputs, states)
    assert found == expected
    assert list((found or {}).items()) == list((expected or {}).items())  # order counts too


def test_automaton_depth_of_a_small_automaton():
    # keys "ab" and "b" over bytes: states 0 (start), 1 ("a"), 2 ("ab"), 3 ("b")
    rows = np.zeros((4, 256), dtype=np.int64)
    rows[:, ord("a")] = 1
    rows[:, ord("b")] = 3
    rows[1, ord("b")] = 2
    row_start = np.arange(4, dtype=np.int64) * 256
    assert automaton_depth(rows.ravel(), row_start) == 2
    data = b"xabba"
    assert window_states(rows.ravel(), row_start, data, 2).tolist() == walked_states(
        rows.ravel(), row_start, data
    )


def test_the_shipped_model_is_a_short_ngram_automaton():
    _, fast = identifiers()
    assert 1 <= fast._depth <= 16, "window_states would fall back to the slow walk"


@pytest.mark.parametrize(
    "text",
    [
        "Well, I think the council should fund it.",
        "Oui, bien sûr.",
        "Well, I think the council should fund it. " * 40,  # the numpy path
        "Oui, bien sûr, on en a parlé avec l'équipe hier soir. " * 30,
        "Well, I think so. Oui, bien sûr. Straße 日本語 Ωμέγα 😀\n" * 400,  # a whole sample
    ],
)
def test_everyday_sentences(text):
    reference, fast = identifiers()
    assert fast.classify(text) == reference.classify(text)
    assert fast.rank(text) == reference.rank(text)  # the float32 rows kept from before
