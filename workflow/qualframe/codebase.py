"""The package's own source: which of its modules a command loads, and their digest.

A rule re-runs when the code its command runs changes, and only then: a chart edit must not
re-run NER on every shard. The modules a command loads are found by reading the source
(Python's `ast`), not by importing or running anything, so the workflow can ask for every
rule's code version while it loads:

- the command line (`qualframe.cli`) and the command modules (`qualframe.commands.*`) it
  imports are read for their top-level imports only, since their functions run only when
  called, plus every function reachable from the command's `run` function by name (in its
  own module or imported from another command module);
- every other package module counts with all its imports, wherever they are in the file
  (an import inside a function counts as if the function ran);
- importing `a.b.c` loads the packages `a` and `a.b` too.

A module's files are its .py file, and for a package, the data files beside it and in its
folders that are not packages themselves (e.g. `refi/schemas/*.xsd`).
"""

import ast
import functools
import hashlib
from pathlib import Path

PACKAGE = "qualframe"
PACKAGE_DIR = Path(__file__).parent
# Modules whose functions run only when a command calls them: read function by function.
ENTRY_MODULES = (f"{PACKAGE}.cli", f"{PACKAGE}.commands")


def module_path(name: str, package_dir: Path = PACKAGE_DIR) -> Path | None:
    """The source file of package module `name` (dotted), or None if there is none."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = package_dir.joinpath(*parts[1:])
    for candidate in (base / "__init__.py", base.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def is_package(name: str, package_dir: Path = PACKAGE_DIR) -> bool:
    path = module_path(name, package_dir)
    return path is not None and path.name == "__init__.py"


@functools.cache
def parse_module(name: str, package_dir: Path = PACKAGE_DIR) -> ast.Module:
    return ast.parse(module_path(name, package_dir).read_text(encoding="utf-8"))


def resolve_import(node: ast.Import | ast.ImportFrom, module: str, package_dir: Path) -> dict:
    """{package module loaded by `node`: the name it is bound to, or None}. Relative
    imports are resolved against `module`."""
    found: dict[str, str | None] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] == PACKAGE:
                found[alias.name] = alias.asname
        return found
    base = node.module or ""
    if node.level:
        anchor = module if is_package(module, package_dir) else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            anchor = anchor.rpartition(".")[0]
        base = f"{anchor}.{base}" if base else anchor
    if base.split(".")[0] != PACKAGE:
        return found
    found[base] = None
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if module_path(submodule, package_dir) is not None:
            found[submodule] = alias.asname or alias.name
    return found


def imports_in(nodes, module: str, package_dir: Path) -> set[str]:
    """Package modules imported anywhere inside `nodes` (AST nodes of `module`)."""
    found: set[str] = set()
    for top in nodes:
        for node in ast.walk(top):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.update(resolve_import(node, module, package_dir))
    return found


def top_level_imports(module: str, package_dir: Path) -> set[str]:
    """Package modules imported by `module`'s statements outside its top-level functions
    (what importing the module runs, and more): a class is walked whole, so an import
    inside a method counts as the module's own."""
    tree = parse_module(module, package_dir)
    body = [n for n in tree.body if not isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return imports_in(body, module, package_dir)


def is_entry_module(name: str) -> bool:
    return any(name == entry or name.startswith(f"{entry}.") for entry in ENTRY_MODULES)


def function_imports(module: str, function: str, package_dir: Path) -> set[str]:
    """Package modules imported inside `module`.`function` and every function it reaches
    by name, following names bound by imports from other entry modules."""
    found: set[str] = set()
    seen: set[tuple[str, str]] = set()
    pending = [(module, function)]
    while pending:
        current, name = pending.pop()
        if (current, name) in seen or module_path(current, package_dir) is None:
            continue
        seen.add((current, name))
        tree = parse_module(current, package_dir)
        functions = {
            n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        if name not in functions:
            continue
        node = functions[name]
        found |= imports_in([node], current, package_dir)
        # names bound at the module's top level, and by imports inside the function
        local = [n for n in ast.walk(node) if isinstance(n, ast.Import | ast.ImportFrom)]
        bound = imported_names([*tree.body, *local], current, package_dir)
        for ref in ast.walk(node):
            if isinstance(ref, ast.Name) and ref.id in functions:
                pending.append((current, ref.id))
            elif isinstance(ref, ast.Name) and ref.id in bound:
                pending.append(bound[ref.id])
            elif (
                isinstance(ref, ast.Attribute)
                and isinstance(ref.value, ast.Name)
                and ref.value.id in bound
            ):
                target, _ = bound[ref.value.id]
                if module_path(target, package_dir) is not None:
                    pending.append((target, ref.attr))
    return found


def imported_names(nodes, module: str, package_dir: Path) -> dict:
    """{name bound by an import statement among `nodes` (of `module`) from an entry
    module: (module, attribute)}; a bound module maps to (that module, "")."""
    bound: dict[str, tuple[str, str]] = {}
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            modules = resolve_import(node, module, package_dir)
            if not modules:
                continue
            base = next(iter(modules))  # the `from` module comes first
            for alias in node.names:
                name = alias.asname or alias.name
                submodule = f"{base}.{alias.name}"
                if submodule in modules:
                    bound[name] = (submodule, "")
                elif is_entry_module(base):
                    bound[name] = (base, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and is_entry_module(alias.name):
                    bound[alias.asname] = (alias.name, "")
    return {name: target for name, target in bound.items() if is_entry_module(target[0])}


def with_parents(modules: set[str]) -> set[str]:
    """`modules` and every package above each of them."""
    found = set(modules)
    for name in modules:
        parts = name.split(".")
        found.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return found


def import_closure(roots: set[str], package_dir: Path = PACKAGE_DIR) -> set[str]:
    """Every package module loaded by importing `roots`: entry modules contribute their
    top-level imports, other modules all of theirs."""
    found: set[str] = set()
    pending = list(with_parents(roots))
    while pending:
        name = pending.pop()
        if name in found or module_path(name, package_dir) is None:
            continue
        found.add(name)
        if is_entry_module(name):
            imported = top_level_imports(name, package_dir)
        else:
            imported = imports_in([parse_module(name, package_dir)], name, package_dir)
        pending.extend(with_parents(imported) - found)
    return found


@functools.cache
def command_modules(step: str) -> tuple[str, ...]:
    """The package modules `qualframe <step>` loads, sorted."""
    from qualframe.cli import command_function

    function = command_function(step)
    roots = {f"{PACKAGE}.cli", function.__module__}
    roots |= function_imports(function.__module__, function.__name__, PACKAGE_DIR)
    return tuple(sorted(import_closure(roots)))


def module_files(modules, package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """The source files of `modules` and the data files of their packages, sorted."""
    files: set[Path] = set()
    for name in modules:
        path = module_path(name, package_dir)
        files.add(path)
        if path.name == "__init__.py":
            files.update(package_data(path.parent))
    return sorted(files)


def package_data(folder: Path) -> list[Path]:
    """Files other than Python source in package `folder` and in its subfolders that are
    not packages (e.g. `refi/schemas/*.xsd`, `study/config.template.yaml`)."""
    found = []
    for path in folder.iterdir():
        if path.is_file() and path.suffix not in (".py", ".pyc"):
            found.append(path)
        elif path.is_dir() and path.name != "__pycache__" and not (path / "__init__.py").exists():
            found.extend(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
            )
    return found


def files_digest(files, package_dir: Path = PACKAGE_DIR) -> str:
    """SHA-256 over the relative paths and bytes of `files`, in order."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(Path(path).relative_to(package_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


@functools.cache
def command_digest(step: str) -> str:
    """SHA-256 over the source and data files of the modules `qualframe <step>` loads."""
    return files_digest(module_files(command_modules(step)))


def package_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """SHA-256 over the relative paths and bytes of every .py file of the package."""
    return files_digest(sorted(package_dir.rglob("*.py")), package_dir)
