"""Theme summaries: how many cases each theme and code reaches, overall and within each
group of cases (service type, region…), with segment counts and valence."""

import pandas as pd

from qualframe.schemas import MatrixCell, ThemeSummary

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
    """A theme's valence: its codes' common valence, or 'mixed' when they differ."""
    distinct = set(valences)
    return distinct.pop() if len(distinct) == 1 else "mixed"
