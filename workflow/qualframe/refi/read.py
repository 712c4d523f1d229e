"""REFI-QDA project (`.qde` in a `.qdpx`) and codebook (`.qdc`) → DataFrames.

Tables (all string columns `str`, ints int64):
- users: guid, name
- codebook: guid, name, parent_guid, is_codable, description, colour, depth, path
- cases: guid, name, description, one column per variable (value as text)
- case_sources: case_guid, source_guid
- sources: guid, name, path, text, case_guid
- segments: selection_guid, coding_guid, source_guid, source_name, code_guid, code_name,
  start, end, coder, text, note

GUIDs are normalised to lower case without braces. Offsets are Python str offsets, end
exclusive, into `sources.text` (BOM removed; CRLF kept or turned into LF by the rule in
`choose_line_endings`).
"""

import posixpath
import re
from dataclasses import dataclass

import pandas as pd

from qualframe.errors import QualframeError
from qualframe.refi.archive import QdpxArchive
from qualframe.refi.xsd import CODEBOOK_NS, PROJECT_NS, describe, parse_xml, validate_tree

P = f"{{{PROJECT_NS}}}"
GUID_RE = re.compile(r"^\{?[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}?$")
BOM = "\ufeff"
VALUE_TAGS = (
    "TextValue",
    "BooleanValue",
    "IntegerValue",
    "FloatValue",
    "DateValue",
    "DateTimeValue",
)

USER_COLUMNS = ["guid", "name"]
CODEBOOK_COLUMNS = [
    "guid",
    "name",
    "parent_guid",
    "is_codable",
    "description",
    "colour",
    "depth",
    "path",
]
CASE_COLUMNS = ["guid", "name", "description"]
CASE_SOURCE_COLUMNS = ["case_guid", "source_guid"]
SOURCE_COLUMNS = ["guid", "name", "path", "text", "case_guid"]
SEGMENT_COLUMNS = [
    "selection_guid",
    "coding_guid",
    "source_guid",
    "source_name",
    "code_guid",
    "code_name",
    "start",
    "end",
    "coder",
    "text",
    "note",
]


@dataclass(frozen=True)
class RefiProject:
    """One REFI-QDA project as tables (see the module docstring for their columns)."""

    name: str
    users: pd.DataFrame
    codebook: pd.DataFrame
    cases: pd.DataFrame
    case_sources: pd.DataFrame
    sources: pd.DataFrame
    segments: pd.DataFrame


def normalise_guid(value: str | None) -> str:
    """A GUID in lower case without braces ("" for None)."""
    return (value or "").strip().strip("{}").lower()


def read_project(archive: QdpxArchive) -> RefiProject:
    """Parse, validate and flatten the project in `archive` into a RefiProject.

    Raises QualframeError naming the archive member, line and element of the first problem
    (malformed XML, schema failure, missing source text, selection outside its text,
    reference to an unknown code, duplicate GUIDs).
    """
    name = f"{archive.name}:{archive.qde_name}"
    root = parse_xml(archive.qde, name)
    validate_tree(root, name)
    users = _users(root)
    codebook = _codebook(root.find(f"{P}CodeBook/{P}Codes"), P, name)
    cases, case_sources = _cases(root, name)
    notes = _notes(root, archive, name)
    sources, segments = _sources(root, archive, name, codebook, users, notes)
    unknown = sorted(set(case_sources["source_guid"]) - set(sources["guid"]))
    if unknown:
        raise QualframeError(
            f"a case refers to unknown source GUID {unknown[0]} ({len(unknown)} unknown in all)",
            name,
        )
    # A source in several cases gets the first; case_sources keeps every link.
    first_case = {}
    for link in case_sources.itertuples(index=False):
        first_case.setdefault(link.source_guid, link.case_guid)
    sources["case_guid"] = [first_case.get(guid, "") for guid in sources["guid"]]
    sources = sources.astype({"case_guid": str})
    return RefiProject(
        name=root.get("name", ""),
        users=users,
        codebook=codebook,
        cases=cases,
        case_sources=case_sources,
        sources=sources,
        segments=segments,
    )


def read_codebook_qdc(xml: bytes, name: str) -> pd.DataFrame:
    """Parse a REFI-QDA codebook exchange file (`.qdc`) into the refi codebook table.

    No schema validation (circulating copies of the Codebook XSD are damaged); structural
    checks instead. Raises QualframeError naming the line and element.
    """
    root = parse_xml(xml, name)
    ns = f"{{{CODEBOOK_NS}}}"
    if root.tag != f"{ns}CodeBook":
        raise QualframeError(
            f"root element is {describe(root)} in namespace "
            f"{root.tag[1:].partition('}')[0] if root.tag.startswith('{') else '(none)'}; "
            f"expected <CodeBook> in {CODEBOOK_NS}",
            path=name,
            where=f"line {root.sourceline}",
        )
    codes = root.find(f"{ns}Codes")
    if codes is None or len(codes.findall(f"{ns}Code")) == 0:
        raise QualframeError(
            "<CodeBook> holds no <Codes> with at least one <Code>",
            path=name,
            where=f"line {root.sourceline}",
        )
    return _codebook(codes, ns, name, check=True)


# --- users, codes, cases, notes ---------------------------------------------------------


def _users(root) -> pd.DataFrame:
    rows = [
        {"guid": normalise_guid(user.get("guid")), "name": user.get("name", "")}
        for user in root.iterfind(f"{P}Users/{P}User")
    ]
    return pd.DataFrame(rows, columns=USER_COLUMNS).astype(str)


def _codebook(codes, ns: str, name: str, check: bool = False) -> pd.DataFrame:
    rows = []
    seen = {}

    def walk(parent, parent_guid: str, parent_path: str, depth: int) -> None:
        for code in parent.iterfind(f"{ns}Code"):
            where = f"line {code.sourceline}, element {describe(code)}"
            if check:
                _check_code(code, name, where)
            guid = normalise_guid(code.get("guid"))
            if guid in seen:
                raise QualframeError(
                    f"code GUID {guid} used twice (first at line {seen[guid]})", name, where
                )
            seen[guid] = code.sourceline
            code_name = code.get("name", "")
            path = f"{parent_path}\\{code_name}" if parent_path else code_name
            rows.append(
                {
                    "guid": guid,
                    "name": code_name,
                    "parent_guid": parent_guid,
                    "is_codable": code.get("isCodable", "").strip() in ("true", "1"),
                    "description": code.findtext(f"{ns}Description") or "",
                    "colour": code.get("color", ""),
                    "depth": depth,
                    "path": path,
                }
            )
            walk(code, guid, path, depth + 1)

    if codes is not None:
        walk(codes, "", "", 0)
    frame = pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)
    return frame.astype({"is_codable": bool, "depth": "int64"}).astype(
        {c: str for c in CODEBOOK_COLUMNS if c not in ("is_codable", "depth")}
    )


def _check_code(code, name: str, where: str) -> None:
    if not GUID_RE.match(code.get("guid", "")):
        raise QualframeError(f"missing or malformed guid {code.get('guid')!r}", name, where)
    if not code.get("name"):
        raise QualframeError("code without a name", name, where)
    if code.get("isCodable", "").strip() not in ("true", "false", "1", "0"):
        raise QualframeError(
            f"isCodable must be true or false, not {code.get('isCodable')!r}", name, where
        )


def _cases(root, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    variables = {
        normalise_guid(v.get("guid")): v.get("name", "")
        for v in root.iterfind(f"{P}Variables/{P}Variable")
    }
    rows, links = [], []
    for case in root.iterfind(f"{P}Cases/{P}Case"):
        guid = normalise_guid(case.get("guid"))
        row = {
            "guid": guid,
            "name": case.get("name", ""),
            "description": case.findtext(f"{P}Description") or "",
        }
        for value in case.iterfind(f"{P}VariableValue"):
            ref = normalise_guid(value.find(f"{P}VariableRef").get("targetGUID"))
            if ref not in variables:
                raise QualframeError(
                    f"VariableValue refers to unknown variable {ref}",
                    name,
                    f"line {value.sourceline}, element {describe(case)}",
                )
            row[variables[ref]] = _variable_text(value)
        rows.append(row)
        for ref in case.iterfind(f"{P}SourceRef"):
            links.append({"case_guid": guid, "source_guid": normalise_guid(ref.get("targetGUID"))})
    columns = CASE_COLUMNS + [v for v in variables.values() if v not in CASE_COLUMNS]
    cases = pd.DataFrame(rows, columns=columns).fillna("").astype(str)
    return cases, pd.DataFrame(links, columns=CASE_SOURCE_COLUMNS).astype(str)


def _variable_text(value) -> str:
    for tag in VALUE_TAGS:
        found = value.find(f"{P}{tag}")
        if found is not None:
            return (found.text or "").strip() if tag != "TextValue" else found.text or ""
    return ""


def _notes(root, archive: QdpxArchive, name: str) -> dict[str, str]:
    notes = {}
    for note in root.iterfind(f"{P}Notes/{P}Note"):
        text = note.findtext(f"{P}PlainTextContent")
        if text is None and note.get("plainTextPath"):
            text = _source_text(note, archive, root.get("basePath", ""), name)
        notes[normalise_guid(note.get("guid"))] = text or ""
    return notes


# --- sources and segments ---------------------------------------------------------------


def _sources(root, archive, name, codebook, users, notes):
    codes = codebook.set_index("guid")
    user_names = {row.guid: (row.name or row.guid) for row in users.itertuples(index=False)}
    base_path = root.get("basePath", "")
    source_rows, segment_rows = [], []
    seen: dict[str, int] = {}  # GUID of a source or selection -> line of its first use
    for source in root.iterfind(f"{P}Sources/{P}TextSource"):
        guid = normalise_guid(source.get("guid"))
        _check_unique(guid, source, seen, name)
        for selection in source.iterfind(f"{P}PlainTextSelection"):
            _check_unique(normalise_guid(selection.get("guid")), selection, seen, name)
        path = source.get("plainTextPath", "")
        source_name = source.get("name") or _file_name(path) or guid
        selections = source.findall(f"{P}PlainTextSelection")
        spans = [_span(sel, name) for sel in selections]
        text = choose_line_endings(_source_text(source, archive, base_path, name), spans)
        source_rows.append(
            {"guid": guid, "name": source_name, "path": path, "text": text, "case_guid": ""}
        )
        # A Coding directly on the TextSource codes the whole text.
        items = [(None, 0, len(text), coding) for coding in source.findall(f"{P}Coding")]
        for sel, (start, end) in zip(selections, spans, strict=True):
            if end > len(text):
                raise QualframeError(
                    f"selection {start}-{end} runs past the end of its text "
                    f"({len(text)} characters, source {source_name!r})",
                    name,
                    f"line {sel.sourceline}, element {describe(sel)}",
                )
            items += [(sel, start, end, coding) for coding in sel.findall(f"{P}Coding")]
        for sel, start, end, coding in items:
            code_guid = normalise_guid(coding.find(f"{P}CodeRef").get("targetGUID"))
            if code_guid not in codes.index:
                raise QualframeError(
                    f"coding refers to unknown code GUID {code_guid}",
                    name,
                    f"line {coding.sourceline}, element {describe(coding)}",
                )
            user = normalise_guid(
                coding.get("creatingUser") or (sel.get("creatingUser") if sel is not None else "")
            )
            note_refs = coding.findall(f"{P}NoteRef")
            if sel is not None:
                note_refs += sel.findall(f"{P}NoteRef")
            segment_rows.append(
                {
                    "selection_guid": normalise_guid(sel.get("guid")) if sel is not None else "",
                    "coding_guid": normalise_guid(coding.get("guid")),
                    "source_guid": guid,
                    "source_name": source_name,
                    "code_guid": code_guid,
                    "code_name": codes.at[code_guid, "name"],
                    "start": start,
                    "end": end,
                    "coder": user_names.get(user, user),
                    "text": text[start:end],
                    "note": "\n\n".join(
                        notes.get(normalise_guid(ref.get("targetGUID")), "") for ref in note_refs
                    ).strip(),
                }
            )
    sources = pd.DataFrame(source_rows, columns=SOURCE_COLUMNS).astype(str)
    segments = pd.DataFrame(segment_rows, columns=SEGMENT_COLUMNS)
    segments = segments.astype({"start": "int64", "end": "int64"}).astype(
        {c: str for c in SEGMENT_COLUMNS if c not in ("start", "end")}
    )
    return sources, segments


def _check_unique(guid: str, element, seen: dict[str, int], name: str) -> None:
    """Refuse a GUID already used by a source or selection: codings would land on the
    wrong text."""
    if guid in seen:
        raise QualframeError(
            f"GUID {guid} used twice (first at line {seen[guid]})",
            name,
            f"line {element.sourceline}, element {describe(element)}",
        )
    seen[guid] = element.sourceline


def _span(selection, name: str) -> tuple[int, int]:
    start = int(selection.get("startPosition"))
    end = int(selection.get("endPosition"))
    if start < 0 or end < start:
        raise QualframeError(
            f"selection has start {start} and end {end} (need 0 <= start <= end)",
            name,
            f"line {selection.sourceline}, element {describe(selection)}",
        )
    return start, end


def _file_name(path: str) -> str:
    return posixpath.basename(re.sub(r"^[a-z]+://", "", path).replace("\\", "/"))


def _source_text(source, archive: QdpxArchive, base_path: str, name: str) -> str:
    """The plain text of a TextSource (or Note): inline content or a file in the archive.

    `internal://x.txt` and bare names are looked up in the sources folder;
    `relative://a/b.txt` as `a/b.txt` below the sources folder, joined with
    Project@basePath's last part if needed, then by file name; `absolute://…` by its file
    name only. A leading UTF-8 BOM is removed.
    """
    inline = source.findtext(f"{P}PlainTextContent")
    path = source.get("plainTextPath", "")
    where = f"line {source.sourceline}, element {describe(source)}"
    if not path:
        if inline is None:
            raise QualframeError("text source has neither plainTextPath nor text", name, where)
        return inline.removeprefix(BOM)
    scheme, sep, rest = path.partition("://")
    if not sep:
        scheme, rest = "", path
    candidates = {
        "internal": [rest],
        "": [rest],
        "relative": [rest, posixpath.join(_file_name(base_path), rest), _file_name(rest)],
        "absolute": [_file_name(rest)],
    }.get(scheme.lower())
    if candidates is None:
        raise QualframeError(f"unknown path scheme in plainTextPath {path!r}", name, where)
    for candidate in candidates:
        data = archive.find_source(candidate)
        if data is not None:
            break
    else:
        if inline is not None:
            return inline.removeprefix(BOM)
        raise QualframeError(
            f"source text {path!r} is not in the archive's sources folder", name, where
        )
    try:
        text = data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        raise QualframeError(
            f"source text {path!r} is not UTF-8 (byte {exc.start})", name, where
        ) from exc
    if "\x00" in text:
        raise QualframeError(
            f"source text {path!r} holds a NUL byte (character {text.index(chr(0)):,}): "
            "binary data, not text",
            name,
            where,
        )
    return text


def choose_line_endings(text: str, spans: list[tuple[int, int]]) -> str:
    """Return `text` with CRLF kept or turned into LF, whichever the offsets count.

    Rule: a text without CRLF is returned as is. Otherwise both readings are tried: as
    written (CRLF = 2 characters) and with CRLF → LF (1 character). A reading is possible
    only if every selection ends within the text. When only one is possible it wins. When
    both are, each is scored by how many selection boundaries fall at a clean place (not
    inside a CRLF pair, at a word edge: a start on a non-space character preceded by a
    space/punctuation/text start, an end after a non-space character followed by one);
    LF wins only with a strictly higher score, so ties keep the file as written. With
    neither possible the text is returned as written, and the caller reports the selection
    that runs past the end.
    """
    if "\r\n" not in text or not spans:
        return text
    lf = text.replace("\r\n", "\n")
    furthest = max(end for _, end in spans)
    if furthest > len(lf):
        return text
    return lf if _score(lf, spans) > _score(text, spans) else text


def _score(text: str, spans) -> int:
    score = 0
    for start, end in spans:
        score += _clean_start(text, start) + _clean_end(text, end)
    return score


def _clean_start(text: str, pos: int) -> bool:
    if pos >= len(text) or text[pos].isspace():
        return False
    if pos > 0 and text[pos - 1] == "\r" and text[pos] == "\n":
        return False
    return pos == 0 or not text[pos - 1].isalnum() or not text[pos].isalnum()


def _clean_end(text: str, pos: int) -> bool:
    if pos == 0 or text[pos - 1].isspace():
        return False
    if pos < len(text) and text[pos - 1] == "\r" and text[pos] == "\n":
        return False
    return pos == len(text) or not text[pos].isalnum() or not text[pos - 1].isalnum()
