"""Which modules each command loads, read from the source, against what Python loads."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qualframe import codebase
from qualframe.cli import build_parser, command_function


def every_step() -> list[str]:
    parser = build_parser()
    (steps,) = (a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(steps.choices)


# Runs in a fresh interpreter: imports the command line, then for every step, in a forked
# copy of that interpreter, calls the step's function with arguments that stop it at the
# first option it reads, and reports the package modules then loaded. Imports that come
# after the first option is read are not reached: what is reported is a lower bound.
LOADER = textwrap.dedent(
    """
    import json, os, sys
    from qualframe.cli import command_function

    class Stop(Exception):
        pass

    class Unread:
        def __getattr__(self, name):
            raise Stop(name)

    loaded = {}
    for step in sys.argv[1:]:
        read, write = os.pipe()
        if os.fork() == 0:
            os.close(read)
            try:
                command_function(step)(Unread())
            except Stop:
                pass
            names = sorted(m for m in sys.modules if m.split(".")[0] == "qualframe")
            os.write(write, json.dumps(names).encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as pipe:
            loaded[step] = json.loads(pipe.read())
        os.wait()
    print(json.dumps(loaded))
    """
)


def test_the_modules_read_from_the_source_cover_what_each_command_loads():
    steps = every_step()
    run = subprocess.run(
        [sys.executable, "-c", LOADER, *steps], capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    loaded = json.loads(run.stdout)
    assert sorted(loaded) == steps
    for step in steps:
        missing = set(loaded[step]) - set(codebase.command_modules(step))
        assert not missing, f"{step} loads {sorted(missing)}, missing from its code version"


def test_a_step_depends_on_its_own_code_only():
    report = codebase.command_modules("report")
    detect = codebase.command_modules("detect")
    chart = codebase.command_modules("chart")
    assert "qualframe.report.html" in report and "qualframe.report.html" not in detect
    assert "qualframe.deid.detect" in detect and "qualframe.deid.detect" not in report
    assert "qualframe.matrix.workbook" in chart and "qualframe.themes.exemplars" not in chart
    # every step loads the command line and what it imports
    assert {"qualframe", "qualframe.cli", "qualframe.provenance"} <= set(report) & set(detect)


def test_code_versions_differ_between_steps_and_follow_the_source():
    assert codebase.command_digest("report") != codebase.command_digest("detect")
    files = codebase.module_files(codebase.command_modules("export-qdpx"))
    # the REFI-QDA schema the export is validated against is part of its code
    assert any(path.suffix == ".xsd" for path in files)
    assert codebase.command_digest("report") == codebase.files_digest(
        codebase.module_files(codebase.command_modules("report"))
    )


def test_a_page_template_counts_for_the_steps_that_render_it_only():
    def templates(step):
        files = codebase.module_files(codebase.command_modules(step))
        return {path.name for path in files if path.parent.name == "templates"}

    assert {"report.html.j2", "report.css", "charting.html.j2"} <= templates("report")
    assert {"review.html.j2", "replacements.html.j2"} <= templates("review")
    assert "report.html.j2" not in templates("detect") | templates("review")


def test_an_unknown_step_is_a_key_error():
    with pytest.raises(KeyError):
        command_function("no-such-step")


@pytest.fixture
def package(tmp_path) -> Path:
    """A small `qualframe` package: a command module, a library and a lazy import."""
    root = tmp_path / "qualframe"
    files = {
        "__init__.py": "",
        "cli.py": "from qualframe.commands import tools\n",
        "commands/__init__.py": "",
        "commands/paths.py": "def helper():\n    from qualframe import fmt\n",
        "commands/tools.py": textwrap.dedent(
            """
            from qualframe import errors
            from qualframe.commands.paths import helper
            from qualframe.commands import paths as p

            def run_a(args):
                from qualframe.lib import a
                shared()

            def run_b(args):
                from ..lib import b
                helper()

            def run_c(args):
                p.helper()

            def shared():
                import qualframe.lib.deep
            """
        ),
        "errors.py": "",
        "fmt.py": "",
        "lib/__init__.py": "",
        "lib/a.py": "def f():\n    from qualframe import fmt\n",
        "lib/b.py": "",
        "lib/deep.py": "from . import b\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def closure_of(package: Path, function: str) -> set[str]:
    module = "qualframe.commands.tools"
    roots = {"qualframe.cli", module} | codebase.function_imports(module, function, package)
    return codebase.import_closure(roots, package) - {
        "qualframe",
        "qualframe.cli",
        "qualframe.commands",
        "qualframe.commands.tools",
        "qualframe.commands.paths",
        "qualframe.errors",
    }


def test_imports_are_followed_through_functions_packages_and_relative_names(package):
    # run_a: its own import, a library's lazy import, and a helper in the same module
    assert closure_of(package, "run_a") == {
        "qualframe.lib",
        "qualframe.lib.a",
        "qualframe.lib.b",
        "qualframe.lib.deep",
        "qualframe.fmt",
    }
    # run_b: a relative import, and a helper imported from another command module
    assert closure_of(package, "run_b") == {"qualframe.lib", "qualframe.lib.b", "qualframe.fmt"}
    # run_c: the helper reached through a module alias
    assert closure_of(package, "run_c") == {"qualframe.fmt"}
