"""Figures as inline SVG strings: a heatmap and a grouped bar chart.

Pure functions of DataFrames, drawn without a plotting library so the report needs no new
dependency and the same input gives the same bytes. Text widths are estimated from the
character count (a sans-serif character is about 0.6 of the font size wide), which is
enough to lay out labels without measuring fonts.
"""

from collections.abc import Mapping, Sequence

import pandas as pd
from markupsafe import Markup, escape

FONT_SIZE = 11
CHAR_EM = 0.6  # width of a sans-serif character, in font sizes
EMPTY_FILL = "#f2f2f2"
# A sequential blue scale (ColorBrewer "Blues"), light to dark; readable when printed in grey.
SCALE_STOPS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
SERIES_COLOURS = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
    "#000000",
)


def colour_scale(value: float) -> str:
    """Return the fill (`#rrggbb`) for `value` in [0, 1]: EMPTY_FILL for 0 or less (or NaN),
    otherwise a blue interpolated along SCALE_STOPS, darker for larger values; values
    above 1 are drawn as 1."""
    if pd.isna(value) or value <= 0:
        return EMPTY_FILL
    value = min(float(value), 1.0)
    position = value * (len(SCALE_STOPS) - 1)
    low = min(int(position), len(SCALE_STOPS) - 2)
    fraction = position - low
    a, b = rgb(SCALE_STOPS[low]), rgb(SCALE_STOPS[low + 1])
    mixed = (round(x + (y - x) * fraction) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def rgb(colour: str) -> tuple[int, int, int]:
    """`#rrggbb` → (r, g, b)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def text_colour(value: float) -> str:
    """Dark text on light fills, white text on dark ones."""
    return "#ffffff" if not pd.isna(value) and value > 0.55 else "#222222"


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    """Estimated width in pixels of `text` set in a sans-serif font."""
    return len(text) * CHAR_EM * font_size


def wrap(text: str, width: float, font_size: float = FONT_SIZE) -> list[str]:
    """Split `text` at spaces into lines of at most `width` pixels (a long word stays whole)."""
    per_line = max(1, int(width // (CHAR_EM * font_size)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def number(x: float) -> str:
    """A coordinate with at most one decimal, written the same way every time."""
    return f"{x:.1f}".removesuffix(".0")


def svg_text(x: float, y: float, text: str, **attributes: str) -> str:
    """One escaped `<text>` element. Attribute names use `_` for `-`; a trailing `_` (as in
    `class_`, Python's keyword) is dropped."""
    extra = "".join(
        f' {attribute_name(name)}="{escape(str(value))}"' for name, value in attributes.items()
    )
    return f'<text x="{number(x)}" y="{number(y)}"{extra}>{escape(text)}</text>'


def attribute_name(name: str) -> str:
    """`text_anchor` → `text-anchor`, `class_` → `class`."""
    return name.removesuffix("_").replace("_", "-")


def svg_document(width: float, height: float, body: Sequence[str], label: str) -> Markup:
    """Wrap SVG elements in an `<svg>` of the given size with an accessible label (no
    `xmlns`: inline SVG in HTML needs none, and the report carries no URL at all)."""
    return Markup(
        f'<svg width="{number(width)}" '
        f'height="{number(height)}" viewBox="0 0 {number(width)} {number(height)}" '
        f'role="img" aria-label="{escape(label)}" font-family="system-ui, sans-serif" '
        f'font-size="{FONT_SIZE}">' + "".join(body) + "</svg>"
    )


def heatmap_svg(
    values: pd.DataFrame,
    row_labels: Mapping[str, str],
    col_groups: Sequence[tuple[str, Sequence[str]]],
    col_labels: Mapping[str, str],
    tooltips: pd.DataFrame | None = None,
    cell_text: pd.DataFrame | None = None,
    legend_labels: tuple[str, str] = ("fewest", "most"),
    empty_label: str = "not coded",
    cell: int = 28,
    label: str = "heatmap",
) -> Markup:
    """Return an SVG heatmap.

    `values` holds intensities in [0, 1] with one row per row key and one column per column
    key; rows are drawn in `values.index` order, columns in the order of `col_groups`
    ((group label, [column keys]) pairs, separated by a gap and named under the grid).
    `row_labels` and `col_labels` map keys to the text shown; `tooltips` (same shape,
    strings) become each cell's `<title>`, and `cell_text` (same shape, strings) is written
    inside the cell. Every cell is exactly one `<rect>` with class "cell" and a fill from
    `colour_scale`. The legend shows the empty fill and five steps of the scale.
    """
    gap = 6
    rows = list(values.index)
    column_x: dict[str, float] = {}
    left = max([text_width(row_labels[r]) for r in rows] + [40]) + 12
    x = left
    for _, columns in col_groups:
        for column in columns:
            column_x[column] = x
            x += cell
        x += gap
    grid_right = x - gap
    # Column labels run up and to the right at 45°, so reserve their height and overhang.
    longest = max([text_width(col_labels[c]) for c in column_x] + [0])
    top = longest * 0.71 + 14
    width = grid_right + longest * 0.71 + 12
    body: list[str] = []
    for column, cx in column_x.items():
        px, py = cx + cell / 2, top - 6
        body.append(
            svg_text(
                px,
                py,
                col_labels[column],
                transform=f"rotate(-45 {number(px)} {number(py)})",
                class_="col-label",
            )
        )
    for i, row in enumerate(rows):
        y = top + i * cell
        body.append(
            svg_text(
                left - 8,
                y + cell / 2 + 4,
                row_labels[row],
                text_anchor="end",
                class_="row-label",
            )
        )
        for column, cx in column_x.items():
            value = values.at[row, column]
            tip = tooltips.at[row, column] if tooltips is not None else f"{value:.2f}"
            body.append(
                f'<rect class="cell" x="{number(cx)}" y="{number(y)}" width="{cell - 1}" '
                f'height="{cell - 1}" fill="{colour_scale(value)}">'
                f"<title>{escape(str(tip))}</title></rect>"
            )
            text = cell_text.at[row, column] if cell_text is not None else ""
            if text:
                body.append(
                    svg_text(
                        cx + (cell - 1) / 2,
                        y + cell / 2 + 3,
                        str(text),
                        text_anchor="middle",
                        font_size="10",
                        fill=text_colour(value),
                        pointer_events="none",
                    )
                )
    y = top + len(rows) * cell + 4
    group_bottom = y
    for group, columns in col_groups:
        if not columns:
            continue
        gx = column_x[columns[0]]
        gw = len(columns) * cell - 1
        body.append(
            f'<line x1="{number(gx)}" y1="{number(y)}" x2="{number(gx + gw)}" '
            f'y2="{number(y)}" stroke="#555" stroke-width="2"/>'
        )
        for k, line in enumerate(wrap(group, gw)):
            ly = y + 14 + k * 13
            body.append(
                svg_text(
                    gx + gw / 2, ly, line, text_anchor="middle", font_weight="600", class_="group"
                )
            )
            group_bottom = max(group_bottom, ly)
    body.extend(heatmap_legend(left, group_bottom + 24, legend_labels, empty_label))
    height = group_bottom + 24 + 40
    width = max(width, left + 420)
    return svg_document(width, height, body, label)


def heatmap_legend(x: float, y: float, labels: tuple[str, str], empty_label: str) -> list[str]:
    """Legend elements: the empty swatch, then five swatches from low to high."""
    size = 16
    parts = [
        f'<rect x="{number(x)}" y="{number(y)}" width="{size}" height="{size}" '
        f'fill="{EMPTY_FILL}" stroke="#999"/>',
        svg_text(x + size + 4, y + 12, empty_label),
    ]
    x += size + 4 + text_width(empty_label) + 20
    parts.append(svg_text(x, y + 12, labels[0]))
    x += text_width(labels[0]) + 6
    for step in (0.2, 0.4, 0.6, 0.8, 1.0):
        parts.append(
            f'<rect x="{number(x)}" y="{number(y)}" width="{size}" height="{size}" '
            f'fill="{colour_scale(step)}"/>'
        )
        x += size
    parts.append(svg_text(x + 6, y + 12, labels[1]))
    return parts


def grouped_bars_svg(
    values: pd.DataFrame,
    category_labels: Mapping[str, str],
    series_labels: Mapping[str, str],
    y_label: str,
    x_label: str,
    tooltips: pd.DataFrame | None = None,
    legend_title: str = "",
    label: str = "grouped bar chart",
) -> Markup:
    """Return an SVG grouped bar chart of shares.

    `values` holds shares in [0, 1]: one row per category on the x axis (drawn in index
    order) and one column per series (a bar within each category, in column order, coloured
    from SERIES_COLOURS). The y axis runs from 0 to 100 % with gridlines every 25 %.
    `category_labels`/`series_labels` map keys to the text shown; `tooltips` (same shape,
    strings) become each bar's `<title>`. Each bar is one `<rect>` with class "bar".
    """
    categories, series = list(values.index), list(values.columns)
    bar, inner_gap, group_gap = 14, 1, 22
    plot_height = 240
    group_width = max(len(series) * (bar + inner_gap), 1)
    left, top = 64, 16
    plot_width = len(categories) * (group_width + group_gap) + group_gap
    body: list[str] = []
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        ty = top + plot_height * (1 - tick)
        body.append(
            f'<line x1="{left}" y1="{number(ty)}" x2="{number(left + plot_width)}" '
            f'y2="{number(ty)}" stroke="{"#555" if tick == 0 else "#ddd"}"/>'
        )
        body.append(svg_text(left - 6, ty + 4, f"{tick:.0%}", text_anchor="end"))
    body.append(
        svg_text(
            16,
            top + plot_height / 2,
            y_label,
            text_anchor="middle",
            transform=f"rotate(-90 16 {number(top + plot_height / 2)})",
            class_="axis-label",
        )
    )
    label_bottom = top + plot_height
    for i, category in enumerate(categories):
        gx = left + group_gap + i * (group_width + group_gap)
        for j, name in enumerate(series):
            share = values.at[category, name]
            share = 0.0 if pd.isna(share) else min(max(float(share), 0.0), 1.0)
            h = plot_height * share
            tip = tooltips.at[category, name] if tooltips is not None else f"{share:.0%}"
            body.append(
                f'<rect class="bar" x="{number(gx + j * (bar + inner_gap))}" '
                f'y="{number(top + plot_height - h)}" width="{bar}" height="{number(h)}" '
                f'fill="{SERIES_COLOURS[j % len(SERIES_COLOURS)]}">'
                f"<title>{escape(str(tip))}</title></rect>"
            )
        for k, line in enumerate(wrap(category_labels[category], group_width + group_gap - 4)):
            ly = top + plot_height + 16 + k * 13
            body.append(svg_text(gx + group_width / 2, ly, line, text_anchor="middle"))
            label_bottom = max(label_bottom, ly)
    body.append(
        svg_text(
            left + plot_width / 2,
            label_bottom + 22,
            x_label,
            text_anchor="middle",
            class_="axis-label",
        )
    )
    ly = label_bottom + 48
    if legend_title:
        body.append(svg_text(left, ly, legend_title, font_weight="600"))
        ly += 18
    for j, name in enumerate(series):
        body.append(
            f'<rect x="{left}" y="{number(ly - 11)}" width="14" height="14" '
            f'fill="{SERIES_COLOURS[j % len(SERIES_COLOURS)]}"/>'
        )
        body.append(svg_text(left + 20, ly, series_labels[name]))
        ly += 18
    width = max(
        left + plot_width + 16,
        left + 20 + max([text_width(series_labels[x]) for x in series] + [0]),
    )
    return svg_document(width, ly, body, label)
