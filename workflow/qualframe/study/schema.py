"""The workflow's config schema (workflow/schemas/config.schema.yaml): the one home of the
config's defaults, which commands run outside the workflow read too."""

import functools
import json
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

from qualframe.errors import QualframeError

IN_CHECKOUT = Path("workflow") / "schemas" / "config.schema.yaml"
SCHEMA = Path(__file__).resolve().parents[3] / IN_CHECKOUT


def installed_checkout() -> Path | None:
    """The checkout qualframe was installed from with `pip install -e .`, if it was: where
    the schema is when this package is a copy (as the tests of re-runs make)."""
    try:
        url = json.loads(metadata.distribution("qualframe").read_text("direct_url.json") or "")
    except (metadata.PackageNotFoundError, ValueError):
        return None
    parsed = urlparse(url.get("url", ""))
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def schema_path() -> Path:
    """The config schema beside this package, else that of the installed checkout."""
    checkout = installed_checkout()
    if SCHEMA.is_file() or checkout is None:
        return SCHEMA
    return checkout / IN_CHECKOUT


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
def config_defaults(path: Path | None = None) -> dict:
    """{key: default} of the whole config, nested as the config is."""
    path = path or schema_path()
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
