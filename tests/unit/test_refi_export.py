"""Export to REFI-QDA (`.qdpx`): schema-valid, deterministic, offsets that slice the
exported text, and a round trip through qualframe's own importer."""

import io
import zipfile

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from qualframe.coding import codebook_from_dict
from qualframe.errors import QualframeError
from qualframe.refi.write import build_qdpx, refi_guid, source_member
from tests.conftest import CODEBOOK
from tests.refi_schema import validate_project_xml

NS = {"q": "urn:QDA-XML:project:1.0"}
# Accents, a dash and an emoji: offsets count code points, not UTF-8 or UTF-16 units.
A3_TEXT = "Participant: The café — 🙂 — shut, and we could not recruit nurses.\n"


def segment(segment_id, transcript_id, text, quote, code_id, coder):
    start = text.index(quote)
    return {
        "transcript_id": transcript_id,
        "start": start,
        "end": start + len(quote),
        "segment_id": segment_id,
        "case_id": transcript_id,
        "code_id": code_id,
        "coder": coder,
        "paragraph": 1,
        "text": quote,
        "source_file": "coding.csv",
        "source_row": 2,
    }


@pytest.fixture
def study_texts(texts):
    return {**texts, "A3": A3_TEXT}


@pytest.fixture
def segments(study_texts):
    t = study_texts
    return pd.DataFrame(
        [
            segment("A1-S001", "A1", t["A1"], "Our director backed us", "leadership", "ann"),
            segment("A1-S002", "A1", t["A1"], "could not recruit nurses", "workforce", "ann"),
            segment("A1-S003", "A1", t["A1"], "could not recruit nurses", "workforce", "bo"),
            segment("A2-S001", "A2", t["A2"], "The money ran out", "funding", "bo"),
            segment("A3-S001", "A3", t["A3"], "café — 🙂 — shut", "funding", "ann"),
        ]
    )


@pytest.fixture
def qdpx(study_texts, codebook, cases, segments):
    return build_qdpx(study_texts, codebook, cases, segments, project_name="Demo study")


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def project(data: bytes) -> etree._Element:
    return etree.fromstring(members(data)["project.qde"])


def test_export_validates_against_the_project_schema(qdpx):
    validate_project_xml(members(qdpx)["project.qde"], "project.qde")


def test_export_without_segments_or_attributes_is_valid(study_texts, codebook):
    data = build_qdpx(study_texts, codebook, pd.DataFrame({"case_id": ["A1"]}), None, "Bare")
    validate_project_xml(members(data)["project.qde"], "project.qde")
    root = project(data)
    assert root.find("q:Users", NS) is None
    assert root.find("q:Variables", NS) is None
    assert root.findall(".//q:PlainTextSelection", NS) == []


def test_same_inputs_give_the_same_bytes(study_texts, codebook, cases, segments, qdpx):
    shuffled = build_qdpx(
        dict(reversed(list(study_texts.items()))),
        codebook.sample(frac=1, random_state=1),
        cases.sample(frac=1, random_state=2),
        segments.sample(frac=1, random_state=3),
        project_name="Demo study",
    )
    assert shuffled == qdpx
    assert build_qdpx(study_texts, codebook, cases, segments, "Demo study") == qdpx


def test_archive_holds_project_then_sources_as_utf8_without_bom(qdpx, study_texts):
    files = members(qdpx)
    expected = ["project.qde"] + sorted(source_member(t) for t in study_texts)
    assert list(files) == sorted(files, key=expected.index)
    assert set(files) == set(expected)
    assert files["project.qde"].startswith(b"<?xml")
    for transcript_id, text in study_texts.items():
        assert files[source_member(transcript_id)] == text.encode("utf-8")
    with zipfile.ZipFile(io.BytesIO(qdpx)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_text_sources_point_to_their_files(qdpx, study_texts):
    sources = project(qdpx).findall("q:Sources/q:TextSource", NS)
    assert [s.get("name") for s in sources] == sorted(study_texts)
    for source in sources:
        guid = refi_guid("source", source.get("name"))
        assert source.get("guid") == guid
        assert source.get("plainTextPath") == f"internal://{guid}.txt"


def test_every_selection_slices_the_segment_text(qdpx, segments):
    files = members(qdpx)
    quotes = segments.set_index("segment_id")["text"]
    selections = 0
    for source in project(qdpx).findall("q:Sources/q:TextSource", NS):
        path = source.get("plainTextPath").removeprefix("internal://")
        text = files[f"sources/{path}"].decode("utf-8")
        for selection in source.findall("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == quotes[selection.get("name")]
            selections += 1
    assert selections == len(segments)


def test_codes_nest_under_non_codable_themes(qdpx):
    themes = project(qdpx).findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [(t.get("name"), t.get("isCodable")) for t in themes] == [
        ("People", "false"),
        ("Money", "false"),
    ]
    people = [(c.get("name"), c.get("isCodable")) for c in themes[0].findall("q:Code", NS)]
    assert people == [("Leadership", "true"), ("Workforce", "true")]
    description = themes[0].find("q:Code/q:Description", NS).text
    assert description.splitlines() == [
        "Leaders helping.",
        "Valence: facilitator",
        "CFIR domain: Individuals",
        "CFIR construct: High-level Leaders",
    ]


def test_cases_carry_attribute_values_and_their_transcript(qdpx):
    root = project(qdpx)
    variables = {v.get("guid"): v.get("name") for v in root.findall("q:Variables/q:Variable", NS)}
    assert sorted(variables.values()) == ["region", "service_type"]
    a3 = root.find("q:Cases/q:Case[@name='A3']", NS)
    values = {
        variables[v.find("q:VariableRef", NS).get("targetGUID")]: v.find("q:TextValue", NS).text
        for v in a3.findall("q:VariableValue", NS)
    }
    assert values == {"service_type": "café", "region": "Midlands"}
    assert a3.find("q:SourceRef", NS).get("targetGUID") == refi_guid("source", "A3")


def test_codings_name_code_and_coder(qdpx):
    root = project(qdpx)
    users = {u.get("guid"): u.get("name") for u in root.findall("q:Users/q:User", NS)}
    assert sorted(users.values()) == ["ann", "bo"]
    selection = root.find(".//q:PlainTextSelection[@name='A1-S003']", NS)
    coding = selection.find("q:Coding", NS)
    assert users[selection.get("creatingUser")] == "bo"
    assert users[coding.get("creatingUser")] == "bo"
    assert coding.find("q:CodeRef", NS).get("targetGUID") == refi_guid("code", "workforce")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code_id": "morale"}, r"segment A1-S001: unknown code 'morale'"),
        ({"transcript_id": "Z9"}, r"segment A1-S001: unknown transcript 'Z9'"),
        ({"end": 10_000}, r"segment A1-S001: offsets 45–10000 fall outside A1"),
        ({"text": "Our director backed them"}, r"segment A1-S001: quoted text differs"),
    ],
)
def test_bad_segment_is_named(study_texts, codebook, cases, segments, change, message):
    for column, value in change.items():
        segments.loc[0, column] = value
    with pytest.raises(QualframeError, match=message):
        build_qdpx(study_texts, codebook, cases, segments, "Demo study")


def test_round_trip_through_the_importer(qdpx, study_texts, codebook, cases, segments):
    read = pytest.importorskip("qualframe.refi.read", reason="REFI-QDA importer not there yet")
    from qualframe.refi.archive import read_qdpx

    imported = read.read_project(read_qdpx(qdpx, "demo.qdpx"))

    refi_codes = imported.codebook.set_index("guid")
    children = refi_codes[refi_codes["parent_guid"] != ""]
    hierarchy = sorted(
        (refi_codes.loc[parent, "name"], name, codable)
        for parent, name, codable in zip(
            children["parent_guid"], children["name"], children["is_codable"], strict=True
        )
    )
    assert hierarchy == sorted(
        (theme, code, True) for theme, code in zip(codebook["theme"], codebook["code"], strict=True)
    )
    roots = refi_codes[refi_codes["parent_guid"] == ""]
    assert sorted(roots["name"]) == sorted(set(codebook["theme"]))
    assert not roots["is_codable"].any()

    got_cases = (
        imported.cases.rename(columns={"name": "case_id"})[list(cases.columns)]
        .sort_values("case_id")
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(got_cases, cases, check_dtype=False)

    sources = imported.sources.set_index("guid")
    assert dict(zip(sources["name"], sources["text"], strict=True)) == study_texts
    case_names = imported.cases.set_index("guid")["name"]
    links = {
        (case_names[case], sources.loc[source, "name"])
        for case, source in imported.case_sources.itertuples(index=False)
    }
    assert links == {(case, case) for case in cases["case_id"] if case in study_texts}

    columns = ["source_name", "code_name", "start", "end", "coder", "text"]
    got = imported.segments[columns].sort_values(columns).reset_index(drop=True)
    names = dict(zip(codebook["code_id"], codebook["code"], strict=True))
    want = (
        segments.assign(
            source_name=segments["transcript_id"], code_name=segments["code_id"].map(names)
        )[columns]
        .sort_values(columns)
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@settings(max_examples=50, deadline=None)
@given(
    text=st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60),
    data=st.data(),
)
def test_any_text_and_span_exports_valid_and_exact(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    row = segment("P1-S001", "P1", text, text[start:end], "funding", "ann")
    row.update(start=start, end=end)
    qdpx = build_qdpx(
        {"P1": text},
        codebook_from_dict(CODEBOOK),
        pd.DataFrame({"case_id": ["P1"]}),
        pd.DataFrame([row]),
        "P",
    )
    files = members(qdpx)
    validate_project_xml(files["project.qde"], "project.qde")
    selection = project(qdpx).find(".//q:PlainTextSelection", NS)
    exported = files[source_member("P1")].decode("utf-8")
    assert exported == text
    assert (
        exported[int(selection.get("startPosition")) : int(selection.get("endPosition"))]
        == (text[start:end])
    )
