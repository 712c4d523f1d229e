"""What every rule shares: the `Hit` a finder returns and fast ways to run patterns.

The finders themselves: `structured` (e-mail, URL, phone, postcode, NHS and National
Insurance numbers, calling `dates` for dates and ages and `spoken` for what is read
aloud) and `names` (names recognisable by their shape). Every finder takes the
normalised text of one transcript and returns a list of `Hit`s with Python str offsets
(end exclusive), a detector name "rule:<kind>" and a confidence in [0, 1].
"""

import bisect
import functools
import re
from collections.abc import Iterable
from typing import NamedTuple


class Hit(NamedTuple):
    """One candidate identifier: span, entity type, its text, who found it, how sure."""

    start: int
    end: int
    entity_type: str
    text: str
    detector: str
    confidence: float = 1.0


def hit_from_match(
    match: re.Match, entity_type: str, kind: str, confidence: float, group: int = 0
) -> Hit:
    """Return the `Hit` for `group` of a regular-expression match."""
    start, end = match.span(group)
    return Hit(start, end, entity_type, match.string[start:end], f"rule:{kind}", confidence)


def overlaps(hit: Hit, others: list[Hit]) -> bool:
    """Return whether `hit` shares at least one character with any of `others`."""
    return any(hit.start < other.end and other.start < hit.end for other in others)


SPACE = re.compile(r"\s")  # str.isspace() characters


def word_edge(text: str, index: int, step: int, floor: int = 0) -> int:
    """Return the nearest whitespace position (or text edge) from `index` in direction `step`.

    Forwards, the offset of the first whitespace at or after `index`; backwards, the
    offset just after the last whitespace before `index`, not looking before `floor`.
    """
    if not 0 < index < len(text):
        return max(0, min(len(text), index))
    if step > 0:
        space = SPACE.search(text, index)
        return space.start() if space else len(text)
    floor = min(floor, index)
    edge = max(text.rfind(" ", floor, index), text.rfind("\n", floor, index), floor - 1) + 1
    while (space := SPACE.search(text, edge, index)) is not None:  # a tab, a no-break space…
        edge = space.end()
    return edge


# One anchor every DENSE_ANCHORS characters or more (the timestamps of an automatic
# transcript are digits): scanning the whole text once is quicker than the windows.
DENSE_ANCHORS = 100


def anchored_matches(
    pattern: re.Pattern,
    anchors: re.Pattern | list[tuple[int, int]],
    text: str,
    before: int,
    after: int,
) -> list[re.Match]:
    """Return the matches of `pattern` that contain an anchor, sorted by start.

    A fast path for patterns that always contain something rare (a digit, a month name,
    "years old"): `pattern` is tried only in a window of `before`/`after` characters
    around each anchor, widened to whole words. `anchors` is a pattern or a list of
    (start, end) spans already found. Where anchors are dense, the whole text is
    scanned once instead (the same matches: tests/unit/test_deid_fast_paths.py).
    """
    if isinstance(anchors, re.Pattern):
        anchors = [hint.span() for hint in anchors.finditer(text)]
    anchors = sorted(anchors)
    if len(anchors) * DENSE_ANCHORS > len(text):
        return [match for match in pattern.finditer(text) if holds_anchor(match, anchors)]
    found: dict[tuple[int, int], re.Match] = {}
    for low, high, group in anchor_windows(anchors, text, before, after):
        starts = [start for start, _ in group]
        for match in pattern.finditer(text, low, high):
            # the anchors starting inside the match: one must also end inside it
            first = bisect.bisect_left(starts, match.start())
            last = bisect.bisect_right(starts, match.end())
            if any(end <= match.end() for _, end in group[first:last]):
                found.setdefault(match.span(), match)
    return sorted(found.values(), key=lambda match: match.start())


def holds_anchor(match: re.Match, anchors: list[tuple[int, int]]) -> bool:
    """Return whether one of `anchors` (sorted) lies within the match."""
    first = bisect.bisect_left(anchors, (match.start(), -1))
    last = bisect.bisect_right(anchors, (match.end(), match.end()))
    return any(end <= match.end() for _, end in anchors[first:last])


def anchor_windows(
    anchors: list[tuple[int, int]], text: str, before: int, after: int
) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Return (low, high, anchors) windows: each anchor's span widened by `before` and
    `after` characters and then to whole words, overlapping windows merged into one.

    Merging keeps the work linear: in one long token (a 1 MB string of "a@a@…") every
    anchor's window would be the whole token, searched once per anchor.
    """
    windows: list[tuple[int, int, list[tuple[int, int]]]] = []
    for hint_start, hint_end in anchors:
        if windows and hint_start - before <= windows[-1][1]:
            low, high, group = windows[-1]
            group.append((hint_start, hint_end))
            if hint_end + after > high:
                windows[-1] = (low, word_edge(text, hint_end + after, 1), group)
            continue
        low = word_edge(text, hint_start - before, -1, floor=windows[-1][1] if windows else 0)
        windows.append((low, word_edge(text, hint_end + after, 1), [(hint_start, hint_end)]))
    return windows


DIGIT_RUN = re.compile(r"\d+")


@functools.lru_cache(maxsize=4)  # asked by several finders for the same text in turn
def digit_runs(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of every run of digits in `text`: the anchors of numeric rules."""
    return [match.span() for match in DIGIT_RUN.finditer(text)]


def word_start_pattern(words: Iterable[str]) -> str:
    """Return a regular expression matching any of `words` at the start of a word, any case.

    Python's re skips quickly through a text only to a character of a case-sensitive set
    that opens the pattern; an alternation under IGNORECASE after `\\b` is tried at every
    position, several times slower. So the pattern opens with the words' first letters
    in both cases, checks by look-behind that the letter starts a word, and then, by the
    letter, matches the rest of one of the words (longest first) case-insensitively.
    """
    by_letter: dict[str, list[str]] = {}
    for word in sorted({word.lower() for word in words}, key=lambda word: (-len(word), word)):
        by_letter.setdefault(word[0], []).append(re.escape(word[1:]))
    letters = "".join(sorted(by_letter)) + "".join(sorted(by_letter)).upper()
    branches = "|".join(
        f"(?<=[{letter}{letter.upper()}])(?i:{'|'.join(rests)})"
        for letter, rests in sorted(by_letter.items())
    )
    return f"[{letters}](?<!\\w\\w)(?:{branches})"


# Characters other than a letter and its upper case that Python's re matches for it
# under IGNORECASE (the Turkish i's, the Kelvin sign, the long s).
CASE_PARTNERS = "\u0130\u0131\u212a\u017f"


class AnyCaseWords:
    """A pattern of lower-case words, `\\b(?i:BODY)`, searched quickly.

    Python's re tries a case-insensitive alternation at every word start, slowly. In a
    text whose lower case has the same length and no character re folds to a letter
    other than its own cases (CASE_PARTNERS), the case-sensitive pattern finds the
    same spans in the lower-cased text, twice as fast. Only the spans can be read from
    a match (its text is lower case).
    """

    def __init__(self, body: str):
        self.any_case = re.compile(r"\b(?i:" + body + ")")
        self.lower_case = re.compile(r"\b(?:" + body + ")")

    def finditer(self, text: str) -> Iterable[re.Match]:
        """Return the matches of `\\b(?i:BODY)` in `text`, by span."""
        lowered = text.lower()
        if len(lowered) == len(text) and not any(char in text for char in CASE_PARTNERS):
            return self.lower_case.finditer(lowered)
        return self.any_case.finditer(text)


def matches_at(pattern: re.Pattern, text: str, starts: Iterable[int]) -> list[re.Match]:
    """Return the matches `pattern.finditer(text)` finds, the pattern tried only at
    `starts` (sorted), which must hold every position where a match can begin: a fast
    path for a pattern that begins only at something rare or cheap to find."""
    found: list[re.Match] = []
    resume = 0
    for start in starts:
        if start >= resume and (match := pattern.match(text, start)) is not None:
            found.append(match)
            resume = match.end() if match.end() > start else start + 1
    return found
