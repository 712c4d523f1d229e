"""The canonical view of a text: one spelling per thing a reader sees as the same.

Identifiers can be disguised, by accident or on purpose, with characters a reader does not
see or reads as others: a zero-width space inside a name ("Fake\u200bley"), fullwidth
letters and digits ("Ｆａｋｅｌｅｙ", "０７７００"), a no-break space in a postcode, en dashes in a
phone number, a Cyrillic "а" in a Latin name. Every matcher (the structured rules, the
register, NER, propagation, the review list and the leak scan) reads the canonical view,
built here, and maps what it finds back to the original characters with the view's
`OffsetMap`, so a replacement covers the disguised span in full.

The view, in order:
1. Unicode NFKC: fullwidth and other compatibility forms become their plain letters and
   digits ("Ｐ" -> "P", "＠" -> "@", "․" one-dot leader -> "."), ligatures are split.
2. Format and other invisible characters removed: every character of category Cf (zero-width
   space, joiners, word joiner, soft hyphen, byte-order mark, direction marks), the combining
   grapheme joiner, variation selectors and Hangul fillers.
3. Variants unified: every dash (category Pd) and the minus sign -> "-"; every space
   separator (category Zs) -> " "; line and paragraph separators -> "\n"; curly and modifier
   apostrophes -> "'"; decimal digits of any script -> 0-9.
4. NFKC again, where removing an invisible character left a letter and its accent apart.
5. Confusable letters folded where it is safe: a Cyrillic or Greek letter that looks like a
   Latin one ("а", "о", "Ѕ", "Ο") becomes that Latin letter only inside a word that also holds
   a Latin letter. A word wholly in another script is left alone (it may be Russian or Greek).
"""

import functools
import re
import unicodedata

from qualframe.text.offsets import OffsetMap, normalize, replace_spans, translate

# Invisible characters outside category Cf.
INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u3164\uffa0" + "".join(chr(c) for c in range(0xFE00, 0xFE10))
)
APOSTROPHES = frozenset("\u2018\u2019\u02bc\u2032\u0060\u00b4")
# Cyrillic and Greek letters drawn like a Latin letter, and that letter (Unicode's
# confusables.txt, restricted to single letters with an unambiguous Latin twin).
CONFUSABLES = {
    **dict(zip("аеорсухіјѕԁһӏԛԝк", "aeopcyxijsdhlqwk", strict=True)),  # Cyrillic
    **dict(zip("АВЕЅІЈКМНОРСТХУԚԜ", "ABESIJKMHOPCTXYQW", strict=True)),
    **dict(zip("αοικνρυχ", "aoikvpux", strict=True)),  # Greek
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
}
WORD = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=4096)
def canonical_char(char: str) -> str:
    """The canonical spelling of one (non-ASCII) character after NFKC: "" for an invisible
    character, "-" for a dash, " " for a space, "\\n" for a line or paragraph separator,
    "'" for an apostrophe, an ASCII digit for a decimal digit; else the character."""
    category = unicodedata.category(char)
    if category == "Cf" or char in INVISIBLE:
        return ""
    if category == "Pd" or char == "\u2212":
        return "-"
    if category == "Zs":
        return " "
    if category in ("Zl", "Zp"):
        return "\n"
    if char in APOSTROPHES:
        return "'"
    if category == "Nd":
        return str(unicodedata.digit(char))
    return char


def unify_characters(text: str) -> tuple[str, OffsetMap]:
    """Step 2 and 3 of the view: invisible characters removed, variants unified."""
    changed = ((char, canonical_char(char)) for char in set(text) if not char.isascii())
    table = {char: new for char, new in changed if new != char}
    return translate(text, table)


def fold_confusables(text: str) -> tuple[str, OffsetMap]:
    """Step 5: look-alike Cyrillic and Greek letters made Latin inside mixed-script words."""
    if not any(char in CONFUSABLES for char in set(text)):
        return text, OffsetMap.identity(len(text))
    spans = []
    for word in WORD.finditer(text):
        letters = word.group()
        if letters.isascii() or not any(c.isascii() for c in letters):
            continue
        spans += [
            (word.start() + i, word.start() + i + 1, CONFUSABLES[char])
            for i, char in enumerate(letters)
            if char in CONFUSABLES
        ]
    return replace_spans(text, spans)


def recompose(text: str) -> tuple[str, OffsetMap]:
    """Step 4: NFKC again (an accent left apart from its letter by a removed character)."""
    return normalize(text, "NFKC")


# Detection asks for the view of a transcript, then the allow-list and the register for
# the view of that view: a few entries spare the work (the map is shared: read only).
@functools.lru_cache(maxsize=8)
def canonical_view(text: str) -> tuple[str, OffsetMap]:
    """Return the canonical view of `text` and the map from the view back to `text`.

    A span [start, end) found in the view covers `text[m.source_span(start, end)]`
    (with m the map), disguising characters included. ASCII text is its own view.
    """
    if text.isascii():
        return text, read_only(OffsetMap.identity(len(text)))
    view, mapping = normalize(text, "NFKC")
    for step in (unify_characters, recompose, fold_confusables):
        view, later = step(view)
        if not later.is_identity():
            mapping = mapping.then(later)
    return view, read_only(mapping)


def read_only(mapping: OffsetMap) -> OffsetMap:
    """`mapping` with its arrays locked: a cached map is shared by every caller."""
    for positions in (mapping.starts, mapping.ends):
        positions.flags.writeable = False
    return mapping


def canonical_text(text: str) -> str:
    """The canonical view of `text` alone (for a term to look for, not a text to map)."""
    return text if text.isascii() else canonical_view(text)[0]
