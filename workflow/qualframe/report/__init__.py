"""The report: one self-contained HTML page with the matrix heatmap, themes by case group,
theme tables with exemplar quotes, and the methods."""

from qualframe.report.html import render_report
from qualframe.report.svg import colour_scale, grouped_bars_svg, heatmap_svg

__all__ = ["colour_scale", "grouped_bars_svg", "heatmap_svg", "render_report"]
