"""The study report: one self-contained HTML page a person opens in a browser.

Inline CSS, figures as inline SVG (report/svg.py), no scripts and no outside resources, so
the page works offline and can be archived as one file. Built only from published tables
(matrix counts, theme summaries, exemplar quotes and the analysts' cell summaries, all
de-identified); it never shows the charted excerpts themselves. Deterministic: no
timestamps, every order explicit. The page is `templates/report.html.j2`; the functions
here turn the tables into what it shows.
"""

from collections.abc import Mapping
from typing import NamedTuple

import pandas as pd

from qualframe.pages import Markup, render
from qualframe.report.summaries import charting_section
from qualframe.report.svg import grouped_bars_svg, heatmap_svg
from qualframe.schemas import Codebook, MatrixCell, ThemeSummary

EXEMPLARS = "exemplars"  # optional code-profile column: quotes with their references
QUOTE_SEPARATOR = "\n\n"  # between quotes in `exemplars` (themes.summary.PROFILE_SEPARATOR)
TEXT_EXTRAS = frozenset({"top_cooccurring"})  # extra columns aligned left
EXTRAS = {"top_cooccurring": "Most often with", "krippendorff_alpha": "Agreement (α)"}
ALL = "all"
TITLE = "Framework analysis report"


class Cell(NamedTuple):
    """One table cell: its text and whether it is text (aligned left) or a number."""

    value: str
    text: bool


def render_report(
    matrix: pd.DataFrame,
    summary: pd.DataFrame,
    codebook: pd.DataFrame,
    cases_attribute: str,
    methods: Mapping[str, object],
    profiles: pd.DataFrame | None = None,
) -> str:
    """Return the report as one HTML document (a string ending in a newline).

    Takes the long framework matrix (schemas.MatrixCell; its optional `coverage` column
    colours the heatmap, otherwise segment counts scaled within each code), the theme
    summary (schemas.ThemeSummary), the codebook (schemas.Codebook), the case attribute to
    compare groups by (e.g. "service_type"), `methods` (scalar entries such as counts and
    the qualframe version become a table; mapping entries such as the config become
    definition lists, in the order given) and optionally code profiles with `code_id` and
    `exemplars` columns. Sections: methods, heatmap, themes by group, theme tables, the
    analysts' cell summaries (when the matrix has a `summary` column), footer.
    """
    page = render(
        "qualframe.report",
        "report.html.j2",
        title=TITLE,
        attribute=label(cases_attribute),
        methods=methods_view(methods),
        matrix=heatmap_view(matrix, codebook, cases_attribute),
        groups=groups_view(summary, codebook, cases_attribute),
        themes=themes_view(summary, codebook, profiles),
        charting=charting_section(matrix, codebook),
    )
    return str(page)


def label(key: str) -> str:
    """`n_segments` → `n segments`: a column or config key as readers see it."""
    return str(key).replace("_", " ")


def format_value(value: object) -> str:
    """A config or count value as text: lists joined by commas, None and NaN as a dash."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(format_value(item) for item in value) or "—"
    return str(value)


def flattened(mapping: Mapping[str, object], prefix: str = "") -> list[tuple[str, str]]:
    """(key, value) pairs of a nested mapping, nested keys written as `a.b.c`."""
    items: list[tuple[str, str]] = []
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            items.extend(flattened(value, name + "."))
        else:
            items.append((name, format_value(value)))
    return items


def methods_view(methods: Mapping[str, object]) -> dict:
    """The methods: the scalar entries as (label, value) rows, and per mapping entry its
    label and flattened (key, value) pairs."""
    return {
        "scalars": [
            (label(k), format_value(v)) for k, v in methods.items() if not isinstance(v, Mapping)
        ],
        "mappings": [
            (label(k), flattened(v)) for k, v in methods.items() if isinstance(v, Mapping)
        ],
    }


def code_order(codebook: pd.DataFrame) -> pd.DataFrame:
    """The codebook sorted by `code_order`: themes in the order of their first code."""
    return codebook.sort_values(Codebook.code_order, kind="stable")


def theme_groups(codebook: pd.DataFrame) -> list[tuple[str, str, list[str]]]:
    """(theme id, theme name, [code ids]) in codebook order."""
    ordered = code_order(codebook)
    groups: dict[str, tuple[str, list[str]]] = {}
    for row in ordered.itertuples(index=False):
        theme_id = getattr(row, Codebook.theme_id)
        groups.setdefault(theme_id, (getattr(row, Codebook.theme), []))[1].append(
            getattr(row, Codebook.code_id)
        )
    return [(theme_id, name, codes) for theme_id, (name, codes) in groups.items()]


def case_order(matrix: pd.DataFrame, attribute: str) -> list[str]:
    """Case ids sorted by `attribute` (when the matrix carries it), then by id."""
    keys = [attribute, MatrixCell.case_id] if attribute in matrix else [MatrixCell.case_id]
    cases = matrix.drop_duplicates(MatrixCell.case_id).sort_values(
        keys, kind="stable", key=lambda column: column.astype(str).str.casefold()
    )
    return list(cases[MatrixCell.case_id])


def heatmap_view(matrix: pd.DataFrame, codebook: pd.DataFrame, attribute: str) -> dict:
    """The matrix as a heatmap: cases × codes grouped by theme, coloured by coverage when
    the matrix has it, otherwise by segment count relative to the code's largest cell.
    Returns the counts the section names, the figure and its caption."""
    cases = case_order(matrix, attribute)
    groups = theme_groups(codebook)
    codes = [code for _, _, group in groups for code in group]
    segments = (
        matrix.pivot(index=MatrixCell.case_id, columns=MatrixCell.code_id, values="n_segments")
        .reindex(index=cases, columns=codes)
        .fillna(0)
        .astype("int64")
    )
    code_names = dict(zip(codebook[Codebook.code_id], codebook[Codebook.code], strict=True))
    # a matrix charted without the texts' lengths has a coverage column of NaN
    if MatrixCell.coverage in matrix and matrix[MatrixCell.coverage].notna().any():
        coverage = (
            matrix.pivot(
                index=MatrixCell.case_id, columns=MatrixCell.code_id, values=MatrixCell.coverage
            )
            .reindex(index=cases, columns=codes)
            .astype("float64")
            .fillna(0.0)
        )
        top = float(coverage.max().max())
        values = coverage / top if top > 0 else coverage
        legend = ("less", f"{top:.1%} of the case's text")
        explained = (
            "Colour: coverage, the share of the case's de-identified transcript coded with "
            f"the code, from none to the largest cell ({top:.1%}). Numbers: segments."
        )

        def tip(case: str, code: str) -> str:
            return (
                f"{case} · {code_names[code]}: coverage {coverage.at[case, code]:.1%}, "
                f"{segments.at[case, code]} segment(s)"
            )
    else:
        column_max = segments.max().replace(0, 1)
        values = segments / column_max
        legend = ("fewer", "most for the code")
        explained = (
            "Colour: number of segments, relative to the case with most segments for that "
            "code (each column is scaled on its own). Numbers: segments."
        )

        def tip(case: str, code: str) -> str:
            return (
                f"{case} · {code_names[code]}: {segments.at[case, code]} segment(s) "
                f"(most for the code: {segments[code].max()})"
            )

    tooltips = pd.DataFrame(
        [[tip(case, code) for code in codes] for case in cases], index=cases, columns=codes
    )
    cell_text = segments.map(lambda n: str(n) if n else "")
    if attribute in matrix:
        attributes = matrix.drop_duplicates(MatrixCell.case_id).set_index(MatrixCell.case_id)
        row_labels = {case: f"{case} · {attributes.at[case, attribute]}" for case in cases}
    else:
        row_labels = {case: case for case in cases}
    svg = heatmap_svg(
        values,
        row_labels,
        [(name, group) for _, name, group in groups],
        code_names,
        tooltips=tooltips,
        cell_text=cell_text,
        legend_labels=legend,
        label="Framework matrix heatmap: cases by codes",
    )
    return {
        "cases": len(cases),
        "codes": len(codes),
        "themes": len(groups),
        "svg": svg,
        "caption": explained,
    }


def groups_view(summary: pd.DataFrame, codebook: pd.DataFrame, attribute: str) -> dict | None:
    """Themes by case group: the share of each group's cases coded with each theme (bars)
    and with each code (a heatmap, None without code rows); None when the summary has no
    rows for `attribute`."""
    rows = summary[
        (summary[ThemeSummary.level] == "theme")
        & (summary[ThemeSummary.group_attribute] == attribute)
    ]
    if rows.empty:
        return None
    themes = [theme_id for theme_id, _, _ in theme_groups(codebook)]
    themes = [t for t in themes if t in set(rows[ThemeSummary.theme_id])]
    group_values = sorted(set(rows[ThemeSummary.group_value]), key=lambda g: (g.casefold(), g))
    indexed = rows.set_index([ThemeSummary.theme_id, ThemeSummary.group_value])
    shares = (
        indexed[ThemeSummary.share_cases]
        .unstack(ThemeSummary.group_value)
        .reindex(index=themes, columns=group_values)
    )
    theme_names = dict(zip(codebook[Codebook.theme_id], codebook[Codebook.theme], strict=False))

    def tip(theme: str, group: str) -> str:
        row = indexed.loc[(theme, group)]
        return (
            f"{theme_names[theme]} · {group}: {row[ThemeSummary.cases_coded]} of "
            f"{row[ThemeSummary.cases_in_group]} cases ({row[ThemeSummary.share_cases]:.0%})"
        )

    tooltips = pd.DataFrame(
        [[tip(t, g) for g in group_values] for t in themes], index=themes, columns=group_values
    )
    svg = grouped_bars_svg(
        shares,
        theme_names,
        {g: g for g in group_values},
        y_label="share of cases coded",
        x_label="theme",
        tooltips=tooltips,
        legend_title=label(attribute),
        label=f"Share of cases coded per theme by {label(attribute)}",
    )
    return {
        "themes_svg": svg,
        "codes_svg": codes_by_group(summary, codebook, attribute, group_values),
    }


def codes_by_group(
    summary: pd.DataFrame, codebook: pd.DataFrame, attribute: str, group_values: list[str]
) -> Markup | None:
    """A heatmap of groups × codes: the share of each group's cases coded with each code
    (themes are often coded in every case; their codes show where groups differ)."""
    rows = summary[
        (summary[ThemeSummary.level] == "code")
        & (summary[ThemeSummary.group_attribute] == attribute)
    ]
    if rows.empty:
        return None
    groups = theme_groups(codebook)
    codes = [code for _, _, group in groups for code in group]
    indexed = rows.set_index([ThemeSummary.group_value, ThemeSummary.code_id])
    shares = (
        indexed[ThemeSummary.share_cases]
        .unstack(ThemeSummary.code_id)
        .reindex(index=group_values, columns=codes)
        .fillna(0.0)
    )
    code_names = dict(zip(codebook[Codebook.code_id], codebook[Codebook.code], strict=True))

    def counts(group: str, code: str) -> tuple[int, int]:
        if (group, code) not in indexed.index:
            return 0, 0
        row = indexed.loc[(group, code)]
        return int(row[ThemeSummary.cases_coded]), int(row[ThemeSummary.cases_in_group])

    tooltips = pd.DataFrame(
        [
            [f"{g} · {code_names[c]}: {'{} of {} cases'.format(*counts(g, c))}" for c in codes]
            for g in group_values
        ],
        index=group_values,
        columns=codes,
    )
    cell_text = pd.DataFrame(
        [["{}/{}".format(*counts(g, c)) for c in codes] for g in group_values],
        index=group_values,
        columns=codes,
    )
    return heatmap_svg(
        shares,
        {g: g for g in group_values},
        [(name, group) for _, name, group in groups],
        code_names,
        tooltips=tooltips,
        cell_text=cell_text,
        legend_labels=("few cases", "all cases"),
        empty_label="no case",
        cell=30,
        label=f"Share of cases coded per code by {label(attribute)}",
    )


def exemplars_by_code(profiles: pd.DataFrame | None) -> dict[str, str]:
    """{code id: exemplar text} from code profiles, when they have exemplars."""
    if profiles is None or EXEMPLARS not in profiles or Codebook.code_id not in profiles:
        return {}
    rows = profiles
    if "level" in rows:
        rows = rows[rows["level"] == "code"]
    rows = rows[rows[EXEMPLARS].notna() & (rows[EXEMPLARS].astype(str).str.strip() != "")]
    return dict(zip(rows[Codebook.code_id], rows[EXEMPLARS].astype(str), strict=False))


def profile_extras(profiles: pd.DataFrame | None) -> pd.DataFrame:
    """Co-occurring codes and agreement from code profiles, indexed by (theme id, code id),
    with only the EXTRAS columns the profiles have (none without profiles)."""
    if profiles is None or Codebook.code_id not in profiles or Codebook.theme_id not in profiles:
        return pd.DataFrame()
    columns = [c for c in EXTRAS if c in profiles]
    return profiles.set_index([Codebook.theme_id, Codebook.code_id])[columns]


def extras_of(extras: pd.DataFrame, theme_id: str, code_id: str) -> list[Cell]:
    """The profile extras of one theme (code id "") or code as cells, blank when it has no
    profile: numbers with two decimals (a dash for none), anything else as text."""
    if extras.empty:
        return []
    key = (theme_id, code_id)
    if key not in extras.index:
        return [Cell("", True)] * len(extras.columns)
    return [extra_cell(value) for value in extras.loc[key]]


def extra_cell(value: object) -> Cell:
    if isinstance(value, float):
        return Cell("—" if pd.isna(value) else f"{value:.2f}", False)
    return Cell(format_value(value), True)


def summary_row(row: pd.Series, level: str, name: str, extras: list[Cell]) -> dict:
    """One row of a theme table: what the template shows of a theme or code."""
    return {
        "level": level,
        "name": name,
        "valence": row[ThemeSummary.valence],
        "reach": f"{row[ThemeSummary.cases_coded]} of {row[ThemeSummary.cases_in_group]}",
        "share": f"{row[ThemeSummary.share_cases]:.0%}",
        "segments": row[ThemeSummary.segments],
        "extras": extras,
    }


def themes_view(
    summary: pd.DataFrame, codebook: pd.DataFrame, profiles: pd.DataFrame | None
) -> list[dict]:
    """Per theme in codebook order: its table (the theme, then its codes, over all cases;
    `rows` is None when the theme is not in the summary) and the codes' exemplar quotes
    when the profiles carry them."""
    overall = summary[summary[ThemeSummary.group_attribute] == ALL]
    themes = overall[overall[ThemeSummary.level] == "theme"].set_index(ThemeSummary.theme_id)
    codes = overall[overall[ThemeSummary.level] == "code"].set_index(ThemeSummary.code_id)
    exemplars = exemplars_by_code(profiles)
    extras = profile_extras(profiles)
    heads = [{"name": EXTRAS[c], "text": c in TEXT_EXTRAS} for c in extras.columns]
    # valence is optional in a codebook: its column is shown when some code has one
    valence = bool((codebook[Codebook.valence] != "").any())
    views = []
    for theme_id, theme, code_ids in theme_groups(codebook):
        view = {"id": theme_id, "name": theme, "rows": None, "valence": valence}
        views.append(view)
        if theme_id not in themes.index:
            continue
        rows = [
            summary_row(
                themes.loc[theme_id],
                "theme",
                "All codes of the theme",
                extras_of(extras, theme_id, ""),
            )
        ]
        rows += [
            summary_row(
                codes.loc[code_id],
                "code",
                codes.at[code_id, ThemeSummary.code],
                extras_of(extras, theme_id, code_id),
            )
            for code_id in code_ids
            if code_id in codes.index
        ]
        quotes = []
        for code_id in code_ids:
            if code_id in exemplars:
                name = codes.at[code_id, ThemeSummary.code] if code_id in codes.index else code_id
                found = [q.strip() for q in exemplars[code_id].split(QUOTE_SEPARATOR)]
                quotes.append((name, [q for q in found if q]))
        view |= {"rows": rows, "extra_heads": heads, "exemplars": quotes}
    return views
