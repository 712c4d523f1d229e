"""The case sheet: one row per participant with the attributes used to group cases."""

import pandas as pd
import pandera.pandas as pa

from qualframe.coding.report import (
    failure,
    records_from_schema_errors,
    report_frame,
    summarise_failures,
)
from qualframe.errors import ValidationFailed
from qualframe.schemas import Cases

TYPE_PATTERNS = {
    "integer": r"^[+-]?\d+$",
    "number": r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$",
    "boolean": r"^(?i:true|false|yes|no|1|0)$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
}


def attribute_schema(rules: dict) -> pa.DataFrameSchema:
    """A pandera schema for case attributes described as {attribute: {"type": text |
    integer | number | boolean | date, "values": [allowed values]}} (both optional)."""
    columns = {}
    for attribute, rule in rules.items():
        checks = []
        if rule.get("values"):
            checks.append(
                pa.Check.isin(
                    [str(v) for v in rule["values"]], error=f"value not allowed for {attribute}"
                )
            )
        kind = rule.get("type", "text")
        if kind != "text":
            article = "an" if kind[0] in "aeiou" else "a"
            checks.append(pa.Check.str_matches(TYPE_PATTERNS[kind], error=f"not {article} {kind}"))
        columns[attribute] = pa.Column(str, checks=checks, required=False)
    return pa.DataFrameSchema(columns, strict=False)


def load_cases(
    sheet: pd.DataFrame, source: str, attributes: list[str], rules: dict | None = None
) -> pd.DataFrame:
    """Validate a case sheet read as text (schemas.Cases): the configured grouping
    `attributes` exist and are filled in, and each attribute in `rules` has its type and
    allowed values (`attribute_schema`). Every problem is collected; raises
    ValidationFailed with one record each. Returns the sheet sorted by case_id."""
    rows = pd.Series(sheet.index + 2, index=sheet.index)  # header is line 1
    if Cases.case_id not in sheet.columns:
        problem = "missing column: a case sheet needs case_id"
        records = [failure(source, 1, Cases.case_id, "", problem)]
        report = report_frame(records)
        raise ValidationFailed(summarise_failures(report, len(sheet)), report, path=source)
    records = []
    for attribute in attributes:
        if attribute not in sheet.columns:
            records.append(
                {
                    "file": source,
                    "row": 1,
                    "column": attribute,
                    "value": "",
                    "problem": "missing column: configured as a case attribute",
                }
            )
        else:
            for index in sheet.index[sheet[attribute].str.strip() == ""]:
                records.append(
                    {
                        "file": source,
                        "row": int(rows[index]),
                        "column": attribute,
                        "value": "",
                        "problem": "empty attribute",
                    }
                )
    for schema in (Cases.to_schema(), attribute_schema(rules or {})):
        try:
            schema.validate(sheet, lazy=True)
        except pa.errors.SchemaErrors as exc:
            records.extend(records_from_schema_errors(exc, source, rows))
    if records:
        report = report_frame(records)
        raise ValidationFailed(summarise_failures(report, len(sheet)), report, path=source)
    return sheet.sort_values(Cases.case_id).reset_index(drop=True)
