"""The review page's list of what de-identification replaced in the analysts' summaries
(`templates/replacements.html.j2`). It shows the originals: the page belongs in the
restricted folder."""

import pandas as pd

from qualframe.charting.layout import cell_place
from qualframe.pages import Markup, render


def replacements_section(log: pd.DataFrame) -> Markup:
    """An HTML section listing each replacement in a summary (from the summary log that
    `deidentify_summaries` returns): where, entity type, original and replacement."""
    rows = [
        {
            "place": cell_place(row.workbook, row.sheet, row.cell),
            "entity_type": row.entity_type,
            "original": row.original,
            "replacement": row.replacement,
            "detector": row.detector,
        }
        for row in log.itertuples(index=False)
    ]
    return render("qualframe.charting", "replacements.html.j2", rows=rows)
