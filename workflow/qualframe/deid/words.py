"""Word knowledge for name detection: English words, function words, case restoration.

Names are recognised partly by what they are not: a capitalised word in mid-sentence
that is no English word is probably a name. The English word list comes from the
`english-words` package (Webster's Second International and GCIDE); a word that
Webster's lists only with a capital ("Leeds", "Margaret") is a proper noun, not English.
"""

import re
import unicodedata
from functools import cache, lru_cache

from english_words import get_english_words_set

from qualframe.uk import ABBREVIATED_TITLES, MONTHS, WEEKDAYS

# Everyday words newer than the dictionaries (Webster's 1934, GCIDE 1913) or British.
EXTRA_WORDS = frozenset(
    """
    anonymised anonymized app apps backlog blog broadband caseload checklist childcare
    coordinator coordinators database dataset deadline downtime drop-in email exec
    feedback flipchart frontline fundraising goodbye grassroots headcount healthcare
    helpline hotline internet jigsaw judgement keyworker laptop lifeline lockdown
    mindset mobile nav nope obs offload ok okay online outreach paperwork podcast
    postcode prioritise prioritize redacted rota safeguarding satnav selfie signpost
    skillset smartphone software spreadsheet takeaway teamwork telly timeframe timeline
    upskill voicemail walk-in webinar website wellbeing wheelchair whiteboard wifi
    workforce workload worldwide yeah yep
    """.split()
)
# Closed-class words and discourse markers: never a name on their own, even when
# capitalised at the start of a turn ("So Harrowdale Council…", "Yeah, Nadia…").
FUNCTION_WORDS = frozenset(
    """
    a about above actually after again against all also although always am among an and
    another any anyway are around as at basically be because been before being below
    between both but by can cos could did do does doing done down during each either er
    erm even ever every everyone everything few for from further had has have having he
    her here hers herself him himself his honestly how however i if in into is it its
    itself just like literally maybe me might mine more most much must my myself
    neither never no nor not now obviously of off oh ok okay on once only or other our
    ours ourselves out over own perhaps please quite rather really right same she should
    since so some something sometimes still such than that the their theirs them
    themselves then there these they this those though through thus to too um under
    unless until up upon us very was we well were what whatever when where whether which
    while who whom whose why with within without would yeah yes yet you your yours
    yourself yourselves
    """.split()
)
# Capitalised words that name no one: nations, faiths, languages, festivals, platforms,
# days and months.
COMMON_PROPER_NOUNS = frozenset(
    """
    africa african america american arab arabic asia asian bangladesh bangladeshi black
    brexit britain british buddhist caribbean catholic china chinese christ christian
    christmas covid diwali easter eid england english europe european facebook france
    french german germany god google hindu india indian instagram internet ireland irish
    islam islamic jesus jewish king labour lent microsoft muslim ofsted pakistan pakistani
    poland polish protestant punjabi queen ramadan romania romanian scotland scottish sikh
    skype somali tory twitter uk ukraine ukrainian urdu victorian wales welsh western
    youtube
    """.split()
    + [day.lower() + plural for day in WEEKDAYS for plural in ("", "s")]
    + [month.lower() for month in MONTHS]
)
# Interview fillers and transcriber notes: never names, however written.
FILLERS = frozenset(
    """
    ah aha aye crosstalk er erm hm hmm huh inaudible laughs laughter mhm mm mm-hm mm-hmm
    mmm nope oh ok okay ooh pause sighs uh uh-huh uhm um umm wow yeah yep
    """.split()
)
CONTRACTION = re.compile(r"(?:n['’]t|['’](?:re|ve|ll|d|m|t))$|^o['’]clock$", re.IGNORECASE)
# Acronyms restored to capitals in lower-case text so the model reads "NHS", not "nhs".
ACRONYMS = frozenset({"nhs", "gp", "gps", "camhs", "cqc", "iapt", "icb", "ics", "ccg", "amhp"})
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
SENTENCE_END = '.!?:;\n"“”([])-–—'
LOWER_CASE_SHARE = 0.02


STEM_ENDINGS = (
    ("iest", ("y",)),
    ("ier", ("y",)),
    ("ies", ("y",)),
    ("es", ("", "e")),
    ("s", ("",)),
    ("ied", ("y",)),
    ("ed", ("", "e")),
    ("ing", ("", "e")),
    ("ly", ("",)),
    ("er", ("", "e")),
    ("est", ("", "e")),
)


# The dictionaries are American: "organisation", "colour", "paediatric", "centre".
BRITISH_SPELLINGS = (
    (re.compile(r"is(e|ed|es|ing|ation|ations)$"), r"iz\1"),
    (re.compile(r"our(s|ed|ing|ful|able)?$"), r"or\1"),
    (re.compile(r"tre(s)?$"), r"ter\1"),
    (re.compile(r"ll(or|ors|ed|ing)$"), r"l\1"),
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe(?=[a-z])"), "e"),
)
# Letters every one of BRITISH_SPELLINGS' patterns holds.
BRITISH_LETTERS = ("is", "our", "tre", "ll", "ae", "oe")


def american_spelling(word: str) -> str:
    """Return a lower-case word in American spelling ("organisation" -> "organization")."""
    if not any(letters in word for letters in BRITISH_LETTERS):
        return word  # no pattern can match (and none can make another match)
    for pattern, replacement in BRITISH_SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


def without_accents(word: str) -> str:
    """Return `word` without combining accents ("café" -> "cafe")."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache
def english_words() -> frozenset[str]:
    """Return the lower-case English word list (common nouns, verbs, adjectives…).

    Webster's entries written in lower case, plus GCIDE entries (which are all
    capitalised) that Webster's does not list only as a proper noun, plus EXTRA_WORDS.
    """
    webster = get_english_words_set(["web2"])
    webster_lower = {word for word in webster if word.islower()}
    proper_only = {word.lower() for word in webster if not word.islower()} - webster_lower
    gcide = get_english_words_set(["gcide"], lower=True)
    extra = {stem for word in EXTRA_WORDS for stem in (word, word + "s")}
    return frozenset(webster_lower | (gcide - proper_only) | extra)


def word_stems(word: str) -> list[str]:
    """Return `word` (lower case, no possessive) and the stems its regular endings allow.

    "teams" -> ["teams", "team", "teame"…]; crude on purpose: a false stem only makes
    a word count as English.
    """
    word = re.sub(r"['’]s?$", "", without_accents(word.lower()))
    stems = [word, american_spelling(word)]
    for ending, replacements in STEM_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            stem = word[: -len(ending)]
            stems += [stem + tail for tail in replacements]
            if len(stem) > 2 and stem[-1] == stem[-2]:  # "planning" -> "plan"
                stems.append(stem[:-1])
    return stems


@lru_cache(maxsize=1 << 16)
def is_english_word(word: str) -> bool:
    """Return whether `word` (any case, possibly hyphenated, possessive or contracted) is
    English.

    A hyphenated word is English when every part is ("drop-in", "well-being"); a
    contraction ("we're", "don't", "I'll") and a filler ("Mm-hm") always are.
    """
    if CONTRACTION.search(word) or word.lower() in FILLERS:
        return True
    words = english_words()
    parts = [part for part in re.split(r"[-–]", word) if part]
    return bool(parts) and all(any(stem in words for stem in word_stems(part)) for part in parts)


def is_function_word(word: str) -> bool:
    """Return whether `word` is a closed-class word or discourse marker ("So", "yeah")."""
    return word.lower().strip("'’") in FUNCTION_WORDS


def is_common_proper_noun(word: str) -> bool:
    """Return whether `word` is a capitalised word that identifies no one ("English")."""
    return re.sub(r"['’]s$", "", word.lower()) in COMMON_PROPER_NOUNS


LOWER_CASE_SAMPLE = 6000
WORD_START = re.compile(r"\b[^\W\d_]")
# `\b[A-ZÀ-ÖØ-Þ]` and `\bI\b` written to open with what they match, so re skips to it
# quickly: the look-behind after the capital is the word boundary before it.
CAPITAL_START = re.compile(r"[A-ZÀ-ÖØ-Þ](?<!\w\w)")
PRONOUN_I = re.compile(r"I(?<!\wI)(?!\w)")


@lru_cache(maxsize=1024)  # asked by detectors, then again by propagation, for every transcript
def is_mostly_lower_case(text: str) -> bool:
    """Return whether `text` looks like an auto-transcript written in lower case.

    True when under 2% of its words (other than "I") start with a capital; ordinary
    interview text has over 10%. Judged on the first LOWER_CASE_SAMPLE characters: a
    transcript is written in one style throughout.
    """
    text = text[:LOWER_CASE_SAMPLE]
    pronouns = len(PRONOUN_I.findall(text))
    words = len(WORD_START.findall(text)) - pronouns
    capitalised = len(CAPITAL_START.findall(text)) - pronouns
    return words > 0 and capitalised < LOWER_CASE_SHARE * words


def is_sentence_start(text: str, start: int) -> bool:
    """Return whether the word at `start` opens a sentence, turn or quotation."""
    index = start - 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    return index < 0 or text[index] in SENTENCE_END


def capitalise_at(chars: list[str], index: int) -> None:
    """Capitalise chars[index] in place unless its upper case is longer ("ß" -> "SS")."""
    upper = chars[index].upper()
    if len(upper) == 1:
        chars[index] = upper


def restore_case(text: str) -> str:
    """Return a copy of lower-case `text`, of the same length, with likely names capitalised.

    Capitalises sentence starts, "i", abbreviated titles and the word after one ("dr
    okafor"), words that are not English ("priya", "bolton") and known acronyms ("nhs"),
    so a named-entity model trained on edited text can read an auto-transcript. Offsets
    into the copy are offsets into `text`.
    """
    chars = list(text)
    after_title = False
    for match in WORD.finditer(text):
        word, start = match.group(), match.start()
        bare = word.lower()
        if bare in ACRONYMS:
            chars[start : match.end()] = [c.upper() if len(c.upper()) == 1 else c for c in word]
        elif (
            bare == "i"
            or bare in ABBREVIATED_TITLES
            or is_sentence_start(text, start)
            or (after_title and not is_function_word(word))
            or not (is_english_word(word) or is_function_word(word))
        ):
            capitalise_at(chars, start)
        after_title = bare in ABBREVIATED_TITLES
    return "".join(chars)
