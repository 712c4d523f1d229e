"""Reading what the commands are given: transcripts, JSON files and study folders."""

import json
from pathlib import Path

from qualframe import io as qio
from qualframe.errors import QualframeError


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


def text_lengths(paths: list[str]) -> dict[str, int]:
    """{transcript id: length of its text} of the texts `read_texts` reads, each text
    let go once measured (a study's transcripts are not all held at once)."""
    lengths: dict[str, int] = {}
    for path in paths:
        if Path(path).is_dir():
            lengths.update(text_lengths([str(p) for p in sorted(Path(path).glob("*.txt"))]))
        elif Path(path).suffix.lower() == ".parquet":
            lengths.update({tid: len(text) for tid, text in read_texts([path]).items()})
        else:
            lengths[transcript_id_of(path)] = len(qio.read_text(path))
    return lengths


def read_json(path: str) -> dict:
    """A JSON file the workflow wrote; missing or broken, the user's error."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise QualframeError("not found: run the workflow first", path=path) from exc
    except ValueError as exc:
        raise QualframeError(f"not valid JSON: {exc}", path=path) from exc


def study_folder(path: str) -> Path:
    """The study folder, absolute; an error if it is not a folder."""
    folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise QualframeError("not a folder", path=path)
    return folder
