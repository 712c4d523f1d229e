"""The framework matrix (Gale et al. 2013): one cell per case × code holding the charted
data, each excerpt followed by its reference back to the de-identified transcript."""

import pandas as pd

from qualframe.schemas import Codebook, MatrixCell, Segment

EXCERPT_SEPARATOR = "\n\n"


def select_segments(segments: pd.DataFrame, primary_coder: str | None) -> pd.DataFrame:
    """The segments to chart: for a case the primary coder coded, only theirs (a second
    coder's double-coding serves agreement checks, not the matrix); otherwise all."""
    if not primary_coder:
        return segments
    by_primary = segments[Segment.coder] == primary_coder
    cases_with_primary = set(segments.loc[by_primary, Segment.case_id])
    keep = by_primary | ~segments[Segment.case_id].isin(cases_with_primary)
    return segments[keep]


def reference(segment: pd.Series) -> str:
    """`[P03 ¶12 1043-1187]`: case, paragraph, character offsets in the de-identified text."""
    return (
        f"[{segment[Segment.case_id]} ¶{segment[Segment.paragraph]} "
        f"{segment[Segment.start]}-{segment[Segment.end]}]"
    )


def chart_matrix(
    segments: pd.DataFrame,
    codebook: pd.DataFrame,
    cases: pd.DataFrame,
    attributes: list[str],
    primary_coder: str | None = None,
) -> pd.DataFrame:
    """Long framework matrix: every case × every code, including empty cells.

    `segments` validate as schemas.Segment, `codebook` as schemas.Codebook, `cases` as
    schemas.Cases; `attributes` are the case columns carried into each row. Returns a frame
    validating as schemas.MatrixCell, sorted by case and codebook order.
    """
    charted = select_segments(segments, primary_coder).sort_values(
        [Segment.case_id, Segment.start, Segment.end], kind="stable"
    )
    refs = charted.apply(reference, axis=1)
    excerpts = charted[Segment.text].str.split().str.join(" ") + " " + refs
    cells = (
        charted.assign(_ref=refs, _excerpt=excerpts)
        .groupby([Segment.case_id, Segment.code_id], sort=True)
        .agg(
            n_segments=(Segment.segment_id, "size"),
            charted_text=("_excerpt", EXCERPT_SEPARATOR.join),
            segment_ids=(Segment.segment_id, ";".join),
            references=("_ref", "; ".join),
        )
    )
    coders = segments.groupby(Segment.case_id)[Segment.coder].nunique()
    grid = cases[[Segment.case_id, *attributes]].merge(
        codebook[
            [
                Codebook.theme_id,
                Codebook.theme,
                Codebook.code_id,
                Codebook.code,
                Codebook.valence,
                Codebook.code_order,
            ]
        ],
        how="cross",
    )
    matrix = grid.merge(
        cells, how="left", left_on=[Segment.case_id, Codebook.code_id], right_index=True
    )
    matrix[MatrixCell.n_segments] = matrix[MatrixCell.n_segments].fillna(0).astype("int64")
    for column in (MatrixCell.charted_text, MatrixCell.segment_ids, MatrixCell.references):
        matrix[column] = matrix[column].fillna("").astype(str)
    matrix[MatrixCell.n_coders] = matrix[MatrixCell.case_id].map(coders).fillna(0).astype("int64")
    matrix = matrix.sort_values([MatrixCell.case_id, Codebook.code_order], kind="stable")
    columns = [
        MatrixCell.case_id,
        *attributes,
        MatrixCell.theme_id,
        MatrixCell.theme,
        MatrixCell.code_id,
        MatrixCell.code,
        MatrixCell.valence,
        MatrixCell.n_segments,
        MatrixCell.n_coders,
        MatrixCell.charted_text,
        MatrixCell.segment_ids,
        MatrixCell.references,
    ]
    return MatrixCell.validate(matrix[columns].reset_index(drop=True))


def wide_matrix(matrix: pd.DataFrame, attributes: list[str], max_cell_chars: int) -> pd.DataFrame:
    """Cases as rows (attributes first), codes as columns in codebook order, cells holding
    the charted text trimmed to `max_cell_chars` (the long table keeps it whole)."""
    codes = list(dict.fromkeys(matrix[MatrixCell.code_id]))
    trimmed = matrix[MatrixCell.charted_text].map(lambda text: trim(text, max_cell_chars))
    wide = (
        matrix.assign(_cell=trimmed)
        .pivot(index=[MatrixCell.case_id, *attributes], columns=MatrixCell.code_id, values="_cell")
        .reindex(columns=codes)
        .reset_index()
    )
    wide.columns.name = None
    return wide


def trim(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters at a word boundary, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"
