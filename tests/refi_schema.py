"""The REFI-QDA Project schema as a test oracle: the package validates a project it reads
(`refi.read.read_project`), tests also validate the XML it writes."""

from qualframe.refi.xsd import parse_xml, validate_tree


def validate_project_xml(xml: bytes, name: str) -> None:
    """Parse `xml` safely and validate it against the REFI-QDA Project schema.

    Tolerates an empty `<Sets/>`. Raises QualframeError naming the line and element.
    """
    validate_tree(parse_xml(xml, name), name)
