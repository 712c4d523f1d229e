"""Loading the detectors' data up front leaves nothing for the first transcript to load."""

from qualframe.deid import context, language, lexicon, places, words
from qualframe.deid.resources import load_resources


def test_load_resources_fills_every_lazy_loader():
    assert load_resources(("en",)) >= 0
    for loader in (
        words.english_words,
        lexicon.known_names,
        context.name_lists,
        places.uk_place_names,
        places.broad_place_keys,
        language.identifier,
        lexicon.stop_words,
        lexicon.zipf,
    ):
        assert loader.cache_info().currsize >= 1, loader.__name__
