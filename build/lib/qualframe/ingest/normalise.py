"""Text normalisation: the one form of text every later offset refers to."""

import re
import unicodedata

BOM = "\ufeff"
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """Return `text` with the BOM removed, CRLF/CR turned into LF, Unicode NFC,
    trailing spaces on lines dropped, runs of blank lines collapsed to one blank line,
    and exactly one final newline (empty text stays empty)."""
    text = text.removeprefix(BOM)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_SPACE.sub("", text)
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    text = text.strip("\n")
    return text + "\n" if text else ""
