"""Propagation with evidence: a term found once is replaced everywhere only when the corpus
supports it.

Every detected surface (and each part of a person's full name) is a candidate term. A
person, organisation or place term is searched for across the corpus only when it is
in the study register or looks like a name where it occurs: it is no filler, no
function word of the text's language, no common word of that language (unless it is a
known given name or surname), and, where the text uses capitals, it is capitalised in
most of its mid-sentence occurrences. A single model tag of a filler, a function word
or a common word that is no known name is dropped too. A term of the study's codebook
(`team`) that only the model or the unfamiliar-word rule found is the study's own word:
kept wherever it occurs. Each term's evidence (occurrences, how many were tagged, by
which detectors, capitalisation) and the verdict are returned for the review list.

The leak scan makes the same decision from that evidence (`replaced_everywhere`,
`left_in_clear`): it looks for a term only where propagation would have replaced it.
"""

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from qualframe.deid.allow import is_allowed, is_title
from qualframe.deid.detect import skipped_spans
from qualframe.deid.language import text_languages
from qualframe.deid.lexicon import (
    is_common_word,
    is_filler,
    is_function_phrase,
    is_known_name,
)
from qualframe.deid.mentions import (
    NAMED_TYPES,
    PROPAGATED,
    Mention,
    detections_by_transcript,
    resolve_overlaps,
    trim_to_name,
)
from qualframe.deid.names import PLACE_PREPOSITIONS, previous_word
from qualframe.deid.occurrences import Occurrence, Reuse, tagged, term_spans
from qualframe.deid.places import uk_place_names
from qualframe.deid.register import build_matcher, term_key
from qualframe.deid.team import in_vocabulary
from qualframe.deid.words import is_english_word, is_mostly_lower_case, is_sentence_start
from qualframe.text.canonical import canonical_text

PART_PUNCTUATION = ".,;:!?\"'’‘“”()"
MIN_PART_LENGTH = 2
# Detectors whose single tag of a common word is not trusted on its own.
WEAK_DETECTORS = frozenset({"ner", "rule:unfamiliar", PROPAGATED})
NAME_SHARE = 0.5  # capitalised in more than half of the mid-sentence occurrences
NAME_PART = "name part"  # listed with a term's detectors: a word of a detected full name
KEPT_IN_CODEBOOK = "kept: in the codebook"
# Joins a lower-case word into a compound or an option name ("max-width", "--max-cell-chars").
COMPOUND_JOINERS = "-_"
EVIDENCE_COLUMNS = [
    "entity_type",
    "term",
    "occurrences",
    "tagged",
    "detectors",
    "mid_sentence",
    "capitalised",
    "languages",
    "propagated",
    "reason",
]

TermKey = tuple[str, str]  # (entity type, case-folded surface)


class Evidence(NamedTuple):
    """What the corpus says about one term, and whether it is propagated (and why)."""

    entity_type: str
    term: str
    occurrences: int
    tagged: int
    detectors: str
    mid_sentence: int
    capitalised: int
    languages: str
    propagated: bool
    reason: str


def name_parts(full_name: str, allowed: frozenset[str]) -> list[str]:
    """Return the words of a person's name worth searching for on their own.

    Titles, words shorter than two characters and allow-listed words are skipped.
    """
    parts = (word.strip(PART_PUNCTUATION) for word in full_name.split())
    return [
        part
        for part in parts
        if len(part) >= MIN_PART_LENGTH
        and not is_title(part)
        and not is_allowed(part, "PERSON", allowed)
    ]


@lru_cache(maxsize=1 << 16)  # asked per detection and per term: names recur
def is_lexically_excluded(term: str, languages: tuple[str, ...]) -> str:
    """Return why a term cannot be a name in these languages ("" when it can).

    A filler or function word never is; a single common word is not unless it is a
    known given name or surname ("Grace", "Price") or a UK or Irish town ("Worcester").
    The term is judged in its canonical view ("Ｕｈ" is "Uh").
    """
    term = canonical_text(term)
    if is_filler(term):
        return "filler"
    if is_function_phrase(term, languages):
        return "function word"
    if (
        " " not in term.strip()
        and is_common_word(term, languages)
        and not is_known_name(term)
        and term.casefold() not in uk_place_names()
    ):
        return "common word"
    return ""


def keeps_single_tag(mention: Mention, text: str, languages: tuple[str, ...]) -> bool:
    """Return whether one detection stands on its own before any propagation.

    Registered terms and other entity types always do. A filler or function word tagged
    as a name never does; a common word that is no known name does only when a detector
    other than the model or the unfamiliar-word rule found it, or when it is capitalised
    in mid-sentence ("asked Ed", "says Garden", "the Met"). An acronym that is a common
    word ("API", "ML") never does on a weak tag.
    """
    if mention.entity_type not in NAMED_TYPES or "register" in mention.detectors:
        return True
    reason = is_lexically_excluded(mention.text, languages)
    if reason in ("filler", "function word"):
        return False
    if reason == "common word" and set(mention.detectors) <= WEAK_DETECTORS:
        # kept where its capital says "name": in mid-sentence ("asked Ed", "says Garden",
        # "the Met"), or after "in", "at"… ("Sale"); an acronym ("API") never
        capitalised = mention.text[:1].isupper() and not mention.text.isupper()
        return capitalised and (
            not is_sentence_start(text, mention.start)
            or previous_word(text, mention.start) in PLACE_PREPOSITIONS
        )
    return True


def search_terms(
    detected: Mapping[str, list[Mention]], allowed: frozenset[str]
) -> tuple[dict[str, str], dict[TermKey, float], dict[TermKey, set[str]]]:
    """Return the terms to search for across the corpus, how sure each is, and who found it.

    Takes the resolved detections per transcript and the normalised allow-list. Every
    detected surface is a term, and so is each part of a multi-word person name; the
    first entity type seen (transcripts in id order, then by start) wins for a term.
    Returns {surface: entity type}, {(entity type, folded surface): the highest
    confidence of the detections it comes from} and {same key: their detectors}.
    """
    terms: dict[str, str] = {}
    confidence: dict[TermKey, float] = {}
    detectors: dict[TermKey, set[str]] = {}
    parts = name_parts_found(detected, allowed)
    for transcript_id in sorted(detected):
        for mention in detected[transcript_id]:
            surfaces = [mention.text]
            if mention.entity_type == "PERSON" and len(mention.text.split()) > 1:
                surfaces += name_parts(mention.text, allowed)
            for surface in surfaces:
                # an age is a fact about one person at one moment: the same number
                # elsewhere ("fourteen hours") is not that person
                if mention.entity_type == "AGE" or is_allowed(
                    surface, mention.entity_type, allowed
                ):
                    continue
                terms.setdefault(surface, mention.entity_type)
                key = (mention.entity_type, term_key(surface))
                confidence[key] = max(confidence.get(key, 0.0), mention.confidence)
                detectors.setdefault(key, set()).update(mention.detectors)
                if key in parts:
                    detectors[key].add(NAME_PART)
    return terms, confidence, detectors


def name_parts_found(
    detected: Mapping[str, list[Mention]], allowed: frozenset[str]
) -> set[TermKey]:
    """Return the keys of the words of every multi-word person name detected."""
    return {
        ("PERSON", term_key(part))
        for mentions in detected.values()
        for mention in mentions
        if mention.entity_type == "PERSON" and len(mention.text.split()) > 1
        for part in name_parts(mention.text, allowed)
    }


def is_capitalised(occurrence: str) -> bool:
    """Return whether every word of an occurrence of two or more letters starts with a capital."""
    words = [word for word in occurrence.split() if len(word) > 1]
    return bool(words) and all(word[:1].isupper() for word in words)


def is_common_word_in_lower_case(occurrence: str) -> bool:
    """A lower-case occurrence of a one-word name that is also an English word ("price"
    for "Price") is the word, not the name, in a text that otherwise uses capitals."""
    return " " not in occurrence and occurrence[:1].islower() and is_english_word(occurrence)


def is_in_lower_case_compound(text: str, start: int, end: int) -> bool:
    """Whether a lower-case occurrence is joined by a hyphen or underscore to a lower-case
    word ("max" in "max-width" or "--max-cell-chars"): a compound or an option name."""
    if not text[start:end].islower():
        return False
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    return (len(before) == 2 and before[1] in COMPOUND_JOINERS and before[0].islower()) or (
        len(after) == 2 and after[0] in COMPOUND_JOINERS and after[1].islower()
    )


def left_in_clear(text: str, start: int, end: int, lower_case_text: bool) -> bool:
    """Whether an occurrence text[start:end] of a term replaced everywhere is left as it
    is: a lower-case English word in a text that otherwise uses capitals ("price" for
    "Price"), or a lower-case part of a compound or option name ("max-width").

    `lower_case_text`: the text is mostly lower case (`is_mostly_lower_case`), as an
    automatic transcript, where names are lower case too. Propagation and the leak scan
    both decide by this function.
    """
    surface = text[start:end]
    if not lower_case_text and is_common_word_in_lower_case(surface):
        return True
    return is_in_lower_case_compound(text, start, end)


def replaced_everywhere(evidence: pd.DataFrame) -> dict[str, bool]:
    """{term key: whether propagation replaced the term wherever it occurs} from the
    propagation evidence (EVIDENCE_COLUMNS); a term judged under several entity types
    is replaced when any judgement says so. The leak scan looks only for terms judged
    so: one that is not (a common word, a term of the codebook) is left where no
    detector tagged it, and is no leak there."""
    found: dict[str, bool] = {}
    for term, propagated in zip(evidence["term"], evidence["propagated"], strict=True):
        key = term_key(str(term))
        # read back from CSV, a verdict is text
        replaced = propagated if isinstance(propagated, bool) else str(propagated) == "True"
        found[key] = found.get(key, False) or bool(replaced)
    return found


def weigh(
    key: TermKey,
    found: list[Occurrence],
    texts: Mapping[str, str],
    languages: Mapping[str, tuple[str, ...]],
    detectors: set[str],
    team: frozenset[str] = frozenset(),
    lower_case: Mapping[str, bool] | None = None,
) -> Evidence:
    """Return the evidence for one term from its occurrences, and the verdict.

    `team`: the vocabulary of the study's codebook (`team.vocabulary`); `lower_case`:
    {transcript id: `is_mostly_lower_case` of its text}, found here when not given."""
    entity_type, _ = key
    first = found[0]
    term = texts[first.transcript_id][first.start : first.end]
    # the transcripts in order of first occurrence, then their languages: the same
    # order as over every occurrence, without visiting each (a name occurs hundreds of times)
    in_order = dict.fromkeys(o.transcript_id for o in found)
    term_languages = tuple(dict.fromkeys(lang for tid in in_order for lang in languages[tid]))
    mid = capitalised = 0
    for o in found:
        text = texts[o.transcript_id]
        lower = lower_case[o.transcript_id] if lower_case else is_mostly_lower_case(text)
        if lower or is_sentence_start(text, o.start):
            continue
        mid += 1
        capitalised += is_capitalised(text[o.start : o.end])
    # "the Met", "the Echo": a capitalised common word always after "the" is a name
    after_the = all(previous_word(texts[o.transcript_id], o.start) == "the" for o in found)
    reason, supported = verdict(
        entity_type,
        term,
        detectors,
        term_languages,
        mid,
        capitalised,
        after_the,
        in_codebook=in_vocabulary(term, team),
    )
    return Evidence(
        entity_type,
        term,
        len(found),
        sum(o.tagged for o in found),
        "+".join(sorted(detectors)),
        mid,
        capitalised,
        "+".join(term_languages),
        supported,
        reason,
    )


def verdict(
    entity_type: str,
    term: str,
    detectors: set[str],
    languages: tuple[str, ...],
    mid_sentence: int,
    capitalised: int,
    after_the: bool = False,
    in_codebook: bool = False,
) -> tuple[str, bool]:
    """Return (why, whether a term is replaced wherever it occurs).

    `after_the`: every occurrence follows "the" ("the Met"). `in_codebook`: the term
    occurs in the study's codebook; when only the model or the unfamiliar-word rule
    found it, it is the study's own word and kept everywhere (KEPT_IN_CODEBOOK). The
    register wins over the codebook.
    """
    if "register" in detectors:
        return "in the register", True
    if entity_type not in NAMED_TYPES:
        return "identifier found by a rule", True
    if in_codebook and detectors - {NAME_PART} <= WEAK_DETECTORS:
        return KEPT_IN_CODEBOOK, False
    excluded = is_lexically_excluded(term, languages)
    if excluded == "common word" and NAME_PART in detectors:
        return "part of a detected full name", True
    if excluded == "common word" and after_the and 0 < mid_sentence == capitalised:
        return "capitalised, always after 'the'", True
    if excluded:
        return excluded, False
    if is_known_name(term) and " " not in term.strip():
        return "known name", True
    if mid_sentence and capitalised <= NAME_SHARE * mid_sentence:
        return "mostly lower case in mid-sentence", False
    return "looks like a name", True


def propagation(
    texts: Mapping[str, str],
    detected: Mapping[str, list[Mention]],
    allowed: frozenset[str],
    languages: Mapping[str, tuple[str, ...]],
    team: frozenset[str] = frozenset(),
    reuse: Reuse | None = None,
) -> tuple[dict[str, list[Mention]], list[Evidence]]:
    """Return {transcript id: propagated mentions} and the evidence for every term.

    `team`: the vocabulary of the study's codebook (`team.vocabulary`); `reuse`: an
    earlier run's `term_spans` (see `Reuse`)."""
    terms, confidence, detectors = search_terms(detected, allowed)
    matcher = build_matcher(terms)
    found: dict[TermKey, list[Occurrence]] = {}
    for tid in sorted(texts):
        text = texts[tid]
        spans = (
            reuse.term_spans(tid, terms, lambda text=text: term_spans(text, matcher))
            if reuse
            else term_spans(text, matcher)
        )
        for occurrence in tagged(tid, text, spans, detected[tid]):
            surface = text[occurrence.start : occurrence.end]
            found.setdefault((occurrence.entity_type, term_key(surface)), []).append(occurrence)
    lower_case = {tid: is_mostly_lower_case(text) for tid, text in texts.items()}
    evidence = {
        key: weigh(key, occurrences, texts, languages, detectors.get(key, set()), team, lower_case)
        for key, occurrences in found.items()
    }
    propagated: dict[str, list[Mention]] = {tid: [] for tid in texts}
    for key, occurrences in found.items():
        if not evidence[key].propagated:
            continue
        for o in occurrences:
            text = texts[o.transcript_id]
            surface = text[o.start : o.end]
            if left_in_clear(text, o.start, o.end, lower_case[o.transcript_id]):
                continue
            sure = confidence.get(key, 1.0)
            propagated[o.transcript_id].append(
                Mention(o.start, o.end, o.entity_type, surface, (PROPAGATED,), sure)
            )
    return propagated, sorted(evidence.values(), key=lambda e: (e.entity_type, e.term.casefold()))


def kept_detections(
    text: str, mentions: list[Mention], languages: tuple[str, ...]
) -> list[Mention]:
    """Return one transcript's detections trimmed to names, without overlaps, without
    weak single tags (`keeps_single_tag`) and without those on a role speaker label."""
    roles = skipped_spans(text, placeholders=False)
    return [
        mention
        for mention in resolve_overlaps(map(trim_to_name, mentions))
        if keeps_single_tag(mention, text, languages)
        and not roles.overlaps(mention.start, mention.end)
    ]


def corpus_languages(
    texts: Mapping[str, str], known: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, tuple[str, ...]]:
    """Return {transcript id: its languages, main first} (`language.text_languages`),
    taken from `known` where it names the transcript (found by an earlier step on the
    same text), found here otherwise."""
    known = known or {}
    return {
        tid: tuple(known[tid]) if tid in known else text_languages(text)
        for tid, text in texts.items()
    }


def resolved_detections(
    texts: Mapping[str, str],
    detections: pd.DataFrame,
    languages: Mapping[str, tuple[str, ...]],
    reuse: Reuse | None = None,
) -> dict[str, list[Mention]]:
    """Return {transcript id: `kept_detections`} for every transcript, taken from `reuse`
    where it has them; only the other transcripts' detections are read. Raises
    ValueError as `detections_by_transcript` does."""
    order = sorted(texts)
    if reuse is None or not detections["transcript_id"].isin(texts).all():
        raw = detections_by_transcript(texts, detections)  # names the first bad row
        return {tid: kept_detections(texts[tid], raw[tid], languages[tid]) for tid in order}
    detected = {tid: reuse.kept(tid) for tid in order}
    missing = [tid for tid in order if detected[tid] is None]
    if missing:
        wanted = detections["transcript_id"].isin(missing)
        rows = (wanted.to_numpy().nonzero()[0] + 1).tolist()
        raw = detections_by_transcript({t: texts[t] for t in missing}, detections[wanted], rows)
    for tid in missing:
        detected[tid] = kept_detections(texts[tid], raw[tid], languages[tid])
        reuse.keep(tid, detected[tid])
    return detected


def find_mentions(
    texts: Mapping[str, str],
    detections: pd.DataFrame,
    allowed: frozenset[str],
    team: frozenset[str] = frozenset(),
    languages: Mapping[str, tuple[str, ...]] | None = None,
    reuse: Reuse | None = None,
) -> tuple[dict[str, list[Mention]], pd.DataFrame]:
    """Return {transcript id: the non-overlapping mentions to replace, sorted by start}, and
    the propagation evidence (one row per term, EVIDENCE_COLUMNS).

    `languages`: {transcript id: its languages, main first} as `language.text_languages`
    found them for these texts (by detect, per shard); a transcript it does not name has
    its languages found here.

    Detections are trimmed to names and resolved per transcript, weak single tags of
    fillers, function words and common words are dropped (`keeps_single_tag`), every
    remaining surface and person-name part is searched for in every transcript, and
    the occurrences of terms the corpus supports are resolved with the detections. The
    detections of a term kept as the codebook's own word (`team`, the vocabulary of
    the study's codebook) are dropped. `reuse`: the per-transcript work of an earlier
    run (`Reuse`), taken where its inputs are unchanged.
    """
    order = sorted(texts)
    languages = corpus_languages(texts, languages)
    detected = resolved_detections(texts, detections, languages, reuse)
    propagated, evidence = propagation(texts, detected, allowed, languages, team, reuse)
    kept = {(e.entity_type, term_key(e.term)) for e in evidence if e.reason == KEPT_IN_CODEBOOK}
    if kept:
        detected = {
            tid: [m for m in found if (m.entity_type, term_key(m.text)) not in kept]
            for tid, found in detected.items()
        }
    mentions = {tid: resolve_overlaps(detected[tid] + propagated[tid]) for tid in order}
    return mentions, evidence_frame(evidence)


def evidence_frame(evidence: Iterable[Evidence]) -> pd.DataFrame:
    """Return evidence rows as a frame with EVIDENCE_COLUMNS."""
    rows = list(evidence)
    columns = list(zip(*rows, strict=True)) or [()] * len(EVIDENCE_COLUMNS)
    # built from columns: several times quicker than from rows
    frame = pd.DataFrame(dict(zip(EVIDENCE_COLUMNS, map(list, columns), strict=True)))
    integers = ("occurrences", "tagged", "mid_sentence", "capitalised")
    return frame.astype({column: "int64" for column in integers} | {"propagated": bool})
