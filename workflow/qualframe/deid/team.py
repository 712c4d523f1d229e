"""The research team's own words: the codebook and the case sheet.

The team writes its codebook (theme and code names, definitions) and its case sheet, and
publishes both as they are. Their words are the study's vocabulary, not identifiers
found in what participants said: propagation keeps a codebook term that only the model
tagged (`propagate.verdict`), and the leak scan does not count a term inside text the
team wrote (`team_spans`). A term of the identifier register is the exception to both:
the register always wins.
"""

import re
from collections.abc import Iterable

import pandas as pd

from qualframe.deid.register import (
    MAX_TERM_LENGTH,
    TermMatcher,
    build_matcher,
    find_terms,
    term_key,
)

# The codebook columns a person writes (the others name or classify a code).
TEXT_COLUMNS = ("theme", "code", "definition")
# Team text is matched in pieces no longer than the matcher takes: sentences, lines,
# or runs of words.
SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")
MIN_PIECE_LENGTH = 3
MAX_PHRASE_WORDS = 6
WORD = re.compile(r"\w+(?:['-]\w+)*")


def codebook_strings(codebook: pd.DataFrame) -> list[str]:
    """The words the team wrote in a codebook (schemas.Codebook): theme and code names and
    definitions, at any depth."""
    strings = [str(v) for column in TEXT_COLUMNS for v in codebook.get(column, [])]
    strings += [name for path in codebook.get("path", []) for name in str(path).split("\\")]
    return [string for string in strings if string.strip()]


def case_strings(cases: pd.DataFrame) -> list[str]:
    """The case sheet's column names and non-empty cells."""
    cells = [str(v) for column in cases.columns for v in cases[column].dropna()]
    return [*map(str, cases.columns), *(cell for cell in cells if cell.strip())]


def pieces(strings: Iterable[str]) -> list[str]:
    """Team strings cut at sentence ends and line breaks, and long pieces into runs of
    words no longer than the term matcher takes; blanks and very short pieces dropped."""
    found: list[str] = []
    for string in strings:
        for sentence in SENTENCE_END.split(string):
            words, run = sentence.split(), ""
            for word in words:
                if run and len(run) + 1 + len(word) > MAX_TERM_LENGTH:
                    found.append(run)
                    run = ""
                run = f"{run} {word}" if run else word[:MAX_TERM_LENGTH]
            found.append(run)
    return [piece for piece in dict.fromkeys(found) if len(piece) >= MIN_PIECE_LENGTH]


def team_matcher(strings: Iterable[str]) -> TermMatcher:
    """A matcher of the team's text pieces (`pieces`): whole words, canonical view,
    case ignored, as every other matcher."""
    return build_matcher({piece: piece for piece in pieces(strings)})


def team_spans(matcher: TermMatcher, text: str) -> list[tuple[int, int]]:
    """(start, end) of the places in `text` that hold a piece of the team's text."""
    return [(start, end) for start, end, _ in find_terms(matcher, text)]


def words(text: str) -> list[str]:
    """The words of a text in their matching key (canonical view, folded)."""
    return WORD.findall(term_key(text))


def vocabulary(strings: Iterable[str]) -> frozenset[str]:
    """Every run of up to MAX_PHRASE_WORDS words of the team's text, as matching keys:
    the study's own vocabulary."""
    found: set[str] = set()
    for string in strings:
        for line in string.splitlines():
            found_words = words(line)
            for start in range(len(found_words)):
                for end in range(start + 1, min(start + MAX_PHRASE_WORDS, len(found_words)) + 1):
                    found.add(" ".join(found_words[start:end]))
    return frozenset(found)


def in_vocabulary(term: str, vocabulary: frozenset[str]) -> bool:
    """Whether a term occurs as whole words in the team's text (case ignored, canonical
    view): "NGSS" in a definition that reads "aligned with the NGSS"."""
    key = " ".join(words(term))
    return bool(key) and key in vocabulary
