"""Surrogate names for people, built word by word so every alias of a person fits.

"Priya Raman", "Priya" and "Raman" become e.g. "Anna Hughes", "Anna" and "Hughes": the
fullest alias sets the shape, a recognisable first name keeps its gender (so pronouns
still fit), a one-word name seen after a title gets a surname, and aliases that already
have a replacement in the pseudonym key keep it.
"""

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from faker import Faker

from qualframe.deid.surrogate_values import seeded_faker, shared_faker

if TYPE_CHECKING:
    from qualframe.deid.surrogates import SurrogateRequest


@lru_cache(maxsize=1)
def first_names_by_gender() -> dict[str, frozenset[str]]:
    """Return Faker's en_GB female and male first names, case-folded."""
    provider = shared_faker().provider("faker.providers.person")
    return {
        "female": frozenset(name.casefold() for name in provider.first_names_female),
        "male": frozenset(name.casefold() for name in provider.first_names_male),
    }


def gender_of(first_name: str) -> str | None:
    """Return "female" or "male" when a first name is on just one of Faker's lists, else None.

    Surrogates keep the gender of a recognisable first name so that pronouns in the
    transcript still fit; an unknown name may get either.
    """
    folded = first_name.casefold()
    genders = [gender for gender, names in first_names_by_gender().items() if folded in names]
    return genders[0] if len(genders) == 1 else None


def draw_first_name(fake: Faker, gender: str | None) -> str:
    """Return one first name of the given gender (either when None)."""
    if gender == "female":
        return fake.first_name_female()
    if gender == "male":
        return fake.first_name_male()
    return fake.first_name()


def person_shape(request: "SurrogateRequest") -> tuple[list[str], dict[str, str]]:
    """Return the words of an entity's fullest alias and the surrogate words already fixed.

    The fullest alias is the one with most words ("priya raman" over "priya"). Fixed
    words come from aliases that already have a replacement: a one-word alias fixes its
    word, a multi-word alias fixes each word when the replacement has as many words.
    """
    full = max(request.aliases, key=lambda alias: (len(alias.split()), alias))
    fixed: dict[str, str] = {}
    for alias, replacement in request.aliases.items():
        if replacement is None:
            continue
        words, new_words = alias.split(), replacement.split()
        if len(words) == len(new_words):
            fixed.update(zip(words, new_words, strict=True))
    return full.split(), fixed


def surrogate_name_words(
    words: list[str], fixed: Mapping[str, str], surname_like: bool, fake: Faker
) -> dict[str, str]:
    """Return {word of the real name: surrogate word} for every word of a person's name.

    The first word gets a first name, the last a surname, words between a first name; a
    one-letter word (an initial) gets the initial of its surrogate; a one-word name gets
    a surname when it was seen after a title. Already fixed words keep their surrogate.
    """
    gender = gender_of(words[0]) if len(words) > 1 or not surname_like else None
    mapping: dict[str, str] = {}
    for position, word in enumerate(words):
        if word in mapping:  # a repeated word ("john john")
            continue
        if word in fixed:
            mapping[word] = fixed[word]
            continue
        is_last = position == len(words) - 1 and (len(words) > 1 or surname_like)
        drawn = fake.last_name() if is_last else draw_first_name(fake, gender)
        mapping[word] = drawn[0] if len(word) == 1 else drawn
    return mapping


def person_replacements(request: "SurrogateRequest", attempt: int) -> dict[str, str]:
    """Return {alias: replacement} for every alias of a person entity, for one attempt.

    Aliases that already have a replacement keep it; the others are built word by word
    from one surrogate name, so "Priya Raman", "Priya" and "Raman" become e.g. "Anna
    Hughes", "Anna" and "Hughes".
    """
    words, fixed = person_shape(request)
    surname_like = len(words) == 1 and words[0] in request.surname_aliases
    fake = seeded_faker("PERSON", request.number, attempt)
    mapping = surrogate_name_words(words, fixed, surname_like, fake)
    replacements = {}
    for alias, replacement in request.aliases.items():
        if replacement is None:
            for word in alias.split():
                if word not in mapping:  # a word outside the fullest alias (rare)
                    drawn = draw_first_name(fake, None)
                    mapping[word] = drawn[0] if len(word) == 1 else drawn
            replacement = " ".join(mapping[word] for word in alias.split())
        replacements[alias] = replacement
    return replacements
