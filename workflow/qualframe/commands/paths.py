"""Path conventions shared by the commands."""

from pathlib import Path


def csv_beside(parquet: str) -> Path:
    """The CSV written next to a Parquet table: same name, .csv suffix."""
    return Path(parquet).with_suffix(".csv")


def transcript_id_of(path: str) -> str:
    """A transcript's id is its file name without the extension."""
    return Path(path).stem
