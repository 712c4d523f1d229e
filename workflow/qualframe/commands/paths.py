"""Path conventions shared by the commands."""

from pathlib import Path

from qualframe import io as qio


def csv_beside(parquet: str) -> Path:
    """The CSV written next to a Parquet table: same name, .csv suffix."""
    return Path(parquet).with_suffix(".csv")


def transcript_id_of(path: str) -> str:
    """A transcript's id is its file name without the extension."""
    return Path(path).stem


def read_texts(paths: list[str]) -> dict[str, str]:
    """{transcript id: text} from text files, folders of .txt files and ingested shard
    tables (.parquet, written by `qualframe ingest`), in the order given."""
    texts: dict[str, str] = {}
    for path in paths:
        if Path(path).is_dir():
            texts.update(read_texts([str(p) for p in sorted(Path(path).glob("*.txt"))]))
        elif Path(path).suffix.lower() == ".parquet":
            shard = qio.read_ingested(path)
            texts.update(zip(shard["transcript_id"], shard["text"], strict=True))
        else:
            texts[transcript_id_of(path)] = qio.read_text(path)
    return texts
