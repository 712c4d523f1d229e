"""The package's shape: modules of one job, small enough to read, importing without cycles."""

import ast
import graphlib

from qualframe import codebase

MAX_LINES = 500


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
    assert len(lengths) > 100
    too_long = {path: n for path, n in lengths.items() if n > MAX_LINES}
    assert not too_long, f"over {MAX_LINES} lines: {too_long}"


def runs_on_import(node: ast.stmt) -> bool:
    """Whether a module's top-level statement runs when it is imported: not a function,
    not an `if TYPE_CHECKING:` block (read by type checkers only)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        return False
    if isinstance(node, ast.If):
        test = node.test
        name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", "")
        return name != "TYPE_CHECKING"
    return True


def test_importing_the_package_runs_into_no_cycle():
    """What a module imports when it is imported (not inside functions, which import
    lazily on purpose) never leads back to it; a package's own modules may import it."""
    graph = {}
    for module in package_modules():
        tree = codebase.parse_module(module, codebase.PACKAGE_DIR)
        body = [node for node in tree.body if runs_on_import(node)]
        imported = codebase.imports_in(body, module, codebase.PACKAGE_DIR)
        graph[module] = {
            other for other in imported if other != module and not module.startswith(f"{other}.")
        }
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None
