"""Content: the shipped files meet the bar; known-bad files fail with the message an author needs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from app import PROJECT_ROOT
from app.engine import ContentError, load_content
from app.engine.models import json_schemas
from app.engine.vocabulary import CONTEXT_KEYS, DIMENSIONS
from tests.helpers import CONTENT_FIXTURES, content_patches, expectations

FIXTURES = CONTENT_FIXTURES
INVALID = sorted(content_patches(FIXTURES))
FOLDER_OF_KIND = {"questionnaire": "questionnaires"}


def content_root_with(tmp_path: Path, fixture: Path, folder: str = "questionnaires") -> Path:
    """A content root holding the shipped content plus one fixture file."""
    for name in ("questionnaires", "rules", "roadmaps"):
        if (PROJECT_ROOT / name).is_dir():
            shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    (tmp_path / folder).mkdir(exist_ok=True)
    shutil.copy(fixture, tmp_path / folder / fixture.name)
    return tmp_path


def test_shipped_content_loads(content):
    assert "pmo-maturity" in content.questionnaires
    assert len(content.hash) == 64


def test_valid_fixture_loads(tmp_path):
    root = content_root_with(tmp_path, FIXTURES / "valid_questionnaire.yaml")
    assert "fixture" in load_content(root).questionnaires


@pytest.mark.parametrize("name", INVALID)
def test_invalid_content_fails_with_its_message(tmp_path, bad_questionnaires, name):
    fixture = bad_questionnaires[name]
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect:' line"
    root = content_root_with(tmp_path, fixture)
    with pytest.raises(ContentError) as info:
        load_content(root)
    message = info.value.describe()
    for pattern in expected:
        assert re.search(pattern, message), f"expected /{pattern}/ in:\n{message}"
    # Every problem names the fixture file, never the good files beside it.
    assert all(fixture.name in file for file, _path, _reason in info.value.problems), message


def test_every_problem_is_collected_not_just_the_first(tmp_path, bad_questionnaires):
    root = content_root_with(tmp_path, bad_questionnaires["invalid_two_problems"])
    shutil.copy(bad_questionnaires["invalid_wrong_prefix"], root / "questionnaires")
    with pytest.raises(ContentError) as info:
        load_content(root)
    files = {file.split(":")[0] for file, _p, _r in info.value.problems}
    assert files == {"questionnaires/invalid_two_problems.yaml", "questionnaires/invalid_wrong_prefix.yaml"}
    assert len(info.value.problems) >= 3


def test_problems_carry_the_line_of_the_offending_node(tmp_path, bad_questionnaires):
    fixture = bad_questionnaires["invalid_missing_level_option"]
    root = content_root_with(tmp_path, fixture)
    with pytest.raises(ContentError) as info:
        load_content(root)
    (file, _path, _reason), = info.value.problems
    line = int(file.rsplit(":", 1)[1])
    assert "options:" in fixture.read_text().splitlines()[line - 1]


def test_questionnaire_meets_the_content_bar(questionnaire):
    assert [d.id for d in questionnaire.dimensions] == list(DIMENSIONS)
    for dim in questionnaire.dimensions:
        assert len(dim.questions) >= 8, f"{dim.id} has only {len(dim.questions)} questions"
    assert len(questionnaire.questions()) >= 40
    assert [f.key for f in questionnaire.context] == list(CONTEXT_KEYS)
    assert [lv.name for lv in questionnaire.levels] == [
        "Ad hoc", "Repeatable", "Defined", "Managed and measured", "Optimising"]


def test_options_are_distinct_behavioural_descriptions(questionnaire):
    vague = re.compile(r"^(poor|fair|good|very good|excellent|somewhat|none|basic|advanced)\.?$", re.I)
    seen = set()
    for q in questionnaire.questions():
        assert q.help and len(q.help) > 40, q.id
        for level, text in q.options.items():
            assert not vague.match(text.strip()), f"{q.id} level {level} is a label, not a behaviour"
            assert len(text.split()) >= 10, f"{q.id} level {level} is too short to describe behaviour"
            assert text not in seen, f"{q.id} level {level} repeats another option"
            seen.add(text)


def test_shipped_yaml_files_point_at_their_schema():
    for path in sorted(PROJECT_ROOT.glob("questionnaires/*.yaml")):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=../schemas/"), path.name
        kind = yaml.safe_load(path.read_text())["kind"]
        schema = PROJECT_ROOT / "schemas" / f"{kind.replace('_', '-')}.schema.json"
        assert first.endswith(schema.name) and schema.exists(), path.name


def test_exported_schemas_are_current():
    for kind, schema in json_schemas().items():
        stored = PROJECT_ROOT / "schemas" / f"{kind.replace('_', '-')}.schema.json"
        assert stored.exists(), f"run `flask --app app content schema` to export {stored.name}"
        assert yaml.safe_load(stored.read_text()) == schema, f"{stored.name} is stale: run `flask --app app content schema`"


def test_app_refuses_to_start_on_invalid_content(make_app, tmp_path, bad_questionnaires):
    root = content_root_with(tmp_path, bad_questionnaires["invalid_wrong_prefix"])
    with pytest.raises(ContentError, match="must start with 'governance.'"):
        make_app(tmp_path / "db.sqlite3", CONTENT_ROOT=str(root))
