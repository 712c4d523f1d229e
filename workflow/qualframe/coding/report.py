"""Validation failures as records: one row per problem, then one summary sentence."""

import pandas as pd
import pandera.pandas as pa

from qualframe.schemas import ID_PATTERN

REPORT_COLUMNS = ["file", "row", "column", "value", "problem"]
# pandera's names for the checks the schemas use, as a reader of the report needs them
CHECK_PROBLEMS = {
    "column_in_dataframe": "missing column",
    "field_uniqueness": "duplicate value: must be unique",
    f"str_matches('{ID_PATTERN}')": (
        "not a valid id: letters, digits, '_', '-', '.', starting with a letter or digit"
    ),
}


def failure(file: str, row: int | None, column: str, value, problem: str) -> dict:
    """One failure record; `row` is the 1-based line of the data row in its file."""
    return {
        "file": file,
        "row": row,
        "column": column,
        "value": "" if value is None else str(value),
        "problem": problem,
    }


def records_from_schema_errors(
    exc: pa.errors.SchemaErrors, file: str, rows: pd.Series
) -> list[dict]:
    """Turn pandera's lazy `failure_cases` into failure records.

    `rows` maps the validated frame's index to the row number in `file`. A failing
    dataframe-level check repeats once per column, so records are de-duplicated.
    """
    records = []
    for case in exc.failure_cases.itertuples(index=False):
        index = case.index
        row = int(rows.loc[index]) if index is not None and index in rows.index else None
        column = case.column if isinstance(case.column, str) else ""
        problem = CHECK_PROBLEMS.get(str(case.check), str(case.check))
        records.append(failure(file, row, column, case.failure_case, problem))
    return list({tuple(r.values()): r for r in records}.values())


def report_frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=REPORT_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame.sort_values(["file", "row", "column"], na_position="first", kind="stable")


def summarise_failures(report: pd.DataFrame, total_rows: int) -> str:
    """E.g. '3 of 340 rows failed: 2 quote not found in ...; 1 unknown code ...', or
    'failed validation: 1 transcript without a case row' when no problem has a row."""
    counts = report["problem"].str.split(":").str[0].value_counts().sort_index()
    failed_rows = report.dropna(subset=["row"]).drop_duplicates(["file", "row"]).shape[0]
    reasons = "; ".join(f"{n} {problem}" for problem, n in counts.items())
    if not failed_rows:
        return f"failed validation: {reasons}"
    return f"{failed_rows} of {total_rows} rows failed validation: {reasons}"
