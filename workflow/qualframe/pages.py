"""HTML pages from Jinja2 templates, with every value escaped unless marked safe.

Each package keeps its templates in its own `templates/` folder (package data), so a
template counts in the code version of the commands that import that package and no
other (`codebase.package_data`). Rendering is deterministic: the same context gives the
same bytes. Undefined names are errors, not blank text.
"""

import functools

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

__all__ = ["Markup", "render"]


@functools.cache
def environment(package: str) -> Environment:
    """The Jinja2 environment of `package`'s `templates/` folder: autoescaping on, blocks
    trimmed (a line holding only a tag leaves nothing behind), a final newline kept."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(package: str, template: str, **context: object) -> Markup:
    """`template` of `package` (e.g. "qualframe.report", "report.html.j2") rendered with
    `context`, as markup that later templates include without escaping it again."""
    return Markup(environment(package).get_template(template).render(**context))
