"""What a word is in a language: a filler, a function word, a common word, a known name.

Propagation and the filtering of weak detections ask these questions before a word
found once is treated as a name: taggers trained on news text misfire on fillers
("Uh"), on other languages' function words ("et", "qui") and on technical words
("Python", "API"). Function words come from spaCy's stop-word lists (shipped with
spaCy for many languages, no model needed) plus ours; common words from wordfreq's
frequency lists (Apache-2.0 code, CC BY-SA 4.0 data) and, for English, the
dictionary of `words`; known names from Faker's given-name and surname lists.
"""

import importlib.util
import re
import runpy
from functools import cache, lru_cache
from pathlib import Path

from faker import Faker

from qualframe.deid.words import FILLERS, FUNCTION_WORDS, is_english_word

# wordfreq's Zipf scale: 3.0 is once per million words. Over 3.5 a word is everyday
# vocabulary or a well-known name ("python" 3.6, "api" 3.9, "helen" 4.4): such a word
# found once is a name only where the corpus says so.
COMMON_ZIPF = 3.5
# Faker locales whose given names and surnames count as known names: the English-
# speaking ones (UK, Ireland, US, India, New Zealand) and the languages with a pipeline.
NAME_LOCALES = ("en_GB", "en_IE", "en_NZ", "en_US", "en_IN", "fr_FR")
NAME_ATTRIBUTES = ("first_names", "first_names_female", "first_names_male", "last_names")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")  # a folder of spacy.lang
# The parts of an elided or hyphenated phrase ("c'est", "peut-être", "mm-hmm").
WORD_PARTS = re.compile(r"[^\W\d_]+['’]?", re.UNICODE)


@cache
def stop_words(language: str) -> frozenset[str]:
    """Return spaCy's stop words for a language code ("en", "fr"), empty if it has none.

    English adds qualframe's own list of closed-class words and discourse markers.
    """
    listed = spacy_stop_words(language)
    words = frozenset(word.casefold().replace("’", "'") for word in listed)
    return words | FUNCTION_WORDS if language == "en" else words


def spacy_stop_words(language: str) -> set[str]:
    """Return `spacy.lang.<language>.stop_words.STOP_WORDS`, empty if there is none.

    The file is run on its own (it imports nothing): importing it as a module would
    first import spaCy and the language's package, whose tokenizer exceptions take
    seconds to build for French, and nothing of which is needed here.
    """
    spec = importlib.util.find_spec("spacy")
    if not LANGUAGE_CODE.fullmatch(language) or spec is None or spec.origin is None:
        return set()
    path = Path(spec.origin).parent / "lang" / language / "stop_words.py"
    if not path.is_file():
        return set()
    return set(runpy.run_path(str(path)).get("STOP_WORDS", ()))


def word_parts(term: str) -> list[str]:
    """Return the words of a term, an elided article or pronoun kept with its apostrophe.

    "c'est" -> ["c'", "est"]; "Mm-hmm" -> ["mm", "hmm"]; lower case, straight apostrophes.
    """
    return [part.casefold().replace("’", "'") for part in WORD_PARTS.findall(term)]


def is_filler(term: str) -> bool:
    """Return whether a term is an interview filler or transcriber note ("Uh", "mm-hmm")."""
    folded = term.casefold().strip(" .,!?'’")
    return folded in FILLERS or all(part in FILLERS for part in word_parts(term) or ["?"])


def is_function_phrase(term: str, languages: tuple[str, ...]) -> bool:
    """Return whether every word of a term is a function word of one of `languages`.

    "et", "qui", "c'est" in French, "the" or "so" in English; an elided article or
    pronoun ("l'", "j'") counts as one.
    """
    parts = word_parts(term)
    if not parts:
        return True
    words = stop_words_of(languages)
    return all(is_function_part(part, words) for part in parts)


@lru_cache(maxsize=64)  # a corpus has a few language combinations, asked per term
def stop_words_of(languages: tuple[str, ...]) -> frozenset[str]:
    """Return the stop words of all of `languages` (`stop_words`), united once."""
    return frozenset().union(*(stop_words(language) for language in languages))


def is_function_part(part: str, words: frozenset[str]) -> bool:
    """Return whether one folded word is in `words` or is a one-letter elision ("l'")."""
    bare = part.rstrip("'")
    return part in words or bare in words or (len(bare) == 1 and part.endswith("'"))


@lru_cache(maxsize=1 << 16)
def zipf(word: str, language: str) -> float:
    """Return wordfreq's Zipf frequency of a word in a language (0 when unknown)."""
    from wordfreq import zipf_frequency

    try:
        return zipf_frequency(word, language)
    except (LookupError, ImportError):
        # a language wordfreq has no list for, or whose tokenizer is an optional extra
        # (Chinese needs jieba, Japanese and Korean MeCab): no common words known
        return 0.0


def is_common_word(word: str, languages: tuple[str, ...]) -> bool:
    """Return whether a single word is everyday vocabulary of one of `languages`.

    English: in the dictionary (`is_english_word`, which leaves out words Webster's gives
    only as proper nouns, "Agnes"), or an acronym frequent by wordfreq ("API", "ML").
    Other languages: frequent by wordfreq, whose lists hold frequent names too ("Pierre"):
    ask `is_known_name`.
    """
    folded = word.casefold().replace("’", "'")
    for language in languages:
        if language == "en":
            if is_english_word(word) or (word.isupper() and zipf(folded, "en") >= COMMON_ZIPF):
                return True
        elif zipf(folded, language) >= COMMON_ZIPF:
            return True
    return False


@cache
def known_names() -> frozenset[str]:
    """Return given names and surnames of Faker's NAME_LOCALES, case-folded."""
    names: set[str] = set()
    for locale in NAME_LOCALES:
        provider = Faker(locale).provider("faker.providers.person")
        for attribute in NAME_ATTRIBUTES:
            names |= {name.casefold() for name in getattr(provider, attribute, ())}
    return frozenset(names)


def is_known_name(word: str) -> bool:
    """Return whether a word is a known given name or surname ("Grace", "Price", "Okafor")."""
    return re.sub(r"['’]s$", "", word).casefold() in known_names()
