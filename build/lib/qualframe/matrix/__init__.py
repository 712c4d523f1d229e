"""Charting: the framework matrix of cases × codes."""

from qualframe.matrix.chart import chart_matrix, select_segments, wide_matrix

__all__ = ["chart_matrix", "select_segments", "wide_matrix"]
