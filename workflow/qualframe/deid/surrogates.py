"""Surrogates for whole entities: every alias of an entity gets its replacement, drawn
again until it clashes with nothing.

A `SurrogateRequest` names one entity (type, stable number, aliases, an example as
written). `draw_replacements` draws one attempt: people word by word
(`surrogate_names`), ages as "[AGE]", every other type one value its aliases share
(`surrogate_values`). `assign_surrogates` draws again (attempt + 1) whenever a value
would equal an original of the corpus or another entity's surrogate.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from qualframe.deid.allow import TITLE_WORD, normalise_entity
from qualframe.deid.surrogate_names import person_replacements
from qualframe.deid.surrogate_values import (
    GENERATORS,
    ORG_GENERIC_WORDS,
    PLACE_GENERIC_WORDS,
    seeded_faker,
)
from qualframe.schemas import placeholder

STRICT_ATTEMPTS = 50  # then two people may share a first name or a surname, never a whole name
MAX_ATTEMPTS = 500  # then the entity gets a numbered placeholder instead
NAMED_TYPES = ("PERSON", "ORG", "LOCATION")
AGE_PLACEHOLDER = placeholder("AGE")


@dataclass(frozen=True)
class SurrogateRequest:
    """One entity that needs surrogates for some of its aliases.

    `aliases` maps each normalised key of the entity to its replacement when it already
    has one (from the pseudonym key), else None. `example` is a mention as written (it
    sets the shape of dates, phone numbers, streets...). `surname_aliases` are one-word
    person aliases seen after a title ("Dr Raman"), so they get a surname.
    """

    entity_type: str
    number: int
    aliases: Mapping[str, str | None]
    example: str
    surname_aliases: frozenset[str] = field(default_factory=frozenset)


# --- drawing one attempt ----------------------------------------------------------------


def draw_replacements(request: SurrogateRequest, attempt: int) -> dict[str, str] | None:
    """Return {alias: replacement} of one entity for one attempt, None if nothing can be drawn.

    People are built word by word (`person_replacements`); ages become "[AGE]" (a fake
    age would change what an account means, a child's or an adult's); every other type
    draws one value that all its aliases share.
    """
    if request.entity_type == "PERSON":
        return person_replacements(request, attempt)
    if request.entity_type == "AGE":
        return {alias: r or AGE_PLACEHOLDER for alias, r in request.aliases.items()}
    fake = seeded_faker(request.entity_type, request.number, attempt)
    value = GENERATORS[request.entity_type](fake, request.example)
    if value is None:
        return None
    return {
        alias: value if replacement is None else replacement
        for alias, replacement in request.aliases.items()
    }


# --- clash-free assignment ---------------------------------------------------------------


def folded_words(text: str) -> set[str]:
    """Return the case-folded words of `text` (letters, apostrophes, hyphens)."""
    return {word.casefold() for word in re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", text)}


def distinctive_words(text: str, entity_type: str) -> set[str]:
    """Return the words of a name that could identify it.

    Every word of a person's name but a title; the non-generic words of an organisation
    ("bolton" in "Bolton NHS Foundation Trust") or a place ("marsh" in "Marsh Lane").
    """
    generic = {"ORG": ORG_GENERIC_WORDS, "LOCATION": PLACE_GENERIC_WORDS}.get(entity_type)
    if generic is None:
        return {word for word in folded_words(text) if TITLE_WORD.fullmatch(word) is None}
    return folded_words(text) - generic


@dataclass
class ClashGuard:
    """What a new surrogate must not equal: originals of the corpus and surrogates in use.

    `originals`/`taken` hold normalised whole values; `original_words`/`taken_words`
    hold the distinctive words of names, so "Anna" alone is not a real person's first
    name, nor (while strict) another surrogate's.
    """

    originals: set[str] = field(default_factory=set)
    original_words: set[str] = field(default_factory=set)
    taken: set[str] = field(default_factory=set)
    taken_words: set[str] = field(default_factory=set)

    def add_original(self, text: str, entity_type: str) -> None:
        """Record an original mention (as written or normalised) of the corpus or key."""
        self.originals.add(normalise_entity(text, entity_type))
        if entity_type in NAMED_TYPES:
            self.original_words |= distinctive_words(text, entity_type)

    def take(self, text: str, entity_type: str) -> None:
        """Record a surrogate now in use."""
        self.taken.add(normalise_entity(text, entity_type))
        if entity_type == "PERSON":
            self.taken_words |= distinctive_words(text, entity_type)

    def allows(
        self, values: Iterable[str], entity_type: str, strict: bool, own: Iterable[str] = ()
    ) -> bool:
        """Return whether new surrogate values clash with nothing recorded.

        A value clashes when it equals an original or a surrogate in use, or when one of
        its distinctive words is an original's word; while `strict`, also when a person's
        surrogate shares a word with another person's, so "Anna" alone stays unambiguous.
        `own` are the entity's existing surrogates, whose words it may reuse.
        """
        own_words = set().union(*(distinctive_words(text, entity_type) for text in own))
        for value in values:
            key = normalise_entity(value, entity_type)
            if key in self.originals or key in self.taken:
                return False
            if entity_type in NAMED_TYPES:
                words = distinctive_words(value, entity_type)
                if not words.isdisjoint(self.original_words):
                    return False
                shared = (words - own_words) & self.taken_words
                shares_a_name = entity_type == "PERSON" and bool(shared)
                if strict and shares_a_name:
                    return False
        return True


def new_values(drawn: Mapping[str, str], request: SurrogateRequest) -> list[str]:
    """Return the drawn replacements of aliases that had none, without repeats."""
    return list(dict.fromkeys(drawn[a] for a, r in request.aliases.items() if r is None))


def surrogates_for(request: SurrogateRequest, guard: ClashGuard) -> dict[str, str]:
    """Return {alias: replacement} of one entity, drawing until nothing clashes.

    Attempt 0, 1, 2... re-seed the draw. After `STRICT_ATTEMPTS` a name may share a word
    with another surrogate; after `MAX_ATTEMPTS`, or when the type has no surrogate for
    this value, the new aliases get the numbered placeholder "[TYPE_n]". Records the
    accepted values in `guard`.
    """
    for attempt in range(MAX_ATTEMPTS):
        drawn = draw_replacements(request, attempt)
        if drawn is None:
            break
        values = new_values(drawn, request)
        own = [r for r in request.aliases.values() if r is not None]
        strict = attempt < STRICT_ATTEMPTS
        if request.entity_type == "AGE" or guard.allows(values, request.entity_type, strict, own):
            for value in values:
                guard.take(value, request.entity_type)
            return drawn
    fallback = placeholder(request.entity_type, request.number)
    return {alias: fallback if r is None else r for alias, r in request.aliases.items()}


def assign_surrogates(
    requests: Iterable[SurrogateRequest],
    originals: Iterable[tuple[str, str]],
    in_use: Iterable[tuple[str, str]] = (),
) -> dict[tuple[str, str], str]:
    """Return {(entity type, alias): surrogate} for every alias of the requested entities.

    Takes the entities (aliases with a replacement keep it), every original of the
    corpus and the key as (text, entity type), and the surrogates already in use as
    (text, entity type). Entities are served by type, then number, so an entity's
    surrogate never depends on entities numbered after it of its type.
    """
    guard = ClashGuard()
    for text, entity_type in originals:
        guard.add_original(text, entity_type)
    for text, entity_type in in_use:
        guard.take(text, entity_type)
    assigned: dict[tuple[str, str], str] = {}
    for request in sorted(requests, key=lambda r: (r.entity_type, r.number)):
        for alias, value in surrogates_for(request, guard).items():
            assigned[(request.entity_type, alias)] = value
    return assigned


def is_surname_mention(text_before: str) -> bool:
    """Return whether a one-word name follows a title ("Dr ", "Mrs. "), so is a surname."""
    words = text_before.rstrip().rsplit(None, 1)
    return (
        bool(words) and text_before[-1:].isspace() and TITLE_WORD.fullmatch(words[-1]) is not None
    )
