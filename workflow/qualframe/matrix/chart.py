"""The framework matrix (Gale et al. 2013): one cell per case × code holding the charted
data, each excerpt (or the analyst's summary of it) followed by its reference back to the
de-identified transcript, with the share of the case's transcript the code covers and,
when the coded data carries them, rapid-analysis ratings (−2 … +2)."""

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.typing import DataFrame

from qualframe.charting.layout import source_label
from qualframe.matrix.cells import EXCERPT_SEPARATOR, cell_texts, group_joiner, large_text, placed
from qualframe.schemas import Cases, CellSummary, Codebook, MatrixCell, Segment
from qualframe.text.spaces import collapse_spaces
from qualframe.xlsx import trim

# Optional columns of the coded segments, in order of preference for the analyst's summary.
SUMMARY_COLUMNS = ("summary", "note")
RATING_COLUMN = "rating"
COVERAGE = MatrixCell.coverage
RATING = MatrixCell.rating
EXCERPTS = MatrixCell.excerpts
RATING_RANGE = (-2, 2)


def select_segments(segments: pd.DataFrame, primary_coder: str | None) -> pd.DataFrame:
    """The segments to chart: for a case the primary coder coded, only theirs (a second
    coder's double-coding serves agreement checks, not the matrix); otherwise all."""
    if not primary_coder:
        return segments
    by_primary = segments[Segment.coder] == primary_coder
    cases_with_primary = segments.loc[by_primary, Segment.case_id].unique()
    keep = by_primary | ~segments[Segment.case_id].isin(cases_with_primary)
    return segments[keep]


def reference(segment: pd.Series) -> str:
    """`[P03 ¶12 1043-1187]`: case, paragraph, character offsets in the de-identified text."""
    return (
        f"[{segment[Segment.case_id]} ¶{segment[Segment.paragraph]} "
        f"{segment[Segment.start]}-{segment[Segment.end]}]"
    )


def references_of(segments: pd.DataFrame) -> pd.Series:
    """`reference` of every segment, as a string Series on the segments' index."""
    return (
        "["
        + segments[Segment.case_id].astype(str)
        + " ¶"
        + segments[Segment.paragraph].astype(str)
        + " "
        + segments[Segment.start].astype(str)
        + "-"
        + segments[Segment.end].astype(str)
        + "]"
    )


def analyst_summaries(segments: pd.DataFrame) -> pd.Series:
    """Each segment's analyst summary: the `summary` column, else the REFI-QDA `note`,
    whitespace-collapsed; "" where a segment has neither (or neither column exists)."""
    found = pd.Series("", index=segments.index, dtype=object)
    for column in reversed(SUMMARY_COLUMNS):
        if column in segments.columns:
            text = collapse_spaces(segments[column].fillna("").astype(str))
            found = text.where(text != "", found)
    return found.astype(str)


def segment_ratings(segments: pd.DataFrame) -> pd.Series:
    """Each segment's rating as a float (NaN where missing); raises ValueError for a
    rating that is not a number within −2 … +2."""
    if RATING_COLUMN not in segments.columns:
        return pd.Series(np.nan, index=segments.index, dtype="float64")
    raw = segments[RATING_COLUMN]
    ratings = pd.to_numeric(raw, errors="coerce").astype("float64")
    low, high = RATING_RANGE
    bad = (ratings.isna() & raw.notna() & (raw.astype(str).str.strip() != "")) | ~(
        ratings.isna() | ratings.between(low, high)
    )
    if bad.any():
        ids = ", ".join(segments.loc[bad, Segment.segment_id].astype(str).head(5))
        raise ValueError(
            f"{int(bad.sum())} segment rating(s) are not numbers from {low} to +{high} "
            f"(segments {ids})"
        )
    return ratings


def round_rating(mean: float) -> float:
    """Round half away from zero (1.5 → 2, −0.5 → −1), unlike Python's banker's rounding."""
    return float(np.sign(mean) * np.floor(abs(mean) + 0.5))


def case_lengths(
    segments: pd.DataFrame, cases: pd.DataFrame, text_lengths: Mapping[str, int]
) -> pd.Series:
    """Characters of de-identified text per case: the summed lengths of its transcripts,
    i.e. the transcript named like the case and every transcript its segments address.
    Raises ValueError if a coded transcript has no length."""
    missing = sorted(set(segments[Segment.transcript_id]) - set(text_lengths))
    if missing:
        raise ValueError(
            f"no text length for {len(missing)} coded transcript(s): {', '.join(missing[:5])}"
        )
    named = cases[Segment.case_id][cases[Segment.case_id].isin(list(text_lengths))]
    pairs = pd.concat(
        [
            segments[[Segment.case_id, Segment.transcript_id]],
            pd.DataFrame({Segment.case_id: named, Segment.transcript_id: named}),
        ]
    ).drop_duplicates()
    lengths = pairs[Segment.transcript_id].map(text_lengths).astype("int64")
    return lengths.groupby(pairs[Segment.case_id].to_numpy(), sort=True).sum()


def cell_coverage(
    charted: pd.DataFrame,
    segments: pd.DataFrame,
    cases: pd.DataFrame,
    text_lengths: Mapping[str, int],
) -> pd.Series:
    """Per (case_id, code_id) of the `charted` segments, the share of the case's
    transcript characters they cover, rounded to 6 decimals."""
    covered = covered_by_group(charted, [Segment.case_id, Segment.code_id])
    lengths = case_lengths(segments, cases, text_lengths)
    case_of_cell = covered.index.get_level_values(Segment.case_id)
    return (covered / lengths.reindex(case_of_cell).to_numpy()).round(6)


def covered_characters(spans: pd.DataFrame) -> int:
    """Characters covered by the union of `spans` (transcript_id, start, end); overlapping
    spans count once."""
    return int(covered_by_group(spans.assign(_group=0), ["_group"]).sum())


def covered_by_group(spans: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Characters covered by the union of the spans in each group of `keys`, vectorised:
    in start order, each span adds only what reaches past the furthest end before it."""
    group = [*keys, Segment.transcript_id]
    spans = spans[list(dict.fromkeys([*group, Segment.start, Segment.end]))]  # only these sorted
    ordered = spans.astype({Segment.start: "int64", Segment.end: "int64"}).sort_values(
        [*group, Segment.start, Segment.end], kind="stable"
    )
    reach = ordered.groupby(group, sort=False)[Segment.end].cummax()
    before = reach.groupby([ordered[key] for key in group], sort=False).shift(1)
    begin = np.maximum(ordered[Segment.start], before.fillna(-1))
    added = (ordered[Segment.end] - begin).clip(lower=0)
    return added.groupby([ordered[key] for key in keys], sort=True).sum()


@pa.check_types
def chart_matrix(
    segments: DataFrame[Segment],
    codebook: DataFrame[Codebook],
    cases: DataFrame[Cases],
    attributes: list[str],
    primary_coder: str | None = None,
    *,
    text_lengths: Mapping[str, int] | None = None,
    sort_by: list[str] | None = None,
    cell_summaries: pd.DataFrame | None = None,
) -> DataFrame[MatrixCell]:
    """Long framework matrix: every case × every code, including empty cells.

    `segments` validate as schemas.Segment and may carry `summary` or `note` (the
    analyst's summary of a segment) and `rating` (−2 … +2); `codebook` validates as
    schemas.Codebook, `cases` as schemas.Cases; `attributes` are the case columns carried
    into each row. `text_lengths` maps transcript id → length of its de-identified text;
    without it `coverage` is NaN. `sort_by` orders cases by those case columns, then
    case_id (missing values last).

    Per cell: `coverage` is the share of the case's transcript characters covered by the
    code's segments (overlaps count once); `rating` is the mean of the segments' ratings
    rounded half away from zero, or NA; `charted_text` holds, per segment, the analyst's
    summary when it has one, else the verbatim excerpt, each followed by its reference;
    `excerpts` always holds the verbatim excerpts with references. `cell_summaries`, if
    given (schemas.CellSummary: the analysts' cell summaries from their charting
    workbooks), fill `summary` and `summary_source` (see `attach_summaries`), and a
    summarised cell's `charted_text` is its summary followed by its excerpts' references.
    Returns a frame validating as schemas.MatrixCell, sorted by case (see `sort_by`) and
    codebook order.
    """
    # The segments' texts are not copied with the other columns: taken once, in order.
    others = [column for column in segments.columns if column != Segment.text]
    charted = (
        select_segments(segments[others].assign(_position=np.arange(len(segments))), primary_coder)
        .sort_values(
            [Segment.case_id, Segment.start, Segment.end, Segment.segment_id], kind="stable"
        )
        .reset_index(drop=True)
    )
    positions = charted.pop("_position").to_numpy()
    # Coverage (pandas) is counted in a second thread while the texts (Arrow kernels,
    # which release the interpreter's lock) are joined.
    pool = ThreadPoolExecutor(max_workers=1)
    coverage = (
        pool.submit(cell_coverage, charted, segments, cases, text_lengths)
        if text_lengths is not None
        else None
    )
    pool.shutdown(wait=False)
    refs = references_of(charted)
    refs_text = large_text(refs)
    summaries = analyst_summaries(charted)
    summarised = (summaries != "").to_numpy(dtype=bool)
    groups = charted.assign(_rating=segment_ratings(charted)).groupby(
        [Segment.case_id, Segment.code_id], sort=True
    )
    cells = groups.agg(n_segments=(Segment.segment_id, "size"), rating=("_rating", "mean"))
    join = group_joiner(groups.ngroup().to_numpy())
    # The segments' texts (not combined into one array) taken once, piece by piece, into
    # their cells' order (join.order).
    cells["excerpts"], charted_text = cell_texts(
        join,
        pyarrow.array(segments[Segment.text], type=pyarrow.large_string(), from_pandas=True),
        positions,
        refs_text,
        large_text(summaries) if summarised.any() else None,
    )
    # without summaries the same text: held once (the frames share it until one is changed)
    cells["charted_text"] = cells["excerpts"] if charted_text is None else charted_text
    del charted_text, summaries
    cells[MatrixCell.segment_ids] = join(charted[Segment.segment_id], ";")
    cells[MatrixCell.references] = join(refs_text, "; ")
    del refs, refs_text
    means = cells[RATING].to_numpy(dtype="float64")
    cells[RATING] = np.sign(means) * np.floor(np.abs(means) + 0.5)  # as round_rating
    if coverage is not None:
        cells[COVERAGE] = coverage.result()
    del charted, groups
    coders = segments.groupby(Segment.case_id)[Segment.coder].nunique()
    grid = ordered_cases(cases, sort_by)[[Segment.case_id, *attributes]].merge(
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
    texts = {column: cells.pop(column) for column in TEXT_COLUMNS}
    matrix = grid.merge(
        cells.assign(_cell=np.arange(len(cells))),
        how="left",
        left_on=[Segment.case_id, Codebook.code_id],
        right_index=True,
    )
    cell_of_row = matrix.pop("_cell").to_numpy(dtype="float64", na_value=np.nan)
    for column in TEXT_COLUMNS:  # one column at a time: the cells' copy goes as it is placed
        if column == MatrixCell.charted_text and not summarised.any():
            matrix[column] = matrix[EXCERPTS]
        else:
            matrix[column] = placed(texts.pop(column), cell_of_row)
    matrix[MatrixCell.n_segments] = matrix[MatrixCell.n_segments].fillna(0).astype("int64")
    matrix[MatrixCell.n_coders] = matrix[MatrixCell.case_id].map(coders).fillna(0).astype("int64")
    if text_lengths is None:
        matrix[COVERAGE] = np.nan
    else:
        matrix[COVERAGE] = matrix[COVERAGE].fillna(0.0)
    matrix[COVERAGE] = matrix[COVERAGE].astype("float64")
    matrix[RATING] = matrix[RATING].astype("Int64")
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
        COVERAGE,
        RATING,
        *TEXT_COLUMN_ORDER,
    ]
    return attach_summaries(matrix[columns].reset_index(drop=True), cell_summaries)


def attach_summaries(matrix: pd.DataFrame, summaries: pd.DataFrame | None) -> pd.DataFrame:
    """`matrix` with `summary` and `summary_source` per cell ("" where none).

    A cell with several summaries (when the study allows it) holds them in workbook,
    sheet and cell order, separated by a blank line, and their sources separated by "; ".
    A summarised cell's `charted_text` becomes the summary, then its excerpts' references.
    """
    keys = [MatrixCell.case_id, MatrixCell.code_id]
    if summaries is None or summaries.empty:
        return matrix.assign(**{MatrixCell.summary: "", MatrixCell.summary_source: ""})
    sources = [
        source_label(workbook, sheet, cell)
        for workbook, sheet, cell in zip(
            summaries["workbook"], summaries["sheet"], summaries["cell"], strict=True
        )
    ]
    per_cell = (
        summaries.assign(_source=sources)
        .groupby(keys, sort=False)
        .agg(
            **{
                MatrixCell.summary: (CellSummary.summary, EXCERPT_SEPARATOR.join),
                MatrixCell.summary_source: ("_source", "; ".join),
            }
        )
    )
    matrix = matrix.merge(per_cell, how="left", left_on=keys, right_index=True)
    for column in (MatrixCell.summary, MatrixCell.summary_source):
        matrix[column] = matrix[column].fillna("").astype(str)
    summarised = matrix[MatrixCell.summary] != ""
    refs = matrix[MatrixCell.references]
    with_refs = matrix[MatrixCell.summary].where(
        refs == "", matrix[MatrixCell.summary] + " " + refs
    )
    matrix[MatrixCell.charted_text] = with_refs.where(summarised, matrix[MatrixCell.charted_text])
    return matrix


TEXT_COLUMNS = (
    EXCERPTS,
    MatrixCell.charted_text,
    MatrixCell.segment_ids,
    MatrixCell.references,
)
# The order of these columns in the matrix.
TEXT_COLUMN_ORDER = (
    MatrixCell.charted_text,
    EXCERPTS,
    MatrixCell.segment_ids,
    MatrixCell.references,
)


def ordered_cases(cases: pd.DataFrame, sort_by: list[str] | None) -> pd.DataFrame:
    """The cases sorted by the `sort_by` columns, then case_id, missing values last;
    raises ValueError naming any `sort_by` column the case sheet lacks."""
    keys = list(dict.fromkeys([*(sort_by or []), Segment.case_id]))
    unknown = [key for key in keys if key not in cases.columns]
    if unknown:
        raise ValueError(f"cannot sort cases by {', '.join(unknown)}: not a case sheet column")
    return cases.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)


def wide_matrix(matrix: pd.DataFrame, attributes: list[str], max_cell_chars: int) -> pd.DataFrame:
    """Cases as rows (attributes first, in the long table's case order), codes as columns
    in codebook order, cells holding the charted text trimmed to `max_cell_chars` (the long
    table keeps it whole)."""
    cases = list(pd.unique(matrix[MatrixCell.case_id]))  # in order of appearance
    codes = list(pd.unique(matrix[MatrixCell.code_id]))
    text = matrix[MatrixCell.charted_text]
    long = (text.str.len() > max_cell_chars).to_numpy(dtype=bool)
    trimmed = text.copy()
    if long.any():  # only these need a Python call
        trimmed[long] = text[long].map(lambda value: trim(value, max_cell_chars))
    in_rows = rows_of_grid(matrix, attributes, trimmed, cases)
    if in_rows is not None:
        return in_rows
    wide = (
        matrix.assign(_cell=trimmed)
        .pivot(index=[MatrixCell.case_id, *attributes], columns=MatrixCell.code_id, values="_cell")
        .reindex(columns=codes)
        .reset_index()
    )
    wide = wide.set_index(MatrixCell.case_id, drop=False).loc[cases].reset_index(drop=True)
    wide.columns.name = None
    return wide


def grid_layout(matrix: pd.DataFrame, case_ids: list[str]) -> dict[str, int] | None:
    """Where each code's cell lies among every case's rows, for a matrix laid out as
    chart_matrix lays it out (the rows of each case together, cases in the order of
    `case_ids`, the codes in the same order in every case); None for another layout."""
    n, n_cases = len(matrix), len(case_ids)
    if n == 0 or n_cases == 0 or n % n_cases:
        return None
    n_codes = n // n_cases
    rows = np.arange(n)
    case_of_row, cases = pd.factorize(matrix[MatrixCell.case_id])
    code_of_row, codes = pd.factorize(matrix[MatrixCell.code_id])
    if not (
        np.array_equal(case_of_row, rows // n_codes)
        and np.array_equal(code_of_row, rows % n_codes)
        and list(cases) == list(case_ids)
    ):
        return None
    return {code: position for position, code in enumerate(codes)}


def rows_of_grid(
    matrix: pd.DataFrame, attributes: list[str], cells: pd.Series, case_ids: list[str]
) -> pd.DataFrame | None:
    """The wide view `wide_matrix` makes, of a matrix laid out as chart_matrix lays it out
    (grid_layout; text attributes without missing values, the same for each of a case's
    rows), taking each code's `cells` by stride: one copy of the texts rather than a
    pivot's several. None for a matrix laid out otherwise."""
    columns = [MatrixCell.case_id, *attributes]
    if any(matrix[column].dtype != "str" or matrix[column].isna().any() for column in columns):
        return None
    layout = grid_layout(matrix, case_ids)
    if layout is None:
        return None
    n_codes = len(layout)
    firsts = matrix.iloc[::n_codes]
    first_rows = pyarrow.array(np.arange(0, len(matrix), n_codes).repeat(n_codes))
    for attribute in attributes:  # compared by Arrow, not as Python strings
        values = large_text(matrix[attribute])
        if not pc.all(pc.equal(values, values.take(first_rows))).as_py():
            return None  # a case with two sets of attributes: the pivot keeps both
    texts = pyarrow.array(cells, type=pyarrow.large_string(), from_pandas=True)
    rows = np.arange(len(matrix))
    wide = {column: firsts[column].reset_index(drop=True) for column in columns}
    for code, position in layout.items():
        column = texts.take(pyarrow.array(rows[position::n_codes]))
        wide[code] = column.to_pandas().astype("str")
    return pd.DataFrame(wide)
