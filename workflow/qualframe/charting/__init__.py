"""Charting: the analysts' cell summaries, written in a workbook made from the matrix
(`template`), read back and checked (`read`), de-identified (`deidentify`) and charted
into the framework matrix (`qualframe.matrix.chart.attach_summaries`)."""
