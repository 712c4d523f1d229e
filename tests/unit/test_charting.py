"""The charting template, the import of filled workbooks, and summaries in the matrix."""

import io
import unicodedata

import hypothesis.strategies as st
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from qualframe.charting.deidentify import deidentify_summaries
from qualframe.charting.layout import EXCERPTS_SHEET, HOW_TO_SHEET
from qualframe.charting.read import FilledWorkbook, read_summaries
from qualframe.charting.template import charting_template
from qualframe.coding import ColumnMap, locate_segments
from qualframe.deid import build_register
from qualframe.matrix import chart_matrix
from qualframe.matrix.workbook import framework_workbook
from qualframe.report.summaries import charting_section

COLUMNS = ColumnMap(transcript="doc", code="code", coder="coder", text="text")
ATTRIBUTES = ["service_type"]
LIMIT = 200
KEY = pd.DataFrame(
    {
        "entity_type": ["PERSON", "PERSON", "PERSON"],
        "entity": ["priya raman", "priya", "raman"],
        "number": ["3", "3", "3"],
        "replacement": ["[PERSON_3]", "[PERSON_3]", "[PERSON_3]"],
        "style": ["numbered"] * 3,
    }
)
NO_REGISTER = build_register(pd.DataFrame({"term": [], "entity_type": []}))


@pytest.fixture
def segments(texts, codebook):
    rows = [
        ["A1", "leadership", "ES", "Our director backed us all the way."],
        ["A1", "workforce", "ES", "But we could not recruit nurses."],
        ["A2", "funding", "ES", "The money ran out in a year."],
    ]
    frame = pd.DataFrame(rows, columns=["doc", "code", "coder", "text"])
    return locate_segments(frame, "coded.csv", COLUMNS, texts, codebook)


@pytest.fixture
def matrix(segments, codebook, cases):
    return chart_matrix(segments, codebook, cases, ATTRIBUTES, sort_by=["service_type"])


@pytest.fixture
def template(matrix, codebook) -> bytes:
    return charting_template(matrix, codebook, ATTRIBUTES, LIMIT)


def load(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filled(book, path="charting/anna.xlsx", **kwargs) -> FilledWorkbook:
    """A FilledWorkbook as the import sees it: the book saved and read back."""
    return FilledWorkbook(path=path, sha256="0" * 64, book=load(saved(book)), **kwargs)


def read(*books, several=False, cases=("A1", "A2", "A3")):
    codes = ["leadership", "workforce", "funding"]
    return read_summaries(books, ATTRIBUTES, codes, cases, LIMIT, several_per_cell=several)


# --- the template --------------------------------------------------------------------------


def test_template_sheets(template):
    assert load(template).sheetnames == [HOW_TO_SHEET, "People", "Money", EXCERPTS_SHEET]


def test_template_headers_carry_ids_and_labels(template):
    sheet = load(template)["People"]
    assert [c.value for c in sheet[1]] == ["case_id", "service_type", "leadership", "workforce"]
    assert [c.value for c in sheet[2]] == ["Case", "Service type", "Leadership", "Workforce"]


def test_template_cases_follow_sort_by(template):
    sheet = load(template)["People"]
    # café before house, then case_id
    assert [sheet.cell(row=r, column=1).value for r in (3, 4, 5)] == ["A1", "A3", "A2"]


def test_only_summary_cells_are_unlocked(template):
    book = load(template)
    for name in ("People", "Money", HOW_TO_SHEET, EXCERPTS_SHEET):
        assert book[name].protection.sheet
    sheet = book["People"]
    unlocked = {
        c.coordinate
        for row in sheet.iter_rows(max_row=5, max_col=4)
        for c in row
        if not c.protection.locked
    }
    assert unlocked == {"C3", "D3", "C4", "D4", "C5", "D5"}
    assert all(sheet[c].value is None for c in unlocked)


def test_notes_hold_the_cells_excerpts_with_references(template):
    sheet = load(template)["People"]
    note = sheet["C3"].comment.text
    assert note.startswith("Our director backed us all the way. [A1 ¶2 ")
    assert sheet["C4"].comment is None  # A3 has no excerpt for leadership


def test_excerpts_sheet_lists_every_coded_cell(template):
    sheet = load(template)[EXCERPTS_SHEET]
    rows = [[c.value for c in row][:2] for row in sheet.iter_rows(min_row=2)]
    assert rows == [["A1", "leadership"], ["A1", "workforce"], ["A2", "funding"]]


def test_template_checks_summary_length_as_typed(template):
    checks = load(template)["People"].data_validations.dataValidation
    assert [(c.type, c.formula1, str(c.sqref)) for c in checks] == [("textLength", "200", "C3:D5")]


def test_template_bytes_are_deterministic(matrix, codebook, template):
    assert charting_template(matrix, codebook, ATTRIBUTES, LIMIT) == template


# --- reading filled workbooks -----------------------------------------------------------


def test_round_trip_template_to_matrix(template, segments, codebook, cases):
    book = load(template)
    book["People"]["C3"] = "The director backed the service throughout."
    book["Money"]["C5"] = "Priya Raman said funding ran out in a year."
    summaries, errors = read(filled(book, analyst="AR", sheet_analysts={"Money": "JB"}))
    assert errors == []
    assert list(summaries["cell"]) == ["C3", "C5"]
    assert list(summaries["analyst"]) == ["AR", "JB"]
    published, log = deidentify_summaries(summaries, NO_REGISTER, [], KEY)
    assert published.loc[1, "summary"] == "[PERSON_3] said funding ran out in a year."
    assert list(log["original"]) == ["Priya Raman"]
    matrix = chart_matrix(segments, codebook, cases, ATTRIBUTES, cell_summaries=published)
    cell = matrix.set_index(["case_id", "code_id"]).loc[("A2", "funding")]
    assert cell["summary"] == "[PERSON_3] said funding ran out in a year."
    assert cell["summary_source"] == "charting/anna.xlsx 'Money'!C5"
    assert cell["charted_text"] == f"{cell['summary']} {cell['references']}"
    assert cell["references"].startswith("[A2 ¶2 ")
    untouched = matrix.set_index(["case_id", "code_id"]).loc[("A1", "workforce")]
    assert untouched["summary"] == "" and untouched["charted_text"].startswith("But we could")


def test_renamed_code_label_still_links_by_id(template):
    book = load(template)
    book["People"]["C2"] = "Leaders (renamed)"
    book["People"]["C3"] = "Backed."
    summaries, errors = read(filled(book))
    assert errors == [] and list(summaries["code_id"]) == ["leadership"]


def error_lines(book, **kwargs) -> list[str]:
    return read(filled(book), **kwargs)[1]


PLACE = "charting/anna.xlsx, sheet People, cell"


def test_unknown_sheet(template):
    book = load(template)
    book.create_sheet("Notes")["B2"] = "my notes"
    assert error_lines(book) == [
        "charting/anna.xlsx, sheet Notes, cell B2: not a sheet of the charting template "
        "(theme sheets have case_id in cell A1)"
    ]


def test_unknown_case(template):
    book = load(template)
    book["People"]["A4"] = "Z9"
    book["People"]["C4"] = "A summary of nobody."
    assert error_lines(book) == [f"{PLACE} A4: the case id of this row is not in the case sheet"]


def test_unknown_code(template):
    book = load(template)
    book["People"]["D1"] = "no_such_code"
    assert error_lines(book) == [
        f"{PLACE} D1: the code id heading this column is not in the codebook"
    ]


def test_header_changed(template):
    book = load(template)
    book["People"]["B1"] = "region"
    book["Money"]["C1"] = "leadership"  # the same code in a second column
    assert error_lines(book) == [
        f"{PLACE} B1: header changed: row 1 must keep the template's ids",
        "charting/anna.xlsx, sheet Money, cell C1: header changed: row 1 must keep the "
        "template's ids",
    ]


def test_case_in_two_rows(template):
    book = load(template)
    book["People"]["A5"] = "A1"
    assert error_lines(book) == [
        f"{PLACE} A5: header changed: a case appears in two rows of this sheet"
    ]


def test_cell_outside_the_matrix(template):
    book = load(template)
    book["People"]["E3"] = "beside the last code"
    book["People"]["C9"] = "below the last case"
    assert error_lines(book) == [
        f"{PLACE} E3: cell outside the matrix: no case id in its row or no code id above it",
        f"{PLACE} C9: cell outside the matrix: no case id in its row or no code id above it",
    ]


def test_formula(template):
    book = load(template)
    book["People"]["C3"] = '=HYPERLINK("http://example.org","Priya")'
    lines = error_lines(book)
    assert lines == [f"{PLACE} C3: a formula: summaries must be typed text"]
    assert "Priya" not in lines[0]


def test_text_over_the_limit(template):
    book = load(template)
    book["People"]["C3"] = "Priya " * 50
    lines = error_lines(book)
    assert lines == [f"{PLACE} C3: text of 299 characters, over the limit of 200"]


def test_every_failure_is_collected(template):
    book = load(template)
    book["People"]["C3"] = "=1+1"
    book["People"]["D4"] = "x" * 201
    book["Money"]["D3"] = "outside"
    assert len(error_lines(book)) == 3


def test_two_summaries_of_one_cell(template):
    anna, ben = load(template), load(template)
    anna["People"]["C3"] = "Anna's view."
    ben["People"]["C3"] = "Ben's view."
    books = filled(anna), filled(ben, path="charting/ben.xlsx")
    assert read(*books)[1] == [
        "charting/ben.xlsx, sheet People, cell C3: a second summary of case A1 × code "
        "leadership, already summarised at charting/anna.xlsx, sheet People, cell C3 "
        "(set charting.several_per_cell to keep both)"
    ]
    summaries, errors = read(*books, several=True)
    assert errors == [] and len(summaries) == 2


def test_several_summaries_of_one_cell_in_the_matrix(template, segments, codebook, cases):
    anna, ben = load(template), load(template)
    anna["People"]["C3"] = "Anna's view."
    ben["People"]["C3"] = "Ben's view."
    summaries, _ = read(filled(anna), filled(ben, path="ben.xlsx"), several=True)
    published, _ = deidentify_summaries(summaries, NO_REGISTER, [], KEY)
    matrix = chart_matrix(segments, codebook, cases, ATTRIBUTES, cell_summaries=published)
    cell = matrix.set_index(["case_id", "code_id"]).loc[("A1", "leadership")]
    assert cell["summary"] == "Anna's view.\n\nBen's view."
    assert cell["summary_source"] == "charting/anna.xlsx 'People'!C3; ben.xlsx 'People'!C3"


# --- de-identification ------------------------------------------------------------------


def summaries_of(*texts: str) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            "case_id": ["A1"] * n,
            "code_id": [f"c{i}" for i in range(n)],
            "summary": list(texts),
            "workbook": ["w.xlsx"] * n,
            "workbook_sha256": ["0" * 64] * n,
            "sheet": ["People"] * n,
            "cell": [f"C{i + 3}" for i in range(n)],
            "analyst": [""] * n,
        }
    )


def test_key_entities_get_the_transcripts_placeholder():
    published, log = deidentify_summaries(
        summaries_of("Raman and priya both said so.", "Nobody named."), NO_REGISTER, [], KEY
    )
    assert list(published["summary"]) == [
        "[PERSON_3] and [PERSON_3] both said so.",
        "Nobody named.",
    ]
    assert list(published["replacements"]) == [2, 0]
    assert set(log["cell"]) == {"C3"}


def test_names_outside_the_key_get_their_category():
    register = build_register(pd.DataFrame({"term": ["Hollybank"], "entity_type": ["LOCATION"]}))
    published, _ = deidentify_summaries(
        summaries_of("Met at Hollybank, call 07700 900123."), register, [], KEY
    )
    assert published.loc[0, "summary"] == "Met at [LOCATION], call [PHONE]."


def test_allow_listed_terms_stay():
    register = build_register(pd.DataFrame({"term": ["Hollybank"], "entity_type": ["LOCATION"]}))
    published, log = deidentify_summaries(
        summaries_of("Hollybank helped."), register, ["Hollybank"], KEY
    )
    assert published.loc[0, "summary"] == "Hollybank helped." and log.empty


def test_no_summaries():
    published, log = deidentify_summaries(summaries_of(), NO_REGISTER, [], KEY)
    assert published.empty and log.empty


# --- summaries in the published outputs -------------------------------------------------


@pytest.fixture
def summarised(template, segments, codebook, cases):
    book = load(template)
    book["People"]["C3"] = "Backed by the director."
    summaries, _ = read(filled(book))
    published, _ = deidentify_summaries(summaries, NO_REGISTER, [], KEY)
    return chart_matrix(segments, codebook, cases, ATTRIBUTES, cell_summaries=published)


def test_matrix_workbook_shows_summaries_and_counts(summarised, codebook):
    book = load(framework_workbook(summarised, codebook, ATTRIBUTES))
    assert book.sheetnames == ["People", "Money", "Counts", "Charting", "Codebook"]
    people = book["People"]
    assert people["C2"].value.startswith("Backed by the director. [A1 ¶2 ")
    assert people["C2"].fill.start_color.rgb.endswith("E8F1FA")
    counts = [[c.value for c in row] for row in book["Charting"].iter_rows(max_row=3)]
    assert counts == [
        ["Theme", "Cells", "With coded excerpts", "Summarised"],
        ["People", 6, 2, 1],
        ["Money", 3, 1, 0],
    ]


def test_matrix_workbook_without_summaries_has_no_charting_sheet(matrix, codebook):
    assert "Charting" not in load(framework_workbook(matrix, codebook, ATTRIBUTES)).sheetnames


def test_report_section_counts_and_shows_summaries(summarised, codebook):
    html = charting_section(summarised, codebook)
    assert "1 of 9 cells summarised" in html
    assert "<td>People</td><td>6</td><td>2</td><td>1</td>" in html
    assert "Backed by the director." in html and "&#39;People&#39;!C3" in html


# --- free-form text -----------------------------------------------------------------------

TYPED = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=260
).filter(lambda text: text.strip() and not text.lstrip().startswith("="))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TYPED)
def test_any_typed_text_comes_back_or_is_refused_without_being_shown(template, text):
    book = load(template)
    book["Money"]["C5"] = text
    summaries, errors = read(filled(book))
    typed = unicodedata.normalize("NFC", text).strip()
    if len(typed) <= LIMIT:
        assert errors == [] and list(summaries["summary"]) == [typed]
    else:
        assert errors == [
            f"charting/anna.xlsx, sheet Money, cell C5: text of {len(typed):,} "
            f"characters, over the limit of {LIMIT}"
        ]


def test_nested_codes_are_labelled_by_their_path_below_the_theme(segments, cases):
    from qualframe.coding import codebook_from_dict

    nested = codebook_from_dict(
        {
            "themes": [
                {
                    "id": "people",
                    "name": "People",
                    "codes": [
                        {
                            "id": "leadership",
                            "name": "Leadership",
                            "codes": [{"id": "workforce", "name": "Workforce"}],
                        }
                    ],
                },
                {"id": "money", "name": "Money", "codes": [{"id": "funding", "name": "Funding"}]},
            ]
        }
    )
    matrix = chart_matrix(segments, nested, cases, ATTRIBUTES)
    sheet = load(charting_template(matrix, nested, ATTRIBUTES, LIMIT))["People"]
    assert [c.value for c in sheet[2]][2:] == ["Leadership", "Leadership › Workforce"]
