"""Charting: the framework matrix of cases × codes, and its workbook."""

from qualframe.matrix.chart import chart_matrix, select_segments, wide_matrix
from qualframe.matrix.workbook import framework_workbook

__all__ = ["chart_matrix", "framework_workbook", "select_segments", "wide_matrix"]
