"""The workflow's config schema (workflow/schemas/config.schema.yaml): the one home of the
config's defaults, which commands run outside the workflow read too."""

import functools
from pathlib import Path

import yaml

from qualframe.errors import QualframeError

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "config.schema.yaml"


def defaults_of(schema: dict):
    """The value a JSON schema gives by default: for an object with properties, the
    defaults of its properties under its own `default`; otherwise its `default` (None
    without one)."""
    if schema.get("type") == "object" and "properties" in schema:
        found = {}
        for name, prop in schema["properties"].items():
            value = defaults_of(prop)
            if value is not None:
                found[name] = value
        return {**found, **schema.get("default", {})}
    return schema.get("default")


@functools.cache
def config_defaults(path: Path = SCHEMA) -> dict:
    """{key: default} of the whole config, nested as the config is."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QualframeError(
            "the config schema is not beside the installed package: install qualframe "
            "from its repository with `pip install -e .`",
            path=str(path),
        ) from exc
    return defaults_of(yaml.safe_load(text))


def config_default(*keys: str):
    """The default of one config key, named by its path (e.g. "deid", "ner", "model")."""
    value = config_defaults()
    for key in keys:
        value = value[key]
    return value
