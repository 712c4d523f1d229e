"""Every subcommand's parser, walked: every option has help and follows the conventions
(commands.options), and every command module has the augur shape."""

import argparse
import re

import pytest

from qualframe import commands
from qualframe.cli import build_parser, subparsers, written_paths
from qualframe.commands import options

KEBAB = re.compile(r"--[a-z][a-z0-9]*(-[a-z0-9]+)*")
STEPS = subparsers(build_parser())


def arguments(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The options and positional arguments of `parser`, without -h."""
    return [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]


def test_every_command_module_registers_one_step_named_after_it():
    assert len(STEPS) == len(commands.COMMANDS) == 25
    for module in commands.COMMANDS:
        step = module.__name__.rpartition(".")[2].replace("_", "-")
        assert STEPS[step].get_default("command") is module
        assert callable(module.run) and callable(module.register_parser)
        assert module.__doc__.strip(), f"{step}: no docstring to describe it"


@pytest.mark.parametrize("step", sorted(STEPS))
def test_every_argument_has_help(step):
    parser = STEPS[step]
    assert parser.description, f"{step} has no description"
    for action in arguments(parser):
        name = "/".join(action.option_strings) or action.dest
        assert action.help and action.help != argparse.SUPPRESS, f"{step} {name}: no help"
        assert not action.help.endswith("."), f"{step} {name}: help ends in a full stop"


@pytest.mark.parametrize("step", sorted(STEPS))
def test_options_are_kebab_case_long_options_named_as_their_attribute(step):
    for action in arguments(STEPS[step]):
        if not action.option_strings:
            continue
        (name,) = action.option_strings
        assert KEBAB.fullmatch(name), f"{step} {name}: not a kebab-case long option"
        assert action.dest == name[2:].replace("-", "_"), f"{step} {name} sets {action.dest}"


@pytest.mark.parametrize("step", sorted(STEPS))
def test_written_paths_follow_the_naming_convention(step):
    """--output or --output-<what>; a CSV copy --csv or --<what>-csv, beside its Parquet
    option; never another way of naming an output (--segments-out, --out, --long)."""
    names = {name for action in arguments(STEPS[step]) for name in action.option_strings}
    for name in names:
        if name == "--csv":
            assert "--output" in names, f"{step}: --csv without --output"
        elif name.endswith("-csv"):
            table = name.removeprefix("--").removesuffix("-csv")
            assert f"--output-{table}" in names, f"{step}: {name} without --output-{table}"
        assert not re.search(r"(^--out-|-out$|^--out$)", name), f"{step} {name}: use --output"
    for action in options.written_options(STEPS[step]):
        (name,) = action.option_strings
        kind = action.dest
        assert kind in options.BOOKKEEPING_WRITES or action.metavar == "PATH", (
            f"{step} {name}: written paths are declared with options.add_output"
        )


def test_the_steps_written_paths_are_found_by_their_option_names():
    args = build_parser().parse_args(
        ["chart", "--segments", "s", "--codebook", "c", "--cases", "k"]
        + ["--output", "m.parquet", "--csv", "m.csv", "--output-wide", "w.parquet"]
        + ["--wide-csv", "w.csv", "--output-workbook", "m.xlsx", "--record", "r.json"]
        + ["--record-outputs", "m.parquet"]
    )
    assert sorted(written_paths(args)) == sorted(
        ["m.parquet", "m.csv", "m.parquet", "w.parquet", "w.csv", "m.xlsx", "r.json"]
    )


def test_table_outputs_have_a_csv_copy():
    """Every published table is written as Parquet and CSV: an output whose help says
    "(Parquet)" has its CSV partner; a restricted table says "(Parquet, restricted)"."""
    for step, parser in STEPS.items():
        names = {n for a in arguments(parser) for n in a.option_strings}
        for action in options.written_options(parser):
            (name,) = action.option_strings
            if "(Parquet)" in (action.help or ""):
                csv = "--csv" if name == "--output" else f"--{name[len('--output-') :]}-csv"
                assert csv in names, f"{step} {name}: a table without its CSV copy {csv}"
