"""The review page's list of what de-identification replaced in the analysts' summaries.
It shows the originals: the page belongs in the restricted folder."""

from html import escape

import pandas as pd

from qualframe.charting.layout import cell_place


def replacements_section(log: pd.DataFrame) -> str:
    """An HTML section listing each replacement in a summary (from the summary log that
    `deidentify_summaries` returns): where, entity type, original and replacement."""
    rows = "".join(
        f"<tr><td>{escape(cell_place(row.workbook, row.sheet, row.cell))}</td>"
        f"<td>{escape(row.entity_type)}</td>"
        f"<td><span class='rep'><del>{escape(row.original)}</del> "
        f"<ins>{escape(row.replacement)}</ins></span></td>"
        f"<td>{escape(row.detector)}</td></tr>"
        for row in log.itertuples(index=False)
    )
    if not rows:
        rows = "<tr><td colspan='4'>nothing replaced</td></tr>"
    return (
        "<section id='charting-summaries'><h2>Charting summaries</h2>"
        f"<p>{len(log)} replacement(s) in the analysts' cell summaries. A name replaced by a "
        "category placeholder such as [PERSON] is not in the pseudonym key: check it, and add "
        "it to the identifier register if it names someone.</p>"
        "<table><thead><tr><th>Where</th><th>Type</th><th>Replaced</th><th>Found by</th>"
        f"</tr></thead><tbody>{rows}</tbody></table></section>"
    )
