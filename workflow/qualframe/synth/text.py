"""Pieces of text with their labels, assembled into a transcript with exact spans, and the
roughening that makes plain template text sound spoken."""

import random
import re

from qualframe.synth.prose import PROSE

Piece = tuple[str, str | None]  # (text, entity type or None for plain text)
STUTTER_WORDS = re.compile(r"(?<= )(the|a|we|it|they|that|I|you|and|to)(?= )")


def lower_keep_length(text: str) -> str:
    """Return `text` lower-cased character by character, keeping characters whose lower
    case is longer (so offsets stay valid)."""
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def assemble(pieces: list[Piece]) -> tuple[str, list[tuple[int, int, str, str]]]:
    """Return the text of `pieces` and (start, end, entity type, text) of each labelled one."""
    text_parts, spans, cursor = [], [], 0
    for text, label in pieces:
        if label is not None:
            spans.append((cursor, cursor + len(text), label, text))
        text_parts.append(text)
        cursor += len(text)
    return "".join(text_parts), spans


def disfluent(text: str, rng: random.Random) -> str:
    """Return plain template text with the odd repeated word or filled pause, as speech is."""

    def roughen(match: re.Match) -> str:
        word, roll = match.group(1), rng.random()
        if roll < 0.05:
            return f"{word}- {word}"
        if roll < 0.09:
            return f"{rng.choice(PROSE.filled_pauses)} {word}"
        return word

    return STUTTER_WORDS.sub(roughen, text)
