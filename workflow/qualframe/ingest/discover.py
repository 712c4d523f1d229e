"""Finding the transcripts of a study: one file per transcript, its stem the transcript id."""

import re
from pathlib import Path

from qualframe.errors import QualframeError
from qualframe.ingest.readers import SUPPORTED_SUFFIXES

TRANSCRIPT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def transcript_id_of(path: str | Path) -> str:
    """The transcript id of a raw file: its name without the extension.

    Raises QualframeError when that cannot be an id (a Snakemake wildcard, a file name in
    every later step): letters, digits, '_', '-' and '.', not starting with '_', '-', '.'.
    """
    transcript_id = Path(path).stem
    if not TRANSCRIPT_ID.match(transcript_id):
        raise QualframeError(
            f"file name cannot serve as a transcript id ({transcript_id!r}): use letters, "
            "digits, '_', '-', '.', starting with a letter or digit",
            path=str(path),
        )
    return transcript_id


def discover_transcripts(folder: str | Path) -> dict[str, str]:
    """Map transcript id → path for every supported file in `folder` (not recursive),
    sorted by id. Hidden files and editor lock files (`~$…`) are ignored.

    Raises QualframeError for a missing or empty folder, an id that cannot be a
    wildcard, or two files with the same id (e.g. P01.txt and P01.docx).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise QualframeError("transcript folder does not exist", path=str(folder))
    found: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")) or path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        transcript_id = transcript_id_of(path)
        if transcript_id in found:
            raise QualframeError(
                f"two transcripts share the id {transcript_id!r}: {found[transcript_id]}",
                path=str(path),
            )
        found[transcript_id] = str(path)
    if not found:
        raise QualframeError(
            f"no transcripts ({', '.join(SUPPORTED_SUFFIXES)}) in the folder", path=str(folder)
        )
    return dict(sorted(found.items()))
