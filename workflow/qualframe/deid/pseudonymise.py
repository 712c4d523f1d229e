"""Corpus-wide pseudonymisation: one replacement per entity, used everywhere it occurs.

Detections are resolved per transcript, every detected entity (and each part of a
person's full name) is then searched for across the whole corpus, and each entity is
replaced in one of three styles: a numbered placeholder ("[PERSON_3]"), its category
("[PERSON]") or a realistic surrogate ("Anna Hughes", see `surrogates`). Entities are
numbered through a pseudonym key that the next run extends, so an entity keeps its
number and replacement when transcripts or register entries are added. The log records
every replacement with its offsets in both the raw and the de-identified text, the
detectors that found it and how confident they were.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from qualframe.deid.allow import normalise_allow_list, normalise_entity
from qualframe.deid.mentions import Mention, with_confidence
from qualframe.deid.propagate import find_mentions
from qualframe.deid.surrogates import (
    SurrogateRequest,
    assign_surrogates,
    is_surname_mention,
    match_case,
)
from qualframe.schemas import (
    ENTITY_TYPES,
    REPLACEMENT_STYLES,
    AnonymisationLog,
    PseudonymKey,
)

STYLES = REPLACEMENT_STYLES
TITLE_WINDOW = 16  # characters before a one-word name searched for a title ("Cllr. ")
EXISTING_PLACEHOLDER = re.compile(r"\[(" + "|".join(ENTITY_TYPES) + r")_(\d+)\]")
LOG_COLUMNS = [
    "transcript_id",
    "start",
    "end",
    "entity_type",
    "original",
    "replacement",
    "deid_start",
    "deid_end",
    "detector",
    "confidence",
]
KEY_COLUMNS = ["entity_type", "entity", "number", "replacement", "style"]

EntityKey = tuple[str, str]  # (entity type, normalised text)


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


# --- entity identity and numbering -------------------------------------------------------


def entity_key(mention: Mention) -> EntityKey:
    """Return the (entity type, normalised text) under which a mention counts as one entity.

    A mention that normalises to nothing (only quotes, say) keeps its case-folded text.
    """
    key = normalise_entity(mention.text, mention.entity_type)
    return mention.entity_type, key or mention.text.casefold()


def full_name_owners(keys: Iterable[EntityKey]) -> dict[str, set[str]]:
    """Return {word: the multi-word person names containing it} over the given keys."""
    owners: dict[str, set[str]] = {}
    for entity_type, name in keys:
        if entity_type == "PERSON" and len(name.split()) > 1:
            for word in name.split():
                owners.setdefault(word, set()).add(name)
    return owners


def sole_owner(key: EntityKey, owners: Mapping[str, set[str]]) -> EntityKey | None:
    """Return the one full name a one-word person key is part of, or None (none or several)."""
    entity_type, name = key
    names = owners.get(name, set()) if entity_type == "PERSON" and " " not in name else set()
    return ("PERSON", next(iter(names))) if len(names) == 1 else None


def reserved_numbers(texts: Iterable[str]) -> dict[str, set[int]]:
    """Return {entity type: numbers} already used by placeholders like "[PERSON_3]" in `texts`.

    New placeholders skip these so an earlier redaction is never confused with a new one.
    """
    reserved: dict[str, set[int]] = {}
    for text in texts:
        for match in EXISTING_PLACEHOLDER.finditer(text):
            reserved.setdefault(match.group(1), set()).add(int(match.group(2)))
    return reserved


def parts_numbers(
    ordered_keys: list[EntityKey], known: Mapping[EntityKey, int], owners: Mapping[str, set[str]]
) -> dict[EntityKey, int]:
    """Return the number each new full name takes from an already numbered part.

    A new "priya raman" takes the number of a keyed "priya" when it is the only full
    name "priya" is part of; with several such parts, the smallest number.
    """
    numbers: dict[EntityKey, int] = {}
    for key in ordered_keys:
        entity_type, name = key
        if key in known or entity_type != "PERSON" or " " not in name:
            continue
        taken = [
            known[("PERSON", word)]
            for word in name.split()
            if ("PERSON", word) in known and owners.get(word) == {name}
        ]
        if taken:
            numbers[key] = min(taken)
    return numbers


def number_entities(
    ordered_keys: list[EntityKey],
    known: Mapping[EntityKey, int],
    reserved: Mapping[str, set[int]],
) -> dict[EntityKey, int]:
    """Return {entity key: number} for every key, known keys keeping theirs.

    Takes the entity keys in corpus order (repeats allowed), the numbers of the
    pseudonym key and the numbers to skip. A one-word person key that is part of just
    one full name shares its number; a new full name may take a keyed part's number
    (`parts_numbers`); every other new entity gets the next free number of its type,
    in the order entities first appear.
    """
    owners = full_name_owners([*known, *ordered_keys])
    numbers = {**known, **parts_numbers(ordered_keys, known, owners)}
    last_number: dict[str, int] = {}
    for (entity_type, _), number in known.items():
        last_number[entity_type] = max(last_number.get(entity_type, 0), number)
    for key in ordered_keys:
        if key in numbers:
            continue
        owner = sole_owner(key, owners)
        representative = owner if owner is not None else key
        if representative not in numbers:
            entity_type = key[0]
            number = last_number.get(entity_type, 0) + 1
            while number in reserved.get(entity_type, set()):
                number += 1
            last_number[entity_type] = number
            numbers[representative] = number
        numbers[key] = numbers[representative]
    return numbers


# --- the pseudonym key -------------------------------------------------------------------


def checked_key(key: pd.DataFrame | None) -> pd.DataFrame:
    """Return a validated PseudonymKey from a previous run's key (None: an empty key).

    Accepts a key read from CSV with every column as text. Raises ValueError for a
    missing column, or naming the 1-based row of a number that is not a whole number, an
    unknown entity type or style, an empty entity or replacement, or a repeated entity.
    """
    if key is None:
        key = pd.DataFrame(columns=KEY_COLUMNS)
    missing = [column for column in KEY_COLUMNS if column not in key.columns]
    if missing:
        raise ValueError(f"pseudonym key lacks column(s): {', '.join(missing)}")
    numbers = pd.to_numeric(key["number"], errors="coerce")
    bad = numbers.isna() | (numbers != numbers.round())
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise ValueError(f"pseudonym key row {row}: number {key['number'].iloc[row - 1]!r}")
    key = key[KEY_COLUMNS].astype({c: str for c in KEY_COLUMNS if c != "number"})
    key = key.assign(number=numbers.astype("int64")).reset_index(drop=True)
    repeated = key.duplicated(["entity_type", "entity"])
    if repeated.any():
        row = int(np.flatnonzero(repeated.to_numpy())[0])
        entity_type, entity = key.loc[row, "entity_type"], key.loc[row, "entity"]
        raise ValueError(f"pseudonym key row {row + 1}: {entity_type} {entity!r} is listed twice")
    try:
        return PseudonymKey.validate(key, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ValueError(f"pseudonym key: {first_failure(exc.failure_cases)}") from exc


def first_failure(failure_cases: pd.DataFrame) -> str:
    """Return a lazy validation's first failure as "row N: column 'value' fails check"."""
    case = failure_cases.iloc[0]
    row = "" if pd.isna(case["index"]) else f"row {int(case['index']) + 1}: "
    column = "" if pd.isna(case["column"]) else f"{case['column']} "
    return f"{row}{column}{case['failure_case']!r} fails {case['check']}"


def by_entity_key(key: pd.DataFrame, column: str) -> dict:
    """Return {(entity_type, entity): value of `column`} for the rows of a pseudonym key."""
    pairs = zip(key["entity_type"], key["entity"], strict=True)
    return dict(zip(pairs, key[column], strict=True))


def placeholder(entity_type: str, number: int, style: str) -> str:
    """Return "[TYPE_n]" (numbered) or "[TYPE]" (category)."""
    return f"[{entity_type}_{number}]" if style == "numbered" else f"[{entity_type}]"


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
            key: kept.get(key, placeholder(key[0], number, style))
            for key, number in numbers.items()
        }
    requests = surrogate_requests(numbers, kept, examples, surname_keys)
    originals = [(name, entity_type) for entity_type, name in numbers]
    originals += [(text, key[0]) for key, text in examples.items()]
    in_use = [(value, key[0]) for key, value in kept.items()]
    return {**kept, **assign_surrogates(requests, originals, in_use)}


def key_frame(
    numbers: Mapping[EntityKey, int], replacements: Mapping[EntityKey, str], style: str
) -> pd.DataFrame:
    """Return the pseudonym key: one row per entity key, sorted by type, number, entity."""
    rows = [
        (entity_type, name, number, replacements[(entity_type, name)], style)
        for (entity_type, name), number in numbers.items()
    ]
    frame = pd.DataFrame(rows, columns=KEY_COLUMNS)
    frame = frame.astype({c: str for c in KEY_COLUMNS if c != "number"} | {"number": "int64"})
    frame = frame.sort_values(["entity_type", "number", "entity"], kind="stable")
    return PseudonymKey.validate(frame.reset_index(drop=True))


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
    """Return log rows as an AnonymisationLog frame sorted by transcript_id and start."""
    frame = pd.DataFrame(rows, columns=LOG_COLUMNS)
    integers = {column: "int64" for column in ("start", "end", "deid_start", "deid_end")}
    strings = {c: str for c in LOG_COLUMNS if c not in integers and c != "confidence"}
    frame = frame.astype({**integers, **strings, "confidence": "float64"})
    frame = frame.sort_values(["transcript_id", "start"], kind="stable").reset_index(drop=True)
    return AnonymisationLog.validate(frame)


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
) -> Pseudonymised:
    """Return the de-identified corpus, the log of replacements and the updated key.

    Takes {transcript id: normalised text}; a Detection frame for those transcripts
    (possibly overlapping; `confidence` optional, 1.0 when absent); the allow-list terms
    (which stop name parts and detected surfaces from being searched for elsewhere);
    the replacement style ("numbered", "category" or "surrogate"); and the pseudonym key
    of an earlier run (None for the first); and the vocabulary of the study's codebook
    (`team.vocabulary`: a term in it that only the model found is kept). Every entity
    found anywhere is replaced at every whole-word occurrence in the corpus by the same
    replacement. Entities in the
    key keep their number and, in the same style, their replacement; new entities get
    the next free number of their type in corpus order (transcripts by id, then by
    offset). The log (an AnonymisationLog plus `confidence`) has one row per
    replacement, sorted by transcript and start. Raises ValueError for an unknown style,
    a bad key or a detection that does not match its transcript.
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    detections = with_confidence(detections)
    previous = checked_key(key)
    final, evidence = find_mentions(texts, detections, normalise_allow_list(allow_list), team)
    order = sorted(texts)
    keys_in_order = [entity_key(mention) for tid in order for mention in final[tid]]
    known = by_entity_key(previous, "number")
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


def map_offset(log: pd.DataFrame, offset: int, side: str = "start") -> int:
    """Return where an offset of the raw normalised text falls in the de-identified text.

    Takes the log rows of one transcript, an offset into its raw text and which side of
    a span the offset is ("start" or "end"). An offset inside a replaced span snaps to
    the replacement's start (side="start") or end (side="end"), so a mapped span always
    covers whole replacements. The mapping is monotonic.
    """
    return shift_offset(log, offset, side, ("start", "end"), ("deid_start", "deid_end"))


def map_offset_to_raw(log: pd.DataFrame, offset: int, side: str = "start") -> int:
    """Return where an offset of the de-identified text falls in the raw normalised text.

    The inverse of `map_offset`: an offset inside a replacement snaps to the start or
    end of the original it replaced.
    """
    return shift_offset(log, offset, side, ("deid_start", "deid_end"), ("start", "end"))


def shift_offset(
    log: pd.DataFrame,
    offset: int,
    side: str,
    source: tuple[str, str],
    target: tuple[str, str],
) -> int:
    """Map `offset` from the text whose spans are the log's `source` (start, end) columns
    to the text whose spans are its `target` columns."""
    if side not in ("start", "end"):
        raise ValueError(f"side must be 'start' or 'end', not {side!r}")
    spans = log.sort_values(source[0])
    starts, ends = spans[source[0]].to_numpy(), spans[source[1]].to_numpy()
    target_starts, target_ends = spans[target[0]].to_numpy(), spans[target[1]].to_numpy()
    # Replaced spans do not overlap, so ends are sorted too.
    passed = int(np.searchsorted(ends, offset, side="right"))
    if passed < len(starts) and starts[passed] < offset:
        return int(target_starts[passed] if side == "start" else target_ends[passed])
    shift = target_ends[passed - 1] - ends[passed - 1] if passed else 0
    return int(offset + shift)
