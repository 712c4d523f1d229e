"""Entity spans a model tags that name no one in particular.

A news-trained model tags acronyms in general use ("the LCD panel", "CTE courses"),
generic institution names ("the Department of Education", "Middle School", "our
District"), states and countries ("the State of California") and descriptions written
in lower case ("the CS instructional committee") as organisations and places. None of
these identifies a person or a local organisation, so a lone model tag of one is
dropped. The rules read the shape and the words of the span only; nothing here lists
the spans of any corpus. The gold standard counts no domain acronym as an identifier,
but only acronyms in general English use are dropped here: a rare one ("NGSS") cannot
be told from a local trust's initials, and a leak is worse than an over-redaction. A
span that other evidence supports is kept: the acronym of an organisation found in the
text comes back through `names.find_acronyms`, a name with a telling suffix through
the suffix rule, and the register and propagation still apply.
"""

import re

from qualframe.deid.lexicon import is_common_word, is_known_name, zipf
from qualframe.deid.names import GENERIC_NAME_WORDS, SUFFIX_TYPES
from qualframe.deid.places import broad_place_keys, uk_place_names
from qualframe.deid.words import is_function_word

# Words that make an institution's name generic when every other word of the name is
# generic too ("Board of Education", "State of California", "Task Force").
INSTITUTION_WORDS = frozenset(
    """
    agency authority board bureau commission committee council department district
    division faculty federation force government institute institution league ministry
    office program programme society standards state states task union university
    """.split()
)
# Roles that head a job title ("Coordinator of Educational Technology", "Director of
# Public Health"): a job title is no identifier.
JOB_ROLES = frozenset(
    """
    chair chief coordinator director head lead manager officer president secretary
    superintendent
    """.split()
)
# Words that may join a name's words without being part of what it names.
JOINERS = frozenset({"and", "&", "of", "the", "for", "upon", "on", "in", "at", "de", "la"})
# An acronym: capitals and digits only, one capital at least ("LCD", "F8", "PK").
ACRONYM = re.compile(r"[A-Z0-9&]*[A-Z][A-Z0-9&]*")
# How common (wordfreq's Zipf scale; 2.5 is about once in three million words) an acronym
# must be in English to be a term of a field rather than a local body's initials.
DOMAIN_ACRONYM_ZIPF = 2.5
POSSESSIVE = re.compile(r"['’][sS]?$")
WORD = re.compile(r"[^\s,;:()\[\]\"“”]+")


def content_words(span: str) -> list[str]:
    """Return the words of a span without joiners, possessives or surrounding punctuation."""
    words = (POSSESSIVE.sub("", word).strip(".!?'’") for word in WORD.findall(span))
    return [word for word in words if word and word.lower() not in JOINERS]


def is_acronym_term(span: str) -> bool:
    """Return whether a span is one acronym in general use ("LCD", "IRB", "PVC").

    Acronym-shaped (capitals and digits) and at least DOMAIN_ACRONYM_ZIPF on wordfreq's
    scale: a rare acronym ("TEWV", "CNWL") may be a local body's, so it is kept.
    """
    span = span.strip()
    return (
        " " not in span
        and ACRONYM.fullmatch(span) is not None
        and zipf(span.casefold(), "en") >= DOMAIN_ACRONYM_ZIPF
    )


def is_generic_word(word: str) -> bool:
    """Return whether a word of a name names a kind of thing or a broad area, not one
    particular body: "Department", "School", "District", "Education", "California"."""
    folded = word.casefold()
    return (
        folded in GENERIC_NAME_WORDS
        or folded in SUFFIX_TYPES
        or folded in INSTITUTION_WORDS
        or folded in broad_place_keys()
    )


def is_everyday_word(word: str) -> bool:
    """Return whether a word is everyday English and neither a known name nor a UK or Irish
    town ("Science", "Computer"; not "Reading", "Grace")."""
    folded = word.casefold()
    return (
        is_common_word(word.lower(), ("en",))
        and not is_known_name(word)
        and folded not in uk_place_names()
    )


def is_generic_name(span: str) -> bool:
    """Return whether a span names a kind of institution or a broad area, not a local one.

    Generic when it is a country, US state or continent, when every word is generic
    (`is_generic_word`: "Middle School", "California Department of Education", "State
    of California"; one word only when it is no known name: "District", not "Ward"), or
    when it is
    "<generic words or a role> of <everyday words>" ("School of Computer Science",
    "Director of Public Health": a job title). A place or
    a person's name among the words makes it specific ("University of Reading",
    "Harrowdale Council").
    """
    words = content_words(span)
    if not words:
        return False
    if " ".join(words).casefold() in broad_place_keys():
        return True
    if all(map(is_generic_word, words)):
        # one word that is also a surname is taken for the person ("which Ward pushed")
        return len(words) > 1 or not is_known_name(words[0])
    head, of, rest = span.partition(" of ")
    head_words, rest_words = content_words(head), content_words(rest)
    return (
        bool(of and head_words and rest_words)
        and all(is_generic_word(word) or word.casefold() in JOB_ROLES for word in head_words)
        and all(is_everyday_word(word) for word in rest_words)
    )


def is_lower_case_description(span: str) -> bool:
    """Return whether a span has a content word in lower case ("CS instructional
    committee", "preK-12"): in a text that uses capitals, a name's words have them."""
    return any(word[:1].islower() and not is_function_word(word) for word in content_words(span))


def names_no_one(span: str, entity_type: str, cased: bool) -> bool:
    """Return whether a model's organisation or place span names no one in particular.

    Takes the tidied span, its type and whether the text uses capitals. People are left
    alone (a person's name is never generic). True for an acronym in general use, a
    generic institution name or broad place (`is_generic_name`) and, in a cased text, a
    span with a content word in lower case.
    """
    if entity_type not in ("ORG", "LOCATION"):
        return False
    return (
        is_acronym_term(span)
        or is_generic_name(span)
        or (cased and is_lower_case_description(span))
    )
