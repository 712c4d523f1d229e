"""Test oracle: the per-row implementation of `qualframe.themes` that the vectorised one
must match to the byte. Original docstring follows.

Theme summaries: how many cases each theme and code reaches, overall and within each
group of cases (service type, region…), with segment counts and valence."""

import numpy as np
import pandas as pd

from qualframe.schemas import CodeProfile, MatrixCell, ThemeSummary

ALL = "all"


def summarise_themes(matrix: pd.DataFrame, attributes: list[str]) -> pd.DataFrame:
    """Summarise the long framework matrix (schemas.MatrixCell).

    One row per theme and per code for the whole study (`group_attribute` = "all") and for
    each value of each attribute in `attributes`. Returns a frame validating as
    schemas.ThemeSummary, in codebook order, themes before their codes.
    """
    frame = matrix.assign(**{ALL: ALL})
    frame["_coded"] = frame[MatrixCell.n_segments] > 0
    frame["_theme_order"] = frame[MatrixCell.theme_id].map(
        {t: i for i, t in enumerate(dict.fromkeys(frame[MatrixCell.theme_id]))}
    )
    frame["_code_order"] = frame[MatrixCell.code_id].map(
        {c: i for i, c in enumerate(dict.fromkeys(frame[MatrixCell.code_id]))}
    )
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
    columns = list(ThemeSummary.to_schema().columns)
    return ThemeSummary.validate(summary[columns].reset_index(drop=True))


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
        valence=(MatrixCell.valence, theme_valence),
        _theme_order=("_theme_order", "first"),
    )
    rows = rows.reset_index().merge(themes, left_on=MatrixCell.theme_id, right_index=True)
    return rows.assign(
        level="theme", _level=0, code_id="", code="", _code_order=-1, group_attribute=attribute
    ).rename(columns={attribute: ThemeSummary.group_value})


def theme_valence(valences: pd.Series) -> str:
    """A theme's valence: the common valence of its codes that have one, 'mixed' when
    they differ, empty when none has one."""
    distinct = set(valences) - {""}
    if not distinct:
        return ""
    return distinct.pop() if len(distinct) == 1 else "mixed"


PROFILE_SEPARATOR = "\n\n"  # between exemplar quotes, as between excerpts in the matrix
TOP_COOCCURRING = 3
MAX_THEME_EXEMPLARS = 3


def code_profiles(
    matrix: pd.DataFrame,
    cooccurrence: pd.DataFrame,
    exemplars: pd.DataFrame,
    agreement: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per theme and per code of the long matrix (schemas.MatrixCell), study-wide.

    `cooccurrence` is cooccurrence.code_cooccurrence's table, `exemplars`
    exemplars.exemplar_quotes's, `agreement` coding.agreement's (optional). Columns:
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
    codes = list(dict.fromkeys(frame[MatrixCell.code_id]))
    code_rank = {c: i for i, c in enumerate(codes)}
    names = frame.groupby(MatrixCell.code_id, sort=False)[MatrixCell.code].first()
    theme_of = frame.groupby(MatrixCell.code_id, sort=False)[MatrixCell.theme_id].first()
    total_cases = frame[MatrixCell.case_id].nunique()

    summary = summarise_themes(matrix, [])
    summary = summary.rename(columns={ThemeSummary.cases_coded: CodeProfile.cases})

    pairs = symmetric_pairs(cooccurrence)
    theme_pairs = theme_cooccurrence(frame, pairs, theme_of)
    alphas = pooled_alpha(agreement)
    quotes = exemplars.assign(
        _cited=exemplars["quote"] + " " + exemplars["reference"],
        _order=exemplars["code_id"].map(code_rank),
    ).sort_values(["_order", "rank"], kind="stable")

    top, alpha, cited = [], [], []
    for row in summary.itertuples(index=False):
        if row.level == "code":
            candidates = pairs[pairs["code_id"] == row.code_id]
            cited.append(
                PROFILE_SEPARATOR.join(quotes.loc[quotes["code_id"] == row.code_id, "_cited"])
            )
            alpha.append(alphas.get(row.code_id, np.nan))
        else:
            candidates = theme_pairs[theme_pairs["theme_id"] == row.theme_id]
            best = quotes[(quotes["rank"] == 1) & quotes["code_id"].map(theme_of).eq(row.theme_id)]
            best = best.sort_values(
                ["centrality", "_order"], ascending=[False, True], na_position="last", kind="stable"
            )
            cited.append(PROFILE_SEPARATOR.join(best["_cited"].head(MAX_THEME_EXEMPLARS)))
            alpha.append(np.nan)
        top.append(top_codes(candidates, names, code_rank))
    profiles = summary.assign(
        top_cooccurring=top,
        krippendorff_alpha=pd.Series(alpha, index=summary.index, dtype=float),
        exemplars=cited,
    )
    profiles[CodeProfile.share_cases] = (profiles[CodeProfile.cases] / max(total_cases, 1)).round(4)
    columns = list(CodeProfile.to_schema().columns)
    return CodeProfile.validate(profiles[columns].reset_index(drop=True))


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
    coded = frame[frame["_coded"]]
    theme_cases = coded[[MatrixCell.theme_id, MatrixCell.case_id]].drop_duplicates()
    code_cases = coded[[MatrixCell.code_id, MatrixCell.case_id]].drop_duplicates()
    both = (
        theme_cases.merge(code_cases, on=MatrixCell.case_id)
        .groupby([MatrixCell.theme_id, MatrixCell.code_id])
        .size()
        .rename("cases_both")
    )
    overlap = (
        pairs.assign(theme_id=pairs["code_id"].map(theme_of))
        .groupby(["theme_id", "other"])["segments_overlapping"]
        .sum()
    )
    overlap.index = overlap.index.set_names(["theme_id", "code_id"])
    table = pd.concat([both, overlap], axis=1).fillna(0).astype("int64").reset_index()
    table = table[table["code_id"].map(theme_of) != table["theme_id"]]
    return table.rename(columns={"code_id": "other"})


def top_codes(candidates: pd.DataFrame, names: pd.Series, code_rank: dict[str, int]) -> str:
    """'Code (n); Code (n)…' for the codes co-occurring most, n being cases_both."""
    found = candidates[(candidates["cases_both"] > 0) | (candidates["segments_overlapping"] > 0)]
    found = found.assign(_order=found["other"].map(code_rank)).sort_values(
        ["cases_both", "segments_overlapping", "_order"],
        ascending=[False, False, True],
        kind="stable",
    )
    found = found.head(TOP_COOCCURRING)
    return "; ".join(
        f"{names[other]} ({n})"
        for other, n in zip(found["other"], found["cases_both"], strict=True)
    )


def pooled_alpha(agreement: pd.DataFrame | None) -> dict[str, float]:
    """Krippendorff's alpha per code over all coders (rows with coder_a "all")."""
    if agreement is None or agreement.empty:
        return {}
    rows = agreement[(agreement["coder_a"] == ALL) & (agreement["code_id"] != "")]
    return dict(zip(rows["code_id"], rows["krippendorff_alpha"].astype(float), strict=True))
