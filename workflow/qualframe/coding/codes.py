"""Which code a label in coded data means: a code's id, its name, or its path from the top
of the codebook, as CAQDAS write them (`Theme\\Parent\\Code` in MAXQDA and REFI-QDA,
`Theme > Parent > Code` in NVivo, or with slashes)."""

import re
from collections.abc import Mapping

import pandas as pd

from qualframe.schemas import Codebook

PATH_SEPARATORS = ("\\", ">", "/")
# NVivo prefixes paths with the folder its codes live in
FOLDER_PREFIXES = ("nodes", "codes")
AMBIGUOUS = ""  # a label several codes answer to
_WHITESPACE = re.compile(r"\s+")
_SPACED_SEPARATOR = re.compile(r"\s*([\\>/])\s*")


def normalise_code_label(label: str) -> str:
    """A label as compared: case folded, whitespace runs as one space, no space around a
    path separator."""
    label = _WHITESPACE.sub(" ", str(label)).strip().casefold()
    return _SPACED_SEPARATOR.sub(r"\1", label)


def code_lookup(codebook: pd.DataFrame) -> dict[str, str]:
    """Map every accepted label of a code (normalised) to its id; a label several codes
    answer to maps to AMBIGUOUS. An id wins over a path, a path over a name, so a code
    whose name is another code's id is still found by that id."""
    parents = dict(zip(codebook[Codebook.code_id], codebook[Codebook.parent_id], strict=True))
    names = dict(zip(codebook[Codebook.code_id], codebook[Codebook.code], strict=True))
    paths = dict(zip(codebook[Codebook.code_id], codebook[Codebook.path], strict=True))
    tiers: list[dict[str, set[str]]] = [{}, {}, {}]
    for code_id in codebook[Codebook.code_id]:
        tiers[0].setdefault(normalise_code_label(names[code_id]), set()).add(code_id)
        for separator in PATH_SEPARATORS:
            key = normalise_code_label(separator.join(path_names(code_id, parents, names, paths)))
            tiers[1].setdefault(key, set()).add(code_id)
        tiers[2].setdefault(normalise_code_label(code_id), set()).add(code_id)
    lookup: dict[str, str] = {}
    for tier in tiers:  # later tiers win
        for key, ids in tier.items():
            lookup[key] = next(iter(ids)) if len(ids) == 1 else AMBIGUOUS
    return lookup


def path_names(
    code_id: str, parents: Mapping[str, str], names: Mapping[str, str], paths: Mapping[str, str]
) -> list[str]:
    """The names from the top of the codebook down to `code_id`. Parents that are not
    codable are not rows of the table: their names come from the stored path."""
    chain = [names[code_id]]
    parent = parents[code_id]
    while parent in names:
        chain.append(names[parent])
        parent = parents[parent]
    if not parent:
        return chain[::-1]
    # the rest of the chain lies above the codable codes: take it from the path
    above = paths[code_id].split("\\")[: -len(chain)]
    return [*above, *chain[::-1]]


def resolve_code(label: str, lookup: Mapping[str, str]) -> tuple[str | None, str]:
    """(code id, "") for the code a label means, or (None, the problem)."""
    key = normalise_code_label(label)
    found = lookup.get(key)
    for prefix in FOLDER_PREFIXES:
        for separator in PATH_SEPARATORS:
            if found is None and key.startswith(prefix + separator):
                found = lookup.get(key[len(prefix) + 1 :])
    if found is None:
        return None, "unknown code: not in the codebook by id, name or path"
    if found == AMBIGUOUS:
        return None, "ambiguous code: several codes have that name; give its path or id"
    return found, ""


def split_codes(cell: str, separator: str | None) -> list[str]:
    """The code labels of one cell: the cell itself, or its parts between `separator`s
    (blank parts dropped)."""
    if not separator:
        return [cell]
    return [part.strip() for part in cell.split(separator) if part.strip()]
