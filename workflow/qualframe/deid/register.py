"""The study's identifier register: known names matched case-insensitively by Aho-Corasick.

The same whole-word, longest-match term matcher also serves propagation in
`pseudonymise`, so both find a term in exactly the same places.
"""

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import ahocorasick
import pandas as pd

from qualframe.deid.rules import Hit
from qualframe.schemas import ENTITY_TYPES
from qualframe.text.canonical import canonical_text, canonical_view

REGISTER_COLUMNS = ("term", "entity_type")
# No name is longer. The automaton follows a chain of up to a term's length at each
# character of a text, so one 50,000-character "term" (a long token once detected) would
# make every search quadratic.
MAX_TERM_LENGTH = 200


@dataclass(frozen=True)
class TermMatcher:
    """An Aho-Corasick automaton over case-folded terms; None when there are no terms."""

    automaton: ahocorasick.Automaton | None


@dataclass(frozen=True)
class Register:
    """The study register: its term matcher and the number of distinct terms."""

    matcher: TermMatcher
    size: int


def fold_char(char: str) -> str:
    """Return one character lower-cased, a curly apostrophe straightened, else unchanged.

    A character whose lower case is longer than one character (such as "İ") is kept,
    so folding never changes the length of a text.
    """
    if char in "’‘":
        return "'"
    lower = char.lower()
    return lower if len(lower) == 1 else char


def fold_case(text: str) -> str:
    """Return `text` folded character by character (`fold_char`), keeping its length.

    Offsets found in the folded text are therefore offsets in the original, and
    "O’Brien" matches a register term "O'Brien".
    """
    lower = text.lower()
    # Same length means no character grew; a capital sigma lowers by context.
    if len(lower) == len(text) and "Σ" not in text:
        return lower.replace("’", "'").replace("‘", "'")
    return "".join(map(fold_char, text))


def term_key(text: str) -> str:
    """The key under which the matcher compares a term or an occurrence: its canonical
    view, folded ("Fake\u200bley", "ＦＡＫＥＬＥＹ" and "Fakeley" share one)."""
    return fold_case(canonical_text(text))


def build_matcher(terms: Mapping[str, Hashable]) -> TermMatcher:
    """Return a `TermMatcher` over `terms`, a mapping of term -> payload returned on a match.

    Terms are matched case-insensitively; when two terms fold to the same key, the
    first one's payload is kept. Terms longer than MAX_TERM_LENGTH are left out.
    """
    automaton = ahocorasick.Automaton()
    for term, payload in terms.items():
        key = term_key(term)
        if key and key not in automaton and len(key) <= MAX_TERM_LENGTH:
            automaton.add_word(key, (len(key), payload))
    if len(automaton) == 0:
        return TermMatcher(None)
    automaton.make_automaton()
    return TermMatcher(automaton)


def is_word_char(char: str) -> bool:
    """Return whether `char` is part of a word (letter, digit or underscore)."""
    return char.isalnum() or char == "_"


NEGATION = re.compile(r"['’]t\b", re.IGNORECASE)


def at_word_boundaries(text: str, start: int, end: int) -> bool:
    """Return whether text[start:end] is not glued to a word on either side.

    "Sam" in "Samaritans" is glued, and so is "Haven" in "haven't"; "Dave" in "Dave's"
    or "Dave'll" is not. An edge that is itself punctuation needs no boundary.
    """
    glued_before = start > 0 and is_word_char(text[start]) and is_word_char(text[start - 1])
    glued_after = end < len(text) and is_word_char(text[end - 1]) and is_word_char(text[end])
    negated = is_word_char(text[end - 1]) and NEGATION.match(text, end) is not None
    return not (glued_before or glued_after or negated)


def longest_non_overlapping(
    matches: list[tuple[int, int, Hashable]],
) -> list[tuple[int, int, Hashable]]:
    """Return `matches` without overlaps, longer spans first, then earlier; sorted by start."""
    kept: list[tuple[int, int, Hashable]] = []
    taken = [False] * (max((end for _, end, _ in matches), default=0))
    for start, end, payload in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
        if not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            kept.append((start, end, payload))
    return sorted(kept, key=lambda m: m[0])


def find_terms(matcher: TermMatcher, text: str) -> list[tuple[int, int, Hashable]]:
    """Return (start, end, payload) of whole-word matches of the matcher's terms in `text`.

    Terms and text are compared in their canonical view (`canonical_view`), so a term
    written with an invisible character, fullwidth letters or a no-break space inside it
    is found; offsets are the text's own, covering the disguise. Where matches overlap,
    the longest wins; the result is sorted by start.
    """
    if matcher.automaton is None:
        return []
    view, mapping = canonical_view(text)
    matches = []
    for last, (length, payload) in matcher.automaton.iter(fold_case(view)):
        start, end = last + 1 - length, last + 1
        if at_word_boundaries(view, start, end):
            matches.append((start, end, payload))
    kept = longest_non_overlapping(matches)
    if mapping.is_identity():
        return kept
    starts, ends = mapping.source_spans([m[0] for m in kept], [m[1] for m in kept])
    return [(int(s), int(e), m[2]) for s, e, m in zip(starts, ends, kept, strict=True)]


def register_error(row: int, message: str) -> ValueError:
    """Return the error for a bad register row (1-based data row)."""
    return ValueError(f"identifier register row {row}: {message}")


def checked_row(row: int, term: object, entity_type: object) -> tuple[str, str]:
    """Return (term, entity_type) of one register row, whitespace tidied.

    Raises ValueError naming the 1-based data row for an empty term or an entity type
    not in ENTITY_TYPES.
    """
    term = "" if pd.isna(term) else " ".join(str(term).split())
    entity_type = "" if pd.isna(entity_type) else str(entity_type).strip()
    if not term:
        raise register_error(row, "empty term")
    if entity_type not in ENTITY_TYPES:
        expected = ", ".join(ENTITY_TYPES)
        # the cell values stay out of the message: a term identifies someone
        raise register_error(row, f"unknown entity_type (expected one of {expected})")
    return term, entity_type


def checked_terms(terms: pd.DataFrame) -> dict[str, str]:
    """Return {term: entity_type} from a register frame, failing on the first bad row.

    Raises ValueError for missing columns, a bad row (see `checked_row`), or a term
    given two different entity types; repeats of a term with the same type are dropped.
    """
    missing = [column for column in REGISTER_COLUMNS if column not in terms.columns]
    if missing:
        raise ValueError(f"identifier register lacks column(s): {', '.join(missing)}")
    checked: dict[str, str] = {}
    seen: dict[str, tuple[str, int]] = {}  # folded term -> (entity type, first row)
    rows = zip(terms["term"], terms["entity_type"], strict=True)
    for row, (raw_term, raw_type) in enumerate(rows, start=1):
        term, entity_type = checked_row(row, raw_term, raw_type)
        first_type, first_row = seen.setdefault(fold_case(term), (entity_type, row))
        if first_type != entity_type:
            raise register_error(
                row, f"the term is {entity_type} here but {first_type} in row {first_row}"
            )
        if first_row == row:
            checked[term] = entity_type
    return checked


def build_register(terms: pd.DataFrame) -> Register:
    """Return the `Register` for a frame with columns `term` and `entity_type`.

    Raises ValueError naming the 1-based data row for an empty term, an unknown entity
    type or a term registered under two entity types.
    """
    checked = checked_terms(terms)
    return Register(matcher=build_matcher(checked), size=len(checked))


def find_register_terms(register: Register, text: str) -> list[Hit]:
    """Return the register terms in `text` as hits with detector "register"."""
    return [
        Hit(start, end, entity_type, text[start:end], "register")
        for start, end, entity_type in find_terms(register.matcher, text)
    ]
