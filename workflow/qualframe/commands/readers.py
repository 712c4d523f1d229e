"""Readers of the files a user brings: coded-segment exports (CSV, TSV, XLSX, REFI-QDA
projects), codebooks and case sheets. A file that cannot be read is the user's error,
named with its path (and line, where there is one)."""

from pathlib import Path

import pandas as pd

from qualframe import io as qio
from qualframe.coding import ColumnMap
from qualframe.errors import QualframeError


def read_codebook(path: str, theme_level: int = 1) -> pd.DataFrame:
    """The codebook (schemas.Codebook) from YAML (themes holding codes, any depth) or a
    CSV/TSV sheet of codes with their parents; themes at depth `theme_level`."""
    from qualframe.coding.codebook import codebook_from_dict, codebook_from_table

    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml", ".csv", ".tsv"):
        check_text_file(path, "codebook")
    if suffix in (".yaml", ".yml"):
        return codebook_from_dict(qio.read_yaml(path), source=path, theme_level=theme_level)
    if suffix in (".csv", ".tsv"):
        sheet = qio.read_csv(path) if suffix == ".csv" else qio.read_tsv(path)
        return codebook_from_table(check_rows_fit_header(sheet, path), path, theme_level)
    if suffix == ".qdpx":  # the codebook of a project exported from a CAQDAS
        from qualframe.study.from_qdpx import project_codebook

        data = project_codebook(read_project_file(path))
        return codebook_from_dict(data, source=path, theme_level=theme_level)
    raise QualframeError("unsupported codebook; use .yaml, .csv, .tsv or .qdpx", path=path)


# a REFI-QDA project carries its own structure: located by offsets, checked by quote
QDPX_COLUMNS = ColumnMap("document", "code", "coder", "text", start="start", end="end")


def read_export(path: str, columns: ColumnMap) -> tuple[pd.DataFrame, ColumnMap]:
    """A coded-segment export as text columns, and the mapping that reads it."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".tsv"):
        check_text_file(path, "export")
    if suffix == ".csv":
        return check_rows_fit_header(qio.read_csv(path), path), columns
    if suffix == ".tsv":
        return check_rows_fit_header(qio.read_tsv(path), path), columns
    if suffix == ".xlsx":
        return read_xlsx(path), columns
    if suffix == ".qdpx":
        return segments_as_export(read_project_file(path)), QDPX_COLUMNS
    raise QualframeError(
        "unsupported coded-segment export; use .csv, .tsv, .xlsx or .qdpx", path=path
    )


def check_text_file(path: str, kind: str) -> None:
    """Refuse a sheet or codebook that cannot be read, is not UTF-8 text (naming the line
    of the first bad byte) or holds nothing; `kind` names it in the message."""
    from qualframe.ingest.readers import decode_utf8

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise QualframeError(f"cannot read: {exc.strerror}", path=path) from exc
    if not decode_utf8(data, path, kind=kind).removeprefix("\ufeff").strip():
        raise QualframeError(f"the {kind} is empty", path=path)


def check_rows_fit_header(sheet: pd.DataFrame, path: str) -> pd.DataFrame:
    """Refuse a sheet read with a row label: pandas takes the first cell of every row as a
    label when the rows have one cell more than the header, shifting every column."""
    if not isinstance(sheet.index, pd.RangeIndex):
        raise QualframeError(
            "the rows have one cell more than the header has column names "
            "(a trailing tab or comma?), which would shift every column",
            path=path,
        )
    return sheet


def read_case_sheet(path: str) -> pd.DataFrame:
    """The case sheet (TSV), every column as text."""
    check_text_file(path, "case sheet")
    return check_rows_fit_header(qio.read_tsv(path), path)


def read_xlsx(path: str) -> pd.DataFrame:
    """The first sheet of an Excel workbook, every cell as text."""
    try:
        return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # openpyxl and zipfile raise many types for a broken workbook
        reason = str(exc.args[0]) if exc.args else type(exc).__name__
        raise QualframeError(f"cannot read as an Excel workbook (.xlsx): {reason}", path) from exc


def read_project_file(path: str):
    """The REFI-QDA project of a .qdpx file, validated against the schema."""
    from qualframe.refi.archive import read_qdpx
    from qualframe.refi.read import read_project

    return read_project(read_qdpx(read_file(path), path))


def read_file(path: str) -> bytes:
    """The bytes of a file the user named; a missing or unreadable one is a QualframeError."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise QualframeError(f"cannot read: {exc.strerror}", path=path) from exc


def segments_as_export(project) -> pd.DataFrame:
    """A project's codings as a coded-segment export: document, code path, coder, quote
    and offsets, every value text, in the columns `EXPORT_COLUMNS` names."""
    paths = project.codebook.set_index("guid")["path"]
    frame = project.segments
    return pd.DataFrame(
        {
            "document": frame["source_name"].astype(str),
            "code": frame["code_guid"].map(paths).fillna(frame["code_name"]).astype(str),
            "coder": frame["coder"].astype(str),
            "text": frame["text"].astype(str),
            "start": frame["start"].astype(str),
            "end": frame["end"].astype(str),
        }
    )
