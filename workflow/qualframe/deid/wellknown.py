"""Large, widely known companies and everyday products: named as an example or a product
they identify no one (the gold standard, resources/demo/annotated/README.md), named as
someone's workplace or place of study they do.

Companies are the constituents of large-company stock indices (S&P 500, FTSE 100, DAX,
CAC 40, NIKKEI 225, ...) from pytickersymbols (MIT, data shipped in the package, nothing
fetched); products are the everyday software, devices and services below. Names that
are also people's given names or surnames ("Ford", "Elisa") or UK and Irish towns are
left out: dropping them could leak a person or a place.
"""

import re
from functools import cache

from qualframe.deid.allow import normalise_entity
from qualframe.deid.lexicon import is_known_name
from qualframe.deid.places import uk_place_names
from qualframe.deid.rules import Hit

# Small- and mid-cap indices: their members are not widely known.
SMALL_INDICES = frozenset({"S&P 600", "SDAX", "MDAX", "CAC Mid 60"})
# Everyday software, devices and online services (platforms named in NATIONAL_TERMS,
# such as Zoom and WhatsApp, are allowed everywhere already).
PRODUCTS = (
    "PowerPoint",
    "Excel",
    "Outlook",
    "OneDrive",
    "SharePoint",
    "Skype",
    "YouTube",
    "Instagram",
    "LinkedIn",
    "TikTok",
    "Snapchat",
    "Gmail",
    "Wikipedia",
    "Netflix",
    "Spotify",
    "iPhone",
    "iPad",
    "iPod",
    "iMac",
    "Mac",
    "MacBook",
    "Android",
    "Kindle",
    "PlayStation",
    "Xbox",
)
LEGAL_SUFFIX = re.compile(
    r"(?:,?\s+(?:Inc|Corp|Corporation|Co|Company|Companies|plc|PLC|Ltd|Limited|SA|S\.A|AG"
    r"|SE|NV|N\.V|Oyj|ASA|AB|Group|Holdings?)\.?)+$"
)
# A mention right after one of these is somebody's workplace or place of study ("works
# at Apple", "a job with Nokia", "out of Harvard"), or a place: it stays an identifier.
LOCAL_CUE = re.compile(
    r"(?i:\b(?:at|for|with|by|from|out\s+of|joined|joining|left|leaving|called|named)"
    r"(?:\s+the)?\s*)$"
)
CUE_WINDOW = 30
KEPT_DETECTORS = frozenset({"register", "rule:speaker"})
# Detectors whose entity type is a default, not evidence: the unfamiliar-word rule calls
# any word it does not know a person, or a place after "in", "at"...
GUESSED_TYPE_DETECTORS = frozenset({"rule:unfamiliar"})


@cache
def listed_companies() -> tuple[str, ...]:
    """Return the names of the companies of the large-company indices pytickersymbols
    ships, each as listed and without its legal suffix ("Apple Inc." and "Apple")."""
    from pytickersymbols.indices_data import INDICES

    names = set()
    for index, data in INDICES.items():
        if index in SMALL_INDICES:
            continue
        for company in data["companies"]:
            name = company["name"].strip()
            names |= {name, LEGAL_SUFFIX.sub("", name).strip()}
    return tuple(sorted(name for name in names if name))


@cache
def well_known_keys(names: tuple[str, ...]) -> frozenset[str]:
    """Return the normalised keys of `names`, those with a word that is a known given
    name or surname or that are a UK or Irish town left out."""
    towns = uk_place_names()
    keys = set()
    for name in names:
        words = re.findall(r"[^\W\d_]+", name)
        if any(is_known_name(word) for word in words) or name.casefold() in towns:
            continue
        keys.add(normalise_entity(name, "ORG"))
    return frozenset(keys)


def is_listed_company(term: str) -> bool:
    """Return whether a mention ("Apple", "Nokia's") names a listed company."""
    return normalise_entity(term, "ORG") in well_known_keys(listed_companies())


def is_product(term: str) -> bool:
    """Return whether a mention ("PowerPoint", "iPhone") names an everyday product."""
    return normalise_entity(term, "ORG") in well_known_keys(PRODUCTS)


def in_local_context(text: str, start: int) -> bool:
    """Return whether the mention at `start` follows a cue that ties it to someone: a
    workplace, a place of study, a name given ("at", "for", "with", "out of", "called")."""
    return LOCAL_CUE.search(text[max(0, start - CUE_WINDOW) : start]) is not None


def is_product_mention(text: str, hit: Hit) -> bool:
    """Return whether a detection is a well-known company or product named where nothing
    ties it to anyone: a listed company detected as an organisation, or an everyday
    product detected as any named type (a tagger's guess: "in PowerPoint" is no place),
    by a detector other than the register or a speaker label, and not after a
    `LOCAL_CUE`. Such a mention is no identifier; the same name after a cue still is.
    A company a model tagged as a person stays: some company names are people's names
    too. A detector that only guesses the type (`GUESSED_TYPE_DETECTORS`) says nothing
    of person or company, so its mention of a listed company goes as an organisation's."""
    if hit.detector in KEPT_DETECTORS or in_local_context(text, hit.start):
        return False
    typed_as_company = hit.entity_type == "ORG" or hit.detector in GUESSED_TYPE_DETECTORS
    if typed_as_company and is_listed_company(hit.text):
        return True
    return hit.entity_type in ("ORG", "PERSON", "LOCATION") and is_product(hit.text)
