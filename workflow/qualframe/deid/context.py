"""Identifiers that only their context gives away, written in any case.

Places that are also ordinary words ("based in Sale", "live in reading") count only
after a verb of living or moving; other UK and Irish towns after any place preposition
("from bolton"), which matters in lower-case auto-transcripts. A given name followed by
a surname ("grace hughes") is a person in any case. A small organisation with an
ordinary name counts only where it is introduced as one ("a café called The Anchor",
"the local paper, the Echo").
"""

import re
from functools import cache

from faker import Faker

from qualframe.deid.lexicon import NAME_LOCALES
from qualframe.deid.places import uk_place_first_words, uk_place_names
from qualframe.deid.rules import AnyCaseWords, Hit, matches_at
from qualframe.deid.words import is_english_word, is_function_word

PLACE_WORD = r"[^\W\d_][^\W\d_'’-]*(?:[-'’][^\W\d_]+)*"
PLACE_WORD_PATTERN = re.compile(PLACE_WORD)
# "live in", "moved to", "grew up near", "based out of": the next words are a place.
STRONG_PLACE_CUE = AnyCaseWords(
    r"(?:based|live[sd]?|living|moved?|moving|grew\s+up|brought\s+up|born|raised"
    r"|relocated|settled|stationed|commute[sd]?|commuting)"
    r"(?:\s+(?:out\s+of|over|down|up|back))?\s+(?:in|to|at|near|outside|around|from|of)\s+"
)
WEAK_PLACE_CUE = AnyCaseWords(r"(?:in|at|from|to|near|outside|around)\s+")
MAX_PLACE_WORDS = 3
# "a café called The Anchor", "the local paper, the Echo", "a group named Open Door".
ORG_CUE = AnyCaseWords(
    r"(?:a|an|the|our|their|this|that)\s+(?:[\w-]+\s+){1,2}(?:called|named|known\s+as)\s+"
    r"|(?:local\s+)?(?:paper|newspaper|radio\s+station"
    r"|pub|café|cafe|charity|club|church|shop)\s*,\s+"
)
NAME_RUN = re.compile(r"(?:(?i:the)\s+)?([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def place_after(text: str, start: int) -> tuple[int, int] | None:
    """Return the longest run of up to MAX_PLACE_WORDS words at `start` that is a UK or
    Irish town ("newcastle upon tyne"), or None."""
    first = PLACE_WORD_PATTERN.match(text, start, start + 60)
    if first is None or first.group().casefold() not in uk_place_first_words():
        return None  # what follows most cues: decided by one look-up
    words = list(PLACE_WORD_PATTERN.finditer(text[start : start + 60]))
    places = uk_place_names()
    for count in range(min(MAX_PLACE_WORDS, len(words)), 0, -1):
        chosen = words[:count]
        gaps = [
            text[start + a.end() : start + b.start()]
            for a, b in zip(chosen, chosen[1:], strict=False)
        ]
        if chosen[0].start() != 0 or any(gap != " " for gap in gaps):
            continue
        name = " ".join(word.group() for word in chosen).casefold()
        if name in places:
            return start, start + chosen[-1].end()
    return None


def find_places_in_context(text: str, weak_cues: bool = True) -> list[Hit]:
    """Return UK and Irish towns named after a place cue, as LOCATION ("rule:place").

    After a verb of living or moving any town counts ("based in Sale", 0.8); after a bare
    preposition (when `weak_cues`) only a town that is no English word ("from bolton", 0.7).
    """
    hits = {}
    cues = ((STRONG_PLACE_CUE, True), (WEAK_PLACE_CUE, False))
    for pattern, strong in cues if weak_cues else cues[:1]:
        for cue in pattern.finditer(text):
            span = place_after(text, cue.end())
            if span is None or span in hits:
                continue
            name = text[span[0] : span[1]]
            if strong or not (is_english_word(name) or is_function_word(name)):
                hits[span] = Hit(*span, "LOCATION", name, "rule:place", 0.8 if strong else 0.7)
    return sorted(hits.values())


@cache
def name_lists() -> tuple[frozenset[str], frozenset[str]]:
    """Return (given names, surnames) of Faker's NAME_LOCALES, case-folded."""
    given: set[str] = set()
    surnames: set[str] = set()
    for locale in NAME_LOCALES:
        provider = Faker(locale).provider("faker.providers.person")
        for attribute in ("first_names", "first_names_female", "first_names_male"):
            given |= {name.casefold() for name in getattr(provider, attribute, ())}
        surnames |= {name.casefold() for name in getattr(provider, "last_names", ())}
    return frozenset(given), frozenset(surnames)


def find_full_names_uncased(text: str) -> list[Hit]:
    """Return a known given name followed by a known surname, in any case ("grace hughes"),
    as PERSON ("rule:name_list"); function words never count ("will" alone is no name)."""
    given, surnames = name_lists()
    folded = [word.casefold() for word in WORD.findall(text)]
    pairs = [
        i
        for i, (a, b) in enumerate(zip(folded, folded[1:], strict=False))
        if a in given and b in surnames  # most pairs: decided by two look-ups
    ]
    if not pairs:
        return []
    words = list(WORD.finditer(text))  # offsets, for the few pairs found
    hits = []
    for i in pairs:
        a, b = folded[i], folded[i + 1]
        first, second = words[i], words[i + 1]
        if (
            text[first.end() : second.start()] == " "
            and not is_function_word(a)
            and not is_function_word(b)
        ):
            hits.append(
                Hit(
                    first.start(),
                    second.end(),
                    "PERSON",
                    text[first.start() : second.end()],
                    "rule:name_list",
                    0.7,
                )
            )
    return hits


def find_named_organisations(text: str) -> list[Hit]:
    """Return capitalised names introduced as one ("a café called The Anchor") as ORG, or
    PERSON when the name opens with a given name ("a nurse called Priya"); "rule:named_org"."""
    hits = []
    for cue in ORG_CUE.finditer(text):
        run = NAME_RUN.match(text, cue.end())
        if run is None:
            continue
        name = run.group(1)
        if all(is_function_word(word) for word in name.split()):
            continue
        # "a nurse called Priya" introduces a person
        entity_type = "PERSON" if name.split()[0].casefold() in name_lists()[0] else "ORG"
        hits.append(Hit(run.start(1), run.end(1), entity_type, name, "rule:named_org", 0.7))
    return hits


# A transcriber's guess at a word they could not make out, with its time: "[Pallis
# 00:00:52]". Transcribers do this for names they cannot spell.
UNCERTAIN = re.compile(
    r"\[(?P<word>[A-Z][\w'’-]*(?:[ -][A-Z][\w'’-]*){0,3})\s+\d{1,2}:\d{2}(?::\d{2})?\]"
)
TRANSCRIBER_NOTES = frozenset(
    "inaudible crosstalk laughter laughs laughing pause silence music noise unclear "
    "foreign overlapping applause coughs background".split()
)


def find_uncertain_words(text: str) -> list[Hit]:
    """Return capitalised words a transcriber marked as uncertain, with a time ("[Pallis
    00:00:52]"), as PERSON ("rule:uncertain", 0.6); notes such as "[Inaudible 00:01:42]"
    are skipped."""
    return [
        Hit(m.start("word"), m.end("word"), "PERSON", m.group("word"), "rule:uncertain", 0.6)
        for m in UNCERTAIN.finditer(text)
        if m.group("word").split()[0].casefold() not in TRANSCRIBER_NOTES
    ]


# Someone addressed by name: "thank you Christian", "what do you think, Rose?", ", Grace,".
VOCATIVE = re.compile(
    r"(?:\b(?i:thank\s+you|thanks|cheers|hi|hello|hey|morning|sorry|bye|over\s+to\s+you"
    r"|welcome|invite)[,\s]+|,\s+)(?P<name>[A-Z][a-z]+(?:['’-][A-Z][a-z]+)?)(?=\s*[,.?!]|\s+(?:and|to)\b)"
)
# Where VOCATIVE can begin: a comma, or the first word of a greeting.
COMMA = re.compile(",")
GREETING_WORD = AnyCaseWords(
    r"(?:thank|thanks|cheers|hi|hello|hey|morning|sorry|bye|over|welcome|invite)\b"
)


def vocative_starts(text: str) -> list[int]:
    """Return, sorted, every offset where a VOCATIVE match can begin."""
    commas = [match.start() for match in COMMA.finditer(text)]
    greetings = [match.start() for match in GREETING_WORD.finditer(text)]
    return sorted(commas + greetings) if greetings else commas


def find_addressed_names(text: str) -> list[Hit]:
    """Return known given names used to address someone ("thank you Christian", "…, Rose?")
    as PERSON ("rule:vocative", 0.7): capitalised, so a common word ("thank you, Grace")
    counts only as a known given name."""
    given = name_lists()[0]
    return [
        Hit(m.start("name"), m.end("name"), "PERSON", m.group("name"), "rule:vocative", 0.7)
        for m in matches_at(VOCATIVE, text, vocative_starts(text))
        if m.group("name").casefold() in given and not is_function_word(m.group("name"))
    ]


def find_in_context(text: str, lower_case_text: bool) -> list[Hit]:
    """Return every identifier of this module in `text`, sorted by start and end.

    Towns after a bare preposition and name-list pairs are looked for only in a
    lower-case text: where capitals are written, the model and the name shapes find them.
    """
    hits = find_places_in_context(text, weak_cues=lower_case_text)
    if lower_case_text:
        hits += find_full_names_uncased(text)
    hits += find_named_organisations(text) + find_uncertain_words(text)
    hits += find_addressed_names(text)
    return sorted(hits, key=lambda hit: (hit.start, hit.end))
