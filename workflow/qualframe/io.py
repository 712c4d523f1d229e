"""Reading and writing files. The only module of the package that touches paths.

Every write goes to a temporary file in the destination folder and is renamed into place,
so a failed step never leaves a file that looks complete.
"""

import contextlib
import csv
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

from qualframe import csvtext
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
    """A copy of `df` whose text cells and column names (a case sheet's headers) cannot
    be read as formulas (numbers untouched)."""
    safe = df.copy()
    safe.columns = [neutralise_formula(c) if isinstance(c, str) else c for c in safe.columns]
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
        write_csv(df, csv, restricted, formula_safe=True)


def write_csv(
    df: pd.DataFrame,
    path: str | os.PathLike,
    restricted: bool = False,
    sep: str = ",",
    formula_safe: bool = False,
) -> None:
    """Write a DataFrame as UTF-8 CSV (or TSV, sep="\\t") with LF line endings, atomically;
    with `formula_safe`, text that could be read as a formula gets a leading apostrophe
    (`neutralise_formulas`). The bytes are pandas' `to_csv`, built by Arrow where
    `qualframe.csvtext` can."""
    mode = RESTRICTED_FILE_MODE if restricted else None
    blocks = csvtext.csv_blocks(df, sep, FORMULA_STARTS if formula_safe else ())
    with atomic_path(path, mode) as tmp:
        if blocks is None:
            safe = neutralise_formulas(df) if formula_safe else df
            safe.to_csv(tmp, index=False, lineterminator="\n", sep=sep)
            return
        with open(tmp, "wb") as handle:
            for block in blocks:
                handle.write(block)


def write_restricted_csv(df: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write a restricted CSV (`write_csv`) into its folder, made owner-only first."""
    make_restricted_dir(Path(path).parent)
    write_csv(df, path, restricted=True)


def read_parquet(path: str | os.PathLike, without: Iterable[str] = ()) -> pd.DataFrame:
    """Read a Parquet table, leaving the columns named in `without` unread."""
    if not without:
        return pd.read_parquet(path)
    names = pq.read_schema(path).names
    return pd.read_parquet(path, columns=[name for name in names if name not in set(without)])


# A configuration is a page of settings. A bigger one is a mistake or an attack: nine
# nested YAML aliases ("billion laughs") make a tree of a billion values out of 500
# bytes, which validation would walk and print.
MAX_CONFIG_BYTES = 1_000_000
MAX_CONFIG_VALUES = 100_000


def expanded_size(node, sizes: dict[int, int]) -> int:
    """The number of values a YAML node stands for once every alias is expanded, each
    shared node counted once per use (`sizes` memoises by node, so this is linear)."""
    if id(node) not in sizes:
        sizes[id(node)] = 0  # a node that holds itself: counted when it returns
        children = node.value if isinstance(node.value, list) else []
        items = [
            part for child in children for part in (child if isinstance(child, tuple) else (child,))
        ]
        sizes[id(node)] = 1 + sum(expanded_size(item, sizes) for item in items)
    return sizes[id(node)]


def check_config_file(path: str | os.PathLike) -> None:
    """Refuse a YAML configuration over MAX_CONFIG_BYTES, or whose aliases expand to more
    than MAX_CONFIG_VALUES values, before it is validated."""
    size = os.path.getsize(path)
    if size > MAX_CONFIG_BYTES:
        raise QualframeError(
            f"the configuration is {size:,} bytes, over the limit of {MAX_CONFIG_BYTES:,}",
            path=str(path),
        )
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return  # the schema validation reports what is wrong with it
    values = expanded_size(root, {}) if root is not None else 0
    if values > MAX_CONFIG_VALUES:
        raise QualframeError(
            f"YAML aliases (*name) expand the configuration to {values:,} values, over the "
            f"limit of {MAX_CONFIG_VALUES:,} (refused: aliases can expand without end)",
            path=str(path),
        )


def unquoted(cell: str) -> str:
    """A cell a spreadsheet wrapped in double quotes ("a ""b"" c"), unwrapped."""
    if len(cell) >= 2 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"')
    return cell


def read_tsv(path: str | os.PathLike) -> pd.DataFrame:
    """Read a tab-separated sheet with every column as text.

    One line is one row: a double quote opening a cell does not start a quoted field
    that runs on into the next lines (a cell `"Dr Cole` would swallow the rows after it);
    a cell wrapped in quotes on its line is unwrapped.
    """
    try:
        sheet = pd.read_csv(
            path,
            sep="\t",
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            quoting=csv.QUOTE_NONE,
        )
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise QualframeError(
            f"cannot read as a tab-separated sheet: {exc}", path=str(path)
        ) from exc
    sheet.columns = [unquoted(str(column)) for column in sheet.columns]
    return sheet.map(unquoted)


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


# Written in a restricted folder the run creates: a folder without it that already holds
# files belongs to someone or something else, and is not made owner-only or written into.
RESTRICTED_MARKER = ".qualframe-restricted"


def unsafe_restricted_reason(folder: Path, results: Path, repository: Path) -> str | None:
    """Why the resolved folder cannot be the restricted folder, or None when it can."""
    if folder == results or results in folder.parents:
        return "it is inside results/, which is published"
    shared = {Path("/"): "the root folder", Path.home().resolve(): "your home folder"}
    shared[repository] = "the qualframe repository"
    if folder in shared:
        return f"it is {shared[folder]}"
    if folder.is_dir() and not (folder / RESTRICTED_MARKER).exists() and any(folder.iterdir()):
        return (
            "it already holds files this workflow did not create (choose a new folder, or "
            "an empty one)"
        )
    return None


def checked_restricted_dir(
    path: str | os.PathLike, results: str | os.PathLike, repository: str | os.PathLike
) -> str:
    """Return `path` when it can hold the restricted files, else raise QualframeError.

    The folder is resolved first (symbolic links, "..", "./"), so an absolute path, a
    `.//results/r` or a link into results/ are all seen for what they are. Refused: the
    folder or one inside `results` (the published zone); `/`, the home folder or the
    `repository` itself; an existing folder holding files without the marker a run writes.
    """
    folder = Path(os.path.realpath(path))
    reason = unsafe_restricted_reason(
        folder, Path(os.path.realpath(results)), Path(os.path.realpath(repository))
    )
    if reason:
        raise QualframeError(f"restricted_dir cannot be used: {reason}", path=str(path))
    return str(path)


def claim_restricted_dir(path: str | os.PathLike) -> Path:
    """Create the run's restricted folder owner-only and mark it as the run's own."""
    folder = make_restricted_dir(path)
    marker = folder / RESTRICTED_MARKER
    if not marker.exists():
        write_text(marker, "qualframe restricted folder: owner-only, never published\n", True)
    return folder


def make_private_dirs(paths: list[str | os.PathLike]) -> None:
    """Create each folder owner-only, or make it so: what a run logs (Snakemake's own log
    included) is for the person running it, whatever the files' own modes."""
    for path in paths:
        make_restricted_dir(path)


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
