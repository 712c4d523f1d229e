"""The contract between the rules and the commands they call, read from the rule files:
every output a rule declares is passed to its command, through an option the command
has and names as written (commands.options), so no command invents a path."""

import re

import pytest

from qualframe.cli import build_parser, subparsers
from qualframe.commands.options import is_written
from tests.e2e.helpers import REPO

RULE = re.compile(r"^(\s*)rule (\w+):\n((?:\1 .*\n|\n)*)", re.MULTILINE)
STRING = re.compile(r'f?"((?:[^"\\]|\\.)*)"')
PASSED = re.compile(r"--([a-z0-9-]+)(?:=|\s+)\{(\w+)\.(\w+)")
STEPS = subparsers(build_parser())


def section(body: str, name: str) -> list[str]:
    """The lines of one section (`output:`, `shell:` …) of a rule's body."""
    match = re.search(rf"^([ ]+){name}:\n((?:\1[ ]+.*\n)*)", body, re.MULTILINE)
    return match[2].splitlines() if match else []


def read_rules() -> dict[str, tuple[list[str], str]]:
    """{rule: (its output keys, its shell command as one string)} of the workflow."""
    rules = {}
    for path in sorted((REPO / "workflow/rules").glob("*.smk")):
        for rule in RULE.finditer(path.read_text(encoding="utf-8")):
            body = rule[3]
            outputs = section(body, "output")
            if not outputs:  # `all`: a target, not a step
                continue
            indent = min(len(line) - len(line.lstrip()) for line in outputs)
            named = [
                re.match(r"\s*(\w+)=", line)
                for line in outputs
                if len(line) - len(line.lstrip()) == indent
            ]
            keys = [match[1] for match in named if match]  # not the `),` closing report(
            shell = "".join(STRING.findall("\n".join(section(body, "shell"))))
            rules[rule[2]] = (keys, shell)
    return rules


RULES = read_rules()


def test_the_rule_files_are_read():
    assert {"ingest", "detect", "import_coding", "chart", "summarise", "manifest"} <= set(RULES)
    assert "--output-segments {output.segments:q}" in RULES["import_coding"][1]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_output_is_passed_through_an_option_named_as_written(rule):
    keys, shell = RULES[rule]
    step = re.match(r"qualframe ([a-z-]+)", shell)[1]
    parser_options = {n for a in STEPS[step]._actions for n in a.option_strings}
    passed = {}
    for option, kind, key in PASSED.findall(shell):
        assert f"--{option}" in parser_options, f"{rule}: qualframe {step} has no --{option}"
        if kind == "output":
            assert is_written(option.replace("-", "_")), (
                f"{rule}: output.{key} passed to --{option}, not an output option"
            )
            passed[key] = option
    # the record goes to --record with every output (RECORD in common.smk)
    missing = [key for key in keys if key not in passed and key != "record"]
    assert not missing, f"{rule}: outputs {missing} not passed to qualframe {step}"


@pytest.mark.parametrize("rule", sorted(RULES))
def test_a_csv_output_goes_to_the_csv_copy_of_its_table(rule):
    keys, shell = RULES[rule]
    passed = {key: option for option, kind, key in PASSED.findall(shell) if kind == "output"}
    for key in keys:
        if key.endswith("_csv"):
            table = passed[key.removesuffix("_csv")]
            expected = "csv" if table == "output" else f"{table.removeprefix('output-')}-csv"
            assert passed[key] == expected, f"{rule}: {key} passed to --{passed[key]}"
