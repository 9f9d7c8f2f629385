"""The flow goes one way, content -> engine -> service/store -> web/cli, and nothing reaches back.

Imports are read from the source, absolute and relative, at module level and inside
functions: a `from ..web import x` inside an engine function counts as much as one at the
top. On top of the layers, the modules of the app must not import each other in a cycle,
and views reach the database only through store functions (no `.execute(` in app/web).
A test plants each kind of violation in a copy of the app to prove the scan would catch it.
"""

from __future__ import annotations

import ast
import functools
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from app import PROJECT_ROOT

APP = PROJECT_ROOT / "app"

# Third-party libraries each layer must not use.
FORBIDDEN_LIBRARIES = {
    "app.engine": {"flask", "flask_wtf", "wtforms", "sqlite_utils", "sqlite3", "plotly", "werkzeug", "requests"},
    "app.store": {"flask", "flask_wtf", "wtforms", "plotly"},
    "app.charts": {"flask", "sqlite_utils"},
    "app.reports": {"flask", "sqlite_utils", "plotly", "werkzeug"},
    "app.service": {"flask", "flask_wtf", "wtforms"},
}
# The parts of the app each layer may import (itself included). Anything else reaches back up.
ALLOWED_PARTS = {
    "app.engine": {"app.engine"},
    "app.store": {"app.store", "app.engine"},
    "app.charts": {"app.charts", "app.engine"},
    "app.reports": {"app.reports", "app.engine", "app.charts"},
    "app.service": {"app.service", "app.engine", "app.store", "app.charts", "app.reports"},
    "app.db": {"app.db", "app.store"},
    "app.web": {"app.web", "app.engine", "app.store", "app.charts", "app.reports", "app.service", "app.db"},
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, e.g. app.web.orgs
    target: str  # what it imports, resolved to a module of the app or a top-level library name
    line: int
    in_function: bool


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(root: Path, module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """Absolute names of what a `from ... import ...` brings in (submodules where they are modules)."""
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    names = []
    for alias in node.names:
        candidate = f"{prefix}.{alias.name}"
        as_path = root.parent.joinpath(*candidate.split("."))
        names.append(candidate if as_path.with_suffix(".py").exists() or (as_path / "__init__.py").exists()
                     else prefix)
    return names


@functools.lru_cache(maxsize=None)
def parsed(text: str) -> ast.Module:
    """A file's syntax tree, parsed once per text: the scans read the app and its copies many times."""
    return ast.parse(text)


def statements(node: ast.AST):
    """The statements directly inside a node: an import is a statement, and no expression holds one."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
            yield child


def imports_in(path: Path, root: Path) -> list[Import]:
    """Every import statement of a file, wherever it is, with relative names resolved."""
    module = module_name(path, root)
    tree = parsed(path.read_text())
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in statements(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend(Import(module, alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                found.extend(Import(module, target, child.lineno, in_function)
                             for target in _resolve(root, module, path.name == "__init__.py", child))
            visit(child, nested)

    visit(tree, False)
    return found


def app_modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py"))}


def part_of(module: str) -> str:
    """The layer a module belongs to: app.engine.scoring -> app.engine, app.service -> app.service."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def layer_problems(root: Path) -> list[str]:
    problems = []
    for module, path in app_modules(root).items():
        layer = part_of(module)
        for imp in imports_in(path, root):
            where = f"{path.relative_to(root.parent)}:{imp.line}"
            library = imp.target.split(".")[0]
            if library != "app" and library in FORBIDDEN_LIBRARIES.get(layer, ()):
                problems.append(f"{where}: {layer} must not use {library}")
            if imp.target.startswith("app.") and layer in ALLOWED_PARTS and part_of(imp.target) not in ALLOWED_PARTS[layer]:
                problems.append(f"{where}: {module} reaches back to {imp.target}")
    return problems


def import_cycles(root: Path) -> list[list[str]]:
    """Cycles among the app's modules, counting imports inside functions too."""
    modules = app_modules(root)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        for imp in imports_in(path, root):
            target = imp.target
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != module:
                graph[module].add(target)
    cycles, state, stack = [], {}, []

    def walk(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            walk(node)
    return cycles


def sql_in_views(root: Path) -> list[str]:
    """Lines of app/web that run SQL themselves instead of calling a store function."""
    found = []
    for path in sorted((root / "web").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\.execute(many)?\(", line):
                found.append(f"{path.relative_to(root.parent)}:{number}: {line.strip()}")
    return found


# --------------------------------------------------------------------------
# The app as it is
# --------------------------------------------------------------------------


def test_each_layer_imports_only_what_is_below_it():
    assert layer_problems(APP) == []


def test_no_module_of_the_app_imports_itself_in_a_cycle():
    assert [" -> ".join(c) for c in import_cycles(APP)] == []


def test_views_reach_the_database_only_through_store_functions():
    assert sql_in_views(APP) == []


def test_function_level_and_relative_imports_are_seen():
    found = {(i.target, i.in_function) for i in imports_in(APP / "cli.py", APP)}
    assert ("app.engine", False) in found  # `from .engine import ...` at the top
    assert any(target.startswith("app.") and inside for target, inside in found)


# --------------------------------------------------------------------------
# The scan can fail: violations planted in a copy of the app
# --------------------------------------------------------------------------


@pytest.fixture
def copy_of_app(tmp_path) -> Path:
    root = tmp_path / "app"
    shutil.copytree(APP, root, ignore=shutil.ignore_patterns("__pycache__", "templates", "static"))
    return root


def plant(path: Path, text: str) -> None:
    path.write_text(path.read_text() + "\n" + text + "\n")


def test_a_relative_import_of_the_web_inside_an_engine_function_is_caught(copy_of_app):
    plant(copy_of_app / "engine" / "scoring.py", "def leak():\n    from ..web import access\n    return access\n")
    assert any("app.engine.scoring reaches back to app.web.access" in p for p in layer_problems(copy_of_app))


def test_a_forbidden_library_in_the_engine_is_caught(copy_of_app):
    plant(copy_of_app / "engine" / "scoring.py", "def draw():\n    import plotly.graph_objects as go\n    return go\n")
    assert any("app.engine must not use plotly" in p for p in layer_problems(copy_of_app))


def test_a_function_level_import_cycle_is_caught(copy_of_app):
    plant(copy_of_app / "store" / "responses.py", "def later():\n    from .history import latest_context\n")
    cycles = [" -> ".join(c) for c in import_cycles(copy_of_app)]
    assert any("app.store.responses" in c and "app.store.history" in c for c in cycles), cycles


def test_sql_in_a_view_is_caught(copy_of_app):
    plant(copy_of_app / "web" / "orgs.py", "def count(db):\n    return db.execute('SELECT 1').fetchone()\n")
    assert any("web/orgs.py" in line and "db.execute" in line for line in sql_in_views(copy_of_app))
