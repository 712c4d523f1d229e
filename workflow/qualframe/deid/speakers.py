"""Speaker labels: the transcript's label scheme, role labels kept, name labels replaced.

Transcripts mark turns with a label at the start of a line, before a colon, a tab or
(for abbreviations) a full stop: "Interviewer:", "INT:", "Int.", "P07:", "Speaker 2
(00:03:41):", "Sarah:"; WebVTT marks them with voice tags ("<v Sarah>"). A role label
identifies no one and stays as it is; a label that is a person's name is a PERSON
detection, so it gets the same placeholder as that person in the text.
"""

import re
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

from qualframe.deid.lexicon import is_common_word, is_known_name
from qualframe.deid.rules import Hit
from qualframe.deid.words import is_function_word

TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
# A label: up to four words (letters, digits, apostrophes, hyphens, full stops),
# optionally followed by a time in brackets, then a colon or a tab. A leading time
# ("[00:01:02] Sarah:") is allowed.
LABEL_LINE = re.compile(
    r"^[ \t]*(?:[\[(]?" + TIME + r"[\])]?[ \t]+)?"
    r"(?P<label>[^\W\d_][\w'’.\-]*(?:[ \t][\w'’.\-]+){0,3}?)"
    r"(?:[ \t]*[\[(]" + TIME + r"[\])])?[ \t]*(?::|\t)",
    re.MULTILINE,
)
# A label alone on its line after a time, as diarisation tools write it ("0:01:02\tSPEAKER_01").
TIMED_LABEL_LINE = re.compile(
    r"^[ \t]*[\[(]?" + TIME + r"[\])]?[ \t]+(?P<label>[^\W\d_][\w'’.\-]*(?:[ \t][\w'’.\-]+){0,3}?)"
    r"[ \t]*$",
    re.MULTILINE,
)
# Abbreviated role labels may end with a full stop instead: "Int. So tell me…", "R. Yes."
DOTTED_LABEL = re.compile(
    r"^[ \t]*(?P<label>(?i:int|iv|resp|res)|[IRPQA][0-9]{0,3})\.[ \t]", re.MULTILINE
)
VOICE_TAG = re.compile(r"<v(?:\.[\w.-]+)*[ \t]+(?P<label>[^>\n]+?)[ \t]*>")
ROLE_WORDS = frozenset(
    """
    interviewer interviewee respondent participant moderator facilitator speaker int iv
    resp res researcher observer notetaker note-taker chair host guest caller unknown
    unidentified audience member male female man woman voice question answer q a i r p none
    intervieweur intervieweuse interviewé interviewée enquêteur enquêtrice répondant
    répondante participante animateur animatrice chercheur chercheuse
    befragte befragter interviewerin teilnehmer teilnehmerin
    """.split()
)
# P07, R12, INT01, Speaker_3, SPEAKER_00
ROLE_CODE = re.compile(
    r"(?:[A-Za-z]{1,4}|(?i:speaker|participant|person|spk))[ _-]?[0-9]{1,4}[A-Za-z]?"
)
MIN_REPEATS = 2  # a label scheme: the same label heads at least two lines


class Label(NamedTuple):
    """One speaker label: offsets of the label text and whether it names a role."""

    start: int
    end: int
    text: str
    is_role: bool


def is_role_label(label: str) -> bool:
    """Return whether a label names a role, not a person ("Interviewer 2", "INT", "P07")."""
    words = re.split(r"[ \t]+", label.strip(" .").casefold())
    if ROLE_CODE.fullmatch(label.strip(" .")):
        return True
    return all(word.strip(".") in ROLE_WORDS or word.strip(".").isdigit() for word in words)


def is_name_label(label: str) -> bool:
    """Return whether a label that is no role looks like a person's name ("Sarah", "Dr Okafor").

    Every word starts with a capital (a title may be written "Dr."), none is a function
    word, and a single common word must be a known name ("Grace", not "Note").
    """
    words = label.split()
    if not words or not all(word[:1].isupper() for word in words):
        return False
    if any(is_function_word(word) for word in words):
        return False
    return len(words) > 1 or not is_common_word(words[0], ("en",)) or is_known_name(words[0])


@lru_cache(maxsize=1024)
def speaker_labels(text: str) -> tuple[Label, ...]:
    """Return the speaker labels of a text, sorted by start.

    A line-initial candidate counts when the same label heads at least MIN_REPEATS lines
    (so "Note: the room was cold" once is no label), or when it is a numbered role code
    ("Com 7") and such codes head at least MIN_REPEATS lines; voice tags always count.
    """
    candidates = [
        (m.start("label"), m.end("label"), m.group("label").rstrip(" ."))
        for pattern in (LABEL_LINE, DOTTED_LABEL, TIMED_LABEL_LINE)
        for m in pattern.finditer(text)
    ]
    counts = Counter(label.casefold() for _, _, label in candidates)
    # a transcript repeats a few labels hundreds of times: each is judged once
    is_code = {label: ROLE_CODE.fullmatch(label) is not None for _, _, label in candidates}
    # numbered labels are one scheme: "Speaker 14:" twice makes a lone "Com 7:" a label too
    codes = sum(is_code[label] for _, _, label in candidates)
    found = {
        (start, start + len(label), label)
        for start, _, label in candidates
        if counts[label.casefold()] >= MIN_REPEATS or (codes >= MIN_REPEATS and is_code[label])
    }
    found |= {
        (m.start("label"), m.end("label"), m.group("label")) for m in VOICE_TAG.finditer(text)
    }
    is_role = {label: is_role_label(label) for _, _, label in found}
    return tuple(Label(start, end, label, is_role[label]) for start, end, label in sorted(found))


def role_label_spans(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of every role label in `text`, sorted."""
    return [(label.start, label.end) for label in speaker_labels(text) if label.is_role]


def find_speaker_names(text: str) -> list[Hit]:
    """Return speaker labels that are people's names as PERSON hits ("rule:speaker")."""
    return [
        Hit(label.start, label.end, "PERSON", label.text, "rule:speaker", 0.9)
        for label in speaker_labels(text)
        if not label.is_role and is_name_label(label.text)
    ]
