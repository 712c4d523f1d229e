"""The word lists, place names and models the detectors load on first use, loaded at once.

Each detector loads what it needs the first time it is asked (the English word list,
Faker's names, GeoNames places, the well-known companies and products, the language
identifier, wordfreq's lists, phone number metadata), so the first transcript of a run
pays for all of it: several seconds. `load_resources` loads them up front, for a caller
that wants loading apart from detection (the benchmark, which times detection only, like
a model's loading).
"""

import time

import phonenumbers

from qualframe.deid.context import name_lists
from qualframe.deid.language import PIPELINES, identifier
from qualframe.deid.lexicon import known_names, stop_words, zipf
from qualframe.deid.places import broad_place_keys, uk_place_names
from qualframe.deid.wellknown import is_listed_company, is_product
from qualframe.deid.words import english_words

PHONE_SAMPLE = "call 020 7946 0000 or +44 113 496 0000"


def load_resources(languages: tuple[str, ...] = tuple(PIPELINES)) -> float:
    """Load every lazily loaded resource of detection for `languages` (default: the
    languages with a pipeline); return the seconds it took (next to none when loaded)."""
    started = time.perf_counter()
    english_words()
    known_names()
    name_lists()
    uk_place_names()
    broad_place_keys()
    is_listed_company("")
    is_product("")
    identifier()
    for language in languages:
        stop_words(language)
        zipf("the", language)
    for _ in phonenumbers.PhoneNumberMatcher(PHONE_SAMPLE, "GB"):
        pass
    return time.perf_counter() - started
