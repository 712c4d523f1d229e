"""Readers turning each supported transcript format into plain text, one turn a paragraph."""

import html
import io
from pathlib import Path

import docx
import webvtt
from webvtt.errors import MalformedFileError

from qualframe.errors import QualframeError

SUPPORTED_SUFFIXES = (".txt", ".docx", ".vtt")


def read_transcript(path: str | Path) -> str:
    """Read a transcript file of a supported format and return its text (not yet normalised)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return decode_utf8(path.read_bytes(), str(path))
    if suffix == ".docx":
        return read_docx(path)
    if suffix == ".vtt":
        return vtt_to_text(decode_utf8(path.read_bytes(), str(path)), str(path))
    raise QualframeError(
        f"unsupported transcript format {suffix!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}",
        path=str(path),
    )


def decode_utf8(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM); name the line of the first bad byte if it fails."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise QualframeError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at byte offset {exc.start}); "
            "save the transcript as UTF-8",
            path=name,
            where=f"line {line}",
        ) from exc


def read_docx(path: Path) -> str:
    """Text of a Word document: one paragraph per line block, empty paragraphs dropped."""
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for bad packages
        raise QualframeError(f"not a readable .docx file: {exc}", path=str(path)) from exc
    paragraphs = [p.text.strip() for p in document.paragraphs]
    return "\n\n".join(p for p in paragraphs if p)


def vtt_to_text(content: str, name: str) -> str:
    """Join WebVTT cues into speaker turns: consecutive cues of one voice become one
    paragraph `Voice: text`; cues without a voice continue the current paragraph."""
    try:
        captions = webvtt.from_buffer(io.StringIO(content.removeprefix("\ufeff")))
    except MalformedFileError as exc:
        raise QualframeError(f"not a valid WebVTT file: {exc}", path=name) from exc
    turns: list[list[str]] = []
    speakers: list[str | None] = []
    for caption in captions:
        # cue text escapes &, < and > as character references (WebVTT §4.2.2)
        text = " ".join(html.unescape(caption.text).split())
        if not text:
            continue
        voice = caption.voice
        if turns and (voice is None or voice == speakers[-1]):
            turns[-1].append(text)
        else:
            turns.append([text])
            speakers.append(voice)
    paragraphs = []
    for speaker, parts in zip(speakers, turns, strict=True):
        body = " ".join(parts)
        paragraphs.append(f"{speaker}: {body}" if speaker else body)
    return "\n\n".join(paragraphs)
