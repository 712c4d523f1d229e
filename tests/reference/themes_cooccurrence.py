"""Test oracle: the per-row implementation of `qualframe.themes` that the vectorised one
must match to the byte. Original docstring follows.

Which codes occur together: in the same case, and on overlapping text, plus the
cases × codes presence table the co-occurrence counts are built from.

Pairs are listed once, `code_a` before `code_b` in codebook order (the order codes
first appear in the long matrix, which chart_matrix sorts by codebook order); every pair
of codes is listed, including pairs that never co-occur, so the table is the upper
triangle of the full co-occurrence matrix.
"""

import numpy as np
import pandas as pd

from qualframe.schemas import CodeCooccurrence, CodePresence, MatrixCell, Segment

COVERAGE = "coverage"


def code_order(matrix: pd.DataFrame) -> list[str]:
    """Code ids of the long matrix in codebook order (order of first appearance)."""
    return list(dict.fromkeys(matrix[MatrixCell.code_id]))


def presence_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """Cases × codes presence from the long matrix (schemas.MatrixCell).

    Returns one row per case × code (long): case_id, code_id, present (at least one
    segment), n_segments, and coverage when the matrix has a `coverage` column. Cases in
    the matrix's order, codes in codebook order; validates as CodePresence.
    """
    columns = [MatrixCell.case_id, MatrixCell.code_id, MatrixCell.n_segments]
    if COVERAGE in matrix.columns:
        columns.append(COVERAGE)
    case_rank = {case: i for i, case in enumerate(dict.fromkeys(matrix[MatrixCell.case_id]))}
    code_rank = {code: i for i, code in enumerate(code_order(matrix))}
    table = matrix[columns].copy()
    table.insert(2, CodePresence.present, table[MatrixCell.n_segments] > 0)
    table = table.assign(
        _case=table[MatrixCell.case_id].map(case_rank),
        _code=table[MatrixCell.code_id].map(code_rank),
    ).sort_values(["_case", "_code"], kind="stable")
    return CodePresence.validate(table.drop(columns=["_case", "_code"]).reset_index(drop=True))


def code_cooccurrence(matrix: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Co-occurrence of every pair of codes.

    `matrix` is the long framework matrix (schemas.MatrixCell); `segments` (schemas.Segment)
    are taken as given — pass the charted segments (chart.select_segments) so a second
    coder's double-coding does not count as overlap. Returns one row per pair, code_a
    before code_b in codebook order: cases_a and cases_b (cases each code reaches),
    cases_both (cases where both occur), segments_overlapping (pairs of one segment of each
    code in the same transcript whose spans overlap), jaccard_cases (cases_both over cases
    where either occurs; NaN when neither occurs). Validates as CodeCooccurrence.
    """
    codes = code_order(matrix)
    present = (
        matrix.assign(_present=matrix[MatrixCell.n_segments] > 0)
        .pivot_table(
            index=MatrixCell.case_id,
            columns=MatrixCell.code_id,
            values="_present",
            aggfunc="any",
            fill_value=False,
        )
        .reindex(columns=codes, fill_value=False)
        .to_numpy(dtype=np.int64)
    )
    both = present.T @ present
    reach = np.diag(both)
    overlap = overlapping_pairs(segments, codes)
    a, b = np.triu_indices(len(codes), k=1)
    either = reach[a] + reach[b] - both[a, b]
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(either > 0, both[a, b] / np.maximum(either, 1), np.nan)
    table = pd.DataFrame(
        {
            CodeCooccurrence.code_a: pd.Series([codes[i] for i in a], dtype=str),
            CodeCooccurrence.code_b: pd.Series([codes[j] for j in b], dtype=str),
            CodeCooccurrence.cases_a: reach[a].astype("int64"),
            CodeCooccurrence.cases_b: reach[b].astype("int64"),
            CodeCooccurrence.cases_both: both[a, b].astype("int64"),
            CodeCooccurrence.segments_overlapping: overlap[a, b].astype("int64"),
            CodeCooccurrence.jaccard_cases: np.round(jaccard.astype(float), 4),
        }
    )
    return CodeCooccurrence.validate(table)


def overlapping_pairs(segments: pd.DataFrame, codes: list[str]) -> np.ndarray:
    """Symmetric codes × codes count of segment pairs (one of each code, same transcript)
    whose spans overlap; segments of codes not in `codes` are ignored."""
    index = {code: i for i, code in enumerate(codes)}
    counts = np.zeros((len(codes), len(codes)), dtype=np.int64)
    spans = segments[[Segment.transcript_id, Segment.code_id, Segment.start, Segment.end]]
    spans = spans[spans[Segment.code_id].isin(index)]
    pairs = spans.merge(spans, on=Segment.transcript_id, suffixes=("_a", "_b"))
    pairs = pairs[
        (pairs["start_a"] < pairs["end_b"])
        & (pairs["start_b"] < pairs["end_a"])
        & (pairs["code_id_a"] != pairs["code_id_b"])
    ]
    # each unordered pair of segments appears twice (a,b and b,a): once per triangle
    np.add.at(
        counts,
        (
            pairs["code_id_a"].map(index).to_numpy(dtype=np.int64),
            pairs["code_id_b"].map(index).to_numpy(dtype=np.int64),
        ),
        1,
    )
    return counts
