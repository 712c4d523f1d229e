"""Names recognisable by their shape: after a title, with initials, ending in "Trust",
"Council", "Road"…, acronyms of organisations found, unfamiliar capitalised words."""

import bisect
import functools
import re

from qualframe.deid.lexicon import COMMON_ZIPF, is_known_name, zipf
from qualframe.deid.places import broad_place_keys, uk_place_names
from qualframe.deid.rules import Hit, hit_from_match
from qualframe.deid.words import (
    ACRONYMS,
    is_common_proper_noun,
    is_english_word,
    is_function_word,
    is_sentence_start,
)
from qualframe.uk import ABBREVIATED_TITLES, RANK_ALTERNATIVES, TITLE_ALTERNATIVES, WORD_TITLES

# --- names by their shape ----------------------------------------------------------------
# These read capitals, so on a lower-case auto-transcript they run on a case-restored copy
# (`words.restore_case`), whose offsets are those of the original.

TITLE_BEFORE_NAME = (
    r"(?:(?=[A-Z])(?i:" + TITLE_ALTERNATIVES + r")\.?|(?:" + RANK_ALTERNATIVES + r")\b)"
)
NAME_WORD = r"[A-Z][\w'’]*(?:-[A-Za-z][\w'’]*)*"
INITIALS = r"(?:[A-Z](?:\.\s*|\s+))*"
TITLED_NAME = re.compile(
    r"\b" + TITLE_BEFORE_NAME + r"\s+(" + INITIALS + NAME_WORD + r"(?:\s+" + NAME_WORD + r")?)"
)
POSSESSIVE_END = re.compile(r"(?:['’][sS]?)$")


def name_words_end(text: str, start: int, end: int) -> int:
    """Return where a titled name in text[start:end] ends.

    A trailing word that is a function word ("Dr Quist And…") is dropped, and a
    possessive ("Dr Quist's") is left outside.
    """
    words = list(re.finditer(r"\S+", text[start:end]))
    while len(words) > 1 and is_function_word(words[-1].group()):
        words.pop()
    end = start + words[-1].end()
    possessive = POSSESSIVE_END.search(text, start, end)
    return possessive.start() if possessive and possessive.start() > start else end


def find_titled_names(text: str) -> list[Hit]:
    """Return names after a UK title, with or without a full stop (PERSON, "rule:title").

    "Dr Nadia Quist", "Cllr B Orme", "Sgt. O'Neill", "DI Varley": the span is the name
    with its initials, without the title. A title followed by a function word ("Doctor
    Who") is no name.
    """
    hits = []
    for match in TITLED_NAME.finditer(text):
        start, end = match.span(1)
        first_word = text[start:end].split()[0]
        if is_function_word(first_word):
            continue
        end = name_words_end(text, start, end)
        hits.append(Hit(start, end, "PERSON", text[start:end], "rule:title", 0.95))
    return hits


# The last word of a name says what it names: "… NHS Foundation Trust" an organisation,
# "… Road" or "… House" a place.
STREET_SUFFIXES = frozenset(
    (
        "road rd street lane avenue drive crescent grove terrace square gardens parade mews "
        "close way walk row"
    ).split()
)
SUFFIX_TYPES = {
    **dict.fromkeys(
        (
            "trust council police constabulary service ccg icb partnership hospitals "
            "healthcare surgery practice school academy college association charity "
            "foundation ltd limited plc hub cafe café"
        ).split(),
        "ORG",
    ),
    **dict.fromkeys(STREET_SUFFIXES, "LOCATION"),
    **dict.fromkeys(
        (
            "hospital house centre center ward unit suite clinic building hall lodge court "
            "wing infirmary park estate"
        ).split(),
        "LOCATION",
    ),
}
# Words that make a name generic rather than proper: "Mental Health Trust", "Crisis
# House", "Car Park", "Decision Unit", "Best Practice" (before a street type any word
# will do: "High Street" is a street).
GENERIC_NAME_WORDS = frozenset(
    """
    act acute adult adults advice advisory ambulance assessment baby best borough bus
    business car care central child children childrens city civic clinical commissioning
    community county court crisis crown day decision dental district drop-in education
    elementary emergency families family fire form foundation further general good
    grammar group haven health health-based high home hospital housing infant inpatient
    integrated intensive job junior liaison local magistrates main medical mental middle
    mother national new nhs night nursery old older outpatient parish partnership peer
    people place police primary prison private probation psychiatric public railway
    recovery regional rescue resolution respite royal safe safety sanctuary secondary
    section secure service services sixth social special specialist staff station
    support teaching team town train treatment triage unified university urgent
    voluntary walk-in wellbeing women womens young youth
    """.split()
)
# Starts only at a word's start: from inside a long capitalised token each start would
# rescan the token (quadratic: 125 s for one 100,000-character token).
# The patterns below open with the capital they match, so re skips to capitals quickly;
# the look-behind after it says what `(?<!…)` before it would (the same matches,
# tests/unit/test_deid_fast_paths.py).
CAPITALISED_RUN = re.compile(
    r"[A-Z](?<![\w'’&-][A-Z])(?:(?<=S)t\b\.?|[\w'’&-]*)"
    r"(?:\s+(?:(?:and|&|of|upon|on|in|le|la|de)\s+)?(?:St\b\.?|[A-Z][\w'’&-]*))+"
)


def suffixed_name(text: str, start: int, end: int) -> Hit | None:
    """Return the named organisation or place that text[start:end] is, if its suffix says so.

    Takes a run of capitalised words; leading function words ("So", "The") are dropped.
    The run's last word must be a known suffix (`SUFFIX_TYPES`). Before a street type
    any word will do ("School Road", "High Street"); before another suffix some word
    must be neither a suffix nor generic (`GENERIC_NAME_WORDS`): "Mental Health Trust"
    and "Crisis House" name no one.
    """
    words = list(re.finditer(r"\S+", text[start:end]))
    while words and is_function_word(words[0].group()):
        words.pop(0)
    if len(words) < 2:
        return None
    suffix = words[-1].group().lower()
    entity_type = SUFFIX_TYPES.get(suffix)
    name_words = [w.group().lower() for w in words[:-1] if w.group()[0].isupper()]
    specific = [w for w in name_words if w not in GENERIC_NAME_WORDS | SUFFIX_TYPES.keys()]
    if entity_type is None or not (specific or (name_words and suffix in STREET_SUFFIXES)):
        return None
    start, end = start + words[0].start(), start + words[-1].end()
    # "Larkspur Hospital" is surely a name; "Beacon House" probably.
    confidence = 0.9 if any(not is_english_word(word) for word in specific) else 0.75
    return Hit(start, end, entity_type, text[start:end], "rule:suffix", confidence)


def find_suffixed_names(text: str) -> list[Hit]:
    """Return organisations and places named by capitalised words and a telling suffix.

    "Harrowdale NHS Foundation Trust", "Tyne and Wear Council" (ORG); "Marlpit Road",
    "St Brannock's Hospital" (LOCATION). Detector "rule:suffix".
    """
    hits = []
    for match in CAPITALISED_RUN.finditer(text):
        run_start, run_end = match.span()
        # A run may hold a name and go on ("Harrowdale Council Offices"): try each suffix.
        for word in re.finditer(r"\S+", match.group()):
            if word.group().lower() in SUFFIX_TYPES:
                hit = suffixed_name(text, run_start, run_start + word.end())
                if hit:
                    hits.append(hit)
    return longest_hits(hits)


def longest_hits(hits: list[Hit]) -> list[Hit]:
    """Return `hits` without those inside a longer one ("Harrowdale NHS Foundation" in
    "Harrowdale NHS Foundation Trust")."""
    return [
        hit
        for hit in hits
        if not any(
            other is not hit
            and other.start <= hit.start
            and hit.end <= other.end
            and other.end - other.start > hit.end - hit.start
            for other in hits
        )
    ]


# Street types that, even in lower case, follow nothing but a street's name.
STREET_TYPES = frozenset("avenue crescent terrace gardens mews parade grove row".split())
LOWER_CASE_WORD = re.compile(r"[a-z][a-z'’-]*")
MAX_NAME_WORDS = 4


def find_suffixed_names_uncased(text: str) -> list[Hit]:
    """Return organisations and places by suffix in a lower-case text ("deane road").

    Without capitals the name is the run of up to four words before the suffix, cut at
    a function word, punctuation or a digit, from its first word that looks proper
    (`is_proper_looking`: "hancock street") or, before a street type that follows only
    names, its first word that is not generic ("quarry avenue"). Detector "rule:suffix".
    """
    hits = []
    for suffix in LOWER_CASE_WORD.finditer(text):
        entity_type = SUFFIX_TYPES.get(suffix.group())
        if entity_type is None:
            continue
        words: list[re.Match] = []
        cursor = suffix.start()
        while len(words) < MAX_NAME_WORDS:
            previous = re.search(r"([a-z][a-z'’-]*) $", text[max(0, cursor - 40) : cursor])
            if previous is None or is_function_word(previous.group(1)):
                break
            start = cursor - len(previous.group(0))
            words.insert(0, LOWER_CASE_WORD.match(text, start))
            cursor = start
        proper = [word for word in words if is_proper_looking(word.group())]
        if proper:  # "lovely old wexcombe house" -> "wexcombe house"
            words = words[words.index(proper[0]) :]
        while words and words[0].group() in GENERIC_NAME_WORDS | SUFFIX_TYPES.keys():
            words.pop(0)
        if not words:
            continue
        if proper or suffix.group() in STREET_TYPES:
            start, end = words[0].start(), suffix.end()
            confidence = 0.75 if proper else 0.6
            hits.append(Hit(start, end, entity_type, text[start:end], "rule:suffix", confidence))
    return hits


def is_proper_looking(word: str) -> bool:
    """Return whether a lower-case word looks like part of a name: no English word, no
    everyday proper noun ("victorian"), no known acronym ("camhs")."""
    return not (is_english_word(word) or is_common_proper_noun(word) or word in ACRONYMS)


INITIALLED_NAME = re.compile(
    r"([A-Z](?<!\S[A-Z])\.\s?(?:[A-Z]\.\s?)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w'’-])"
)
# an initial without its full stop ("I report to J Leach"): only in mid-sentence, where a
# lone capital letter is no article or pronoun
BARE_INITIAL_NAME = re.compile(r"([A-HJ-Z](?<!\S[A-HJ-Z]) [A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w'’-])")


def find_initialled_names(text: str) -> list[Hit]:
    """Return names written with initials ("B. Day", "J.K. Quist", mid-sentence "J Leach")
    as PERSON hits.

    The word before must not be capitalised ("Plan B. Staff…" is no name), nor the
    name a function word ("A. Then…"), nor the initial a lone "I.". Detector
    "rule:initials".
    """
    hits = []
    for match in INITIALLED_NAME.finditer(text):
        start, end = match.span(1)
        initials = re.match(r"(?:[A-Z]\.\s?)+", match.group(1)).group()
        surname = match.group(1)[len(initials) :]
        if (
            initials.strip() != "I."  # "…than I. Still, …"
            and not is_function_word(surname)
            and not previous_capitalised(text, start)
        ):
            hits.append(Hit(start, end, "PERSON", text[start:end], "rule:initials", 0.7))
    for match in BARE_INITIAL_NAME.finditer(text):
        start, end = match.span(1)
        surname = match.group(1)[2:]
        if (
            not is_sentence_start(text, start)
            and not is_function_word(surname)
            and not previous_capitalised(text, start)
        ):
            hits.append(Hit(start, end, "PERSON", text[start:end], "rule:initials", 0.6))
    return hits


def previous_capitalised(text: str, start: int) -> bool:
    """Return whether the word just before `start` (same sentence) starts with a capital."""
    match = re.search(r"([^\W\d_]+)[ \t]+$", text[max(0, start - 30) : start])
    return match is not None and match.group(1)[0].isupper()


# Trust acronyms: letters ending in N(HS) + (F)T, such as "PMNHSFT" or "WSHNT".
# `\b[A-Z]{3,}\b`, opening with the capital (see CAPITALISED_RUN)
ACRONYM_WORD = re.compile(r"[A-Z](?<!\w[A-Z])[A-Z]{2,}\b")
TRUST_ACRONYM = re.compile(r"\b[A-Z]{2,}(?:NHS|N)F?T\b")
CONNECTORS = frozenset({"and", "&", "of", "the", "upon", "on"})
ORG_AND_PLACE = ("ORG", "LOCATION")


def acronyms_of(name: str) -> set[str]:
    """Return the acronyms a multi-word name may be written as.

    "Harrowdale Vale NHS Foundation Trust" -> {"HVNFT", "HVNHSFT"}; connectors ("and",
    "of") are skipped.
    """
    words = [word for word in re.findall(r"[\w'’]+", name) if word.lower() not in CONNECTORS]
    if len(words) < 2:
        return set()
    initials = "".join(word[0].upper() for word in words)
    whole = "".join(word if word.isupper() else word[0].upper() for word in words)
    return {initials, whole} - {""}


def find_acronyms(text: str, names: list[Hit]) -> list[Hit]:
    """Return acronyms of trusts and of the given organisation hits ("rule:acronym").

    Takes the text and hits already found in it; an acronym of a detected organisation
    ("HVNFT" after "Harrowdale Vale NHS Foundation Trust") is near-certain, a word shaped
    like a trust's acronym less so.
    """
    wanted = {
        acronym: hit.entity_type
        for hit in names
        if hit.entity_type == "ORG"
        for acronym in acronyms_of(hit.text)
        if len(acronym) >= 3
    }
    candidates = list(ACRONYM_WORD.finditer(text))
    if any(match.group() not in wanted for match in candidates):
        wanted = acronyms_of_runs(text, names) | wanted
    hits = []
    for match in candidates:
        if match.group() in wanted:
            hits.append(hit_from_match(match, wanted[match.group()], "acronym", 0.85))
        elif TRUST_ACRONYM.fullmatch(match.group()):
            hits.append(hit_from_match(match, "ORG", "acronym", 0.6))
    return hits


def acronyms_of_runs(text: str, names: list[Hit]) -> dict[str, str]:
    """Return {acronym: "ORG"} of the runs of capitalised words that hold an organisation or
    place found: "Palo Alto Unified School District", where only "Palo Alto" was found,
    is written "PAUSD"."""
    found = sorted((hit.start, hit.end) for hit in names if hit.entity_type in ORG_AND_PLACE)
    if not found:
        return {}
    starts = [start for start, _ in found]
    wanted = {}
    for run in CAPITALISED_RUN.finditer(text):
        index = bisect.bisect_left(starts, run.end()) - 1
        if index >= 0 and found[index][1] > run.start():
            words = run.group().split()
            while words and is_function_word(words[0]):  # "At Wexcombe…" opening a sentence
                words.pop(0)
            for acronym in acronyms_of(" ".join(words)):
                if len(acronym) >= 3:
                    wanted[acronym] = "ORG"
    return wanted


def find_name_patterns(text: str) -> list[Hit]:
    """Return names recognised by a title, a suffix or initials, sorted by start and end.

    Takes text with capitals as written (or restored, see `words.restore_case`).
    """
    hits = find_titled_names(text) + find_suffixed_names(text) + find_initialled_names(text)
    return sorted(hits, key=lambda hit: (hit.start, hit.end))


# Capitalised words, possibly "O'Brien", "McDonald" or "Smith-Jones"; digits excluded.
CAPITALISED_WORD = re.compile(r"[A-Z](?<![\w'’-][A-Z])[^\W\d_]*(?:['’-][^\W\d_]+)*(?![\w'’-])")
PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "to", "near", "around", "into", "outside"})
PREVIOUS_WORD = re.compile(r"([^\W\d_]+)\W*$")


def previous_word(text: str, start: int) -> str:
    """Return the word just before offset `start`, lower case ("" at the start)."""
    match = PREVIOUS_WORD.search(text, max(0, start - 30), start)
    return match.group(1).lower() if match else ""


@functools.lru_cache(maxsize=65536)  # pure, and called for every mention
def is_unfamiliar(word: str) -> bool:
    """Return whether a capitalised word is neither English nor a name of no one.

    All-capital acronyms, titles, function words, English words ("Beacon"), everyday
    proper nouns ("English", "Christmas") and frequent derived words the dictionary lacks
    ("Automation", "Hungarian") are familiar.
    """
    bare = POSSESSIVE_END.sub("", word)
    return not (
        len(bare) < 2
        or bare.removesuffix("s").isupper()  # "ICB", "GPs"
        or bare.lower() in ABBREVIATED_TITLES + WORD_TITLES
        or is_function_word(bare)
        or is_common_proper_noun(bare)
        or is_english_word(bare)
        or is_derived_vocabulary(bare)
    )


# Endings of words English derives by rule ("automation", "Hungarian", "Spanish"); a
# frequent word so formed is vocabulary the dictionary lacks, not a name.
DERIVED_ENDINGS = ("tion", "sion", "ment", "ness", "ity", "ism", "ian", "ish", "ese", "ics")
MIN_DERIVED_LENGTH = 6


def is_derived_vocabulary(word: str) -> bool:
    """Return whether a word is frequent English vocabulary formed with a derivational
    ending (`DERIVED_ENDINGS`) and neither a known given name or surname ("Christian",
    "Julian") nor a UK or Irish town."""
    folded = word.casefold()
    return (
        len(folded) >= MIN_DERIVED_LENGTH
        and folded.endswith(DERIVED_ENDINGS)
        and zipf(folded, "en") >= COMMON_ZIPF
        and not is_known_name(word)
        and folded not in uk_place_names()
    )


def find_unfamiliar_words(text: str) -> list[Hit]:
    """Return capitalised words in mid-sentence that are not English ("rule:unfamiliar").

    A weak signal for names a model missed ("Okonkwo", "Trewarthen"): low confidence,
    lower still at the start of a sentence, where capitals say less; LOCATION after
    "in", "at", "from"…, else PERSON. A possessive stays outside the span. A country or
    US state right after "in" is that place, not a person of that name ("in Holland").
    """
    hits = []
    for match in CAPITALISED_WORD.finditer(text):
        word, start = match.group(), match.start()
        if not is_unfamiliar(word):
            continue
        possessive = POSSESSIVE_END.search(word)
        end = start + (possessive.start() if possessive else len(word))
        before = previous_word(text, start)
        if before == "in" and not possessive and word.casefold() in broad_place_keys():
            continue
        place = before in PLACE_PREPOSITIONS
        entity_type = "LOCATION" if place else "PERSON"
        confidence = 0.3 if is_sentence_start(text, start) else 0.4
        hits.append(Hit(start, end, entity_type, text[start:end], "rule:unfamiliar", confidence))
    return joined_neighbours(text, hits)


def joined_neighbours(text: str, hits: list[Hit]) -> list[Hit]:
    """Return hits sorted by start, those separated by one space joined into one.

    "Tomasz Wierzbicki" is one name, so propagation can also find its parts; the joined
    hit keeps the first one's type and the higher confidence.
    """
    joined: list[Hit] = []
    for hit in sorted(hits):
        last = joined[-1] if joined else None
        if last and text[last.end : hit.start] == " ":
            confidence = max(last.confidence, hit.confidence)
            joined[-1] = last._replace(
                end=hit.end, text=text[last.start : hit.end], confidence=confidence
            )
        else:
            joined.append(hit)
    return joined
