"""Reading and writing files. The only module of the package that touches paths.

Every write goes to a temporary file in the destination folder and is renamed into place,
so a failed step never leaves a file that looks complete.
"""

import contextlib
import glob
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import yaml

from qualframe.errors import QualframeError

# A text starting with one of these could be read by a spreadsheet as a formula (OWASP
# "CSV injection"): `=HYPERLINK(...)` in a quote must reach the analyst as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# `atomic_path` writes `.<name>.<random>.tmp` beside the target, then renames it.
PARTIAL_SUFFIX = ".tmp"
RESTRICTED_DIR_MODE = stat.S_IRWXU  # 0o700: owner only
RESTRICTED_FILE_MODE = stat.S_IRUSR | stat.S_IWUSR  # 0o600


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=PARTIAL_SUFFIX, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if mode is not None:
            os.chmod(tmp_path, mode)
        os.replace(tmp_path, target)
    finally:
        tmp_path.unlink(missing_ok=True)


def remove_partial_writes(path: str | os.PathLike) -> None:
    """Delete temporary files `atomic_path` left beside `path` when its process was killed
    (SIGKILL, power loss) before it could clean up."""
    target = Path(path)
    for partial in target.parent.glob(f".{glob.escape(target.name)}.*{PARTIAL_SUFFIX}"):
        partial.unlink(missing_ok=True)


def write_text(path: str | os.PathLike, text: str, restricted: bool = False) -> None:
    """Write UTF-8 text with LF line endings, atomically."""
    mode = RESTRICTED_FILE_MODE if restricted else None
    with atomic_path(path, mode) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


def read_text(path: str | os.PathLike) -> str:
    """Read a UTF-8 text file written by qualframe (already normalised)."""
    return Path(path).read_text(encoding="utf-8")


def write_json(path: str | os.PathLike, data, restricted: bool = False) -> None:
    """Write JSON with sorted keys (stable bytes), atomically."""
    write_text(
        path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", restricted
    )


def neutralise_formula(text: str) -> str:
    """`text`, prefixed with an apostrophe when a spreadsheet could read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells cannot be read as formulas (numbers untouched)."""
    safe = df.copy()
    for column in safe.columns:
        values = safe[column]
        if values.dtype == object:
            safe[column] = values.map(
                lambda value: neutralise_formula(value) if isinstance(value, str) else value
            )
        elif pd.api.types.is_string_dtype(values):  # every cell a string or missing
            risky = values.str.startswith(FORMULA_STARTS).fillna(False).to_numpy(dtype=bool)
            if risky.any():
                safe[column] = values.where(~risky, "'" + values)
    return safe


def write_table(
    df: pd.DataFrame,
    parquet: str | os.PathLike,
    csv: str | os.PathLike | None = None,
    restricted: bool = False,
) -> None:
    """Write one DataFrame as Parquet and, when `csv` is given, as CSV, both atomically.

    The Parquet keeps every text exactly; in the CSV, which people open in a spreadsheet,
    a text that could be read as a formula gets a leading apostrophe.
    """
    mode = RESTRICTED_FILE_MODE if restricted else None
    with atomic_path(parquet, mode) as tmp:
        df.to_parquet(tmp, index=False)
    if csv is not None:
        write_csv(neutralise_formulas(df), csv, restricted)


def write_csv(
    df: pd.DataFrame, path: str | os.PathLike, restricted: bool = False, sep: str = ","
) -> None:
    """Write a DataFrame as UTF-8 CSV (or TSV, sep="\\t") with LF line endings, atomically."""
    mode = RESTRICTED_FILE_MODE if restricted else None
    with atomic_path(path, mode) as tmp:
        df.to_csv(tmp, index=False, lineterminator="\n", sep=sep)


def read_parquet(path: str | os.PathLike, without: Iterable[str] = ()) -> pd.DataFrame:
    """Read a Parquet table, leaving the columns named in `without` unread."""
    if not without:
        return pd.read_parquet(path)
    names = pq.read_schema(path).names
    return pd.read_parquet(path, columns=[name for name in names if name not in set(without)])


def read_tsv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a tab-separated sheet with every column as text."""
    try:
        return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise QualframeError(
            f"cannot read as a tab-separated sheet: {exc}", path=str(path)
        ) from exc


def read_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a comma-separated export with every column as text."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise QualframeError(f"cannot read as CSV: {exc}", path=str(path)) from exc


def read_ingested(path: str | os.PathLike) -> pd.DataFrame:
    """A shard of normalised transcripts written by `qualframe ingest` (restricted)."""
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise QualframeError(
            f"cannot read the ingested transcripts: {exc}", path=str(path)
        ) from exc


def read_anonymisation_log(path: str | os.PathLike) -> pd.DataFrame:
    """The anonymisation log CSV, its text as written and its offsets as integers."""
    log = read_csv(path)
    return log.astype({c: "int64" for c in ("start", "end", "deid_start", "deid_end")})


def read_yaml(path: str | os.PathLike):
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise QualframeError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}", str(path), where
        ) from exc


def make_restricted_dir(path: str | os.PathLike) -> Path:
    """Create a folder readable by its owner only (and tighten it if it exists)."""
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, RESTRICTED_DIR_MODE)
    return folder


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
