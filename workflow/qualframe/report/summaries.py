"""The report's charting section: how many cells of each theme the analysts summarised,
and their summaries (de-identified) with where each was written."""

import pandas as pd

from qualframe.charting.counts import summary_counts
from qualframe.pages import Markup, render
from qualframe.schemas import MatrixCell


def charting_section(matrix: pd.DataFrame, codebook: pd.DataFrame) -> Markup:
    """The section (templates/charting.html.j2), or "" when the matrix has no summary
    column."""
    if MatrixCell.summary not in matrix.columns:
        return Markup("")
    counts = summary_counts(matrix, codebook)
    summarised = matrix[matrix[MatrixCell.summary].fillna("") != ""]
    themes = []
    for theme in counts.itertuples(index=False):
        cells = summarised[summarised[MatrixCell.theme_id] == theme.theme_id]
        if not cells.empty:
            themes.append((theme.theme, list(cells.itertuples(index=False))))
    return render(
        "qualframe.report",
        "charting.html.j2",
        summarised=int(counts["summarised"].sum()),
        cells=int(counts["cells"].sum()),
        counts=list(counts.itertuples(index=False)),
        themes=themes,
    )
