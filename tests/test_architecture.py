"""The engine stays pure: no web, database or chart imports; adapters stay out of it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app import PROJECT_ROOT

ENGINE = PROJECT_ROOT / "app" / "engine"
FORBIDDEN_IN_ENGINE = {"flask", "flask_wtf", "wtforms", "sqlite_utils", "sqlite3", "plotly", "werkzeug", "requests"}
FORBIDDEN_IN_ADAPTERS = {
    **{str(p.relative_to(PROJECT_ROOT)): {"flask", "plotly"} for p in sorted((PROJECT_ROOT / "app" / "store").glob("*.py"))},
    "app/charts.py": {"flask", "sqlite_utils"},
    **{str(p.relative_to(PROJECT_ROOT)): {"flask", "sqlite_utils", "plotly", "werkzeug"}
       for p in sorted((PROJECT_ROOT / "app" / "reports").glob("*.py"))},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(ENGINE.glob("*.py")), ids=lambda p: p.name)
def test_engine_module_imports_no_adapter_library(path):
    assert imported_modules(path) & FORBIDDEN_IN_ENGINE == set()


@pytest.mark.parametrize("relpath, forbidden", sorted(FORBIDDEN_IN_ADAPTERS.items()))
def test_adapters_do_not_reach_into_flask(relpath, forbidden):
    assert imported_modules(PROJECT_ROOT / relpath) & forbidden == set()


def test_the_scan_would_catch_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom flask import g\n")
    assert "flask" in imported_modules(bad) & FORBIDDEN_IN_ENGINE
