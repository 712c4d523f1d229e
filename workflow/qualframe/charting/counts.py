"""How much of the matrix the analysts have charted, per theme."""

import pandas as pd

from qualframe.schemas import Codebook, MatrixCell


def summary_counts(matrix: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """Per theme, in codebook order: its cells, the cells with coded excerpts and the
    cells an analyst summarised (columns theme_id, theme, cells, coded, summarised)."""
    themes = codebook.sort_values(Codebook.code_order, kind="stable").drop_duplicates(
        Codebook.theme_id
    )[[Codebook.theme_id, Codebook.theme]]
    summarised = matrix[MatrixCell.summary].fillna("") != ""
    counts = (
        matrix.assign(_coded=matrix[MatrixCell.n_segments] > 0, _summarised=summarised)
        .groupby(MatrixCell.theme_id)
        .agg(cells=("_coded", "size"), coded=("_coded", "sum"), summarised=("_summarised", "sum"))
    )
    table = themes.merge(counts, how="left", left_on=Codebook.theme_id, right_index=True)
    return table.fillna(0).astype({"cells": "int64", "coded": "int64", "summarised": "int64"})
