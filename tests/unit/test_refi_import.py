"""REFI-QDA import: safe archive reading, schema validation, tables, producer quirks."""

import io
import stat
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualframe.errors import QualframeError
from qualframe.refi.archive import read_qdpx
from qualframe.refi.read import choose_line_endings, read_codebook_qdc, read_project
from tests.refi_schema import validate_project_xml

REFI_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "refi"
QC_DEMO = REFI_DATA / "qc-demo.qdpx"
NS = {"q": "urn:QDA-XML:project:1.0"}

USER = "11111111-2222-3333-4444-555555555555"
CODE_A = "AAAAAAAA-0000-0000-0000-000000000001"
CODE_B = "aaaaaaaa-0000-0000-0000-000000000002"
SOURCE = "BBBBBBBB-0000-0000-0000-000000000001"
SEL = "CCCCCCCC-0000-0000-0000-000000000001"
CODING = "DDDDDDDD-0000-0000-0000-000000000001"
NOTE = "EEEEEEEE-0000-0000-0000-000000000001"
CASE = "FFFFFFFF-0000-0000-0000-000000000001"
VAR_AGE = "99999999-0000-0000-0000-000000000001"
VAR_NHS = "99999999-0000-0000-0000-000000000002"


def make_qdpx(qde: str, files: dict[str, bytes] | None = None, qde_name="project.qde") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(qde_name, qde.encode("utf-8"))
        for member, data in (files or {}).items():
            archive.writestr(member, data)
    return buffer.getvalue()


def project(sources: str, extra: str = "", tail: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="test">\n'
        f'<Users><User guid="{{{USER}}}" name="ana"/></Users>\n'
        "<CodeBook><Codes>\n"
        f'<Code guid="{{{CODE_A}}}" name="Barriers" isCodable="false" color="#ff0000">\n'
        "<Description>Things in the way</Description>\n"
        f'<Code guid="{CODE_B}" name="Staffing" isCodable="true"/>\n'
        "</Code>\n</Codes></CodeBook>\n"
        f"{extra}<Sources>\n{sources}\n</Sources>\n{tail}</Project>\n"
    )


def text_source(path: str, start: int, end: int, code=CODE_B, inner="", content="") -> str:
    attr = f' plainTextPath="{path}"' if path else ""
    return (
        f'<TextSource guid="{{{SOURCE}}}" name="P01"{attr}>\n{content}'
        f'<PlainTextSelection guid="{SEL}" startPosition="{start}" endPosition="{end}">\n'
        f'<Coding guid="{CODING}" creatingUser="{USER.upper()}">'
        f'<CodeRef targetGUID="{code}"/>{inner}</Coding>\n'
        "</PlainTextSelection>\n</TextSource>"
    )


TEXT = "Hello there.\nWe lacked staff in winter.\n"
STAFF = (TEXT.index("We"), TEXT.index(" in"))


def line_of(xml: str, needle: str) -> int:
    """1-based line of the first occurrence of `needle` in `xml`."""
    return xml[: xml.index(needle)].count("\n") + 1


def load(data: bytes, name="t.qdpx"):
    return read_project(read_qdpx(data, name))


# --- the real qc export ------------------------------------------------------------------


@pytest.fixture(scope="module")
def qc_demo():
    if not QC_DEMO.exists():
        pytest.skip(f"reference data absent: {QC_DEMO}")
    data = QC_DEMO.read_bytes()
    qde = zipfile.ZipFile(io.BytesIO(data)).read("project.qde")
    return load(data, "qc-demo.qdpx"), etree.fromstring(qde)


def test_qc_demo_counts_match_its_xml(qc_demo):
    refi, root = qc_demo
    count = lambda path: len(root.xpath(path, namespaces=NS))  # noqa: E731
    assert len(refi.codebook) == count("//q:Code") == 262
    assert (refi.codebook["depth"] == 0).sum() == count("/q:Project/q:CodeBook/q:Codes/q:Code")
    assert (refi.codebook["depth"] == 0).sum() == 3
    assert refi.codebook["is_codable"].all()
    assert len(refi.sources) == count("//q:TextSource") == 2
    assert refi.segments["selection_guid"].nunique() == count("//q:PlainTextSelection") == 158
    assert len(refi.segments) == count("//q:Coding") == 205
    assert len(refi.users) == count("//q:User") == 1
    assert len(refi.cases) == count("//q:Case") == 0
    assert set(refi.segments["coder"]) == {"cp"}


def test_qc_demo_segment_text_is_the_source_slice(qc_demo):
    refi, _ = qc_demo
    texts = dict(zip(refi.sources["guid"], refi.sources["text"], strict=True))
    for row in refi.segments.itertuples(index=False):
        assert row.text == texts[row.source_guid][row.start : row.end]
        assert row.text
    assert refi.codebook["path"].str.count(r"\\").eq(refi.codebook["depth"]).all()


# --- quirks of producers -----------------------------------------------------------------


def test_braced_upper_case_guids_sources_folder_and_odd_qde_name():
    qde = project(text_source("internal://P01.txt", *STAFF, code=f"{{{CODE_B.upper()}}}"))
    data = make_qdpx(qde, {"Sources/P01.txt": TEXT.encode()}, qde_name="My Study.qde")
    refi = load(data)
    seg = refi.segments.iloc[0]
    assert seg["code_guid"] == CODE_B
    assert seg["source_guid"] == SOURCE.lower()
    assert seg["selection_guid"] == SEL.lower()
    assert seg["text"] == "We lacked staff"
    assert seg["coder"] == "ana"
    assert seg["code_name"] == "Staffing"
    codebook = refi.codebook.set_index("name")
    assert codebook.at["Staffing", "parent_guid"] == CODE_A.lower()
    assert codebook.at["Staffing", "path"] == "Barriers\\Staffing"
    assert codebook.at["Barriers", "description"] == "Things in the way"
    assert codebook.at["Barriers", "colour"] == "#ff0000"
    assert not codebook.at["Barriers", "is_codable"]
    assert codebook["depth"].tolist() == [0, 1]


def test_empty_sets_is_tolerated():
    qde = project(text_source("P01.txt", *STAFF), tail="<Sets/>\n")
    refi = load(make_qdpx(qde, {"sources/P01.txt": TEXT.encode()}))
    assert len(refi.segments) == 1


@pytest.mark.parametrize(
    "path, member, base",
    [
        ("relative://P01.txt", "sources/P01.txt", ""),
        ("absolute://C:/Users/ana/study/P01.txt", "sources/P01.txt", ""),
        ("P01.txt", "sources/P01.txt", ""),
    ],
)
def test_path_schemes(path, member, base):
    refi = load(make_qdpx(project(text_source(path, *STAFF)), {member: TEXT.encode()}))
    assert refi.sources.at[0, "path"] == path
    assert refi.segments.at[0, "text"] == "We lacked staff"


def test_bom_is_removed_before_counting():
    data = make_qdpx(
        project(text_source("P01.txt", *STAFF)),
        {"sources/P01.txt": b"\xef\xbb\xbf" + TEXT.encode()},
    )
    refi = load(data)
    assert refi.sources.at[0, "text"] == TEXT
    assert refi.segments.at[0, "text"] == "We lacked staff"


def test_crlf_offsets_counted_as_one_are_converted():
    crlf = TEXT.replace("\n", "\r\n")
    lf_start, lf_end = STAFF  # offsets as if CRLF were one character
    refi = load(
        make_qdpx(
            project(text_source("P01.txt", lf_start, lf_end)), {"sources/P01.txt": crlf.encode()}
        )
    )
    assert refi.sources.at[0, "text"] == TEXT
    assert refi.segments.at[0, "text"] == "We lacked staff"


def test_crlf_offsets_counted_as_two_are_kept():
    crlf = TEXT.replace("\n", "\r\n")
    start, end = crlf.index("We"), crlf.index(" in")
    refi = load(
        make_qdpx(project(text_source("P01.txt", start, end)), {"sources/P01.txt": crlf.encode()})
    )
    assert refi.sources.at[0, "text"] == crlf
    assert refi.segments.at[0, "text"] == "We lacked staff"


def test_crlf_selection_only_inside_written_text_keeps_crlf():
    crlf = "a\r\nb\r\nc\r\n"
    assert choose_line_endings(crlf, [(0, len(crlf))]) == crlf
    assert choose_line_endings(crlf, [(2, 3)]) == "a\nb\nc\n"  # splits a CRLF pair as written
    assert choose_line_endings("no crlf", [(0, 2)]) == "no crlf"


def test_inline_plain_text_content():
    source = text_source("", *STAFF, content=f"<PlainTextContent>{TEXT}</PlainTextContent>\n")
    refi = load(make_qdpx(project(source)))
    assert refi.sources.at[0, "path"] == ""
    assert refi.segments.at[0, "text"] == "We lacked staff"


def test_note_linked_to_the_coding():
    notes = (
        f'<Notes><Note guid="{NOTE}" name="memo">'
        "<PlainTextContent>Seasonal shortage.</PlainTextContent></Note></Notes>\n"
    )
    source = text_source("P01.txt", *STAFF, inner=f'<NoteRef targetGUID="{{{NOTE}}}"/>')
    refi = load(make_qdpx(project(source, tail=notes), {"sources/P01.txt": TEXT.encode()}))
    assert refi.segments.at[0, "note"] == "Seasonal shortage."


def test_cases_with_variables_and_sources():
    extra = (
        "<Variables>"
        f'<Variable guid="{VAR_AGE}" name="age" typeOfVariable="Integer"/>'
        f'<Variable guid="{VAR_NHS}" name="nhs_staff" typeOfVariable="Boolean"/>'
        "</Variables>\n"
        f'<Cases><Case guid="{{{CASE}}}" name="Site A"><Description>Rural</Description>'
        f'<VariableValue><VariableRef targetGUID="{VAR_AGE}"/><IntegerValue>42</IntegerValue>'
        "</VariableValue>"
        f'<VariableValue><VariableRef targetGUID="{VAR_NHS}"/><BooleanValue>true</BooleanValue>'
        "</VariableValue>"
        f'<SourceRef targetGUID="{SOURCE}"/></Case></Cases>\n'
    )
    refi = load(
        make_qdpx(
            project(text_source("P01.txt", *STAFF), extra=extra), {"sources/P01.txt": TEXT.encode()}
        )
    )
    assert refi.cases.to_dict("records") == [
        {
            "guid": CASE.lower(),
            "name": "Site A",
            "description": "Rural",
            "age": "42",
            "nhs_staff": "true",
        }
    ]
    assert refi.case_sources.to_dict("records") == [
        {"case_guid": CASE.lower(), "source_guid": SOURCE.lower()}
    ]
    assert refi.sources.at[0, "case_guid"] == CASE.lower()


# --- broken inputs -----------------------------------------------------------------------


def test_not_a_zip():
    with pytest.raises(QualframeError, match=r"^bad.qdpx: not a REFI-QDA project archive"):
        read_qdpx(b"plain text", "bad.qdpx")


def test_no_qde_and_several_qde():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("sources/a.txt", "x")
    with pytest.raises(QualframeError, match=r"^x.qdpx: archive holds no .qde"):
        read_qdpx(buffer.getvalue(), "x.qdpx")
    data = make_qdpx("<a/>", {"second.qde": b"<a/>"})
    with pytest.raises(QualframeError, match="several .qde project files: project.qde, second.qde"):
        read_qdpx(data, "x.qdpx")


@pytest.mark.parametrize("member", ["sources/../../evil.txt", "/etc/passwd", "C:/evil.txt"])
def test_zip_slip_member_is_refused(member):
    data = make_qdpx("<a/>", {member: b"x"})
    with pytest.raises(QualframeError, match=rf"^x.qdpx, member '{member}': .*refused"):
        read_qdpx(data, "x.qdpx")


def test_symlink_member_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", "<a/>")
        info = zipfile.ZipInfo("sources/link.txt")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    with pytest.raises(QualframeError, match="symbolic link"):
        read_qdpx(buffer.getvalue(), "x.qdpx")


def test_size_limit_and_ratio_bomb():
    big = make_qdpx("<a/>", {"sources/big.txt": b"0" * (3 * 1024**2)})
    with pytest.raises(QualframeError, match="zip bomb"):
        read_qdpx(big, "x.qdpx")
    with pytest.raises(QualframeError, match="over the limit of 1,000"):
        read_qdpx(big, "x.qdpx", max_total_bytes=1000, max_ratio=10**9)


def test_malformed_xml_names_the_line():
    qde = project(text_source("P01.txt", *STAFF)).replace("</CodeBook>", "</CodeBok>")
    line = line_of(qde, "</CodeBok>")
    with pytest.raises(QualframeError, match=rf"^t.qdpx:project.qde, line {line}: malformed XML"):
        load(make_qdpx(qde, {"sources/P01.txt": TEXT.encode()}))


def test_xsd_invalid_element_names_line_and_element():
    qde = project(text_source("P01.txt", *STAFF)).replace("<Users>", "<Users><Mystery/>")
    line = line_of(qde, "<Mystery")
    with pytest.raises(
        QualframeError, match=rf"line {line}, element <Mystery>: does not follow .*'Mystery'"
    ):
        load(make_qdpx(qde, {"sources/P01.txt": TEXT.encode()}))
    with pytest.raises(QualframeError, match=rf"p.qde, line {line}, element <Mystery>"):
        validate_project_xml(qde.encode(), "p.qde")


def test_selection_past_the_end_of_its_text():
    qde = project(text_source("P01.txt", 5, len(TEXT) + 3))
    line = line_of(qde, "<PlainTextSelection")
    with pytest.raises(
        QualframeError,
        match=rf"line {line}, element <PlainTextSelection guid=\"{SEL}\">: selection 5-"
        r".*past the end .*'P01'",
    ):
        load(make_qdpx(qde, {"sources/P01.txt": TEXT.encode()}))


def test_coding_to_unknown_code():
    unknown = "12345678-0000-0000-0000-000000000000"
    qde = project(text_source("P01.txt", *STAFF, code=unknown))
    line = line_of(qde, "<Coding")
    with pytest.raises(
        QualframeError, match=rf"line {line}, element <Coding guid=\"{CODING}\">: .*unknown code"
    ):
        load(make_qdpx(qde, {"sources/P01.txt": TEXT.encode()}))


def test_missing_source_file():
    qde = project(text_source("P02.txt", *STAFF))
    line = line_of(qde, "<TextSource")
    with pytest.raises(QualframeError, match=rf"line {line}, element <TextSource .*not in the"):
        load(make_qdpx(qde, {"sources/P01.txt": b"x"}))


@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
        '<!DOCTYPE Project SYSTEM "http://127.0.0.1:9/project.dtd">\n',
        '<!DOCTYPE Project [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]>\n',
    ],
)
def test_doctype_is_refused(doctype):
    qde = project(text_source("P01.txt", *STAFF)).replace("<Project ", doctype + "<Project ", 1)
    with pytest.raises(QualframeError, match=r"^t.qdpx:project.qde, line 2: DOCTYPE .* refused"):
        load(make_qdpx(qde, {"sources/P01.txt": TEXT.encode()}))


def test_doctype_is_refused_in_utf16_too():
    """Not visible to a byte search: refused after parsing."""
    qde = project("").replace("<Project ", '<!DOCTYPE Project [<!ENTITY e "x">]>\n<Project ', 1)
    xml = qde.replace('encoding="utf-8"', 'encoding="utf-16"').encode("utf-16")
    with pytest.raises(QualframeError, match=r"^p.qde, line 1: DOCTYPE .* refused"):
        validate_project_xml(xml, "p.qde")


def test_doctype_text_inside_the_document_is_not_a_doctype():
    content = "<PlainTextContent><![CDATA[<!DOCTYPE html> in a quote]]></PlainTextContent>"
    qde = project(text_source("", 0, 5, content=content))
    assert load(make_qdpx(qde)).sources["text"].tolist() == ["<!DOCTYPE html> in a quote"]


def damaged(change) -> bytes:
    """A one-member archive with `change(data)` applied to its bytes."""
    data = bytearray(make_qdpx("<a/>" * 50))
    change(data)
    return bytes(data)


def _unknown_version(data):
    data[data.find(b"PK\x01\x02") + 6] = 64  # needs zip version 6.4 to extract


def _bad_deflate(data):
    start = 30 + int.from_bytes(data[26:28], "little")
    data[start : start + 4] = b"\xff\xff\xff\xff"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_unknown_version, r"^x.qdpx: damaged zip archive: zip file version 6.4"),
        (_bad_deflate, r"^x.qdpx, member 'project.qde': cannot read member: Error -3"),
    ],
)
def test_damaged_archives_are_clear_errors(change, expected):
    """zipfile raises NotImplementedError and zlib.error for these (found by fuzzing)."""
    with pytest.raises(QualframeError, match=expected):
        read_qdpx(damaged(change), "x.qdpx")


def test_size_limits_are_read_when_called(monkeypatch):
    from qualframe.refi import archive

    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 100)
    with pytest.raises(QualframeError, match="over the limit of 100"):
        read_qdpx(make_qdpx("<a/>", {"sources/a.txt": b"x" * 200}), "x.qdpx")


# --- .qdc codebook -----------------------------------------------------------------------


QDC = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="test"><Codes>\n'
    f'<Code guid="{{{CODE_A}}}" name="Barriers" isCodable="true">\n'
    f'<Code guid="{CODE_B}" name="Staffing" isCodable="true"/>\n'
    "</Code></Codes></CodeBook>\n"
)


def test_qdc_codebook():
    codebook = read_codebook_qdc(QDC.encode(), "cb.qdc")
    assert codebook["guid"].tolist() == [CODE_A.lower(), CODE_B]
    assert codebook["path"].tolist() == ["Barriers", "Barriers\\Staffing"]


def test_qdc_structural_errors():
    with pytest.raises(QualframeError, match=r"cb.qdc, line 4, element <Code .*isCodable"):
        read_codebook_qdc(QDC.replace('isCodable="true"/>', 'isCodable="yes"/>').encode(), "cb.qdc")
    with pytest.raises(QualframeError, match="expected <CodeBook> in urn:QDA-XML:codebook:1.0"):
        read_codebook_qdc(project("").encode(), "cb.qdc")
    with pytest.raises(QualframeError, match="used twice"):
        read_codebook_qdc(QDC.replace(CODE_B, CODE_A).encode(), "cb.qdc")
