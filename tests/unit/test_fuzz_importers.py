"""Property tests: every importer, fed random bytes or random structures, either reads them
or raises QualframeError with a one-line message; never any other exception."""

import io
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualframe.coding import ColumnMap, load_cases, locate_segments
from qualframe.commands.readers import read_case_sheet, read_codebook, read_export
from qualframe.errors import QualframeError
from qualframe.ingest import normalise_text, read_transcript
from qualframe.refi.archive import read_qdpx
from qualframe.refi.read import read_codebook_qdc, read_project
from tests.conftest import CODEBOOK, TEXTS

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@contextmanager
def only_qualframe_errors():
    """Let the block succeed or raise QualframeError with one non-empty line; any other
    exception fails the test."""
    try:
        yield
    except QualframeError as exc:
        message = str(exc)
        assert message.strip(), "empty message"
        assert "\n" not in message, message


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# --- transcripts --------------------------------------------------------------------------

VTT_PIECES = [
    "WEBVTT",
    "WEBVTT - title",
    "",
    "",
    "1",
    "NOTE a comment",
    "00:00:01.000 --> 00:00:02.000",
    "00:01.000 --> 00:02.000 align:start",
    "01:00:00.000 --> 00:00:00.000",
    "00:00:0x.000 --> 00:00:02.000",
    "-->",
    "<v Interviewer>Hello there.</v>",
    "<v Participant>We ran out of money &amp; staff.",
    "<v>",
    "plain cue text",
    "STYLE",
    "::cue { color: red }",
    "\ufeff",
    "\x00",
]


@st.composite
def docx_like(draw) -> bytes:
    """A zip holding some of a Word package's parts, each random bytes or random XML."""
    names = draw(
        st.lists(
            st.sampled_from(
                ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/x.rels"]
            ),
            unique=True,
        )
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, draw(st.binary(max_size=200) | xml_text().map(str.encode)))
    return buffer.getvalue()


@FUZZ
@given(
    suffix=st.sampled_from([".txt", ".docx", ".vtt"]),
    data=st.binary(max_size=2000)
    | st.text(max_size=500).map(str.encode)
    | docx_like()
    | st.lists(st.sampled_from(VTT_PIECES), max_size=30).map(lambda ls: "\n".join(ls).encode()),
)
def test_read_transcript_never_crashes(folder, suffix, data):
    path = folder / f"T01{suffix}"
    path.write_bytes(data)
    with only_qualframe_errors():
        normalise_text(read_transcript(path, max_bytes=100_000))


# --- coded-segment exports, case sheets, codebooks ---------------------------------------

COLUMN_NAMES = ["doc", "code", "coder", "text", "start", "end", "extra", ""]
CELLS = [
    "A1",
    "a2.docx",
    "A3",
    "../x",
    "leadership",
    "Money\\Funding",
    "People > Workforce",
    "ES",
    "",
    " ",
    "Our director backed us all the way.",
    "we could not recruit nurses",
    "The money ran out",
    "0",
    "5",
    "-3",
    "99999999999999999999",
    "1.5",
    "=1+1",
    '"',
    "\u00e9",
    "\u2019",
]


@st.composite
def csv_text(draw) -> str:
    """A CSV export: a header of plausible column names, rows of plausible cells, with
    quoting, ragged rows and random text mixed in."""
    header = draw(st.lists(st.sampled_from(COLUMN_NAMES), min_size=1, max_size=7))
    cell = st.sampled_from(CELLS) | st.text(max_size=12)
    rows = draw(st.lists(st.lists(cell, max_size=len(header) + 1), max_size=8))
    quote = draw(st.booleans())

    def line(cells):
        return ",".join(f'"{c}"' if quote else c for c in cells)

    return "\n".join([line(header), *map(line, rows)]) + draw(st.sampled_from(["", "\n"]))


@FUZZ
@given(
    text=csv_text() | st.text(max_size=400),
    offsets=st.booleans(),
    suffix=st.sampled_from([".csv", ".tsv", ".xlsx"]),
)
def test_coded_segment_reader_never_crashes(folder, codebook, text, offsets, suffix):
    path = folder / f"coded{suffix}"
    path.write_text(text.replace(",", "\t") if suffix == ".tsv" else text, encoding="utf-8")
    columns = ColumnMap("doc", "code", "coder", "text", *(("start", "end") if offsets else ()))
    with only_qualframe_errors():
        frame, mapping = read_export(str(path), columns)
        locate_segments(frame, str(path), mapping, TEXTS, codebook)


@FUZZ
@given(data=st.binary(max_size=500) | csv_text().map(lambda t: t.replace(",", "\t").encode()))
def test_case_sheet_reader_never_crashes(folder, data):
    path = folder / "cases.tsv"
    path.write_bytes(data)
    with only_qualframe_errors():
        load_cases(read_case_sheet(str(path)), str(path), ["doc"], {"code": {"type": "integer"}})


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(CELLS) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["themes", "codes", "id", "name", "definition", "valence"]), inner
        )
    ),
    max_leaves=20,
)


@st.composite
def codebook_yaml(draw) -> bytes:
    """The test codebook with some keys replaced by random YAML values, or random YAML."""
    if draw(st.booleans()):
        return yaml.safe_dump(draw(yaml_values)).encode()
    data = yaml.safe_load(yaml.safe_dump(CODEBOOK))
    theme = data["themes"][draw(st.integers(0, 1))]
    code = theme["codes"][0]
    target = draw(st.sampled_from([theme, code]))
    target[draw(st.sampled_from(sorted(target)))] = draw(yaml_values)
    return yaml.safe_dump(data, allow_unicode=True).encode()


@FUZZ
@given(
    data=codebook_yaml() | st.binary(max_size=300),
    suffix=st.sampled_from([".yaml", ".csv"]),
)
def test_codebook_reader_never_crashes(folder, data, suffix):
    path = folder / f"codebook{suffix}"
    path.write_bytes(data)
    with only_qualframe_errors():
        read_codebook(str(path))


# --- REFI-QDA projects and codebooks ------------------------------------------------------

GUIDS = [
    "11111111-2222-3333-4444-555555555555",
    "{AAAAAAAA-0000-0000-0000-000000000001}",
    "aaaaaaaa-0000-0000-0000-000000000002",
    "not-a-guid",
    "",
]
TAGS = [
    "Users",
    "User",
    "CodeBook",
    "Codes",
    "Code",
    "Description",
    "Variables",
    "Variable",
    "Cases",
    "Case",
    "VariableValue",
    "VariableRef",
    "TextValue",
    "SourceRef",
    "Sources",
    "TextSource",
    "PlainTextContent",
    "PlainTextSelection",
    "Coding",
    "CodeRef",
    "NoteRef",
    "Notes",
    "Note",
    "Sets",
]
ATTRIBUTES = {
    "guid": st.sampled_from(GUIDS),
    "name": st.sampled_from(["P01", "Staffing", "", "a&amp;b"]),
    "isCodable": st.sampled_from(["true", "false", "1", "maybe"]),
    "targetGUID": st.sampled_from(GUIDS),
    "creatingUser": st.sampled_from(GUIDS),
    "startPosition": st.sampled_from(["0", "3", "-1", "40", "99999999999999999999", "x"]),
    "endPosition": st.sampled_from(["0", "5", "12", "41", "1000"]),
    "plainTextPath": st.sampled_from(["internal://P01.txt", "relative://P01.txt", "x://y", ""]),
    "typeOfVariable": st.sampled_from(["Text", "Integer", "Other"]),
}


def element():
    """(tag, attributes, text, children) of a REFI-ish element tree."""
    keys = st.dictionaries(st.sampled_from(sorted(ATTRIBUTES)), st.just(None), max_size=4)
    attributes = keys.flatmap(
        lambda chosen: st.fixed_dictionaries({k: ATTRIBUTES[k] for k in chosen})
    )
    text = st.sampled_from(["", "Hello there.", "&lt;x&gt;", "\u00e9"])
    tag = st.sampled_from(TAGS)
    return st.recursive(
        st.tuples(tag, attributes, text, st.just([])),
        lambda children: st.tuples(tag, attributes, text, st.lists(children, max_size=3)),
        max_leaves=12,
    )


def render(node) -> str:
    tag, attributes, text, children = node
    attrs = "".join(f' {key}="{value}"' for key, value in attributes.items())
    return f"<{tag}{attrs}>{text}{''.join(map(render, children))}</{tag}>"


@st.composite
def xml_text(draw, root: str = "Project", namespace: str = "urn:QDA-XML:project:1.0") -> str:
    """A REFI-ish XML document of random elements, sometimes cut short or left bare."""
    body = "".join(render(child) for child in draw(st.lists(element(), max_size=5)))
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<{root} xmlns="{namespace}" name="fuzz">{body}</{root}>'
    )
    if draw(st.booleans()):
        return xml
    return xml[: draw(st.integers(0, len(xml)))]


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@st.composite
def qdpx_bytes(draw) -> bytes:
    """Random bytes; a zip of a random project; or a good zip with bytes changed."""
    qde = draw(xml_text() | st.text(max_size=200)).encode()
    sources = {"sources/P01.txt": draw(st.binary(max_size=60) | st.just(b"Hello there.\n"))}
    archive = zip_of({"project.qde": qde, **sources})
    kind = draw(st.sampled_from(["bytes", "zip", "mutated"]))
    if kind == "bytes":
        return draw(st.binary(max_size=600))
    if kind == "zip":
        return archive
    mutated = bytearray(archive)
    for _ in range(draw(st.integers(1, 8))):
        mutated[draw(st.integers(0, len(mutated) - 1))] = draw(st.integers(0, 255))
    return bytes(mutated)


@FUZZ
@given(data=qdpx_bytes())
def test_refi_project_reader_never_crashes(data):
    with only_qualframe_errors():
        read_project(read_qdpx(data, "fuzz.qdpx"))


@FUZZ
@given(xml=xml_text("CodeBook", "urn:QDA-XML:codebook:1.0") | st.text(max_size=300))
def test_refi_codebook_reader_never_crashes(xml):
    with only_qualframe_errors():
        read_codebook_qdc(xml.encode(), "fuzz.qdc")
