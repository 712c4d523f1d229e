"""The generator's prose and word lists, read from the package's YAML files.

`prose.yaml` holds what is said in the interviews (templates with slots), `words.yaml`
the word lists that names of places and organisations are composed from. Both are read
once, on import; their order matters, since the generator draws by position.
"""

from dataclasses import dataclass
from importlib import resources

import yaml

Topic = tuple[tuple[str, ...], tuple[str, ...]]  # (interviewer questions, participant frames)


@dataclass(frozen=True)
class Prose:
    """What the interviews say (`prose.yaml`): one tuple of templates per kind of turn and
    {topic: (questions, answer frames)}."""

    openings_interviewer: tuple[str, ...]
    openings_participant: tuple[str, ...]
    closings_interviewer: tuple[str, ...]
    closings_participant: tuple[str, ...]
    backchannels: tuple[str, ...]
    turn_openers: tuple[str, ...]
    turn_closers: tuple[str, ...]
    filled_pauses: tuple[str, ...]
    fillers: tuple[str, ...]
    topics: dict[str, Topic]


@dataclass(frozen=True)
class Words:
    """The word lists of `words.yaml`."""

    town_heads: tuple[str, ...]
    town_tails: tuple[str, ...]
    town_patterns: tuple[str, ...]
    street_types: tuple[str, ...]
    street_words: tuple[str, ...]
    nature: tuple[str, ...]
    charity_kinds: tuple[str, ...]
    trust_kinds: tuple[str, ...]
    building_kinds: tuple[str, ...]
    council_kinds: tuple[str, ...]
    email_desks: tuple[str, ...]
    roles: tuple[str, ...]


def read_yaml(name: str) -> dict:
    """Return the mapping in one of the package's YAML files."""
    return yaml.safe_load(resources.files(__package__).joinpath(name).read_text("utf-8"))


def load_prose() -> Prose:
    """Return the prose of `prose.yaml`."""
    data = read_yaml("prose.yaml")
    topics = {
        name: (tuple(topic["questions"]), tuple(topic["answers"]))
        for name, topic in data.pop("topics").items()
    }
    return Prose(**{key: tuple(value) for key, value in data.items()}, topics=topics)


def load_words() -> Words:
    """Return the word lists of `words.yaml`."""
    return Words(**{key: tuple(value) for key, value in read_yaml("words.yaml").items()})


PROSE = load_prose()
WORDS = load_words()
