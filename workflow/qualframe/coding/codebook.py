"""The codebook (analytical framework): YAML with themes holding codes, or a sheet of codes
with their parents."""

import pandas as pd
import pandera.pandas as pa

from qualframe.coding.report import CHECK_PROBLEMS, failure, report_frame, summarise_failures
from qualframe.errors import QualframeError, ValidationFailed
from qualframe.schemas import Codebook

THEME_KEYS = ("id", "name", "codes")
CODE_KEYS = ("id", "name", "definition", "valence", "cfir_domain", "cfir_construct")


def codebook_from_dict(data, source: str = "codebook") -> pd.DataFrame:
    """Flatten a parsed codebook YAML into one validated row per code (schemas.Codebook).

    Raises QualframeError naming the theme/code position and the missing or bad key.
    """
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        raise QualframeError("expected a mapping with a list under 'themes'", path=source)
    rows, places = [], []
    for t, theme in enumerate(data["themes"], start=1):
        where = f"themes[{t}]"
        _require_keys(theme, THEME_KEYS, source, where)
        if not isinstance(theme["codes"], list):
            raise QualframeError("codes must be a list of codes", path=source, where=where)
        for c, code in enumerate(theme["codes"], start=1):
            code_id = code.get("id", "?") if isinstance(code, dict) else "?"
            places.append(f"{where}.codes[{c}] ({code_id})")
            _require_keys(code, CODE_KEYS, source, places[-1])
            rows.append(
                {
                    "theme_id": str(theme["id"]),
                    "theme": str(theme["name"]),
                    "code_id": str(code["id"]),
                    "code": str(code["name"]),
                    "definition": " ".join(str(code["definition"]).split()),
                    "valence": str(code["valence"]),
                    "cfir_domain": str(code["cfir_domain"]),
                    "cfir_construct": str(code["cfir_construct"]),
                    "code_order": len(rows),
                }
            )
    frame = pd.DataFrame(rows, columns=list(Codebook.to_schema().columns))
    if frame.empty:
        raise QualframeError("the codebook holds no codes", path=source)
    duplicated = frame.loc[frame["code_id"].duplicated(), "code_id"].tolist()
    if duplicated:
        raise QualframeError(f"code ids used twice: {', '.join(duplicated)}", path=source)
    try:
        return Codebook.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise QualframeError(
            f"codebook does not meet its contract: {contract_failures(exc, places)}", source
        ) from exc


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
LEAF_COLUMNS = ("definition", "valence", "cfir_domain", "cfir_construct")


def codebook_from_table(table: pd.DataFrame, source: str = "codebook") -> pd.DataFrame:
    """Flatten a codebook sheet (one row per code: code_id, name, parent_id and, for codes
    that are applied, definition, valence, cfir_domain, cfir_construct) into one validated
    row per applicable code (schemas.Codebook). A row without a parent is a theme; a code
    belongs to the theme at the root of its parents.

    Every problem (duplicate id, unknown parent, a cycle of parents, a missing field) is
    collected; raises ValidationFailed with one record per problem.
    """
    missing = [c for c in (*TABLE_COLUMNS, *LEAF_COLUMNS) if c not in table.columns]
    if missing:
        records = [failure(source, 1, c, "", "missing column") for c in missing]
        raise ValidationFailed(
            summarise_failures(report_frame(records), len(table)),
            report_frame(records),
            path=source,
        )
    rows = pd.Series(table.index + 2, index=table.index)  # header is line 1
    records = tree_problems(table, source, rows)
    parents = dict(zip(table["code_id"], table["parent_id"], strict=True))
    children = set(table["parent_id"]) - {""}
    names = dict(zip(table["code_id"], table["name"], strict=True))
    leaves = table[(table["parent_id"] != "") & ~table["code_id"].isin(children)]
    for index, leaf in leaves.iterrows():
        for column in LEAF_COLUMNS:
            if not leaf[column].strip():
                records.append(failure(source, int(rows[index]), column, "", "empty field"))
    if records:
        report = report_frame(records)
        raise ValidationFailed(summarise_failures(report, len(table)), report, path=source)
    themes = {"themes": []}
    by_theme: dict[str, list] = {}
    for leaf in leaves.itertuples(index=False):
        root = leaf.code_id
        while parents[root]:
            root = parents[root]
        by_theme.setdefault(root, []).append(
            {
                "id": leaf.code_id,
                "name": leaf.name,
                "definition": leaf.definition,
                "valence": leaf.valence,
                "cfir_domain": leaf.cfir_domain,
                "cfir_construct": leaf.cfir_construct,
            }
        )
    for root, codes in by_theme.items():
        themes["themes"].append({"id": root, "name": names[root], "codes": codes})
    return codebook_from_dict(themes, source)


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
    for index, row in table.iterrows():
        if row["parent_id"] and row["parent_id"] not in parents:
            records.append(
                failure(
                    source,
                    int(rows[index]),
                    "parent_id",
                    row["parent_id"],
                    "unknown parent: no code has that id",
                )
            )
    reported: set[str] = set()
    for index, row in table.iterrows():
        seen, code = [], row["code_id"]
        while code in parents and parents[code] and code not in seen:
            seen.append(code)
            code = parents[code]
        if code in seen and code not in reported:
            cycle = seen[seen.index(code) :]
            reported.update(cycle)
            records.append(
                failure(
                    source,
                    int(rows[index]),
                    "parent_id",
                    row["parent_id"],
                    f"cycle of parents: {' > '.join([*cycle, code])}",
                )
            )
    return records
