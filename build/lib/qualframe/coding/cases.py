"""The case sheet: one row per participant with the attributes used to group cases."""

import pandas as pd
import pandera.pandas as pa

from qualframe.coding.report import records_from_schema_errors, report_frame, summarise_failures
from qualframe.errors import ValidationFailed
from qualframe.schemas import Cases


def load_cases(sheet: pd.DataFrame, source: str, attributes: list[str]) -> pd.DataFrame:
    """Validate a case sheet read as text (schemas.Cases) and check that the configured
    grouping `attributes` exist and are filled in. Returns it sorted by case_id."""
    rows = pd.Series(sheet.index + 2, index=sheet.index)  # header is line 1
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
    try:
        Cases.validate(sheet, lazy=True)
    except pa.errors.SchemaErrors as exc:
        records.extend(records_from_schema_errors(exc, source, rows))
    if records:
        report = report_frame(records)
        raise ValidationFailed(summarise_failures(report, len(sheet)), report, path=source)
    return sheet.sort_values(Cases.case_id).reset_index(drop=True)
