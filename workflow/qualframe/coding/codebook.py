"""The codebook (analytical framework): YAML with themes holding codes, or a sheet of codes
with their parents."""

import re
import unicodedata

import pandas as pd
import pandera.pandas as pa

from qualframe.coding.report import CHECK_PROBLEMS, failure, report_frame, summarise_failures
from qualframe.errors import QualframeError, ValidationFailed
from qualframe.schemas import Codebook

THEME_KEYS = ("id", "name")
CODE_KEYS = ("id", "name")
# Shown when present: a CAQDAS codebook has none of them.
OPTIONAL_FIELDS = ("definition", "valence", "cfir_domain", "cfir_construct")
PATH_SEPARATOR = "\\"


def codebook_from_dict(data, source: str = "codebook", theme_level: int = 1) -> pd.DataFrame:
    """Flatten a parsed codebook YAML into one validated row per codable code
    (schemas.Codebook), in the order the YAML lists them (a parent before its children).

    The YAML holds `themes:`, a list of `{id, name, codes}`; every code is `{id, name,
    definition?, valence?, cfir_domain?, cfir_construct?, codes?}`, nested to any depth.
    Every code is codable (`codable: false` makes it a grouping only); a top-level theme
    is a grouping unless it says `codable: true`. A code's theme is its ancestor at depth
    `theme_level` (1: the top-level item), or the code itself when it lies higher up.

    Raises QualframeError naming the place in the YAML and the missing or bad key.
    """
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        raise QualframeError("expected a mapping with a list under 'themes'", path=source)
    if theme_level < 1:
        raise QualframeError(f"the theme level must be 1 or more, not {theme_level}", source)
    rows, places, seen = [], [], {}
    # (item, place, depth, ancestors as (id, name) pairs from the top)
    stack = [
        (theme, f"themes[{t}]", 1, ())
        for t, theme in reversed(list(enumerate(data["themes"], start=1)))
    ]
    while stack:
        item, where, depth, ancestors = stack.pop()
        item_id = item.get("id", "?") if isinstance(item, dict) else "?"
        place = where if depth == 1 else f"{where} ({item_id})"
        _require_keys(item, THEME_KEYS if depth == 1 else CODE_KEYS, source, place)
        code_id, name = str(item["id"]), str(item["name"])
        if code_id in seen:
            raise QualframeError(
                f"code id {code_id!r} used twice (first at {seen[code_id]})",
                path=source,
                where=place,
            )
        seen[code_id] = place
        children = item.get("codes", [])
        if children is None:
            children = []
        if not isinstance(children, list):
            raise QualframeError("codes must be a list of codes", path=source, where=place)
        codable = item.get("codable", depth > 1)
        if not isinstance(codable, bool):
            raise QualframeError("codable must be true or false", path=source, where=place)
        if depth == 1 and not children and not codable:
            raise QualframeError(
                "a theme needs codes (or `codable: true` to code on it directly)",
                path=source,
                where=place,
            )
        chain = (*ancestors, (code_id, name))
        if codable:
            theme_id, theme = chain[min(theme_level, len(chain)) - 1]
            places.append(place)
            rows.append(
                {
                    "theme_id": theme_id,
                    "theme": theme,
                    "code_id": code_id,
                    "code": name,
                    "parent_id": ancestors[-1][0] if ancestors else "",
                    "path": PATH_SEPARATOR.join(n for _, n in chain),
                    "depth": depth,
                    "definition": " ".join(str(item.get("definition") or "").split()),
                    **{f: _text(item.get(f)) for f in OPTIONAL_FIELDS[1:]},
                    "code_order": len(rows),
                }
            )
        for c, child in reversed(list(enumerate(children, start=1))):
            stack.append((child, f"{where}.codes[{c}]", depth + 1, chain))
    frame = pd.DataFrame(rows, columns=list(Codebook.to_schema().columns))
    if frame.empty:
        raise QualframeError("the codebook holds no codes", path=source)
    try:
        return Codebook.validate(frame.astype({"depth": "int64", "code_order": "int64"}), lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise QualframeError(
            f"codebook does not meet its contract: {contract_failures(exc, places)}", source
        ) from exc


def _text(value) -> str:
    return "" if value is None else " ".join(str(value).split())


def contract_failures(exc: pa.errors.SchemaErrors, places: list[str]) -> str:
    """pandera's failure cases as one line: where in the YAML, which key, value, check."""
    problems = []
    for case in exc.failure_cases.itertuples(index=False):
        known = case.index is not None and not pd.isna(case.index)
        place = places[int(case.index)] if known else "codebook"
        check = CHECK_PROBLEMS.get(str(case.check), str(case.check))
        problems.append(f"{place} {case.column} {case.failure_case!r}: {check}")
    more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
    return "; ".join(problems[:5]) + more


def _require_keys(item, keys, source: str, where: str) -> None:
    if not isinstance(item, dict):
        raise QualframeError("expected a mapping", path=source, where=where)
    missing = [k for k in keys if item.get(k) in (None, "")]
    if missing:
        raise QualframeError(f"missing {', '.join(missing)}", path=source, where=where)


TABLE_COLUMNS = ("code_id", "name", "parent_id")


def codebook_from_table(
    table: pd.DataFrame, source: str = "codebook", theme_level: int = 1
) -> pd.DataFrame:
    """Flatten a codebook sheet (one row per code: code_id, name, parent_id and optionally
    definition, valence, cfir_domain, cfir_construct, codable) into one validated row per
    codable code (schemas.Codebook). A row without a parent is a top-level code (a theme,
    a grouping unless its `codable` cell says true); every other code is codable unless
    its `codable` cell says false.

    Every problem (missing column, duplicate id, unknown parent, a cycle of parents) is
    collected; raises ValidationFailed with one record per problem.
    """
    missing = [c for c in TABLE_COLUMNS if c not in table.columns]
    if missing:
        records = [failure(source, 1, c, "", "missing column") for c in missing]
        raise ValidationFailed(
            summarise_failures(report_frame(records), len(table)),
            report_frame(records),
            path=source,
        )
    rows = pd.Series(table.index + 2, index=table.index)  # header is line 1
    records = tree_problems(table, source, rows)
    flags = {}
    if "codable" in table.columns:
        for index, cell in table["codable"].str.strip().str.lower().items():
            if cell not in ("", *TRUE_WORDS, *FALSE_WORDS):
                records.append(
                    failure(source, int(rows[index]), "codable", cell, "not true or false")
                )
            elif cell:
                flags[table.at[index, "code_id"]] = cell in TRUE_WORDS
    if records:
        report = report_frame(records)
        raise ValidationFailed(summarise_failures(report, len(table)), report, path=source)
    items = {}
    for row in table.to_dict("records"):
        item = {"id": row["code_id"], "name": row["name"], "codes": []}
        item |= {f: row[f] for f in OPTIONAL_FIELDS if row.get(f, "").strip()}
        if row["code_id"] in flags:
            item["codable"] = flags[row["code_id"]]
        items[row["code_id"]] = item
    roots = []
    for row in table.itertuples(index=False):
        parent = items.get(row.parent_id)
        (parent["codes"] if parent is not None else roots).append(items[row.code_id])
    return codebook_from_dict({"themes": roots}, source, theme_level)


TRUE_WORDS = ("true", "yes", "1")
FALSE_WORDS = ("false", "no", "0")


def tree_problems(table: pd.DataFrame, source: str, rows: pd.Series) -> list[dict]:
    """Records for duplicate code ids, parents that do not exist and cycles of parents."""
    records = []
    duplicated = table["code_id"].duplicated(keep="first")
    for index in table.index[duplicated]:
        records.append(
            failure(
                source, int(rows[index]), "code_id", table.at[index, "code_id"], "duplicate code id"
            )
        )
    parents = dict(zip(table["code_id"], table["parent_id"], strict=False))

    def parent_failure(index, message: str) -> dict:
        return failure(source, int(rows[index]), "parent_id", table.at[index, "parent_id"], message)

    for index, row in table.iterrows():
        if row["parent_id"] and row["parent_id"] not in parents:
            records.append(parent_failure(index, "unknown parent: no code has that id"))
    reported: set[str] = set()
    for index, row in table.iterrows():
        seen, code = [], row["code_id"]
        while code in parents and parents[code] and code not in seen:
            seen.append(code)
            code = parents[code]
        if code in seen and code not in reported:
            cycle = seen[seen.index(code) :]
            reported.update(cycle)
            records.append(parent_failure(index, f"cycle of parents: {' > '.join([*cycle, code])}"))
    return records


def codebook_dict_from_refi(codes: pd.DataFrame) -> dict:
    """A REFI-QDA codebook (the `codebook` table of qualframe.refi.read: guid, name,
    parent_guid, is_codable, description, depth) as codebook YAML data: top-level codes
    become themes, their children codes at any depth; each keeps whether it is codable
    and its description as its definition. Ids are made from the names
    (`code_id_from_name`), unique within the codebook."""
    taken: set[str] = set()
    items, roots = {}, []
    for row in codes.itertuples(index=False):
        item = {"id": unique_id(code_id_from_name(row.name), taken), "name": row.name}
        if " ".join(str(row.description).split()):
            item["definition"] = " ".join(str(row.description).split())
        item["codable"] = bool(row.is_codable)
        item["codes"] = []
        items[row.guid] = item
    for row in codes.itertuples(index=False):
        parent = items.get(row.parent_guid)
        (parent["codes"] if parent is not None else roots).append(items[row.guid])
    for item in items.values():
        if not item["codes"]:
            del item["codes"]
    return {"themes": roots}


_NOT_ID = re.compile(r"[^A-Za-z0-9_.-]+")


def code_id_from_name(name: str) -> str:
    """An id (schemas.ID_PATTERN) made from a code's name: accents dropped, other
    characters outside letters, digits, '.', '-' and '_' turned into '_', lower case;
    "code" when nothing is left."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _NOT_ID.sub("_", ascii_name.lower()).strip("_.-")
    return slug or "code"


def unique_id(candidate: str, taken: set[str]) -> str:
    """`candidate`, or `candidate_2`, `_3`… when taken; the result is added to `taken`."""
    result, n = candidate, 1
    while result in taken:
        n += 1
        result = f"{candidate}_{n}"
    taken.add(result)
    return result
