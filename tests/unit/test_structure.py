"""The package's shape: modules of one job, small enough to read, importing without cycles."""

import graphlib

from qualframe import codebase

MAX_LINES = 500
# Modules still over the limit while they are being split. This list must become empty:
# remove a module from it once it is split, and never add one.
TOO_LONG_FOR_NOW = frozenset({"synth.py", "deid/surrogates.py"})


def package_modules() -> dict[str, str]:
    """{dotted module name: its path relative to the package folder}."""
    modules = {}
    for path in sorted(codebase.PACKAGE_DIR.rglob("*.py")):
        relative = path.relative_to(codebase.PACKAGE_DIR)
        parts = [codebase.PACKAGE, *relative.with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = relative.as_posix()
    return modules


def test_no_module_is_over_500_lines():
    lengths = {
        relative: len((codebase.PACKAGE_DIR / relative).read_text(encoding="utf-8").splitlines())
        for relative in package_modules().values()
    }
    too_long = {path: n for path, n in lengths.items() if n > MAX_LINES}
    assert set(too_long) <= TOO_LONG_FOR_NOW, f"over {MAX_LINES} lines: {too_long}"
    split = TOO_LONG_FOR_NOW - set(too_long)
    assert not split, f"{sorted(split)} now fit: remove them from TOO_LONG_FOR_NOW"


def test_importing_the_package_runs_into_no_cycle():
    """What a module imports when it is imported (not inside functions, which import
    lazily on purpose) never leads back to it; a package's own modules may import it."""
    graph = {}
    for module in package_modules():
        imported = codebase.top_level_imports(module, codebase.PACKAGE_DIR)
        graph[module] = {
            other for other in imported if other != module and not module.startswith(f"{other}.")
        }
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None
