"""Checks of the HTML and SVG qualframe writes: parsed with lxml, every attribute known.

lxml's HTML parser accepts any attribute name (`class-="x"` included), so the check is a
list: the HTML and SVG attributes the pages use, plus `data-*` and `aria-*`. A page that
needs a new attribute adds it here, after checking its spelling in the HTML or SVG spec.
"""

import re

import lxml.html
from lxml import etree

HTML_ATTRIBUTES = frozenset(
    {"charset", "class", "colspan", "href", "id", "lang", "role", "scope", "title"}
)
SVG_ATTRIBUTES = frozenset(
    {
        "aria-label",
        "fill",
        "font-family",
        "font-size",
        "font-weight",
        "height",
        "pointer-events",
        "role",
        "stroke",
        "stroke-width",
        "text-anchor",
        "transform",
        "viewbox",  # viewBox, as the HTML parser lowercases it
        "width",
        "x",
        "x1",
        "x2",
        "y",
        "y1",
        "y2",
    }
)
OPEN_ATTRIBUTES = re.compile(r"^(?:data|aria)-[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def invalid_attributes(page: str) -> list[str]:
    """`<tag attribute>` for every attribute of `page` that is not a known HTML or SVG
    attribute (in a sorted list, each once); raises when the page or an SVG in it does
    not parse (an inline SVG must be well-formed XML on its own)."""
    root = lxml.html.document_fromstring(page)
    for svg in SVG.findall(page):
        etree.fromstring(svg.encode())  # raises XMLSyntaxError on a malformed figure
    found = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in element.attrib:
            known = HTML_ATTRIBUTES | SVG_ATTRIBUTES
            if name not in known and not OPEN_ATTRIBUTES.match(name):
                found.add(f"<{element.tag} {name}>")
    return sorted(found)
