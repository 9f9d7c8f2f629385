"""Command line: questionnaire show, assess, content check — as DESIGN.md describes them."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from app.engine.vocabulary import DIMENSIONS
from tests.helpers import FULL_CONTEXT


def write(tmp_path, data, name="answers.yaml"):
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(data))
    else:
        path.write_text(yaml.safe_dump(data))
    return str(path)


def all_answers(questionnaire, level_for):
    return {q.id: level_for(q) for q in questionnaire.questions()}


def test_questionnaire_show_json_lists_dimensions_questions_options_and_context(runner, questionnaire):
    result = runner.invoke(args=["questionnaire", "show", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["id"] for d in data["dimensions"]] == list(DIMENSIONS)
    first = data["dimensions"][0]["questions"][0]
    assert first["id"] == questionnaire.dimensions[0].questions[0].id
    assert [o["level"] for o in first["options"]] == [1, 2, 3, 4, 5]
    context = {f["key"]: f for f in data["context"]}
    assert context["org_size"]["values"] == ["small", "medium", "large", "enterprise"]
    assert context["regulated"]["type"] == "boolean"
    assert sum(len(d["questions"]) for d in data["dimensions"]) == len(questionnaire.questions())


def test_questionnaire_show_text(runner):
    result = runner.invoke(args=["questionnaire", "show"])
    assert result.exit_code == 0
    assert "governance.intake_criteria" in result.stdout


@pytest.mark.parametrize("name", ["answers.yaml", "answers.json"])
def test_assess_prints_the_whole_result_as_json(runner, tmp_path, questionnaire, name):
    answers = all_answers(questionnaire, lambda q: 2 if q.id.startswith("governance") else 4)
    path = write(tmp_path, {"answers": answers, "context": FULL_CONTEXT}, name)
    result = runner.invoke(args=["assess", "--answers", path, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["questionnaire"]["id"] == "pmo-maturity"
    n = len(questionnaire.dimension("governance").questions)
    assert data["scores"]["governance"] == {"score": 2.0, "level": 2, "level_text": "level 2", "answered": n,
                                            "dont_know": 0, "total": n, "insufficient": False}
    assert data["overall"]["level"] == 3
    for key in ("recommendation", "pitfalls", "roadmap"):
        assert key in data


def test_assess_markdown(runner, tmp_path, questionnaire):
    path = write(tmp_path, {"answers": all_answers(questionnaire, lambda q: 3), "context": FULL_CONTEXT})
    result = runner.invoke(args=["assess", "--answers", path, "--format", "markdown"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# PMO maturity result")
    # The scores table: area, score, level and the target the roadmap works towards (never below today).
    row = re.search(r"^\| Governance \| 3\.00 \| level 3 \| (\d) \|$", result.stdout, flags=re.M)
    assert row and int(row.group(1)) >= 3


def test_assess_with_missing_context_warns_and_assumes(runner, tmp_path, questionnaire):
    context = {k: v for k, v in FULL_CONTEXT.items() if k != "existing_pmo"}
    path = write(tmp_path, {"answers": all_answers(questionnaire, lambda q: 3), "context": context})
    result = runner.invoke(args=["assess", "--answers", path])
    assert result.exit_code == 0
    assert "context.existing_pmo was not given; assumed 'none'" in result.stderr
    assert json.loads(result.stdout)["context"]["existing_pmo"] == "none"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"answers": {"governance.unknown": 3}, "context": FULL_CONTEXT}, "unknown question id 'governance.unknown'"),
        ({"answers": {"governance.intake_criteria": 6}, "context": FULL_CONTEXT},
         "answer to 'governance.intake_criteria' is 6; expected a level 1-5 or null for don't know"),
        ({"answers": {}, "context": {**FULL_CONTEXT, "org_size": "huge"}},
         "context.org_size is 'huge'; expected one of small, medium, large, enterprise"),
        ({"answers": {}, "context": {**FULL_CONTEXT, "business_units": 0}}, "context.business_units is 0; it cannot be below 1"),
        ({"answers": {}, "context": {**FULL_CONTEXT, "regulated": "maybe"}}, "context.regulated is 'maybe'; expected true or false"),
        ({"answers": {}, "context": {**FULL_CONTEXT, "colour": "red"}}, "unknown context key 'colour'"),
        ({"answers": {}, "context": FULL_CONTEXT, "target": {"governance": 7}}, "target for governance is 7"),
        ({"answers": {}, "context": FULL_CONTEXT, "target": {"finance": 3}}, "unknown dimension 'finance' in target"),
        ({"questionnaire": "nope", "answers": {}}, "unknown questionnaire 'nope'"),
        ({"answer": {}}, "unknown top-level key 'answer'"),
        (["not", "a", "mapping"], "must contain a mapping"),
    ],
)
def test_assess_bad_input_exits_2_with_one_clear_line(runner, tmp_path, data, message):
    path = write(tmp_path, data)
    result = runner.invoke(args=["assess", "--answers", path])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_assess_unreadable_or_malformed_file_exits_2(runner, tmp_path):
    missing = runner.invoke(args=["assess", "--answers", str(tmp_path / "absent.yaml")])
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = runner.invoke(args=["assess", "--answers", str(broken)])
    assert result.exit_code == 2 and "is not valid JSON" in result.stderr


def test_assess_writes_nothing_to_the_database(runner, tmp_path, app, questionnaire):
    from app import store

    path = write(tmp_path, {"answers": all_answers(questionnaire, lambda q: 3), "context": FULL_CONTEXT})
    assert runner.invoke(args=["assess", "--answers", path]).exit_code == 0
    db = store.open_db(app.config["DATABASE"])
    assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0


def test_content_check_passes_on_shipped_content(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0
    assert result.stdout.startswith("content OK")


def test_assess_takes_a_plan_and_dates_the_roadmap_from_start(runner, tmp_path, questionnaire):
    data = {"answers": all_answers(questionnaire, lambda q: 2), "context": FULL_CONTEXT,
            "plan": {"pmo_people": 1, "owners": {"PMO lead": "Sam Jones"}}}
    result = runner.invoke(args=["assess", "--answers", write(tmp_path, data), "--start", "2027-01-04"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["plan"] == {"start_date": "2027-01-04", "pmo_people": 1, "owners": {"PMO lead": "Sam Jones"}}
    assert out["roadmap"]["start_date"] == "2027-01-04" and out["roadmap"]["capacity"]["pmo_people"] == 1
    named = [i for p in out["roadmap"]["phases"] for i in p["items"] if i["owner"] == "PMO lead"]
    assert named and {i["owner_name"] for i in named} == {"Sam Jones"}


def test_a_bad_plan_exits_2_with_one_line(runner, tmp_path, questionnaire):
    data = {"answers": {}, "context": FULL_CONTEXT, "plan": {"pmo_people": 0}}
    result = runner.invoke(args=["assess", "--answers", write(tmp_path, data)])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: plan.pmo_people is 0; expected a whole number from 1 to 200"
