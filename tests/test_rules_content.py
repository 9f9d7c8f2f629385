"""Rule content: known-bad rule files fail at load with a message that names the file, line, path and fix.

Each fixture in tests/content/rules/ is a small patch over the shipped file of its kind: ``set`` gives
new values by path (``rules[5].when``), ``delete`` removes paths, and ``beside: true`` puts the patched
copy next to the shipped file instead of in its place (only one file of each kind is allowed). The
``# expect: <regex>`` lines give the message each one must produce. Built from the shipped file, a
fixture keeps testing its one defect when the content around it changes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from app import PROJECT_ROOT, create_app
from app.engine import ContentError, load_content

FIXTURES = Path(__file__).parent / "content" / "rules"
INVALID = sorted(FIXTURES.glob("invalid_*.yaml"))
SHIPPED_FILE_OF_KIND = {"model_rules": "pmo-models.yaml", "pitfalls": "pitfalls.yaml", "ownership": "ownership.yaml"}


def expectations(path: Path) -> list[str]:
    return [line[len("# expect: "):].strip() for line in path.read_text().splitlines() if line.startswith("# expect: ")]


def added_beside_the_shipped_file(path: Path) -> bool:
    return bool(yaml.safe_load(path.read_text()).get("beside"))


def _steps(path: str) -> list[Any]:
    return [int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", path)]


def patched(fixture: Path) -> str:
    """The shipped file of the fixture's kind with the fixture's changes, as YAML text."""
    patch = yaml.safe_load(fixture.read_text())
    document = yaml.safe_load((PROJECT_ROOT / "rules" / SHIPPED_FILE_OF_KIND[patch["kind"]]).read_text())
    for path, value in (patch.get("set") or {}).items():
        *parents, last = _steps(path)
        node = document
        for step in parents:
            node = node[step]
        node[last] = value
    for path in patch.get("delete") or ():
        *parents, last = _steps(path)
        node = document
        for step in parents:
            node = node[step]
        del node[last]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)


def content_root_with_rule_file(tmp_path: Path, fixture: Path) -> Path:
    """The shipped content with the patched fixture in rules/, instead of (or beside) the shipped file."""
    for name in ("questionnaires", "rules", "roadmaps"):
        if (PROJECT_ROOT / name).is_dir():
            shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
        else:
            (tmp_path / name).mkdir()
    if not added_beside_the_shipped_file(fixture):
        kind = yaml.safe_load(fixture.read_text())["kind"]
        (tmp_path / "rules" / SHIPPED_FILE_OF_KIND[kind]).unlink()
    (tmp_path / "rules" / fixture.name).write_text(patched(fixture))
    return tmp_path


def load_problems(root: Path) -> ContentError:
    with pytest.raises(ContentError) as info:
        load_content(root)
    return info.value


@pytest.fixture(scope="module")
def problems_of(tmp_path_factory):
    """The ContentError each fixture gives, loaded once per module (a load takes ~0.2 s)."""
    cache: dict[Path, ContentError] = {}

    def problems(fixture: Path) -> ContentError:
        if fixture not in cache:
            cache[fixture] = load_problems(content_root_with_rule_file(tmp_path_factory.mktemp(fixture.stem), fixture))
        return cache[fixture]

    return problems


def test_the_bad_rule_fixtures_cover_every_kind_of_defect():
    names = {p.stem.removeprefix("invalid_") for p in INVALID}
    required = {
        "unknown_symbol", "unknown_attribute", "type_mismatch", "syntax_error", "non_boolean", "nullable_answer",
        "unknown_model_in_points", "zero_points", "unknown_placeholder", "duplicate_rule_id", "pitfall_severity",
        "model_in_model_rule", "missing_model", "second_model_rules", "unknown_choice_value",
    }
    assert required <= names, f"missing fixtures: {sorted(required - names)}"
    kinds = {yaml.safe_load(p.read_text())["kind"] for p in INVALID}
    assert kinds == set(SHIPPED_FILE_OF_KIND)


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_bad_rule_file_fails_with_its_message(problems_of, fixture):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect:' line"
    error = problems_of(fixture)
    message = error.describe()
    for pattern in expected:
        assert re.search(pattern, message), f"expected /{pattern}/ in:\n{message}"
    # One defect, one problem: a fixture must not fail for a reason nobody is testing.
    assert len(error.problems) == len(expected), message
    # Problems name the fixture (or, for a second file of a kind, point at it), never a good file alone.
    assert all(fixture.name in f"{file} {reason}" for file, _path, reason in error.problems), message


@pytest.mark.parametrize("fixture", [p for p in INVALID if not added_beside_the_shipped_file(p)],
                         ids=[p.stem for p in INVALID if not added_beside_the_shipped_file(p)])
def test_bad_rule_file_problem_names_the_line_of_the_offending_key(problems_of, fixture):
    error = problems_of(fixture)
    lines = patched(fixture).splitlines()
    for file, path, _reason in error.problems:
        match = re.fullmatch(rf"rules/{re.escape(fixture.name)}:(\d+)", file)
        assert match, f"{file!r} does not name the fixture with a line number"
        key = [part for part in re.split(r"[.\[\]]+", path) if part and not part.isdigit() and part != "key"]
        line = lines[int(match.group(1)) - 1]
        # The line holds the key the path ends in (or, for a key inside a flow mapping, its parent).
        assert any(f"{k}:" in line for k in key[-2:]), f"line {match.group(1)} is {line!r}"


def test_model_in_a_model_rule_is_explained_not_answered_with_a_misleading_suggestion(problems_of):
    message = problems_of(FIXTURES / "invalid_model_in_model_rule.yaml").describe()
    assert "did you mean 'overall'" not in message, message


def test_one_bad_condition_does_not_hide_the_others(tmp_path):
    fixture = tmp_path / "invalid_two_symbols.yaml"
    fixture.write_text("kind: model_rules\nset:\n  rules[0].when: 'overal < 2.5'\n  rules[7].when: 'leadershp < 2.5'\n")
    root = content_root_with_rule_file(tmp_path / "root", fixture)
    error = load_problems(root)
    paths = [path for _file, path, _reason in error.problems]
    assert paths == ["rules[0].when", "rules[7].when"], error.describe()


def test_app_refuses_to_start_on_a_bad_rule_file(tmp_path):
    root = content_root_with_rule_file(tmp_path, FIXTURES / "invalid_nullable_answer.yaml")
    with pytest.raises(ContentError, match=r"pitfalls\[4\]\.when: condition fails when answers are unknown"):
        create_app({"TESTING": True, "DATABASE": str(tmp_path / "db.sqlite3"), "CONTENT_ROOT": str(root),
                    "SECRET_KEY": "x"})


def test_content_check_command_exits_1_and_prints_each_problem(tmp_path):
    fixture = FIXTURES / "invalid_unknown_attribute.yaml"
    root = content_root_with_rule_file(tmp_path / "content", fixture)
    env = {**os.environ, "FLASK_CONTENT_ROOT": str(root), "FLASK_DATABASE": str(tmp_path / "db.sqlite3"),
           "FLASK_SECRET_KEY": "x"}
    result = subprocess.run([str(PROJECT_ROOT / ".venv" / "bin" / "flask"), "--app", "app", "content", "check"],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.search(r"^rules/invalid_unknown_attribute\.yaml:\d+: rules\[5\]\.when: unknown attribute 'governanse'.* "
                     r"at column \d+ \(did you mean 'governance'\?\) \(in 'governance-gap'\)$", result.stdout, re.M), result.stdout
    assert "1 problem(s) found." in result.stderr


def test_shipped_rule_files_load_with_every_rule_compiled(content):
    for kind, name in SHIPPED_FILE_OF_KIND.items():
        assert yaml.safe_load((PROJECT_ROOT / "rules" / name).read_text())["kind"] == kind
    shipped = yaml.safe_load((PROJECT_ROOT / "rules" / "pmo-models.yaml").read_text())
    assert [r.id for r in content.rulebook.model_rules] == [r["id"] for r in shipped["rules"]]
