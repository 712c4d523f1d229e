"""Safe parsing of REFI-QDA XML and validation against the shipped Project schema."""

import re
from functools import lru_cache
from importlib import resources

from lxml import etree

from qualframe.errors import QualframeError

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_XSD = "Project-mrt2019.xsd"
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_:]")
DOCTYPE_REFUSED = (
    "DOCTYPE declaration refused: REFI-QDA XML needs no DTD, and one can define entities "
    "that read local files or the network (XXE) or expand without end (billion laughs)"
)


def safe_parser() -> etree.XMLParser:
    """An lxml parser that reads no network, resolves no entities, loads (and so validates
    against) no DTD and refuses very deep or large trees."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_xml(xml: bytes, name: str) -> etree._Element:
    """Parse XML bytes safely; malformed XML raises QualframeError with its line number.

    A document with a DOCTYPE is refused outright, before parsing when it is visible in
    the bytes (ASCII-compatible encodings) and after parsing otherwise (UTF-16): the
    parser resolves no entities, but an entity left unresolved breaks schema validation.
    """
    doctype = xml.find(b"<!DOCTYPE")
    first_element = _FIRST_ELEMENT.search(xml)
    if doctype != -1 and (first_element is None or doctype < first_element.start()):
        line = xml[:doctype].count(b"\n") + 1
        raise QualframeError(DOCTYPE_REFUSED, path=name, where=f"line {line}")
    try:
        root = etree.fromstring(xml, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else "?"
        message = exc.msg if getattr(exc, "msg", None) else str(exc)
        raise QualframeError(f"malformed XML: {message}", path=name, where=f"line {line}") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise QualframeError(DOCTYPE_REFUSED, path=name, where="line 1")
    return root


@lru_cache(maxsize=1)
def project_schema() -> etree.XMLSchema:
    """The REFI-QDA Project schema shipped in `qualframe/refi/schemas/`."""
    data = resources.files("qualframe.refi").joinpath("schemas", PROJECT_XSD).read_bytes()
    return etree.XMLSchema(etree.fromstring(data, parser=safe_parser()))


def drop_empty_sets(root: etree._Element) -> None:
    """Remove an empty `<Sets/>` in place: producers write it, the schema rejects it."""
    for sets in root.findall(f"{{{PROJECT_NS}}}Sets"):
        if len(sets) == 0 and not (sets.text or "").strip():
            root.remove(sets)


def validate_tree(root: etree._Element, name: str) -> None:
    """Validate a parsed project against the Project schema (after dropping `<Sets/>`).

    Raises QualframeError naming the first failure's line and element, with up to five
    further failures listed.
    """
    if root.tag != f"{{{PROJECT_NS}}}Project":
        raise QualframeError(
            f"root element is <{_local(root.tag)}> in namespace "
            f"{_namespace(root.tag) or '(none)'}; expected <Project> in {PROJECT_NS}",
            path=name,
            where=f"line {root.sourceline}",
        )
    drop_empty_sets(root)
    schema = project_schema()
    try:
        if schema.validate(root):
            return
    except etree.XMLSchemaValidateError as exc:  # libxml2 gives up on odd trees
        raise QualframeError(
            f"cannot be checked against the REFI-QDA Project schema: {exc}",
            name,
            f"line {root.sourceline}",
        ) from exc
    errors = list(schema.error_log)
    first = errors[0]
    where = f"line {first.line}, element {describe(_element_at(root, first.path))}"
    detail = _strip_ns(first.message)
    more = [f"line {e.line}: {_strip_ns(e.message)}" for e in errors[1:6]]
    if more:
        detail += "; also " + "; ".join(more)
        if len(errors) > 6:
            detail += f"; and {len(errors) - 6} more"
    raise QualframeError(f"does not follow the REFI-QDA Project schema: {detail}", name, where)


def describe(element) -> str:
    """`<Tag guid="…" name="…">` for messages; `<?>` when unknown."""
    if element is None or not isinstance(element.tag, str):
        return "<?>"
    attrs = "".join(f' {key}="{element.get(key)}"' for key in ("guid", "name") if element.get(key))
    return f"<{_local(element.tag)}{attrs}>"


def _element_at(root: etree._Element, path: str | None):
    try:
        found = root.getroottree().xpath(path) if path else []
    except etree.XPathError:
        return None
    return found[0] if found else None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _strip_ns(message: str) -> str:
    return re.sub(r"\{[^}]*\}", "", message)
