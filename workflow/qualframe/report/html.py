"""The study report: one self-contained HTML page a person opens in a browser.

Inline CSS, figures as inline SVG (report/svg.py), no scripts and no outside resources, so
the page works offline and can be archived as one file. Built only from published tables
(matrix counts, theme summaries, exemplar quotes and the analysts' cell summaries, all
de-identified); it never shows the charted excerpts themselves. Deterministic: no
timestamps, every order explicit.
"""

from collections.abc import Mapping
from html import escape

import pandas as pd

from qualframe.report.summaries import charting_section
from qualframe.report.svg import grouped_bars_svg, heatmap_svg
from qualframe.schemas import Codebook, MatrixCell, ThemeSummary

EXEMPLARS = "exemplars"  # optional code-profile column: quotes with their references
QUOTE_SEPARATOR = "\n\n"  # between quotes in `exemplars` (themes.summary.PROFILE_SEPARATOR)
HEAD_CLASS = {"top_cooccurring": " class='text'"}
EXTRAS = {"top_cooccurring": "Most often with", "krippendorff_alpha": "Agreement (α)"}
ALL = "all"
TITLE = "Framework analysis report"

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222;
  padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.1em; margin-top: 1.5em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
tr.theme td { font-weight: 600; background: #f5f7fa; }
dl.config { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; }
dl.config dt { font-weight: 600; } dl.config dd { margin: 0; font-family: monospace; }
figure { margin: 1em 0; overflow-x: auto; } figcaption { color: #555; font-size: .9em; }
blockquote { margin: .5em 0 .5em 1em; padding-left: .8em; border-left: 3px solid #6baed6;
  white-space: pre-wrap; }
.valence-facilitator { color: #1e6b30; } .valence-barrier { color: #b03a2e; }
.valence-mixed { color: #7a5c00; }
footer { margin-top: 3em; border-top: 1px solid #ccc; color: #555; font-size: .9em; }
"""


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
    body = [
        f"<h1>{escape(TITLE)}</h1>",
        methods_section(methods),
        heatmap_section(matrix, codebook, cases_attribute),
        groups_section(summary, codebook, cases_attribute),
        themes_section(summary, codebook, profiles),
        charting_section(matrix, codebook),
        FOOTER,
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(TITLE)}</title><style>{STYLE}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )


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


def definition_list(mapping: Mapping[str, object], prefix: str = "") -> list[str]:
    """`<dt>`/`<dd>` pairs for a nested mapping, nested keys written as `a.b.c`."""
    items: list[str] = []
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            items.extend(definition_list(value, name + "."))
        else:
            items.append(f"<dt>{escape(name)}</dt><dd>{escape(format_value(value))}</dd>")
    return items


def methods_section(methods: Mapping[str, object]) -> str:
    """The methods: a table of the scalar entries, a definition list per mapping entry."""
    scalars = [(k, v) for k, v in methods.items() if not isinstance(v, Mapping)]
    mappings = [(k, v) for k, v in methods.items() if isinstance(v, Mapping)]
    rows = "".join(
        f"<tr><th scope='row'>{escape(label(k))}</th><td>{escape(format_value(v))}</td></tr>"
        for k, v in scalars
    )
    parts = ["<section id='methods'><h2>Methods</h2>"]
    if rows:
        parts.append(f"<table class='counts'><tbody>{rows}</tbody></table>")
    for key, mapping in mappings:
        parts.append(
            f"<details><summary>{escape(label(key))}</summary>"
            f"<dl class='config'>{''.join(definition_list(mapping))}</dl></details>"
        )
    parts.append("</section>")
    return "".join(parts)


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


def heatmap_section(matrix: pd.DataFrame, codebook: pd.DataFrame, attribute: str) -> str:
    """The matrix as a heatmap: cases × codes grouped by theme, coloured by coverage when
    the matrix has it, otherwise by segment count relative to the code's largest cell."""
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
    if MatrixCell.coverage in matrix:
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
    return (
        "<section id='matrix'><h2>Framework matrix</h2>"
        f"<p>{len(cases)} cases × {len(codes)} codes in {len(groups)} themes; cases sorted by "
        f"{escape(label(attribute))}. Hover a cell for its case, code and value.</p>"
        f"<figure>{svg}<figcaption>{escape(explained)}</figcaption></figure></section>"
    )


def groups_section(summary: pd.DataFrame, codebook: pd.DataFrame, attribute: str) -> str:
    """Themes by case group: share of each group's cases coded with each theme."""
    heading = f"<section id='groups'><h2>Themes by {escape(label(attribute))}</h2>"
    rows = summary[
        (summary[ThemeSummary.level] == "theme")
        & (summary[ThemeSummary.group_attribute] == attribute)
    ]
    if rows.empty:
        return heading + (
            f"<p>The theme summary has no rows for {escape(label(attribute))}; add it to the "
            "attributes the themes are summarised by.</p></section>"
        )
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
    return heading + (
        f"<figure>{svg}<figcaption>For each theme, the share of cases of each "
        f"{escape(label(attribute))} with at least one segment of the theme. Groups are small: "
        "read shares with their counts (hover a bar).</figcaption></figure>"
        f"{codes_by_group(summary, codebook, attribute, group_values)}</section>"
    )


def codes_by_group(
    summary: pd.DataFrame, codebook: pd.DataFrame, attribute: str, group_values: list[str]
) -> str:
    """A heatmap of groups × codes: the share of each group's cases coded with each code
    (themes are often coded in every case; their codes show where groups differ)."""
    rows = summary[
        (summary[ThemeSummary.level] == "code")
        & (summary[ThemeSummary.group_attribute] == attribute)
    ]
    if rows.empty:
        return ""
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
    svg = heatmap_svg(
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
    return (
        f"<figure>{svg}<figcaption>For each code, the share of cases of each "
        f"{escape(label(attribute))} coded with it (cases coded / cases in the group)."
        "</figcaption></figure>"
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


def valence_cell(valence: str) -> str:
    return f"<td class='text valence-{escape(valence)}'>{escape(valence)}</td>"


def profile_extras(profiles: pd.DataFrame | None) -> pd.DataFrame:
    """Co-occurring codes and agreement from code profiles, indexed by (theme id, code id),
    with only the EXTRAS columns the profiles have (none without profiles)."""
    if profiles is None or Codebook.code_id not in profiles or Codebook.theme_id not in profiles:
        return pd.DataFrame()
    columns = [c for c in EXTRAS if c in profiles]
    return profiles.set_index([Codebook.theme_id, Codebook.code_id])[columns]


def extras_of(extras: pd.DataFrame, theme_id: str, code_id: str) -> list[object]:
    """The profile extras of one theme (code id "") or code, blank when it has no profile."""
    if extras.empty:
        return []
    key = (theme_id, code_id)
    if key not in extras.index:
        return [""] * len(extras.columns)
    return list(extras.loc[key])


def extra_cell(value: object) -> str:
    if isinstance(value, float):
        return f"<td>{'—' if pd.isna(value) else f'{value:.2f}'}</td>"
    return f"<td class='text'>{escape(format_value(value))}</td>"


def summary_row(
    row: pd.Series, css: str, name: str, extras: list[object], valence: bool = True
) -> str:
    """One row of a theme table; the valence cell only when the codebook has valences."""
    valence_html = valence_cell(row[ThemeSummary.valence]) if valence else ""
    return (
        f"<tr class='{css}'><td>{escape(name)}</td>{valence_html}"
        f"<td>{row[ThemeSummary.cases_coded]} of {row[ThemeSummary.cases_in_group]}</td>"
        f"<td>{row[ThemeSummary.share_cases]:.0%}</td><td>{row[ThemeSummary.segments]}</td>"
        + "".join(extra_cell(value) for value in extras)
        + "</tr>"
    )


def themes_section(
    summary: pd.DataFrame, codebook: pd.DataFrame, profiles: pd.DataFrame | None
) -> str:
    """One table per theme (the theme, then its codes, over all cases) and the codes'
    exemplar quotes when the profiles carry them."""
    overall = summary[summary[ThemeSummary.group_attribute] == ALL]
    themes = overall[overall[ThemeSummary.level] == "theme"].set_index(ThemeSummary.theme_id)
    codes = overall[overall[ThemeSummary.level] == "code"].set_index(ThemeSummary.code_id)
    exemplars = exemplars_by_code(profiles)
    extras = profile_extras(profiles)
    # valence is optional in a codebook: its column is shown when some code has one
    valence = bool((codebook[Codebook.valence] != "").any())
    parts = ["<section id='themes'><h2>Themes</h2>"]
    for theme_id, theme, code_ids in theme_groups(codebook):
        parts.append(f"<h3 id='theme-{escape(theme_id)}'>{escape(theme)}</h3>")
        if theme_id not in themes.index:
            parts.append("<p>Not in the theme summary.</p>")
            continue

        rows = [
            summary_row(
                themes.loc[theme_id],
                "theme",
                "All codes of the theme",
                extras_of(extras, theme_id, ""),
                valence,
            )
        ]
        rows += [
            summary_row(
                codes.loc[code_id],
                "code",
                codes.at[code_id, ThemeSummary.code],
                extras_of(extras, theme_id, code_id),
                valence,
            )
            for code_id in code_ids
            if code_id in codes.index
        ]
        extra_heads = "".join(
            f"<th{HEAD_CLASS.get(c, '')}>{escape(EXTRAS[c])}</th>"
            for c in ([] if extras.empty else extras.columns)
        )
        parts.append(
            "<table class='theme'><thead><tr><th>Code</th>"
            + ("<th class='text'>Valence</th>" if valence else "")
            + f"<th>Cases coded</th><th>Share of cases</th><th>Segments</th>{extra_heads}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>"
        )
        for code_id in code_ids:
            if code_id in exemplars:
                name = codes.at[code_id, ThemeSummary.code] if code_id in codes.index else code_id
                quotes = [q.strip() for q in exemplars[code_id].split(QUOTE_SEPARATOR)]
                parts.append(
                    f"<h4>Exemplars: {escape(name)}</h4>"
                    + "".join(f"<blockquote>{escape(q)}</blockquote>" for q in quotes if q)
                )
    parts.append("</section>")
    return "".join(parts)


FOOTER = (
    "<footer><h2>What this report does not show</h2><ul>"
    "<li>No transcript text beyond the exemplar quotes, which come from the de-identified "
    "transcripts; the charted cell text is in the framework matrix tables and workbook.</li>"
    "<li>No raw (identifiable) text, no pseudonym key and no anonymisation log: those stay in "
    "the restricted folder.</li>"
    "<li>Counts are of coded segments, not of how often a topic was raised; a case with no "
    "segment for a code may still have touched on it.</li>"
    "<li>Shares within small groups of cases are unstable; read them with their counts.</li>"
    "</ul></footer>"
)
