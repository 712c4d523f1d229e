"""Theme summaries: how many cases each theme and code reaches, overall and within each
group of cases (service type, region…), with segment counts and valence."""

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import DataFrame
from scipy import sparse

from qualframe.schemas import CodeProfile, MatrixCell, MatrixRow, ThemeSummary, columns_of

ALL = "all"


@pa.check_types
def summarise_themes(
    matrix: DataFrame[MatrixRow], attributes: list[str]
) -> DataFrame[ThemeSummary]:
    """Summarise the long framework matrix (schemas.MatrixRow: its cell texts not needed).

    One row per theme and per code for the whole study (`group_attribute` = "all") and for
    each value of each attribute in `attributes`. Returns a frame validating as
    schemas.ThemeSummary, in codebook order, themes before their codes.
    """
    frame = matrix.assign(**{ALL: ALL})
    frame["_coded"] = frame[MatrixCell.n_segments] > 0
    # order of first appearance: codebook order, as chart_matrix sorts the matrix
    frame["_theme_order"] = pd.factorize(frame[MatrixCell.theme_id])[0]
    frame["_code_order"] = pd.factorize(frame[MatrixCell.code_id])[0]
    parts = []
    for attribute in [ALL, *attributes]:
        parts.append(code_rows(frame, attribute))
        parts.append(theme_rows(frame, attribute))
    summary = pd.concat(parts, ignore_index=True)
    summary["_attribute_order"] = summary[ThemeSummary.group_attribute].map(
        {a: i for i, a in enumerate([ALL, *attributes])}
    )
    summary = summary.sort_values(
        ["_attribute_order", ThemeSummary.group_value, "_theme_order", "_level", "_code_order"],
        kind="stable",
    )
    summary[ThemeSummary.share_cases] = (
        summary[ThemeSummary.cases_coded] / summary[ThemeSummary.cases_in_group]
    ).round(4)
    return summary[columns_of(ThemeSummary)].reset_index(drop=True)


def code_rows(frame: pd.DataFrame, attribute: str) -> pd.DataFrame:
    keys = [attribute, MatrixCell.theme_id, MatrixCell.code_id]
    rows = (
        frame.groupby(keys, sort=False)
        .agg(
            theme=(MatrixCell.theme, "first"),
            code=(MatrixCell.code, "first"),
            valence=(MatrixCell.valence, "first"),
            cases_in_group=(MatrixCell.case_id, "nunique"),
            cases_coded=("_coded", "sum"),
            segments=(MatrixCell.n_segments, "sum"),
            _theme_order=("_theme_order", "first"),
            _code_order=("_code_order", "first"),
        )
        .reset_index()
    )
    return rows.assign(level="code", _level=1, group_attribute=attribute).rename(
        columns={attribute: ThemeSummary.group_value}
    )


def theme_rows(frame: pd.DataFrame, attribute: str) -> pd.DataFrame:
    per_case = frame.groupby([attribute, MatrixCell.theme_id, MatrixCell.case_id], sort=False).agg(
        _coded=("_coded", "any"), segments=(MatrixCell.n_segments, "sum")
    )
    rows = per_case.groupby(level=[0, 1], sort=False).agg(
        cases_in_group=("_coded", "size"),
        cases_coded=("_coded", "sum"),
        segments=("segments", "sum"),
    )
    themes = frame.groupby(MatrixCell.theme_id, sort=False).agg(
        theme=(MatrixCell.theme, "first"),
        _theme_order=("_theme_order", "first"),
    )
    themes["valence"] = theme_valences(frame)
    rows = rows.reset_index().merge(themes, left_on=MatrixCell.theme_id, right_index=True)
    return rows.assign(
        level="theme", _level=0, code_id="", code="", _code_order=-1, group_attribute=attribute
    ).rename(columns={attribute: ThemeSummary.group_value})


def theme_valences(frame: pd.DataFrame) -> pd.Series:
    """Each theme's valence (indexed by theme id): the common valence of its codes that
    have one, 'mixed' when they differ, empty when none has one."""
    distinct = frame[[MatrixCell.theme_id, MatrixCell.valence]].drop_duplicates()
    stated = distinct[distinct[MatrixCell.valence] != ""]
    grouped = stated.groupby(MatrixCell.theme_id, sort=False)[MatrixCell.valence]
    valence = grouped.first().where(grouped.size() == 1, "mixed")
    themes = pd.unique(frame[MatrixCell.theme_id])
    return valence.reindex(themes).fillna("").astype(str)


PROFILE_SEPARATOR = "\n\n"  # between exemplar quotes, as between excerpts in the matrix
TOP_COOCCURRING = 3
MAX_THEME_EXEMPLARS = 3


@pa.check_types
def code_profiles(
    matrix: DataFrame[MatrixRow],
    cooccurrence: pd.DataFrame,
    exemplars: pd.DataFrame,
    agreement: pd.DataFrame | None = None,
    summary: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per theme and per code of the long matrix (schemas.MatrixCell), study-wide.

    `cooccurrence` is cooccurrence.code_cooccurrence's table, `exemplars`
    exemplars.exemplar_quotes's, `agreement` coding.agreement's (optional), `summary`
    summarise_themes's for the same matrix (optional: saves computing its study-wide
    rows again). Columns:
    cases coded, share_cases, segments, valence (a theme's is its codes' common valence
    or "mixed"); top_cooccurring: up to 3 other codes as "Code name (cases_both)" joined
    by "; ", most cases_both first, then most segments_overlapping, then codebook order,
    codes never co-occurring left out (for a theme: codes of other themes, counted over the
    theme's cases and summed over its codes' overlaps); krippendorff_alpha: the code's row
    with coder_a "all" in `agreement`, NaN when absent and for themes; exemplars: the
    code's quotes in rank order, each followed by its reference, joined by a blank line
    (for a theme: the rank-1 quote of its codes, most central first, at most 3). Themes
    come before their codes, in codebook order. Validates as CodeProfile.
    """
    frame = matrix.assign(_coded=matrix[MatrixCell.n_segments] > 0)
    first_rows = frame.drop_duplicates(MatrixCell.code_id).set_index(MatrixCell.code_id)
    codes = list(first_rows.index)
    code_rank = {c: i for i, c in enumerate(codes)}
    names = first_rows[MatrixCell.code]
    theme_of = first_rows[MatrixCell.theme_id]
    total_cases = frame[MatrixCell.case_id].nunique()

    if summary is None:
        summary = summarise_themes(matrix, [])
    summary = summary[summary[ThemeSummary.group_attribute] == ALL].reset_index(drop=True)
    summary = summary.rename(columns={ThemeSummary.cases_coded: CodeProfile.cases})

    pairs = symmetric_pairs(cooccurrence)
    theme_pairs = theme_cooccurrence(frame, pairs, theme_of)
    alphas = pooled_alpha(agreement)
    quotes = exemplars.assign(
        _cited=exemplars["quote"] + " " + exemplars["reference"],
        _order=exemplars["code_id"].map(code_rank),
    ).sort_values(["_order", "rank"], kind="stable")
    best = (
        quotes[quotes["rank"] == 1]
        .assign(_theme=lambda q: q["code_id"].map(theme_of))
        .sort_values(
            ["centrality", "_order"], ascending=[False, True], na_position="last", kind="stable"
        )
    )
    is_code = (summary[ThemeSummary.level] == "code").to_numpy()
    by_code, by_theme = summary[ThemeSummary.code_id], summary[ThemeSummary.theme_id]
    top = by_code.map(top_codes(pairs, "code_id", names, code_rank)).where(
        is_code, by_theme.map(top_codes(theme_pairs, "theme_id", names, code_rank))
    )
    cited = by_code.map(
        quotes.groupby("code_id", sort=False)["_cited"].agg(PROFILE_SEPARATOR.join)
    ).where(
        is_code,
        by_theme.map(
            best.groupby("_theme", sort=False)["_cited"].agg(
                lambda quoted: PROFILE_SEPARATOR.join(quoted.head(MAX_THEME_EXEMPLARS))
            )
        ),
    )
    alpha = by_code.map(pd.Series(alphas, dtype=float)).where(is_code, np.nan)
    profiles = summary.assign(
        top_cooccurring=top.fillna("").astype(str),
        krippendorff_alpha=alpha.astype(float),
        exemplars=cited.fillna("").astype(str),
    )
    profiles[CodeProfile.share_cases] = (profiles[CodeProfile.cases] / max(total_cases, 1)).round(4)
    return profiles[columns_of(CodeProfile)].reset_index(drop=True)


def symmetric_pairs(cooccurrence: pd.DataFrame) -> pd.DataFrame:
    """The pair table in both directions: code_id, other, cases_both, segments_overlapping."""
    keep = ["cases_both", "segments_overlapping"]
    forward = cooccurrence.rename(columns={"code_a": "code_id", "code_b": "other"})
    backward = cooccurrence.rename(columns={"code_b": "code_id", "code_a": "other"})
    return pd.concat(
        [forward[["code_id", "other", *keep]], backward[["code_id", "other", *keep]]],
        ignore_index=True,
    )


def theme_cooccurrence(
    frame: pd.DataFrame, pairs: pd.DataFrame, theme_of: pd.Series
) -> pd.DataFrame:
    """Per theme and code of another theme: cases where both occur, and segment pairs
    overlapping (summed over the theme's codes: each pair has one segment of the theme)."""
    coded = frame[frame["_coded"].to_numpy()]
    themes = pd.Index(pd.unique(theme_of.to_numpy()))
    codes = theme_of.index
    cases = pd.factorize(coded[MatrixCell.case_id])[0]
    n_cases = cases.max(initial=-1) + 1

    def cases_of(index: pd.Index, keys: pd.Series) -> sparse.csr_matrix:
        """index × cases: 1 where the key is coded in the case."""
        rows = index.get_indexer(keys)
        found = sparse.csr_matrix((np.ones(len(rows)), (rows, cases)), shape=(len(index), n_cases))
        found.data[:] = 1
        return found

    both = (
        cases_of(themes, coded[MatrixCell.theme_id]) @ cases_of(codes, coded[MatrixCell.code_id]).T
    ).toarray()
    overlap = np.zeros((len(themes), len(codes)))
    np.add.at(
        overlap,
        (
            themes.get_indexer(pairs["code_id"].map(theme_of)),
            codes.get_indexer(pairs["other"]),
        ),
        pairs["segments_overlapping"].to_numpy(),
    )
    theme_index, code_index = np.nonzero((both > 0) | (overlap > 0))
    table = pd.DataFrame(
        {
            "theme_id": themes.to_numpy()[theme_index],
            "other": codes.to_numpy()[code_index],
            "cases_both": both[theme_index, code_index].astype("int64"),
            "segments_overlapping": overlap[theme_index, code_index].astype("int64"),
        }
    )
    return table[table["other"].map(theme_of) != table["theme_id"]]


def top_codes(
    table: pd.DataFrame, key: str, names: pd.Series, code_rank: dict[str, int]
) -> pd.Series:
    """{key value: 'Code (n); Code (n)…'}: per `key` of `table` (columns key, other,
    cases_both, segments_overlapping), the codes co-occurring most, n being cases_both."""
    found = table[(table["cases_both"] > 0) | (table["segments_overlapping"] > 0)]
    found = found.assign(_order=found["other"].map(code_rank)).sort_values(
        ["cases_both", "segments_overlapping", "_order"],
        ascending=[False, False, True],
        kind="stable",
    )
    found = found.groupby(key, sort=False).head(TOP_COOCCURRING)
    cited = found["other"].map(names) + " (" + found["cases_both"].astype(str) + ")"
    return cited.groupby(found[key], sort=False).agg("; ".join)


def pooled_alpha(agreement: pd.DataFrame | None) -> dict[str, float]:
    """Krippendorff's alpha per code over all coders (rows with coder_a "all")."""
    if agreement is None or agreement.empty:
        return {}
    rows = agreement[(agreement["coder_a"] == ALL) & (agreement["code_id"] != "")]
    return dict(zip(rows["code_id"], rows["krippendorff_alpha"].astype(float), strict=True))
