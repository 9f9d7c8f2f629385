"""Command line for the rules: `flask rules explain` and the advice part of `flask assess --format json`."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from app.engine.vocabulary import DIMENSIONS, MODELS
from tests.helpers import FULL_CONTEXT


def write(tmp_path, data, name="answers.yaml"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data))
    return str(path)


def struggling_answers(questionnaire):
    """Low governance and leadership with a few strong tools and some don't-knows: many rules fire."""
    answers = {}
    for q in questionnaire.questions():
        dim = q.id.split(".")[0]
        answers[q.id] = {"governance": 2, "leadership": 1, "tools": 4}.get(dim, 3)
    answers["analytics.capacity_model"] = 1
    answers["tools.process_first"] = 2
    answers["tools.adoption"] = 1
    answers["tools.tool_fit"] = None
    answers["tools.dashboards"] = 3
    return answers


@pytest.fixture
def answers_file(tmp_path, questionnaire):
    return write(tmp_path, {"answers": struggling_answers(questionnaire), "context": FULL_CONTEXT})


@pytest.fixture
def explained(runner, answers_file):
    result = runner.invoke(args=["rules", "explain", "--answers", answers_file, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def explain_lines(runner, answers_file) -> list[str]:
    result = runner.invoke(args=["rules", "explain", "--answers", answers_file])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def marked(lines: list[str]) -> dict[str, str]:
    """{rule id: 'FIRED' or '-'} from the text output."""
    found = {}
    for line in lines:
        match = re.match(r"^\s+\[(FIRED|  -  )\] ([a-z][a-z0-9-]*)\b", line)
        if match:
            assert match.group(2) not in found, f"{match.group(2)} listed twice"
            found[match.group(2)] = match.group(1).strip()
    return found


def test_explain_lists_every_rule_pitfall_and_ownership_item_with_its_mark(runner, answers_file, content, explained):
    marks = marked(explain_lines(runner, answers_file))
    rulebook = content.rulebook
    expected_ids = ([r.id for r in rulebook.model_rules] + [g.id for g in rulebook.gates]
                    + [o.id for o in rulebook.oversight] + [p.id for p in rulebook.pitfalls]
                    + [o.id for o in rulebook.own_first] + [o.id for o in rulebook.dont_own])
    assert list(marks) == expected_ids
    fired = {e["id"]: e["fired"] for section in ("model_rules", "gates", "oversight", "pitfalls", "own_first",
                                                 "dont_own")
             for e in explained[section]}
    assert marks == {rule_id: "FIRED" if fired[rule_id] else "-" for rule_id in expected_ids}
    assert "FIRED" in marks.values() and "-" in marks.values()


def test_explain_shows_the_values_a_fired_rule_read(runner, answers_file):
    lines = explain_lines(runner, answers_file)
    start = next(i for i, line in enumerate(lines) if "[FIRED] weak-sponsorship" in line)
    block = lines[start:start + 3]
    assert " ".join(block[1].split()) == ("when: (answers.leadership.executive_sponsor ?? 5) <= 2 or "
                                          "(answers.leadership.mandate ?? 5) <= 2")
    assert block[2].strip() == ("read: answers.leadership.executive_sponsor = level 1, "
                                "answers.leadership.mandate = level 1")
    start = next(i for i, line in enumerate(lines) if "[FIRED] poor-tool-adoption" in line)
    read = lines[start + 2].strip()
    assert read.startswith("read: ")
    assert "answers.tools.adoption = level 1" in read and "answers.tools.data_quality = level 4" in read
    requires = lines[start + 3].strip()
    assert requires.startswith("requires (holds): a shared PMO toolset is in place")
    assert "answers.tools.tool_fit = unknown" in requires and "answers.tools.dashboards = level 3" in requires


def test_explain_header_states_the_totals_and_the_recommendation(runner, answers_file, explained):
    header = explain_lines(runner, answers_file)[0]
    assert f"every model starts at {explained['base_fit']}" in header
    for model in MODELS:
        assert f"{model} {explained['totals'][model]}" in header
    assert header.endswith(f"recommended: {explained['model']})")


def test_explain_json_has_every_rule_with_its_condition_outcome_and_readings(explained, content):
    assert set(explained) >= {"warnings", "base_fit", "totals", "model", "model_rules", "gates", "oversight",
                              "pitfalls", "own_first", "dont_own"}
    rules = {r.id: r for r in content.rulebook.model_rules}
    assert [e["id"] for e in explained["model_rules"]] == list(rules)
    for entry in explained["model_rules"]:
        assert set(entry) == {"id", "when", "fired", "reads", "points"}
        assert entry["when"] == rules[entry["id"]].condition.text
        assert list(entry["reads"]) == list(rules[entry["id"]].condition.reads)
        assert entry["points"] == dict(rules[entry["id"]].points)
    assert all(set(e) == {"id", "when", "fired", "reads", "severity", "requires"} for e in explained["pitfalls"])
    for entry in explained["pitfalls"]:
        requires = entry["requires"]
        if entry["fired"]:
            assert requires is None or requires["holds"]
    assert {e["id"] for e in explained["gates"]} == {g.id for g in content.rulebook.gates}
    assert explained["totals"] == {
        model: explained["base_fit"] + sum(e["points"].get(model, 0) for e in explained["model_rules"] if e["fired"])
        for model in MODELS}


def test_explain_agrees_with_the_assessment(runner, answers_file, explained):
    result = runner.invoke(args=["assess", "--answers", answers_file, "--format", "json"])
    assessed = json.loads(result.stdout)
    assert explained["model"] == assessed["recommendation"]["model"]
    fired_rules = {e["id"] for e in explained["model_rules"] if e["fired"]}
    reasons = {r["rule"] for entry in assessed["recommendation"]["ranking"] for r in entry["reasons"]}
    assert reasons == fired_rules
    assert [e["id"] for e in explained["pitfalls"] if e["fired"]] == sorted(
        (p["id"] for p in assessed["pitfalls"]), key=[e["id"] for e in explained["pitfalls"]].index)
    assert [e["id"] for e in explained["own_first"] if e["fired"]][:4] == [
        o["id"] for o in assessed["ownership"]["own_first"]]


def test_explain_warns_about_assumed_context_on_stderr(runner, tmp_path, questionnaire):
    context = {k: v for k, v in FULL_CONTEXT.items() if k != "regulated"}
    path = write(tmp_path, {"answers": struggling_answers(questionnaire), "context": context})
    result = runner.invoke(args=["rules", "explain", "--answers", path])
    assert result.exit_code == 0
    assert "context.regulated was not given; assumed False" in result.stderr
    assert "regulated" not in result.stdout.splitlines()[0]


@pytest.mark.parametrize("data, message", [
    ({"answers": {"governance.unknown": 3}, "context": FULL_CONTEXT}, "unknown question id 'governance.unknown'"),
    ({"answers": {"tools.adoption": 0}, "context": FULL_CONTEXT}, "answer to 'tools.adoption' is 0"),
    ({"answers": {}, "context": {**FULL_CONTEXT, "risk_profile": "extreme"}},
     "context.risk_profile is 'extreme'; expected one of low, medium, high"),
    ({"answers": {}, "context": {**FULL_CONTEXT, "active_projects": -1}}, "context.active_projects is -1"),
    ({"answers": [], "context": FULL_CONTEXT}, "'answers' must be a mapping"),
    ({"answerz": {}}, "unknown top-level key 'answerz'"),
])
def test_explain_bad_input_exits_2_with_one_line(runner, tmp_path, data, message):
    result = runner.invoke(args=["rules", "explain", "--answers", write(tmp_path, data)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_explain_missing_file_exits_2(runner, tmp_path):
    result = runner.invoke(args=["rules", "explain", "--answers", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "cannot read" in result.stderr


def test_assess_json_has_the_advice_keys_design_md_promises(runner, answers_file, content):
    result = runner.invoke(args=["assess", "--answers", answers_file, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    recommendation = data["recommendation"]
    assert {"model", "hybrid_with", "ranking", "what_would_change"} <= set(recommendation)
    assert recommendation["model"] in MODELS
    assert recommendation["hybrid_with"] is None or recommendation["hybrid_with"] in MODELS
    assert [e["model"] for e in recommendation["ranking"]][0] == recommendation["model"]
    assert sorted(e["model"] for e in recommendation["ranking"]) == sorted(MODELS)
    for entry in recommendation["ranking"]:
        assert {"model", "fit", "reasons"} <= set(entry)
        assert isinstance(entry["fit"], int) and 0 <= entry["fit"] <= 100
        for reason in entry["reasons"]:
            assert {"rule", "text", "evidence"} <= set(reason)
            assert isinstance(reason["text"], str) and "{" not in reason["text"]
            assert isinstance(reason["evidence"], dict) and reason["evidence"]
    assert isinstance(recommendation["what_would_change"], list)
    for change in recommendation["what_would_change"]:
        assert {"fact", "from", "to", "model", "text"} <= set(change)
    assert data["pitfalls"], "the struggling organisation should show pitfalls"
    for pitfall in data["pitfalls"]:
        assert {"id", "title", "severity", "why", "evidence", "mitigation", "roadmap_items"} <= set(pitfall)
        assert pitfall["severity"] in ("high", "medium", "low")
        assert "{" not in pitfall["why"] and pitfall["mitigation"]
        assert isinstance(pitfall["evidence"], dict) and pitfall["evidence"]
        assert isinstance(pitfall["roadmap_items"], list)
    assert set(data["scores"]) == set(DIMENSIONS)


def test_assess_json_evidence_uses_plain_values(runner, answers_file):
    data = json.loads(runner.invoke(args=["assess", "--answers", answers_file, "--format", "json"]).stdout)
    capacity = next(p for p in data["pitfalls"] if p["id"] == "capacity-blind-spots")
    assert capacity["evidence"]["answers.analytics.capacity_model"] == 1
    assert capacity["evidence"]["context.active_projects"] == 80
    assert "The capacity model is at level 1 across 80 projects." in capacity["why"]
    tools = next(p for p in data["pitfalls"] if p["id"] == "poor-tool-adoption")
    # "Don't know" is never evidence: the unknown tool fit is not cited, the answers that show the problem are.
    assert "answers.tools.tool_fit" not in tools["evidence"]
    assert tools["evidence"]["answers.tools.adoption"] == 1 and tools["evidence"]["answers.tools.dashboards"] == 3
    assert "dashboards level 3" in tools["why"] and "adoption level 1" in tools["why"]
