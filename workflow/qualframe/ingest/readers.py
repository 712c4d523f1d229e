"""Readers turning each supported transcript format into plain text, one turn a paragraph."""

import html
import io
import re
import zipfile
from pathlib import Path

import docx
import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from qualframe.errors import QualframeError

SUPPORTED_SUFFIXES = (".txt", ".docx", ".vtt")
# A Word document's parts, uncompressed: python-docx inflates them without a limit, so a
# zip bomb named .docx is refused before it is opened. Real interview transcripts hold a
# few MB of XML; text compresses 3-20 times.
DOCX_MAX_UNCOMPRESSED = 500 * 1024**2
DOCX_MAX_RATIO = 200
DOCX_RATIO_FLOOR = 1024**2  # parts under 1 MB are never called a bomb
# A cue timings line (WebVTT §4.1): `00:01.000 --> 00:04.000` or `01:00:01.000 --> …`,
# then optional cue settings.
_TIMESTAMP = r"(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}"
_CUE_TIMINGS = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t].*)?$")
_VTT_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")


def read_transcript(path: str | Path, max_bytes: int | None = None) -> str:
    """Read a transcript file of a supported format and return its text (not yet normalised).

    Raises QualframeError for an unsupported format, a file that cannot be read, a file
    larger than `max_bytes` (when given), and content that is not what the suffix says.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise QualframeError(
            f"unsupported transcript format {suffix!r}; use one of {', '.join(SUPPORTED_SUFFIXES)}",
            path=str(path),
        )
    check_size(path, max_bytes)
    if suffix == ".docx":
        return read_docx(path)
    data = read_bytes(path)
    if suffix == ".vtt":
        return vtt_to_text(decode_utf8(data, str(path)), str(path))
    return decode_utf8(data, str(path))


def check_size(path: Path, max_bytes: int | None) -> None:
    """Refuse a path that is not a readable file, or a file over `max_bytes` (if given)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise QualframeError(f"cannot read: {exc.strerror}", path=str(path)) from exc
    if not path.is_file():
        raise QualframeError("not a file", path=str(path))
    if max_bytes is not None and size > max_bytes:
        raise QualframeError(
            f"the file is {size:,} bytes, over the limit of {max_bytes:,} bytes for one "
            "transcript (qualframe ingest --max-bytes; ingest.max_transcript_mb in the config)",
            path=str(path),
        )


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise QualframeError(f"cannot read: {exc.strerror}", path=str(path)) from exc


def decode_utf8(data: bytes, name: str, kind: str = "transcript") -> str:
    """Decode UTF-8 (with or without BOM); name the line of the first bad byte if it fails.

    A NUL byte is refused too: valid UTF-8, but never in a text a person wrote (it is a
    UTF-16 file, or not text at all), and it would pass silently into every later step.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise QualframeError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at byte offset {exc.start}); "
            f"save the {kind} as UTF-8",
            path=name,
            where=f"line {line}",
        ) from exc
    nul = data.find(b"\0")
    if nul != -1:
        line = data[:nul].count(b"\n") + 1
        raise QualframeError(
            f"binary data, not text (a NUL byte at byte offset {nul}: a UTF-16 file, or not a "
            f"text file at all); save the {kind} as UTF-8 text",
            path=name,
            where=f"line {line}",
        )
    return text


def read_docx(path: Path) -> str:
    """Text of a Word document: one paragraph per line block, empty paragraphs dropped."""
    if not zipfile.is_zipfile(path):
        raise QualframeError(
            "not a readable .docx file: it is not a zip archive, as every .docx is "
            "(a .doc or a text file renamed?)",
            path=str(path),
        )
    check_docx_size(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for bad packages
        reason = str(exc.args[0]) if exc.args else type(exc).__name__
        raise QualframeError(
            f"not a readable .docx file: a zip archive but not a Word document ({reason})",
            path=str(path),
        ) from exc
    paragraphs = [p.text.strip() for p in document.paragraphs]
    return "\n\n".join(p for p in paragraphs if p)


def check_docx_size(path: Path) -> None:
    """Refuse a .docx whose parts would expand beyond the limits (a zip bomb)."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    total = sum(part.file_size for part in parts)
    if total > DOCX_MAX_UNCOMPRESSED:
        raise QualframeError(
            f"not a readable .docx file: its parts expand to {total:,} bytes, over the "
            f"limit of {DOCX_MAX_UNCOMPRESSED:,}",
            path=str(path),
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > DOCX_RATIO_FLOOR and ratio > DOCX_MAX_RATIO:
            raise QualframeError(
                f"not a readable .docx file: part {part.filename!r} expands {ratio:,.0f} "
                f"times (over {DOCX_MAX_RATIO}), like a zip bomb",
                path=str(path),
            )


def vtt_to_text(content: str, name: str) -> str:
    """Join WebVTT cues into speaker turns: consecutive cues of one voice become one
    paragraph `Voice: text`; cues without a voice continue the current paragraph.

    Raises QualframeError naming the line of a missing header or a malformed cue timing
    (webvtt-py would skip such a cue, and its words would silently go missing).
    """
    content = content.removeprefix("\ufeff")
    check_vtt_structure(content, name)
    try:
        captions = webvtt.from_buffer(io.StringIO(content), strict=True)
    except (MalformedFileError, MalformedCaptionError) as exc:
        # their messages quote the cue text, which may identify people: not repeated here
        what = "a malformed cue block" if isinstance(exc, MalformedCaptionError) else "bad format"
        raise QualframeError(f"not a valid WebVTT file: {what}", path=name) from exc
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


def check_vtt_structure(content: str, name: str) -> None:
    """Refuse WebVTT without its header, with a cue timing line that is not
    `HH:MM:SS.mmm --> HH:MM:SS.mmm`, or a cue that does not follow a blank line."""
    lines = content.splitlines()
    if not lines or not _VTT_HEADER.match(lines[0]):
        raise QualframeError(
            "not a valid WebVTT file: the first line must be 'WEBVTT'", name, "line 1"
        )
    for number, line in enumerate(lines, start=1):
        if "-->" not in line:
            continue
        where = f"line {number}"
        if not _CUE_TIMINGS.match(line.strip()):
            raise QualframeError(
                "not a valid WebVTT file: malformed cue timing "
                "(expected HH:MM:SS.mmm --> HH:MM:SS.mmm)",
                name,
                where,
            )
        before = lines[max(0, number - 3) : number - 1]  # up to two lines before it
        after_blank = (before and not before[-1]) or (
            len(before) == 2 and not before[0] and "-->" not in before[1]
        )
        if number < 3 or not after_blank:
            raise QualframeError(
                "not a valid WebVTT file: a cue must follow a blank line "
                "(cue timing line inside another block)",
                name,
                where,
            )
