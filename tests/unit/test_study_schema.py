"""The config schema as the one home of the config's defaults, for the workflow and for
`qualframe deidentify`, which runs without it."""

import pytest
import yaml

from qualframe.commands.deidentify import deid_settings
from qualframe.errors import QualframeError
from qualframe.study.schema import SCHEMA, config_default, defaults_of


def test_defaults_of_an_object_are_its_properties_defaults_under_its_own():
    schema = {
        "type": "object",
        "default": {"b": 3},
        "properties": {
            "a": {"type": "integer", "default": 1},
            "b": {"type": "integer", "default": 2},
            "c": {"type": "string"},
            "d": {"type": "object", "properties": {"e": {"default": []}}},
        },
    }
    assert defaults_of(schema) == {"a": 1, "b": 3, "d": {"e": []}}


def test_the_workflow_schema_gives_the_deid_and_charting_defaults():
    schema = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    deid = schema["properties"]["deid"]["properties"]
    assert config_default("deid", "style") == deid["style"]["default"]
    assert config_default("deid", "ner", "model") == deid["ner"]["properties"]["model"]["default"]
    assert config_default("charting", "several_per_cell") is False


def test_deidentify_takes_the_schema_defaults_under_a_config(tmp_path):
    assert deid_settings(None) == config_default("deid")
    config = tmp_path / "config.yaml"
    config.write_text("deid:\n  style: surrogate\n  ner:\n    enabled: false\n")
    settings = deid_settings(str(config))
    assert settings["style"] == "surrogate" and settings["ner"]["enabled"] is False
    assert settings["ner"]["model"] == config_default("deid", "ner", "model")
    assert config_default("deid", "ner", "enabled") is True  # the defaults are not changed


def test_deidentify_refuses_an_unknown_style(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("deid:\n  style: redacted\n")
    with pytest.raises(QualframeError, match="deid.style must be one of numbered, category"):
        deid_settings(str(config))
