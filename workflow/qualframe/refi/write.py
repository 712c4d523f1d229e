"""Export a de-identified study as a REFI-QDA project (`.qdpx`) a CAQDAS can open.

The project holds the codebook (each theme a non-codable parent code, each code a codable
child), one Variable per case attribute, the cases with their values and transcript, every
de-identified transcript as a TextSource in `sources/`, and the coded segments as
PlainTextSelections with one Coding each. Everything is deterministic: GUIDs are UUID 5 of
what the object is ("code:leadership", "source:P01", ...), no timestamps are written into the
XML and the zip members carry a fixed date, so the same study gives the same bytes.
"""

import uuid
from collections.abc import Mapping

import pandas as pd
from lxml import etree

from qualframe.errors import QualframeError
from qualframe.schemas import Cases, Codebook, Segment
from qualframe.zipbytes import deterministic_zip

NAMESPACE = "urn:QDA-XML:project:1.0"
# Fixed namespace of every GUID qualframe writes: changing it changes every exported GUID.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:qualframe:refi-qda")
PROJECT_MEMBER = "project.qde"
SOURCES_FOLDER = "sources"
PROJECT_FILE_MODE = 0o644  # members of the .qdpx, as CAQDAS packages write them


def refi_guid(kind: str, identity: str) -> str:
    """The GUID of one exported object: UUID 5 of "<kind>:<identity>", upper case (as the
    REFI-QDA examples and most producers write it)."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"{kind}:{identity}")).upper()


def build_qdpx(
    texts: Mapping[str, str],
    codebook: pd.DataFrame,
    cases: pd.DataFrame,
    segments: pd.DataFrame | None,
    project_name: str,
    origin: str = "qualframe",
) -> bytes:
    """Build a REFI-QDA project archive from qualframe's tables.

    `texts` maps transcript id → de-identified text; `codebook` is a schemas.Codebook frame,
    `cases` a schemas.Cases frame (every column but case_id is an attribute), `segments`
    a schemas.Segment frame or None. Returns the bytes of the `.qdpx` zip: `project.qde`
    then `sources/<guid>.txt` (UTF-8, no BOM), in a fixed order with fixed dates.

    Raises QualframeError when a segment names an unknown transcript or code, its offsets
    fall outside the text, or its quoted text differs from the slice its offsets cut.
    """
    project = build_project_xml(texts, codebook, cases, segments, project_name, origin)
    members = [(PROJECT_MEMBER, project)]
    for transcript_id in sorted(texts):
        members.append((source_member(transcript_id), texts[transcript_id].encode("utf-8")))
    return deterministic_zip(members, PROJECT_FILE_MODE)


def build_project_xml(
    texts: Mapping[str, str],
    codebook: pd.DataFrame,
    cases: pd.DataFrame,
    segments: pd.DataFrame | None,
    project_name: str,
    origin: str = "qualframe",
) -> bytes:
    """The `project.qde` document of build_qdpx, as UTF-8 bytes with an XML declaration."""
    segments = _checked_segments(segments, texts, codebook)
    root = etree.Element(_tag("Project"), nsmap={None: NAMESPACE})
    root.set("name", project_name)
    root.set("origin", origin)
    coders = sorted(segments[Segment.coder].unique()) if len(segments) else []
    if coders:
        root.append(users_element(coders))
    if len(codebook):
        root.append(codebook_element(codebook))
    attributes = [c for c in cases.columns if c != Cases.case_id]
    if attributes and len(cases):
        root.append(variables_element(attributes))
    if len(cases):
        root.append(cases_element(cases, attributes, texts))
    if texts:
        root.append(sources_element(texts, segments))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def source_member(transcript_id: str) -> str:
    """The archive member holding one transcript's text: `sources/<guid>.txt`."""
    return f"{SOURCES_FOLDER}/{refi_guid('source', transcript_id)}.txt"


def users_element(coders: list[str]) -> etree._Element:
    """<Users>: one User per coder name."""
    users = etree.Element(_tag("Users"))
    for coder in coders:
        _sub(users, "User", guid=refi_guid("user", coder), name=coder)
    return users


def codebook_element(codebook: pd.DataFrame) -> etree._Element:
    """<CodeBook>: the code tree in code_order, each codable code under its parent. A
    parent that is not a codable code (a theme grouping its codes) is written as a
    non-codable Code named from the codes' paths."""
    book = etree.Element(_tag("CodeBook"))
    codes = _sub(book, "Codes")
    elements: dict[str, etree._Element] = {}  # by path
    for row in codebook.sort_values(Codebook.code_order).itertuples(index=False):
        names = row.path.split("\\")
        if len(names) != row.depth:  # a name holding a backslash: no parent known by path
            names = [row.code] if row.depth == 1 else [row.theme, row.code]
        parent = codes
        for depth in range(1, len(names)):
            prefix = "\\".join(names[:depth])
            if prefix not in elements:
                kind, identity = ("theme", row.theme_id) if depth == 1 else ("group", prefix)
                if depth == 1 and names[0] != row.theme:
                    kind, identity = "group", prefix
                elements[prefix] = _sub(
                    parent,
                    "Code",
                    guid=refi_guid(kind, identity),
                    name=names[depth - 1],
                    isCodable="false",
                )
            parent = elements[prefix]
        code = _sub(
            parent, "Code", guid=refi_guid("code", row.code_id), name=row.code, isCodable="true"
        )
        description = code_description(row)
        if description:
            _sub(code, "Description").text = description
        elements["\\".join(names)] = code
    return book


def code_description(row) -> str:
    """A code's Description: its definition, then valence and CFIR mapping on their own
    lines (lines left out when empty)."""
    lines = [row.definition]
    if row.valence:
        lines.append(f"Valence: {row.valence}")
    if row.cfir_domain:
        lines.append(f"CFIR domain: {row.cfir_domain}")
    if row.cfir_construct:
        lines.append(f"CFIR construct: {row.cfir_construct}")
    return "\n".join(line for line in lines if line)


def variables_element(attributes: list[str]) -> etree._Element:
    """<Variables>: one Text variable per case attribute column."""
    variables = etree.Element(_tag("Variables"))
    for name in attributes:
        _sub(
            variables,
            "Variable",
            guid=refi_guid("variable", name),
            name=name,
            typeOfVariable="Text",
        )
    return variables


def cases_element(
    cases: pd.DataFrame, attributes: list[str], texts: Mapping[str, str]
) -> etree._Element:
    """<Cases>: one Case per row (sorted by case_id) with its attribute values as text
    (missing values left out) and a SourceRef to the transcript of the same id, if any."""
    element = etree.Element(_tag("Cases"))
    for _, row in cases.sort_values(Cases.case_id).iterrows():
        case_id = str(row[Cases.case_id])
        case = _sub(element, "Case", guid=refi_guid("case", case_id), name=case_id)
        for name in attributes:
            value = row[name]
            if _is_missing(value):
                continue
            holder = _sub(case, "VariableValue")
            _sub(holder, "VariableRef", targetGUID=refi_guid("variable", name))
            _sub(holder, "TextValue").text = str(value)
        if case_id in texts:
            _sub(case, "SourceRef", targetGUID=refi_guid("source", case_id))
    return element


def sources_element(texts: Mapping[str, str], segments: pd.DataFrame) -> etree._Element:
    """<Sources>: one TextSource per transcript (sorted by id), its text in
    `internal://<guid>.txt`, holding its segments sorted by position."""
    sources = etree.Element(_tag("Sources"))
    by_transcript = dict(tuple(segments.groupby(Segment.transcript_id, sort=False)))
    for transcript_id in sorted(texts):
        guid = refi_guid("source", transcript_id)
        source = _sub(
            sources, "TextSource", guid=guid, name=transcript_id, plainTextPath=_internal(guid)
        )
        rows = by_transcript.get(transcript_id)
        if rows is None:
            continue
        ordered = rows.sort_values([Segment.start, Segment.end, Segment.segment_id])
        for row in ordered.itertuples(index=False):
            source.append(selection_element(row))
    return sources


def selection_element(row) -> etree._Element:
    """<PlainTextSelection> of one segment (start/end as Python offsets, end exclusive)
    with one Coding of its code by its coder."""
    user = refi_guid("user", row.coder)
    selection = etree.Element(_tag("PlainTextSelection"))
    selection.set("guid", refi_guid("selection", row.segment_id))
    selection.set("name", row.segment_id)
    selection.set("startPosition", str(int(row.start)))
    selection.set("endPosition", str(int(row.end)))
    selection.set("creatingUser", user)
    coding = _sub(selection, "Coding", guid=refi_guid("coding", row.segment_id), creatingUser=user)
    _sub(coding, "CodeRef", targetGUID=refi_guid("code", row.code_id))
    return selection


def _checked_segments(
    segments: pd.DataFrame | None, texts: Mapping[str, str], codebook: pd.DataFrame
) -> pd.DataFrame:
    """The segments to export (empty frame for None), after checking each names a known
    transcript and code, lies within its text and quotes what its offsets cut."""
    columns = [
        Segment.segment_id,
        Segment.transcript_id,
        Segment.start,
        Segment.end,
        Segment.code_id,
        Segment.coder,
    ]
    if segments is None:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    missing = [c for c in columns if c not in segments.columns]
    if missing:
        raise QualframeError(f"segments lack column(s): {', '.join(missing)}", path="segments")
    code_ids = set(codebook[Codebook.code_id])
    for row in segments.itertuples(index=False):
        where = f"segment {row.segment_id}"
        text = texts.get(row.transcript_id)
        if text is None:
            raise QualframeError(
                f"unknown transcript {row.transcript_id!r}: no de-identified text to export",
                path="segments",
                where=where,
            )
        if row.code_id not in code_ids:
            raise QualframeError(
                f"unknown code {row.code_id!r}: not in the codebook", path="segments", where=where
            )
        start, end = int(row.start), int(row.end)
        if not 0 <= start < end <= len(text):
            raise QualframeError(
                f"offsets {start}–{end} fall outside {row.transcript_id} ({len(text)} characters)",
                path="segments",
                where=where,
            )
        quote = getattr(row, Segment.text, None)
        if quote is not None and quote != text[start:end]:
            raise QualframeError(
                f"quoted text differs from {row.transcript_id}[{start}:{end}]",
                path="segments",
                where=where,
            )
    return segments


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: etree._Element, tag: str, /, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, _tag(tag))
    for key, value in attributes.items():
        element.set(key, value)
    return element


def _internal(guid: str) -> str:
    return f"internal://{guid}.txt"


def _is_missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))
