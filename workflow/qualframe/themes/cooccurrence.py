"""Which codes occur together: in the same case, and on overlapping text, plus the
cases × codes presence table the co-occurrence counts are built from.

Pairs are listed once, `code_a` before `code_b` in codebook order (the order codes
first appear in the long matrix, which chart_matrix sorts by codebook order); every pair
of codes is listed, including pairs that never co-occur, so the table is the upper
triangle of the full co-occurrence matrix.
"""

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import DataFrame
from scipy import sparse

from qualframe.schemas import CodeCooccurrence, CodePresence, MatrixCell, Segment


def code_order(matrix: pd.DataFrame) -> list[str]:
    """Code ids of the long matrix in codebook order (order of first appearance)."""
    return list(pd.unique(matrix[MatrixCell.code_id]))


@pa.check_types
def presence_table(matrix: pd.DataFrame) -> DataFrame[CodePresence]:
    """Cases × codes presence from the long matrix (schemas.MatrixCell).

    Returns one row per case × code (long): case_id, code_id, present (at least one
    segment), n_segments, and coverage when the matrix has a `coverage` column. Cases in
    the matrix's order, codes in codebook order; validates as CodePresence.
    """
    columns = [MatrixCell.case_id, MatrixCell.code_id, MatrixCell.n_segments]
    if MatrixCell.coverage in matrix.columns:
        columns.append(MatrixCell.coverage)
    table = matrix[columns].copy()
    table.insert(2, CodePresence.present, table[MatrixCell.n_segments] > 0)
    table = table.assign(  # ranks: order of first appearance
        _case=pd.factorize(table[MatrixCell.case_id])[0],
        _code=pd.factorize(table[MatrixCell.code_id])[0],
    ).sort_values(["_case", "_code"], kind="stable")
    return table.drop(columns=["_case", "_code"]).reset_index(drop=True)


@pa.check_types
def code_cooccurrence(matrix: pd.DataFrame, segments: pd.DataFrame) -> DataFrame[CodeCooccurrence]:
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
    coded = matrix[matrix[MatrixCell.n_segments].to_numpy() > 0]
    case_index = pd.factorize(coded[MatrixCell.case_id])[0]
    code_index = pd.Index(codes).get_indexer(coded[MatrixCell.code_id])
    present = sparse.csr_matrix(
        (np.ones(len(coded), dtype=np.int64), (case_index, code_index)),
        shape=(case_index.max(initial=-1) + 1, len(codes)),
    )
    present.data[:] = 1  # a case × code listed twice is still one case
    both = (present.T @ present).toarray()
    reach = np.diag(both)
    overlap = overlapping_pairs(segments, codes)
    a, b = np.triu_indices(len(codes), k=1)
    either = reach[a] + reach[b] - both[a, b]
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(either > 0, both[a, b] / np.maximum(either, 1), np.nan)
    names = np.array(codes, dtype=object)
    table = pd.DataFrame(
        {
            CodeCooccurrence.code_a: pd.Series(names[a], dtype=str),
            CodeCooccurrence.code_b: pd.Series(names[b], dtype=str),
            CodeCooccurrence.cases_a: reach[a].astype("int64"),
            CodeCooccurrence.cases_b: reach[b].astype("int64"),
            CodeCooccurrence.cases_both: both[a, b].astype("int64"),
            CodeCooccurrence.segments_overlapping: overlap[a, b].astype("int64"),
            CodeCooccurrence.jaccard_cases: np.round(jaccard.astype(float), 4),
        }
    )
    return table


def overlapping_pairs(segments: pd.DataFrame, codes: list[str]) -> np.ndarray:
    """Symmetric codes × codes count of segment pairs (one of each code, same transcript)
    whose spans overlap; segments of codes not in `codes` are ignored.

    With the segments sorted by transcript and start, the segments overlapping one that
    start at or after it are the run that starts before it ends (ends come after starts,
    as schemas.Span requires): found by binary search, not by pairing every two segments
    of a transcript.
    """
    code_index = pd.Index(codes).get_indexer(segments[Segment.code_id])
    keep = code_index >= 0
    transcript = pd.factorize(segments[Segment.transcript_id])[0][keep]
    start = segments[Segment.start].to_numpy(dtype=np.int64)[keep]
    end = segments[Segment.end].to_numpy(dtype=np.int64)[keep]
    code_index = code_index[keep]
    order = np.lexsort((start, transcript))
    transcript, start, end, code_index = (x[order] for x in (transcript, start, end, code_index))
    # one sort key over transcripts: transcript t's starts live in [t * span, (t + 1) * span)
    span = int(max(end.max(initial=0), start.max(initial=0))) + 1
    keys = transcript * span + start
    last = np.searchsorted(keys, transcript * span + end, side="left")  # first not overlapping
    first = np.arange(len(keys)) + 1
    runs = np.maximum(last - first, 0)
    left = np.repeat(np.arange(len(keys)), runs)
    right = np.repeat(first - np.cumsum(runs) + runs, runs) + np.arange(runs.sum())
    pair_a, pair_b = code_index[left], code_index[right]
    pair_a, pair_b = pair_a[pair_a != pair_b], pair_b[pair_a != pair_b]
    n = len(codes)
    cells = np.concatenate([pair_a * n + pair_b, pair_b * n + pair_a])  # both triangles
    return np.bincount(cells, minlength=n * n).reshape(n, n).astype(np.int64)
