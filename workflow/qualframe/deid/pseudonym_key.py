"""The pseudonym key: which mentions are one entity, the number each entity takes, and the
key that carries numbers and replacements from one run to the next.

An entity is (entity type, normalised text); a one-word person name that is part of just
one full name shares that name's number. Numbers already used by placeholders in the
transcripts are skipped, and a key read back from CSV is checked row by row.
"""

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa

from qualframe.deid.allow import normalise_entity
from qualframe.deid.mentions import Mention
from qualframe.schemas import (
    NUMBERED_PLACEHOLDER,
    PseudonymKey,
    columns_of,
    dtypes_of,
)

KEY_COLUMNS = columns_of(PseudonymKey)

EntityKey = tuple[str, str]  # (entity type, normalised text)


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
        for match in NUMBERED_PLACEHOLDER.finditer(text):
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
    if key is None:  # nothing to check (pandera's fixed cost per call is not small)
        return pd.DataFrame(columns=KEY_COLUMNS).astype(dtypes_of(PseudonymKey))
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


def key_frame(
    numbers: Mapping[EntityKey, int], replacements: Mapping[EntityKey, str], style: str
) -> pd.DataFrame:
    """Return the pseudonym key: one row per entity key, sorted by type, number, entity,
    with PseudonymKey's columns and types (validated where a command writes it, as the
    log is: see `pseudonymise.log_frame`)."""
    keys = list(numbers)
    columns = {
        "entity_type": [entity_type for entity_type, _ in keys],
        "entity": [name for _, name in keys],
        "number": list(numbers.values()),
        "replacement": [replacements[key] for key in keys],
        "style": [style] * len(keys),
    }
    frame = pd.DataFrame(columns, columns=KEY_COLUMNS).astype(dtypes_of(PseudonymKey))
    frame = frame.sort_values(["entity_type", "number", "entity"], kind="stable")
    return frame.reset_index(drop=True)
