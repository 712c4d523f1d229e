"""Finding the transcripts of a study: one file per transcript, its id derived from its name.

A transcript id is a Snakemake wildcard and part of a file name in every later step, so it
is kept to letters, digits, '_', '-' and '.'. File names as teams have them ("Interview
10.txt", "Entretien élève 3.docx") are turned into ids ("Interview_10", "Entretien_eleve_3");
the ingest log shows each id beside its file name.
"""

import re
import unicodedata
from pathlib import Path

from qualframe.errors import QualframeError
from qualframe.ingest.readers import SUPPORTED_SUFFIXES

# \Z, not $: "$" also matches before a final newline, so "P01\n" would pass as an id
TRANSCRIPT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\Z")
MAX_ID_LENGTH = 64
NOT_ID_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]+")


def derived_id(stem: str) -> str:
    """The transcript id a file stem stands for: accents dropped ("é" -> "e"), every run of
    other characters (spaces, brackets, line breaks) one '_', leading and trailing '_', '-'
    and '.' removed. An id already valid is returned unchanged."""
    if TRANSCRIPT_ID.match(stem):
        return stem
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    return NOT_ID_CHARACTERS.sub("_", ascii_stem).strip("_.-")


def transcript_id_of(path: str | Path) -> str:
    """The transcript id of a raw file, derived from its name without the extension.

    Raises QualframeError when the name gives no usable id (nothing but punctuation) or an
    id longer than MAX_ID_LENGTH characters.
    """
    transcript_id = derived_id(Path(path).stem)
    if not TRANSCRIPT_ID.match(transcript_id):
        raise QualframeError(
            "file name gives no transcript id: it needs at least one letter or digit",
            path=str(path),
        )
    if len(transcript_id) > MAX_ID_LENGTH:
        raise QualframeError(
            f"file name gives a transcript id of {len(transcript_id)} characters, over the "
            f"limit of {MAX_ID_LENGTH}: shorten the file name",
            path=str(path),
        )
    return transcript_id


def is_candidate(path: Path) -> bool:
    """Whether a folder entry is meant as a transcript: not hidden, not an editor's lock
    file (`~$…`), with a supported extension."""
    return not path.name.startswith((".", "~$")) and path.suffix.lower() in SUPPORTED_SUFFIXES


def discover_transcripts(folder: str | Path, allow_symlinks: bool = False) -> dict[str, str]:
    """Map transcript id → path for every supported file in `folder` (not recursive),
    sorted by id. Hidden files and editor lock files (`~$…`) are ignored.

    A symbolic link in the folder (to a file or a folder) is refused unless
    `allow_symlinks`: a link can publish any file the user can read
    (`P03.txt -> /etc/passwd`). Raises QualframeError for a missing or empty folder, a
    link, a name that gives no usable id, or two files with the same id (e.g. P01.txt and
    P01.docx, or "P 01.txt" and "P_01.txt").
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise QualframeError("transcript folder does not exist", path=str(folder))
    found: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith((".", "~$")):
            continue
        if path.is_symlink() and not allow_symlinks:
            raise QualframeError(
                "symbolic link in the transcript folder (refused: it could publish any file; "
                "copy the file in, or set ingest.allow_symlinks: true)",
                path=str(path),
            )
        if not is_candidate(path) or path.is_dir():
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
