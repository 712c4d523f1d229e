"""The leak scan, the last line of defence: no identifier may appear in a published file.

Run once everything that publishes has run (the run manifest and RO-Crate included) over
every file the workflow writes under results/. It looks for every original the
anonymisation log replaced, the parts of people's names, and every term of the study's
identifier register, in the canonical view of what a person would read in each file
(`qualframe.text.canonical`): text and table cells, the strings of JSON, the text of
HTML, XML (VML comment drawings included) and office files - not their markup (a
workbook's `<col max="3">` is not the name "Max", a page's style sheet is not text).
Each finding names the file, the place in it and the replacement; the original goes
only into the restricted findings file.

What is looked for follows propagation's decision (`propagate.replaced_everywhere`,
`propagate.left_in_clear`): a term propagation replaced wherever it occurs is looked
for everywhere, except where propagation too leaves it (a lower-case English word in
a text that uses capitals, a lower-case part of "max-width"); a term it judged not a
name (a common word, the codebook's own word) is not. Register terms are always looked
for. Text the research team wrote and publishes as it is (the codebook's names and
definitions, the case sheet's cells: `team`) is no leak, register terms excepted.
"""

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

import pandas as pd
import pyarrow.parquet as pq

from qualframe.deid.allow import is_allowed, normalise_allow_list
from qualframe.deid.detect import inside_any, placeholder_spans
from qualframe.deid.propagate import left_in_clear
from qualframe.deid.register import TermMatcher, build_matcher, find_terms, term_key
from qualframe.deid.team import team_spans
from qualframe.deid.words import is_english_word, is_function_word, is_mostly_lower_case
from qualframe.text.canonical import canonical_text

# Too short, or not a name, to look for on its own: ages are numbers, initials match
# everywhere, and an English word in lower case cannot be told from the word. Everything
# else the log replaced is looked for.
MIN_TERM_LENGTH = 3
NOT_SCANNED_TYPES = frozenset({"AGE"})
NAME_TYPES = frozenset({"PERSON"})
WORD = re.compile(r"[^\W\d_][\w'’-]*")
REGISTER = "register"
# XML attributes a person reads (a code's, case's or sheet's name, a description); every
# other attribute is markup.
READABLE_ATTRIBUTES = frozenset({"name", "description", "title", "label"})
HTML_READABLE_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "placeholder", "content"})
REVIEWED_SUFFIXES = frozenset({".txt", ".parquet"})
ZIP_SUFFIXES = frozenset({".qdpx", ".xlsx", ".docx", ".ods", ".odt"})
XML_SUFFIXES = frozenset({".xml", ".qde", ".rels", ".svg", ".vml"})
# Style sheets and scripts are markup: no person reads them as text.
MARKUP_SUFFIXES = frozenset({".css", ".js"})
HTML_MARKUP_TAGS = frozenset({"style", "script"})


class Term(NamedTuple):
    """A string to look for, the entity type and the replacement it stands for."""

    text: str
    entity_type: str
    replacement: str
    registered: bool = False


class Piece(NamedTuple):
    """Readable text of one part of a file: `where` names the part ("" for the whole
    file); `unit` is what its line breaks separate ("line", "row", "string"), so a
    finding can say "column 3, row 12"."""

    where: str
    text: str
    unit: str


class Leak(NamedTuple):
    """A term found in a published file: where, what kind, its replacement and the
    original (which goes only into the restricted findings)."""

    path: str
    where: str
    entity_type: str
    replacement: str
    original: str


# --- what to look for --------------------------------------------------------------------


def name_parts(original: str) -> list[str]:
    """The words of a person's name worth looking for alone: not English or function
    words ("Priya" and "Raman" of "Dr Priya Raman", not "Dr" or "Rose")."""
    return [
        word
        for word in WORD.findall(canonical_text(original))
        if not is_english_word(word) and not is_function_word(word) and word[:1].isupper()
    ]


def is_searchable(text: str, entity_type: str, allowed: frozenset[str]) -> bool:
    """Whether a term is worth looking for: long enough, not allow-listed, and not a
    lower-case English word ("rose" in a lower-case transcript: the name or the verb)."""
    return not (
        len(text) < MIN_TERM_LENGTH
        or is_allowed(text, entity_type, allowed)
        or (text.islower() and is_english_word(text))
    )


def leak_terms(
    log: pd.DataFrame,
    allow_list: Iterable[str],
    register: Mapping[str, str] | None = None,
    decided: Mapping[str, bool] | None = None,
) -> list[Term]:
    """The strings that must not appear in published files: the log's originals, the parts
    of people's names, and every register term ({term: entity type}). Allow-listed terms,
    ages and very short strings are left out, and so is a term propagation judged not to
    replace everywhere (`decided`: {term key: replaced everywhere}, from
    `propagate.replaced_everywhere`; a name part it did not judge follows its name, any
    other term it did not judge is looked for). Terms are in their canonical view; a
    register term the log replaced carries that replacement, else "register <TYPE>";
    register terms are always looked for."""
    allowed = normalise_allow_list(allow_list)
    decided = decided or {}
    terms: dict[str, Term] = {}
    replaced: dict[str, str] = {}
    # an entity's every replacement gives the same terms: each counted once, first first
    distinct = log[["original", "entity_type", "replacement"]].drop_duplicates()
    for row in distinct.itertuples(index=False):
        original = canonical_text(str(row.original)).strip()
        replaced.setdefault(original.casefold(), row.replacement)
        if row.entity_type in NOT_SCANNED_TYPES:
            continue
        candidates = [original]
        if row.entity_type in NAME_TYPES:
            candidates += name_parts(original)
        # a name part propagation did not judge on its own (it occurs only inside the
        # name) follows the name's verdict
        whole = decided.get(term_key(original), True)
        for text in candidates:
            if decided.get(term_key(text), whole) and is_searchable(text, row.entity_type, allowed):
                terms.setdefault(text, Term(text, row.entity_type, row.replacement))
    for term, entity_type in (register or {}).items():
        text = " ".join(canonical_text(term).split())
        if entity_type not in NOT_SCANNED_TYPES and is_searchable(text, entity_type, allowed):
            replacement = replaced.get(text.casefold(), f"{REGISTER} {entity_type}")
            terms[text] = Term(text, entity_type, replacement, registered=True)
    return [terms[text] for text in sorted(terms)]


def merge_terms(*groups: Sequence[Term]) -> list[Term]:
    """The terms of several `leak_terms` lists, the first of a text kept (a register
    term wins), sorted."""
    terms: dict[str, Term] = {}
    for group in groups:
        for term in group:
            if term.registered and not terms.get(term.text, term).registered:
                terms[term.text] = term
            else:
                terms.setdefault(term.text, term)
    return [terms[text] for text in sorted(terms)]


# --- looking -----------------------------------------------------------------------------


def find_in_text(
    terms: Sequence[Term], text: str, matcher=None, team: TermMatcher | None = None
) -> list[tuple[int, Term]]:
    """(offset, term) of every whole-word occurrence of a term in `text`, compared in the
    canonical view, case ignored, except where propagation leaves a term too
    (`propagate.left_in_clear`: "rose" the verb in a text that writes "Rose" the name,
    "max" of "max-width"), and, for a term not in the register, except inside the
    team's text (`team`: a matcher of `team.team_matcher`)."""
    matcher = matcher or build_matcher({term.text: term for term in terms})
    found_terms = find_terms(matcher, text)
    if not found_terms:
        return []
    lower_case = is_mostly_lower_case(text)
    written = team_spans(team, text) if team is not None else []
    found = []
    for start, end, term in found_terms:
        if left_in_clear(text, start, end, lower_case):
            continue
        if term.registered or not inside_any(start, end, written):
            found.append((start, term))
    return found


def term_matcher(terms: Sequence[Term]) -> TermMatcher:
    """The matcher `find_leaks` looks for the terms with."""
    return build_matcher({term.text: term for term in terms})


class FileFindings(NamedTuple):
    """What the scan found in one published file: whether it has readable text, the
    leaks and the places the review list would flag (`review_flags`)."""

    readable: bool
    leaks: list[Leak]
    flags: list[Leak]


PieceMemo = Callable[[Piece, Callable[[], tuple[list[Leak], list[Leak]]]], tuple]


def scan_file(
    path: str,
    terms: Sequence[Term],
    allow_list: Iterable[str],
    team: TermMatcher | None = None,
    matcher: TermMatcher | None = None,
    memo: PieceMemo | None = None,
) -> FileFindings:
    """The findings of one published file: `find_leaks` and `review_flags` of its
    readable pieces. `memo`, when given, is called for each piece of a file of several
    (a project's members, a table's columns) with the piece and a function finding its
    (leaks, flags), and returns them (a cache of earlier runs' findings)."""
    pieces = readable_pieces(path)
    allow_list = list(allow_list)
    leaks: list[Leak] = []
    flags: list[Leak] = []
    for piece in pieces:

        def compute(piece: Piece = piece) -> tuple[list[Leak], list[Leak]]:
            texts = {path: [piece]}
            return find_leaks(terms, texts, team, matcher), review_flags(texts, allow_list)

        found_leaks, found_flags = memo(piece, compute) if memo and len(pieces) > 1 else compute()
        leaks += found_leaks
        flags += found_flags
    return FileFindings(bool(pieces), leaks, flags)


def place(piece: Piece, offset: int) -> str:
    """Where an offset of a piece is, for a person: "line 4", "column 2, row 7"."""
    number = piece.text.count("\n", 0, offset) + 1
    inside = f"{piece.unit} {number}" if piece.unit else ""
    return ", ".join(part for part in (piece.where, inside) if part)


def find_leaks(
    terms: Sequence[Term],
    texts: Mapping[str, str | Sequence[Piece]],
    team: TermMatcher | None = None,
    matcher: TermMatcher | None = None,
) -> list[Leak]:
    """Every occurrence of a term in `texts` ({file: its text, or its readable pieces}),
    outside the team's text (`team`, register terms excepted); `matcher`: the terms'
    matcher (`term_matcher`) when already built."""
    if not terms:
        return []
    matcher = matcher or term_matcher(terms)
    leaks = []
    for path, content in texts.items():
        pieces = [Piece("", content, "line")] if isinstance(content, str) else content
        for piece in pieces:
            for offset, term in find_in_text(terms, piece.text, matcher, team):
                where = place(piece, offset)
                leaks.append(Leak(path, where, term.entity_type, term.replacement, term.text))
    return leaks


def review_flags(texts: Mapping[str, Sequence[Piece]], allow_list: Iterable[str]) -> list[Leak]:
    """What the review list would flag in published transcripts and tables (`.txt`,
    `.parquet`): unknown capitalised words, first names and digit runs outside the
    placeholders. Not leaks - most are words no one registered - but a reviewer's list
    of places to look; the `entity_type` column holds the reason."""
    from qualframe.deid.review import MASK, masked, unreplaced_candidates

    allowed = normalise_allow_list(allow_list)
    flags = []
    for path, pieces in texts.items():
        if Path(path).suffix.lower() not in REVIEWED_SUFFIXES:
            continue
        for piece in pieces:
            hidden = masked(piece.text, placeholder_spans(piece.text))
            for candidate in unreplaced_candidates(hidden, allowed):
                original = piece.text[candidate.start : candidate.end]
                if MASK not in hidden[candidate.start : candidate.end]:
                    where = place(piece, candidate.start)
                    flags.append(Leak(path, where, candidate.reason, "", original))
    return flags


# --- reading what a person would read ----------------------------------------------------


def json_strings(value, path: str = "$") -> Iterator[tuple[str, str]]:
    """(JSON path, string) of every key and string value in a parsed JSON document."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, str(key)
            yield from json_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_strings(item, f"{path}[{index}]")


def one_per_line(strings: Iterable[str]) -> str:
    """Strings joined one per line, their own line breaks made spaces (offsets kept)."""
    return "\n".join(s.replace("\n", " ").replace("\r", " ") for s in strings)


def xml_text(data: bytes) -> str:
    """The text of an XML document and its readable attributes (`READABLE_ATTRIBUTES`),
    one string per line; element and other attribute names and values are markup. A
    document that is not well-formed XML (Excel's VML drawings may not be) is read as
    HTML is: its text without its tags."""
    strings = []
    try:
        for _, element in ElementTree.iterparse(io.BytesIO(data), events=("end",)):
            strings += [
                value
                for name, value in element.attrib.items()
                if name.rsplit("}", 1)[-1] in READABLE_ATTRIBUTES
            ]
            strings += [s for s in (element.text, element.tail) if s and s.strip()]
    except ElementTree.ParseError:
        return html_text(data.decode("utf-8", errors="replace"))
    return one_per_line(strings)


class HtmlText(HTMLParser):
    """Collects an HTML page's text and readable attributes, each on its source line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: dict[int, list[str]] = {}
        self.in_markup = 0  # inside <style> or <script>

    def handle_starttag(self, tag, attrs):
        if tag in HTML_MARKUP_TAGS:
            self.in_markup += 1
        for name, value in attrs:
            if name in HTML_READABLE_ATTRIBUTES and value:
                self.lines.setdefault(self.getpos()[0], []).append(value)

    def handle_endtag(self, tag):
        if tag in HTML_MARKUP_TAGS and self.in_markup:
            self.in_markup -= 1

    def handle_data(self, data):
        if self.in_markup:
            return
        line = self.getpos()[0]
        for number, text in enumerate(data.split("\n")):
            if text.strip():
                self.lines.setdefault(line + number, []).append(text)

    def text(self) -> str:
        """The page's text with each string on its line (line numbers as in the file)."""
        last = max(self.lines, default=0)
        return "\n".join(" ".join(self.lines.get(n, [])) for n in range(1, last + 1))


def html_text(source: str) -> str:
    parser = HtmlText()
    parser.feed(source)
    parser.close()
    return parser.text()


def parquet_pieces(path: Path) -> list[Piece]:
    """A table's column names, then each text column's cells one per row (the column by
    its number: a name could itself be what is looked for)."""
    table = pq.read_table(path)
    pieces = [Piece("column names", one_per_line(table.column_names), "")]
    for number, column in enumerate(table.columns, start=1):
        values = column.to_pylist()
        if any(isinstance(value, str) for value in values):
            cells = ("" if v is None else str(v) for v in values)
            pieces.append(Piece(f"column {number}", one_per_line(cells), "row"))
    return pieces


def member_pieces(path: Path) -> list[Piece]:
    """The readable text of each member of a zip-based file (REFI-QDA project, workbook):
    XML members as text and readable attributes, other members as text."""
    pieces = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            data = archive.read(info)
            suffix = Path(info.filename).suffix.lower()
            if suffix in XML_SUFFIXES:
                pieces.append(Piece(f"member {info.filename}", xml_text(data), ""))
            else:
                text = data.decode("utf-8", "replace")
                pieces.append(Piece(f"member {info.filename}", text, "line"))
    return pieces


def readable_pieces(path: str | Path) -> list[Piece]:
    """What a person would read in a published file, by part: table cells, JSON strings,
    the text of HTML and XML pages, office and project files' members; plain text as it
    is. Style sheets and scripts have none."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return parquet_pieces(path)
    if suffix in ZIP_SUFFIXES:
        return member_pieces(path)
    if suffix in MARKUP_SUFFIXES:
        return []
    data = path.read_bytes()
    if is_binary(data):
        return []
    text = data.decode("utf-8", errors="replace")
    if suffix == ".json":
        strings = list(json_strings(json.loads(text)))
        return [Piece("", one_per_line(s for _, s in strings), "string")]
    if suffix in (".html", ".htm"):
        return [Piece("", html_text(text), "line")]
    if suffix in XML_SUFFIXES:
        return [Piece("", xml_text(text.encode("utf-8")), "")]
    return [Piece("", text, "line")]


def is_binary(data: bytes) -> bool:
    """Whether a file is not text (an image or font of a report's pages): it holds a NUL
    byte, or its first 8 kB are not UTF-8 (a character cut at the 8 kB edge excepted)."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < len(head) - 3
    return False


def readable_text(path: str | Path) -> str:
    """All of `readable_pieces` of a file as one text."""
    return "\n".join(piece.text for piece in readable_pieces(path))


def published_files(paths: Iterable[str]) -> list[Path]:
    """Every file under `paths` (folders are walked), sorted."""
    files: list[Path] = []
    for path in map(Path, paths):
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return files


def published_texts(paths: Iterable[str]) -> dict[str, list[Piece]]:
    """{file: its readable pieces} of every file under `paths`; a binary file (an image)
    has none."""
    return {str(path): readable_pieces(path) for path in published_files(paths)}
