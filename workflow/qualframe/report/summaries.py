"""The report's charting section: how many cells of each theme the analysts summarised,
and their summaries (de-identified) with where each was written."""

from html import escape

import pandas as pd

from qualframe.charting.counts import summary_counts
from qualframe.schemas import MatrixCell


def charting_section(matrix: pd.DataFrame, codebook: pd.DataFrame) -> str:
    """The section, or "" when the matrix has no summary column."""
    if MatrixCell.summary not in matrix.columns:
        return ""
    counts = summary_counts(matrix, codebook)
    rows = "".join(
        f"<tr><td>{escape(row.theme)}</td><td>{row.cells}</td><td>{row.coded}</td>"
        f"<td>{row.summarised}</td></tr>"
        for row in counts.itertuples(index=False)
    )
    parts = [
        "<section id='charting'><h2>Charting: the analysts' cell summaries</h2>",
        f"<p>{int(counts['summarised'].sum())} of {int(counts['cells'].sum())} cells "
        "summarised in the charting workbooks.</p>",
        "<table class='counts'><thead><tr><th>Theme</th><th>Cells</th>"
        "<th>With coded excerpts</th><th>Summarised</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>",
    ]
    summarised = matrix[matrix[MatrixCell.summary].fillna("") != ""]
    for theme in counts.itertuples(index=False):
        cells = summarised[summarised[MatrixCell.theme_id] == theme.theme_id]
        if cells.empty:
            continue
        body = "".join(
            f"<tr><td>{escape(cell.case_id)}</td><td class='text'>{escape(cell.code)}</td>"
            f"<td class='text'><blockquote>{escape(cell.summary)}</blockquote>"
            f"<small>{escape(cell.references)}</small></td>"
            f"<td class='text'><small>{escape(cell.summary_source)}</small></td></tr>"
            for cell in cells.itertuples(index=False)
        )
        parts.append(
            f"<h3>{escape(theme.theme)}</h3><table><thead><tr><th>Case</th>"
            "<th class='text'>Code</th><th class='text'>Summary and excerpts</th>"
            f"<th class='text'>Written in</th></tr></thead><tbody>{body}</tbody></table>"
        )
    parts.append("</section>")
    return "".join(parts)
