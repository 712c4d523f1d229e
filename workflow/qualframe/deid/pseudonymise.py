"""Corpus-wide pseudonymisation: one replacement per entity, used everywhere it occurs.

Detections are resolved per transcript, every detected entity (and each part of a
person's full name) is then searched for across the whole corpus, and each entity is
replaced in one of three styles: a numbered placeholder ("[PERSON_3]"), its category
("[PERSON]") or a realistic surrogate ("Anna Hughes", see `surrogates`). Entities are
numbered through a pseudonym key that the next run extends, so an entity keeps its
number and replacement when transcripts or register entries are added (`pseudonym_key`).
The log records every replacement with its offsets in both the raw and the de-identified
text, the detectors that found it and how confident they were (`qualframe.log_offsets`
maps offsets through it).
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from qualframe.deid.allow import normalise_allow_list
from qualframe.deid.mentions import NAMED_TYPES, PROPAGATED, Mention, with_confidence
from qualframe.deid.propagate import Reuse, find_mentions
from qualframe.deid.pseudonym_key import (
    EntityKey,
    by_entity_key,
    checked_key,
    entity_key,
    key_frame,
    number_entities,
    reserved_numbers,
)
from qualframe.deid.surrogate_values import match_case
from qualframe.deid.surrogates import SurrogateRequest, assign_surrogates, is_surname_mention
from qualframe.schemas import (
    REPLACEMENT_STYLES,
    AnonymisationLog,
    columns_of,
    dtypes_of,
    placeholder,
)

TITLE_WINDOW = 16  # characters before a one-word name searched for a title ("Cllr. ")
LOG_COLUMNS = columns_of(AnonymisationLog)


@dataclass(frozen=True, eq=False)  # eq=False: frames do not compare to one bool
class Pseudonymised:
    """What `pseudonymise_corpus` returns.

    `texts`: {transcript id: de-identified text}; `log`: an AnonymisationLog with a
    `confidence` column; `key`: the PseudonymKey to pass to the next run; `evidence`:
    one row per term searched for across the corpus, with what the corpus says about it
    and whether it was propagated (`propagate.EVIDENCE_COLUMNS`; restricted).
    """

    texts: dict[str, str]
    log: pd.DataFrame
    key: pd.DataFrame
    evidence: pd.DataFrame


# --- one type per surface ---------------------------------------------------------------


# When one surface is tagged with several named types and no vote decides, the type
# whose mistake costs least wins: a person read as an organisation is the usual error.
TYPE_PRIORITY = ("PERSON", "LOCATION", "ORG")


def surface_type_votes(
    final: Mapping[str, list[Mention]],
) -> dict[str, tuple[Counter, Counter, set[str]]]:
    """Return {normalised surface: (detected types, all types, registered types)} over the
    named-entity mentions of the corpus: a vote per mention found by a detector, a vote
    per mention of any kind, and the types the register gave the surface."""
    votes: dict[str, tuple[Counter, Counter, set[str]]] = {}
    for mentions in final.values():
        for mention in mentions:
            if mention.entity_type not in NAMED_TYPES:
                continue
            detected, every, registered = votes.setdefault(
                entity_key(mention)[1], (Counter(), Counter(), set())
            )
            every[mention.entity_type] += 1
            if mention.detectors != (PROPAGATED,):
                detected[mention.entity_type] += 1
            if "register" in mention.detectors:
                registered.add(mention.entity_type)
    return votes


def surface_types(final: Mapping[str, list[Mention]], known: Iterable[EntityKey]) -> dict[str, str]:
    """Return {normalised surface: its one entity type} for every named surface the corpus
    tags with more than one of PERSON, ORG and LOCATION.

    The register's type wins; then the type the pseudonym key already gives the surface
    (so an added transcript never renames an entity); then the majority of the mentions
    detectors found, of all mentions when none was; ties go by TYPE_PRIORITY.
    """
    keyed: dict[str, set[str]] = {}
    for entity_type, name in known:
        if entity_type in NAMED_TYPES:
            keyed.setdefault(name, set()).add(entity_type)
    chosen = {}
    for surface, (detected, every, registered) in surface_type_votes(final).items():
        if len(every) < 2:
            continue
        if registered:
            candidates = Counter(registered)
        elif len(keyed.get(surface, ())) == 1:
            candidates = Counter(keyed[surface])
        else:
            candidates = detected or every
        best = max(candidates.values())
        chosen[surface] = next(t for t in TYPE_PRIORITY if candidates.get(t) == best)
    return chosen


def with_one_type_per_surface(
    final: Mapping[str, list[Mention]], known: Iterable[EntityKey]
) -> dict[str, list[Mention]]:
    """Return the mentions with every mention of a surface tagged with several named types
    retyped to the surface's one type (`surface_types`): one surface, one placeholder."""
    chosen = surface_types(final, known)
    if not chosen:
        return dict(final)
    return {
        tid: [
            mention._replace(entity_type=chosen[entity_key(mention)[1]])
            if mention.entity_type in NAMED_TYPES and entity_key(mention)[1] in chosen
            else mention
            for mention in mentions
        ]
        for tid, mentions in final.items()
    }


# --- replacements ----------------------------------------------------------------------


def styled_placeholder(entity_type: str, number: int, style: str) -> str:
    """Return "[TYPE_n]" (numbered) or "[TYPE]" (category)."""
    return placeholder(entity_type, number if style == "numbered" else None)


def surrogate_requests(
    numbers: Mapping[EntityKey, int],
    kept: Mapping[EntityKey, str],
    examples: Mapping[EntityKey, str],
    surname_keys: set[EntityKey],
) -> list[SurrogateRequest]:
    """Return one request per entity that has an alias without a replacement."""
    aliases: dict[tuple[str, int], dict[str, str | None]] = {}
    for (entity_type, name), number in numbers.items():
        aliases.setdefault((entity_type, number), {})[name] = kept.get((entity_type, name))
    requests = []
    for (entity_type, number), names in sorted(aliases.items()):
        if all(replacement is not None for replacement in names.values()):
            continue
        example = next(
            (examples[(entity_type, n)] for n in names if (entity_type, n) in examples),
            next(iter(names)),
        )
        surnames = frozenset(n for n in names if (entity_type, n) in surname_keys)
        requests.append(SurrogateRequest(entity_type, number, names, example, surnames))
    return requests


def replacements_for(
    numbers: Mapping[EntityKey, int],
    kept: Mapping[EntityKey, str],
    style: str,
    examples: Mapping[EntityKey, str],
    surname_keys: set[EntityKey],
) -> dict[EntityKey, str]:
    """Return {entity key: replacement} in `style`; keys in `kept` keep their replacement.

    Takes every key's number, the replacements kept from the pseudonym key, the style,
    one mention as written per key (its shape guides a surrogate) and the one-word
    person keys seen after a title (they get a surname).
    """
    if style != "surrogate":
        return {
            key: kept.get(key, styled_placeholder(key[0], number, style))
            for key, number in numbers.items()
        }
    requests = surrogate_requests(numbers, kept, examples, surname_keys)
    originals = [(name, entity_type) for entity_type, name in numbers]
    originals += [(text, key[0]) for key, text in examples.items()]
    in_use = [(value, key[0]) for key, value in kept.items()]
    return {**kept, **assign_surrogates(requests, originals, in_use)}


# --- replacement -------------------------------------------------------------------------


def replace_spans(
    transcript_id: str, text: str, mentions: list[Mention], replacements: list[str]
) -> tuple[str, list[dict]]:
    """Return the text with each mention replaced, and one log row per replacement.

    Takes non-overlapping mentions sorted by start and the replacement of each.
    """
    pieces, rows, cursor, deid_length = [], [], 0, 0
    for mention, replacement in zip(mentions, replacements, strict=True):
        kept_before = text[cursor : mention.start]
        deid_start = deid_length + len(kept_before)
        pieces += [kept_before, replacement]
        deid_length = deid_start + len(replacement)
        cursor = mention.end
        rows.append(
            {
                "transcript_id": transcript_id,
                "start": mention.start,
                "end": mention.end,
                "entity_type": mention.entity_type,
                "original": mention.text,
                "replacement": replacement,
                "deid_start": deid_start,
                "deid_end": deid_length,
                "detector": mention.detector,
                "confidence": mention.confidence,
            }
        )
    pieces.append(text[cursor:])
    return "".join(pieces), rows


def log_frame(rows: list[dict]) -> pd.DataFrame:
    """Return log rows as a frame of AnonymisationLog's columns and types, sorted by
    transcript_id and start.

    Not validated here: pandera's fixed cost per call would be a fifth of a rules-only
    pass over a small corpus; a command validates the log once, where it writes it
    (`commands.pseudonymise.write_pseudonymised`).
    """
    columns = {column: [row[column] for row in rows] for column in LOG_COLUMNS}
    frame = pd.DataFrame(columns, columns=LOG_COLUMNS).astype(dtypes_of(AnonymisationLog))
    return frame.sort_values(["transcript_id", "start"], kind="stable").reset_index(drop=True)


def first_examples(texts: Mapping[str, str], final: Mapping[str, list[Mention]]):
    """Return ({entity key: its first mention as written}, {one-word person keys after a title})."""
    examples: dict[EntityKey, str] = {}
    surname_keys: set[EntityKey] = set()
    for tid in sorted(final):
        for mention in final[tid]:
            key = entity_key(mention)
            examples.setdefault(key, mention.text)
            if key[0] == "PERSON" and " " not in key[1]:
                before = texts[tid][max(0, mention.start - TITLE_WINDOW) : mention.start]
                if is_surname_mention(before):
                    surname_keys.add(key)
    return examples, surname_keys


def pseudonymise_corpus(
    texts: Mapping[str, str],
    detections: pd.DataFrame,
    allow_list: Iterable[str],
    style: str = "numbered",
    key: pd.DataFrame | None = None,
    team: frozenset[str] = frozenset(),
    languages: Mapping[str, tuple[str, ...]] | None = None,
    reuse: Reuse | None = None,
) -> Pseudonymised:
    """Return the de-identified corpus, the log of replacements and the updated key.

    Takes {transcript id: normalised text}; a Detection frame for those transcripts
    (possibly overlapping; `confidence` optional, 1.0 when absent); the allow-list terms
    (which stop name parts and detected surfaces from being searched for elsewhere);
    the replacement style ("numbered", "category" or "surrogate"); and the pseudonym key
    of an earlier run (None for the first); and the vocabulary of the study's codebook
    (`team.vocabulary`: a term in it that only the model found is kept); and the
    transcripts' languages where an earlier step found them, and the per-transcript
    work of an earlier run (`reuse`; both `propagate.find_mentions`).
    Every entity found anywhere is replaced at every whole-word occurrence in the corpus
    by the same replacement; a surface tagged as a person in one place and an organisation or place
    in another takes one type (`surface_types`), so it gets one replacement. Entities in the
    key keep their number and, in the same style, their replacement; new entities get
    the next free number of their type in corpus order (transcripts by id, then by
    offset). The log (an AnonymisationLog plus `confidence`) has one row per
    replacement, sorted by transcript and start. Raises ValueError for an unknown style,
    a bad key or a detection that does not match its transcript.
    """
    if style not in REPLACEMENT_STYLES:
        raise ValueError(f"style must be one of {', '.join(REPLACEMENT_STYLES)}, not {style!r}")
    detections = with_confidence(detections)
    previous = checked_key(key)
    allowed = normalise_allow_list(allow_list)
    final, evidence = find_mentions(texts, detections, allowed, team, languages, reuse)
    known = by_entity_key(previous, "number")
    final = with_one_type_per_surface(final, known)
    order = sorted(texts)
    keys_in_order = [entity_key(mention) for tid in order for mention in final[tid]]
    numbers = number_entities(keys_in_order, known, reserved_numbers(texts.values()))
    kept = by_entity_key(previous[previous["style"] == style], "replacement")
    examples, surname_keys = first_examples(texts, final)
    replacements = replacements_for(numbers, kept, style, examples, surname_keys)
    texts_out, rows = {}, []
    for tid in order:
        values = [replacements[entity_key(mention)] for mention in final[tid]]
        if style == "surrogate":
            values = [match_case(v, m.text) for v, m in zip(values, final[tid], strict=True)]
        texts_out[tid], transcript_rows = replace_spans(tid, texts[tid], final[tid], values)
        rows += transcript_rows
    log, key_out = log_frame(rows), key_frame(numbers, replacements, style)
    return Pseudonymised(texts_out, log, key_out, evidence)
