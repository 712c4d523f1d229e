import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualframe.coding import ColumnMap, codebook_from_dict, load_cases, locate_segments
from qualframe.coding.segments import canonical, span_from_quote
from qualframe.errors import QualframeError, ValidationFailed
from qualframe.schemas import Segment

COLUMNS = ColumnMap(transcript="Document name", code="Code", coder="Created by", text="Segment")


def export(rows):
    return pd.DataFrame(rows, columns=["Document name", "Code", "Created by", "Segment"])


def test_codebook_flattens_themes_in_order(codebook):
    assert codebook["code_id"].tolist() == ["leadership", "workforce", "funding"]
    assert codebook["theme_id"].tolist() == ["people", "people", "money"]
    assert codebook["code_order"].tolist() == [0, 1, 2]


def test_codebook_missing_key_names_the_place(codebook_dict):
    broken = {"themes": [dict(codebook_dict["themes"][0])]}
    broken["themes"][0]["codes"] = [{"id": "x", "definition": "d"}]
    with pytest.raises(
        QualframeError, match=r"^cb.yaml, themes\[1\].codes\[1\] \(x\): missing name$"
    ):
        codebook_from_dict(broken, source="cb.yaml")


def test_codebook_bad_valence_is_rejected(codebook_dict):
    broken = {"themes": [{**codebook_dict["themes"][1]}]}
    broken["themes"][0]["codes"] = [{**broken["themes"][0]["codes"][0], "valence": "good"}]
    with pytest.raises(QualframeError) as caught:
        codebook_from_dict(broken)
    # one line naming the code, the key, the value and the check
    assert str(caught.value) == (
        "codebook: codebook does not meet its contract: themes[1].codes[1] (funding) "
        "valence 'good': isin(('facilitator', 'barrier', 'mixed', ''))"
    )


@pytest.mark.parametrize("codes", ["abc", {"id": "x"}, ["not a mapping"]])
def test_codebook_codes_that_are_not_a_list_of_mappings(codebook_dict, codes):
    broken = {"themes": [{**codebook_dict["themes"][0], "codes": codes}]}
    with pytest.raises(QualframeError, match=r"cb.yaml, themes\[1\]"):
        codebook_from_dict(broken, source="cb.yaml")


def test_cases_without_case_id_column(cases):
    sheet = cases.rename(columns={"case_id": "participant"}).astype(str)
    with pytest.raises(ValidationFailed) as caught:
        load_cases(sheet, "cases.tsv", [])
    assert str(caught.value) == "cases.tsv: 1 of 3 rows failed validation: 1 missing column"
    assert caught.value.report[["row", "column"]].values.tolist() == [[1, "case_id"]]


def test_cases_with_ids_that_cannot_be_ids(cases):
    sheet = cases.astype(str)
    sheet.loc[1, "case_id"] = "../x"
    with pytest.raises(ValidationFailed, match="1 of 3 rows failed validation: 1 not a valid id"):
        load_cases(sheet, "cases.tsv", [])


def test_codebook_duplicate_ids(codebook_dict):
    theme = codebook_dict["themes"][1]
    broken = {"themes": [theme, {**theme, "id": "again"}]}
    expected = r"themes\[2\].codes\[1\] \(funding\): code id .funding. used twice \(first at"
    with pytest.raises(QualframeError, match=expected):
        codebook_from_dict(broken)


def test_cases_missing_attribute_and_duplicate_id(cases):
    sheet = pd.concat([cases, cases.head(1)], ignore_index=True).astype(str)
    sheet.loc[1, "region"] = ""
    with pytest.raises(ValidationFailed) as caught:
        load_cases(sheet, "cases.tsv", ["service_type", "region", "status"])
    report = caught.value.report
    assert set(report["problem"]) >= {
        "missing column: configured as a case attribute",
        "empty attribute",
    }
    assert 3 in report.loc[report["problem"] == "empty attribute", "row"].tolist()
    assert report["problem"].str.contains("unique", case=False).any()


def test_locate_exact_and_loose_quotes(texts, codebook):
    rows = [
        ["A1.docx", "leadership", "ES", "Our director backed us all the way."],
        ["a2", "Money\\Funding", "ES", "The money   ran out\nin a year."],
        ["A1", "People > Workforce", "ES", "we could not recruit nurses"],
    ]
    segments = locate_segments(export(rows), "coded.csv", COLUMNS, texts, codebook)
    Segment.validate(segments)
    assert segments["segment_id"].tolist() == ["A1-S001", "A1-S002", "A2-S001"]
    for segment in segments.itertuples():
        assert texts[segment.transcript_id][segment.start : segment.end] == segment.text
    assert segments.set_index("segment_id").loc["A2-S001", "paragraph"] == 2
    assert segments["source_row"].tolist() == [2, 4, 3]


def test_locate_reports_every_bad_row(texts, codebook):
    rows = [
        ["A9", "leadership", "ES", "anything"],
        ["A1", "no such code", "ES", "Our director"],
        ["A2", "workforce", "ES", "we could not recruit nurses"],  # once in A2: fine
        ["A1", "workforce", "", "nurses"],
        ["A1", "funding", "ES", "a sentence nobody said"],
    ]
    with pytest.raises(ValidationFailed) as caught:
        locate_segments(export(rows), "coded.csv", COLUMNS, texts, codebook)
    report = caught.value.report.set_index("row")
    assert report.loc[2, "problem"].startswith("unknown transcript")
    assert report.loc[3, "problem"].startswith("unknown code")
    assert report.loc[5, "problem"] == "empty coder"
    assert report.loc[6, "problem"] == "quote not found in the de-identified transcript"
    assert report.loc[6, "value"] == "quote of 22 characters"  # never the quote itself
    assert str(caught.value).startswith("coded.csv: 4 of 5 rows failed validation")


def test_ambiguous_quote(texts):
    assert span_from_quote(texts["A2"] + texts["A2"], "The money")[1].startswith("ambiguous")


def test_offsets_are_checked_against_the_quote(texts, codebook):
    columns = ColumnMap("doc", "code", "coder", "text", start="start", end="end")
    frame = pd.DataFrame(
        [
            ["A1", "leadership", "ES", "Our director", "45", "57"],
            ["A1", "leadership", "ES", "Our director", "0", "12"],
            ["A1", "leadership", "ES", "", "9", "999"],
        ],
        columns=["doc", "code", "coder", "text", "start", "end"],
    )
    with pytest.raises(ValidationFailed) as caught:
        locate_segments(frame, "x.csv", columns, texts, codebook)
    problems = caught.value.report.set_index("row")["problem"]
    assert 2 not in problems.index
    assert problems[3] == "offsets do not match the quoted text"
    assert problems[4].startswith("offsets out of range")


def test_export_without_rows(texts, codebook):
    frame = pd.DataFrame(columns=["Document name", "Code", "Created by", "Segment"])
    with pytest.raises(QualframeError, match="^x.csv: no coded segments: the export has a header"):
        locate_segments(frame, "x.csv", COLUMNS, texts, codebook)


def test_missing_mapped_column(texts, codebook):
    frame = pd.DataFrame({"Document name": ["A1"]})
    with pytest.raises(ValidationFailed, match="1 of 1 rows failed"):
        locate_segments(frame, "x.csv", COLUMNS, texts, codebook)


@given(st.text(alphabet=st.sampled_from(list("ab ’'\n\t“\"")), max_size=40))
def test_canonical_positions_point_back(text):
    canon, positions = canonical(text)
    assert len(canon) == len(positions)
    assert positions == sorted(positions)
    assert "  " not in canon
    for char, at in zip(canon, positions, strict=True):
        assert char == " " if text[at].isspace() else char in (text[at], "'", '"')


@given(
    st.lists(
        st.sampled_from(["alpha", "beta", "gamma", "delta", "’quoted’"]), min_size=3, max_size=12
    ),
    st.data(),
)
def test_loose_match_recovers_the_span(words, data):
    text = " ".join(f"{w}_{i}_" for i, w in enumerate(words))
    i = data.draw(st.integers(0, len(words) - 2))
    j = data.draw(st.integers(i + 1, len(words)))
    quote = "\n  ".join(f"{w}_{k}_" for k, w in enumerate(words) if i <= k < j)
    (start, end), problem = span_from_quote(text, quote.replace("’", "'"))
    assert problem == ""
    assert canonical(text[start:end])[0] == canonical(" ".join(quote.split()))[0]


def test_duplicate_segments_are_reported(texts, codebook):
    rows = [
        ["A1", "leadership", "ES", "Our director backed us all the way."],
        ["A1", "leadership", "JK", "Our director backed us all the way."],  # another coder
        ["A1", "leadership", "ES", "Our director  backed us all the way."],
    ]
    with pytest.raises(ValidationFailed) as caught:
        locate_segments(export(rows), "coded.csv", COLUMNS, texts, codebook)
    report = caught.value.report
    assert report[["row", "problem"]].values.tolist() == [
        [4, "duplicate segment: same span, code and coder as row 2"]
    ]


def test_case_attributes_typed_and_allowed(cases):
    sheet = cases.assign(staff=["12", "many", "3"]).astype(str)
    rules = {
        "service_type": {"values": ["café", "house"]},
        "staff": {"type": "integer"},
        "region": {"values": ["London"]},
    }
    with pytest.raises(ValidationFailed) as caught:
        load_cases(sheet, "cases.tsv", ["service_type"], rules)
    report = caught.value.report
    assert sorted(zip(report["row"], report["column"], report["value"], strict=True)) == [
        (3, "staff", "many"),
        (4, "region", "Midlands"),
    ]
    assert set(report["problem"]) == {"not an integer", "value not allowed for region"}
