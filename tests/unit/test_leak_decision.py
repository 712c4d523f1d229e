"""One decision for propagation and the leak scan: the scan looks for a term only where
propagation replaces it; the codebook's own words are kept; the team's text is no leak;
the register always wins."""

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualframe.deid import DEFAULT_ALLOW_LIST, pseudonymise_corpus
from qualframe.deid.leaks import Term, find_leaks, leak_terms, merge_terms, published_texts
from qualframe.deid.propagate import KEPT_IN_CODEBOOK, left_in_clear, replaced_everywhere
from qualframe.deid.team import in_vocabulary, pieces, team_matcher, vocabulary
from tests.unit.detections import frame, tag

ENGLISH = (
    "So we started the pilot in the spring, and honestly it went better than anyone "
    "expected, because the team already knew the families."
)


def scan(texts, rows, published, register=None, codebook=(), team=()):
    """De-identify `texts`, then leak-scan `published` ({file: text}) as the workflow does."""
    result = pseudonymise_corpus(texts, frame(rows), DEFAULT_ALLOW_LIST, team=vocabulary(codebook))
    terms = leak_terms(result.log, [], register, replaced_everywhere(result.evidence))
    return result, find_leaks(terms, published, team_matcher([*codebook, *team]))


def test_a_term_propagation_left_is_not_looked_for_where_it_stays():
    first = "Our District office closed. " + ENGLISH
    second = "The District said the district would pay. " + ENGLISH
    result, leaks = scan(
        {"D1": first, "D2": second},
        [tag("D1", first, "District", "LOCATION")],
        {"D2.txt": second, "D1.txt": "Our [LOCATION_1] office closed."},
    )
    evidence = result.evidence.set_index("term").loc["District"]
    assert not evidence["propagated"]
    assert result.texts["D2"] == second  # left by propagation ...
    assert leaks == []  # ... and no leak where it stays


def test_a_name_replaced_everywhere_and_left_in_clear_is_a_leak():
    first = "Then Oluwaseun Adeyemi rang me back. " + ENGLISH
    second = "I said to Oluwaseun that we would wait. " + ENGLISH
    result, leaks = scan(
        {"N1": first, "N2": second},
        [tag("N1", first, "Oluwaseun Adeyemi", "PERSON")],
        {"summary.csv": "case,summary\nN2,asked oluwaseun to wait\n"},
    )
    assert "Oluwaseun" not in result.texts["N2"]
    assert [(leak.path, leak.original) for leak in leaks] == [("summary.csv", "Oluwaseun")]


def test_a_name_part_follows_its_name_where_propagation_did_not_judge_it():
    first = "We asked Az NNk then. " + ENGLISH
    second = "Later az NNk said so, and az NNk agreed. " + ENGLISH
    result, leaks = scan(
        {"A1": first, "A2": second},
        [tag("A1", first, "Az NNk", "PERSON", "rule:unfamiliar")],
        {"A2.txt": second},
    )
    assert not result.evidence.set_index("term").loc["Az NNk", "propagated"]
    assert "NNk" not in set(result.evidence["term"])
    assert leaks == []
    # a part of a name replaced everywhere is looked for, judged or not
    log = pd.DataFrame(
        [("Oluwaseun Adeyemi", "PERSON", "[PERSON_1]")],
        columns=["original", "entity_type", "replacement"],
    )
    decided = {"oluwaseun adeyemi": True}
    assert {t.text for t in leak_terms(log, [], None, decided)} == {
        "Oluwaseun Adeyemi",
        "Oluwaseun",
        "Adeyemi",
    }


def test_a_register_term_is_looked_for_even_where_propagation_left_it():
    first = "Our District office closed. " + ENGLISH
    _, leaks = scan(
        {"D1": first},
        [tag("D1", first, "District", "LOCATION")],
        {"notes.txt": "the District again"},
        register={"District": "LOCATION"},
    )
    assert [leak.original for leak in leaks] == ["District"]
    # and where the study's own text repeats it (the register wins), but not as a part
    # of a lower-case compound
    registered = [Term("Max", "PERSON", "register PERSON", registered=True)]
    published = {"codebook.csv": "code\nAsked Max\n", "page.txt": "--max-cell-chars 3"}
    found = find_leaks(registered, published, team_matcher(["Asked Max"]))
    assert [leak.path for leak in found] == ["codebook.csv"]


def test_a_codebook_word_only_the_model_tagged_is_kept_and_listed():
    text = "We aligned every unit to NGSS last year, and NGSS worked. " + ENGLISH
    codebook = ["Standards", "Alignment with NGSS and the state framework."]
    result, leaks = scan(
        {"S1": text},
        [tag("S1", text, "NGSS", "ORG")],
        {"themes.csv": "code,quote\nStandards,We aligned every unit to NGSS\n"},
        codebook=codebook,
    )
    assert result.texts["S1"] == text
    evidence = result.evidence.set_index("term").loc["NGSS"]
    assert evidence["reason"] == KEPT_IN_CODEBOOK and not evidence["propagated"]
    assert leaks == []
    # without the codebook the same tag is replaced everywhere
    assert "NGSS" not in scan({"S1": text}, [tag("S1", text, "NGSS", "ORG")], {})[0].texts["S1"]


def test_the_register_wins_over_the_codebook():
    text = "We met Larkmoor staff. Larkmoor was kind. " + ENGLISH
    codebook = ["Larkmoor partnership"]
    rows = [tag("L1", text, "Larkmoor", "ORG", "register")]
    result, leaks = scan(
        {"L1": text},
        rows,
        {"codebook.csv": "code\nLarkmoor partnership\n"},
        register={"Larkmoor": "ORG"},
        codebook=codebook,
    )
    assert "Larkmoor" not in result.texts["L1"]
    assert [leak.original for leak in leaks] == ["Larkmoor"]


def test_a_codebook_word_a_rule_found_is_replaced_and_no_leak_in_the_team_text():
    text = "Sam Fakeley: I run the hub.\nSam Fakeley: It is busy. " + ENGLISH
    rows = [tag("S1", text, "Sam Fakeley", "PERSON", "rule:speaker", nth=n) for n in (0, 1)]
    codebook = ["Working with Fakeley", "What the hub lead, Fakeley, decides."]
    result, leaks = scan(
        {"S1": text},
        rows,
        {
            "codebook.csv": "code,definition\nWorking with Fakeley,"
            '"What the hub lead, Fakeley, decides."\n',
            "quotes.csv": "quote\nFakeley said it is busy\n",
        },
        codebook=codebook,
    )
    assert "Fakeley" not in result.texts["S1"]
    assert [(leak.path, leak.original) for leak in leaks] == [("quotes.csv", "Fakeley")]


def test_case_sheet_cells_are_team_text():
    first = "Then Oluwaseun Adeyemi rang me back. " + ENGLISH
    _, leaks = scan(
        {"N1": first},
        [tag("N1", first, "Oluwaseun Adeyemi", "PERSON")],
        {"matrix.csv": "case,site\nN1,Adeyemi House\n"},
        team=["case_id", "N1", "Adeyemi House"],
    )
    assert leaks == []


def test_lower_case_compounds_and_english_words_are_left_by_both():
    assert left_in_clear("max-width: 3px", 0, 3, lower_case_text=False)
    assert left_in_clear('"--max-cell-chars"', 3, 6, lower_case_text=False)
    assert not left_in_clear("I told Max-Ellis so", 7, 10, lower_case_text=False)
    assert not left_in_clear("max said so", 0, 3, lower_case_text=True)
    assert left_in_clear("the price rose", 4, 9, lower_case_text=False)
    assert not left_in_clear("the price rose", 4, 9, lower_case_text=True)
    text = "Max Bigman: Hello.\nMax Bigman: Set max-width on it, said Max. " + ENGLISH
    rows = [tag("M1", text, "Max Bigman", "PERSON", "rule:speaker", nth=n) for n in (0, 1)]
    result, leaks = scan({"M1": text}, rows, {"page.css.txt": "p { max-width: 3px }"})
    assert "max-width" in result.texts["M1"] and "said Max" not in result.texts["M1"]
    assert leaks == []


@given(
    st.text(alphabet="abcdefgh", min_size=1, max_size=12),
    st.text(alphabet="abcdefgh", min_size=1, max_size=12),
    st.sampled_from(["-", "_"]),
)
def test_property_a_lower_case_part_of_a_compound_is_left_a_capitalised_one_is_not(
    word, tail, joiner
):
    for text, start in ((f"{word}{joiner}{tail}", 0), (f"--{tail}{joiner}{word}", 3 + len(tail))):
        end = start + len(word)
        assert left_in_clear(text, start, end, lower_case_text=True)
        capitalised = text[:start] + word.capitalize() + text[end:]
        assert not left_in_clear(capitalised, start, end, lower_case_text=True)


def test_short_fragments_are_whole_words_and_vml_markup_is_not_text(tmp_path):
    """ "Com" (a name part that is a common substring) is found as a word, never inside
    "income", "Comfort" or the VML namespace "urn:schemas-microsoft-com:vml"."""
    vml = (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml"><v:shape id="_x0000_s1025">'
        "<v:textbox><div>Com wrote this</div></v:textbox></v:shape></xml>"
    )
    with zipfile.ZipFile(tmp_path / "template.xlsx", "w") as archive:
        archive.writestr("xl/drawings/commentsDrawing1.vml", vml)
        archive.writestr("xl/drawings/commentsDrawing2.vml", vml.replace("Com wrote", "We"))
    (tmp_path / "notes.txt").write_text("income and Comfort; no fragment here\n")
    terms = [Term("Com", "PERSON", "[PERSON_2]")]
    leaks = find_leaks(terms, published_texts([tmp_path]))
    assert [(Path(leak.path).name, leak.where) for leak in leaks] == [
        ("template.xlsx", "member xl/drawings/commentsDrawing1.vml")
    ]


def test_broken_vml_is_read_as_text_without_tags(tmp_path):
    with zipfile.ZipFile(tmp_path / "template.xlsx", "w") as archive:
        archive.writestr(
            "xl/drawings/vmlDrawing1.vml",
            '<xml xmlns:o="urn:schemas-microsoft-com:office:office"><br><p>Com said</xml>',
        )
    leaks = find_leaks([Term("Com", "PERSON", "[P]")], published_texts([tmp_path]))
    assert len(leaks) == 1


def test_style_sheets_and_scripts_are_markup(tmp_path):
    (tmp_path / "page.html").write_text(
        "<style>.grid { grid-template-columns: Max-content }</style>"
        "<script>var Max = 1;</script>\n<p>asked Max</p>\n"
    )
    (tmp_path / "styles.css").write_text("/* Max */ .a { max-height: 80vh }")
    leaks = find_leaks([Term("Max", "PERSON", "[P]")], published_texts([tmp_path]))
    assert [(Path(leak.path).name, leak.where) for leak in leaks] == [("page.html", "line 2")]


def test_team_text_is_matched_in_pieces_and_vocabulary_is_whole_words():
    long = " ".join(["word"] * 120) + ". Second sentence here."
    assert all(len(piece) <= 200 for piece in pieces([long]))
    words = vocabulary(["Alignment with the NGSS framework.", "Middle school"])
    assert in_vocabulary("NGSS", words) and in_vocabulary("ngss framework", words)
    assert in_vocabulary("Middle School", words)
    assert not in_vocabulary("NGS", words) and not in_vocabulary("Lincoln", words)


def test_merged_terms_keep_the_register_term():
    plain = Term("Leeds", "LOCATION", "[LOCATION_1]")
    registered = Term("Leeds", "LOCATION", "register LOCATION", registered=True)
    assert merge_terms([plain], [registered]) == [registered]
    assert merge_terms([registered], [plain]) == [registered]


@pytest.mark.parametrize("propagated", [True, False])
def test_replaced_everywhere_reads_the_evidence(propagated):
    evidence = pd.DataFrame({"term": ["Ｄistrict", "district"], "propagated": [propagated, False]})
    assert replaced_everywhere(evidence) == {"district": propagated}
    as_read = evidence.astype({"propagated": str})  # as the leak scan reads it from CSV
    assert replaced_everywhere(as_read) == {"district": propagated}
