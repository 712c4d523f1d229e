"""Propagation with evidence: a term found once is replaced everywhere only when the corpus
supports it; single tags of fillers, function words and common words are dropped."""

from hypothesis import given, settings
from hypothesis import strategies as st

from qualframe.deid import DEFAULT_ALLOW_LIST, pseudonymise_corpus
from qualframe.deid.lexicon import (
    is_common_word,
    is_filler,
    is_function_phrase,
    is_known_name,
    stop_words,
)
from qualframe.deid.propagate import EVIDENCE_COLUMNS, verdict
from qualframe.deid.words import FILLERS
from tests.unit.detections import frame, tag


def run(texts, rows):
    return pseudonymise_corpus(texts, frame(rows), DEFAULT_ALLOW_LIST)


ENGLISH = (
    "So we started the pilot in the spring, and honestly it went better than anyone "
    "expected, because the team already knew the families."
)
FRENCH = (
    "Alors on a commencé le projet au printemps et franchement ça a marché mieux que "
    "prévu, parce que l'équipe connaissait déjà les familles qui venaient nous voir."
)


def test_a_filler_tagged_once_is_neither_kept_nor_propagated():
    text = "Erm, I rang the office. Erm, nobody answered, erm, for an hour. " + ENGLISH
    result = run({"A1": text}, [tag("A1", text, "Erm", "PERSON")])
    assert result.texts["A1"] == text
    row = (
        result.evidence.set_index("term").loc["Erm"] if "Erm" in set(result.evidence.term) else None
    )
    assert row is None or not row["propagated"]


def test_french_function_words_tagged_as_people_are_not_replaced():
    text = FRENCH + " " + FRENCH
    rows = [tag("F1", text, surface, "PERSON") for surface in ("et", "qui", "l'équipe")]
    result = run({"F1": text}, rows)
    assert "et" in result.texts["F1"].split()
    assert "qui" in result.texts["F1"].split()
    assert "[PERSON" not in result.texts["F1"].replace("l'équipe", "")


def test_a_technical_word_tagged_once_is_not_replaced_across_the_corpus():
    first = "Most of the pipeline runs in Kotlin but the model side is all Python now. " + ENGLISH
    second = "We rewrote the Python bits twice. Python is fine for that. " + ENGLISH
    result = run({"T1": first, "T2": second}, [tag("T1", first, "Python", "ORG")])
    assert result.texts["T2"] == second  # not propagated: a common word
    evidence = result.evidence.set_index("term").loc["Python"]
    assert not evidence["propagated"] and evidence["reason"] == "common word"
    # the tag itself stands (a capitalised word in mid-sentence may be a name: recall first)
    assert result.texts["T1"].count("[ORG_1]") == 1


def test_a_common_acronym_tagged_once_is_dropped():
    text = "We exposed it through the API last year and the API held up. " + ENGLISH
    result = run({"A1": text}, [tag("A1", text, "API", "ORG")])
    assert result.texts["A1"] == text


def test_a_lower_case_phrase_tagged_once_is_not_propagated():
    first = "Our data engineer left in March. " + ENGLISH
    second = "We hired a data engineer later, and the data engineer stayed. " + ENGLISH
    result = run({"D1": first, "D2": second}, [tag("D1", first, "data engineer", "ORG")])
    assert result.texts["D2"] == second
    evidence = result.evidence.set_index("term").loc["data engineer"]
    assert not evidence["propagated"]
    assert evidence["reason"] == "mostly lower case in mid-sentence"
    assert evidence["occurrences"] == 3 and evidence["tagged"] == 1


def test_a_name_tagged_once_is_still_replaced_everywhere():
    first = "Then Oluwaseun Adeyemi rang me back. " + ENGLISH
    second = "I said to Oluwaseun that we would wait. Adeyemi agreed. " + ENGLISH
    result = run({"N1": first, "N2": second}, [tag("N1", first, "Oluwaseun Adeyemi", "PERSON")])
    assert "Oluwaseun" not in result.texts["N2"] and "Adeyemi" not in result.texts["N2"]
    evidence = result.evidence.set_index("term")
    assert evidence.loc["Oluwaseun", "propagated"]
    assert evidence.loc["Oluwaseun", "detectors"] == "name part+ner"


def test_a_common_word_that_is_a_known_name_is_kept_and_propagated_where_capitalised():
    first = "I rang Grace about it on the Monday. " + ENGLISH
    second = "Grace said no. By grace or luck it worked. " + ENGLISH
    result = run({"G1": first, "G2": second}, [tag("G1", first, "Grace", "PERSON")])
    assert result.texts["G2"].startswith("[PERSON_1] said no. By grace")


def test_a_common_word_place_after_a_preposition_is_kept():
    text = "We moved the hub to Sale last year. " + ENGLISH
    result = run({"S1": text}, [tag("S1", text, "Sale", "LOCATION")])
    assert "Sale" not in result.texts["S1"]


def test_a_registered_filler_is_replaced():
    text = "Um told me so, and then um, Um left. " + ENGLISH
    result = run({"R1": text}, [tag("R1", text, "Um", "PERSON", detector="register")])
    assert "Um" not in result.texts["R1"].replace("um,", "")


def test_evidence_has_its_columns_and_no_text_when_nothing_is_found():
    result = run({"E1": ENGLISH}, [])
    assert list(result.evidence.columns) == EVIDENCE_COLUMNS
    assert result.evidence.empty


def test_lexicon_knows_fillers_function_words_common_words_and_names():
    assert is_filler("Uh") and is_filler("mm-hmm") and not is_filler("Hugh")
    assert is_function_phrase("c'est", ("fr",)) and is_function_phrase("donc", ("fr",))
    assert not is_function_phrase("Dupont", ("fr",))
    assert is_common_word("API", ("en",)) and is_common_word("python", ("en",))
    assert not is_common_word("Adeyemi", ("en",))
    assert is_known_name("Price") and not is_known_name("Python")
    assert "qui" in stop_words("fr") and stop_words("xx") == frozenset()


def test_verdict_needs_capitals_in_most_mid_sentence_occurrences():
    assert verdict("PERSON", "Trewin", {"ner"}, ("en",), 4, 3) == ("looks like a name", True)
    assert verdict("PERSON", "Trewin", {"ner"}, ("en",), 4, 2)[1] is False
    assert verdict("PERSON", "Trewin", {"register"}, ("en",), 4, 0)[1] is True
    assert verdict("EMAIL", "a@b.org", {"rule:email"}, ("en",), 0, 0)[1] is True


BODIES = {"en": ENGLISH, "fr": FRENCH}
WORDS = {
    language: sorted(FILLERS | {w for w in stop_words(language) if w.isalpha() and len(w) > 1})
    for language in BODIES
}
LANGUAGE_AND_WORD = st.sampled_from(sorted(BODIES)).flatmap(
    lambda language: st.tuples(st.just(language), st.sampled_from(WORDS[language]))
)


@settings(max_examples=80, deadline=None)
@given(pair=LANGUAGE_AND_WORD, entity_type=st.sampled_from(["PERSON", "ORG", "LOCATION"]))
def test_property_a_filler_or_function_word_is_never_replaced_unless_registered(pair, entity_type):
    language, word = pair
    body, shown = BODIES[language], word.capitalize()
    text = f"{shown}. {body} {word}, {shown}. {body}"
    rows = [tag("P1", text, shown, entity_type), tag("P1", text, f" {word},", entity_type)]
    rows = [(t, s + 1, e - 1, et, x.strip(" ,"), d, c) for t, s, e, et, x, d, c in rows[1:]]
    rows.append(tag("P1", text, shown, entity_type))
    result = run({"P1": text, "P2": f"{body} {word} {shown}. {body}"}, rows)
    assert result.log.empty
    registered = [tag("P1", text, shown, entity_type, detector="register")]
    assert not run({"P1": text}, registered).log.empty


def test_a_language_whose_word_list_needs_an_extra_tokenizer_has_no_common_words():
    assert not is_common_word("Fpszdacoz", ("wuu",))
    assert not is_common_word("Fpszdacoz", ("xx",))
