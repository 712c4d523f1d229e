"""The leak scan: no string the anonymisation log replaced may appear in a published file.

Run at the end of every run over what leaves the team (de-identified transcripts,
tables, workbook, report, the REFI-QDA export, provenance records). Messages name the
file, the place and the entity's replacement; the original goes only into the
restricted findings file.
"""

import html
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from qualframe.deid.allow import is_allowed, normalise_allow_list
from qualframe.deid.words import is_english_word, is_function_word

# Too short, or not a name, to look for on its own: ages are numbers, initials match
# everywhere, and an English word in lower case cannot be told from the word. Everything
# else the log replaced is looked for.
MIN_TERM_LENGTH = 3
NOT_SCANNED_TYPES = frozenset({"AGE"})
NAME_TYPES = frozenset({"PERSON"})
WORD = re.compile(r"[^\W\d_][\w'’-]*")


class Term(NamedTuple):
    """A string to look for, the entity type and the replacement it stands for."""

    text: str
    entity_type: str
    replacement: str


class Leak(NamedTuple):
    """A term found in a published file: where, what kind, its replacement and the
    original (which goes only into the restricted findings)."""

    path: str
    offset: int
    entity_type: str
    replacement: str
    original: str


def name_parts(original: str) -> list[str]:
    """The words of a person's name worth looking for alone: not English or function
    words ("Priya" and "Raman" of "Dr Priya Raman", not "Dr" or "Rose")."""
    return [
        word
        for word in WORD.findall(original)
        if not is_english_word(word) and not is_function_word(word) and word[:1].isupper()
    ]


def leak_terms(log: pd.DataFrame, allow_list: Iterable[str]) -> list[Term]:
    """The originals of the anonymisation log, and the parts of people's names, that must
    not appear in published files: allow-listed terms, ages and very short strings are
    left out."""
    allowed = normalise_allow_list(allow_list)
    terms: dict[str, Term] = {}
    for row in log[["original", "entity_type", "replacement"]].itertuples(index=False):
        if row.entity_type in NOT_SCANNED_TYPES:
            continue
        candidates = [row.original.strip()]
        if row.entity_type in NAME_TYPES:
            candidates += name_parts(row.original)
        for text in candidates:
            if len(text) < MIN_TERM_LENGTH or is_allowed(text, row.entity_type, allowed):
                continue
            if text.islower() and is_english_word(text):
                continue  # "rose" in a lower-case transcript: a name or the verb, who knows
            terms.setdefault(text, Term(text, row.entity_type, row.replacement))
    return [terms[text] for text in sorted(terms)]


def term_pattern(terms: list[Term]) -> re.Pattern | None:
    """One pattern for every term, as a whole word; case-insensitive except for terms that
    are also English words ("Rose" the name, not "rose" the verb)."""
    if not terms:
        return None
    alternatives = []
    for term in sorted(terms, key=lambda t: -len(t.text)):
        escaped = re.escape(term.text)
        alternatives.append(escaped if is_english_word(term.text) else f"(?i:{escaped})")
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def find_leaks(terms: list[Term], texts: Mapping[str, str]) -> list[Leak]:
    """Every occurrence of a term in `texts` ({file name: text})."""
    pattern = term_pattern(terms)
    if pattern is None:
        return []
    by_text = {term.text.casefold(): term for term in terms}
    leaks = []
    for path, text in texts.items():
        for match in pattern.finditer(text):
            term = by_text[match.group().casefold()]
            leaks.append(Leak(path, match.start(), term.entity_type, term.replacement, term.text))
    return leaks


def readable_text(path: Path) -> str:
    """What a person would read in a published file: table cells, workbook and project
    contents unzipped, HTML with its character references resolved."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path).to_csv(index=False)
    if suffix in (".qdpx", ".xlsx", ".docx"):
        with zipfile.ZipFile(path) as archive:
            members = [archive.read(name) for name in archive.namelist()]
        return "\n".join(html.unescape(m.decode("utf-8", "replace")) for m in members)
    text = path.read_text(encoding="utf-8", errors="replace")
    return html.unescape(text) if suffix in (".html", ".htm", ".xml") else text


def published_texts(paths: Iterable[str]) -> dict[str, str]:
    """{file: readable text} of every file under `paths` (folders are walked)."""
    files: list[Path] = []
    for path in map(Path, paths):
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return {str(path): readable_text(path) for path in files}
