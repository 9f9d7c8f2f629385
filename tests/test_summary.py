"""The executive summary (issue 22 §1): built once in the engine from the result, with the same
numbers as the roadmap it sums up, and every sentence true of the answers."""

from __future__ import annotations

import copy
import re

import pytest

from app.engine import run_assessment
from app.engine.assessment import replan
from app.engine.summary import build_summary, plan_line, reader_reasons, situation, summary_of, summary_sections
from tests.test_scenarios import ROWS, answers_for

START = {"start_date": "2027-01-04"}


@pytest.fixture(scope="module")
def results(content):
    """Every scenario organisation's result, computed once for this module."""
    out = {}
    for param in ROWS:
        org = param.values[0]
        out[org.id] = run_assessment(content, answers_for(org, content.default_questionnaire), org.context,
                                     plan=START)
    return out


SCENARIOS = [pytest.param(p.values[0].id, id=p.values[0].id) for p in ROWS]


def dated(result):
    return [i for p in result["roadmap"]["phases"] if p["id"] != "later" for i in p["items"]]


@pytest.mark.parametrize("org", SCENARIOS)
def test_plan_line_counts_what_the_roadmap_dates_and_what_waits(org, results):
    result = results[org]
    plan = result["summary"]["plan"]
    items = dated(result)
    later = [p for p in result["roadmap"]["phases"] if p["id"] == "later"]
    assert plan["changes"] == len(items)
    assert plan["waiting"] == sum(len(p["items"]) + p["more"] for p in later)
    # The months the plan covers are the phases': changes start within them (some may end later).
    holding = [p for p in result["roadmap"]["phases"] if p["id"] != "later" and p["items"]]
    assert plan["months"] == (holding[-1]["end_month"] if holding else 0)
    if items:
        assert plan["text"].startswith(f"{plan['changes']} change")
        assert re.search(rf"starts? within the next {plan['months']} months?\b", plan["text"]), plan["text"]
        assert "at a time" not in plan["text"], plan["text"]
    if plan["waiting"]:
        assert plan["why"] and f"; {plan['waiting']} more wait" in plan["text"] and f"({plan['why']})." in plan["text"]
    # One plain line: no colon chains, no second sentence about the PMO's months.
    assert not items or (":" not in plan["text"] and "In 18 months" not in plan["text"]), plan["text"]


@pytest.mark.parametrize("org", SCENARIOS)
def test_first_90_days_are_at_most_seven_dated_changes_that_end_in_time(org, results):
    result = results[org]
    days = result["summary"]["first_90_days"]
    by_id = {i["id"]: i for i in dated(result)}
    assert len(days) <= 7
    for entry in days:
        assert entry["id"] in by_id, f"{entry['id']} is not a dated change"
        assert entry["end_week"] * 7 <= 90 + 1e-6
        assert entry["start_date"] and entry["end_date"]
        assert "target is level" not in entry["why"]
    fitting = [i for i in by_id.values() if i["end_week"] * 7 <= 90 + 1e-6]
    assert len(days) == min(7, len(fitting))
    pain_work = [i["id"] for i in fitting if "pain" in i["drivers"]]
    assert set(pain_work[:7]) <= {e["id"] for e in days}, "the pain's work is left out of the first 90 days"


@pytest.mark.parametrize("org", SCENARIOS)
def test_three_pitfalls_the_most_severe_the_pains_first_among_equals(org, results):
    result = results[org]
    top = result["summary"]["pitfalls"]
    # A low pitfall is something to watch, never one of the three (round 205).
    assert len(top) == min(3, len([p for p in result["pitfalls"] if p["severity"] != "low"]))
    rank = {"high": 0, "medium": 1, "low": 2}
    ranks = [rank[p["severity"]] for p in top]
    assert ranks == sorted(ranks) and 2 not in ranks
    left_out = [rank[p["severity"]] for p in result["pitfalls"] if p["id"] not in {t["id"] for t in top}]
    assert not left_out or not ranks or min(left_out) >= max(ranks), "a more severe pitfall is left out of the three"
    # Among equals, the pain's own first; then those the answers show as a strong contrast (round 207: reports
    # nobody decides from, good tools nobody uses), then the others on the pain, then the rest.
    for a, b in zip(top[1:], top[2:]):
        assert not (a["severity"] == b["severity"] and b["pattern"] and not a["pattern"]), "a pattern after another"
        assert not (a["severity"] == b["severity"] and a["pattern"] == b["pattern"] and b["on_pain"]
                    and not a["on_pain"]), "a pain pitfall after another"
    if len(top) > 1 and top[0]["severity"] == top[1]["severity"]:
        assert top[0]["on_pain"] or not top[1]["on_pain"], "a pain pitfall after another"


@pytest.mark.parametrize("org", SCENARIOS)
def test_situation_is_two_or_three_sentences_true_of_the_answers(org, results):
    result = results[org]
    situation = result["summary"]["situation"]
    context = result["context"]
    assert 2 <= len(situation) <= 3
    text = " ".join(situation)
    assert f"{result['overall']['score']:.2f} of 5" in text
    label = result["roadmap"]["pain"]["label"]
    assert f"You named {label} as the main pain" in text
    assert ("business units" in text) == (context["business_units"] > 1)
    assert ("is regulated" in text) == context["regulated"]
    assert ("already score well" in text) == bool(result["ownership"].get("pain_note"))
    for name, level in _levels_cited(text, result):
        assert level == result["answers"][name], f"{name} is cited at level {level}"
    if "; behind it: " in text:
        behind = text.split("; behind it: ", 1)[1].split(".", 1)[0]
        assert all(level <= 2 for _, level in _levels_cited(behind, result)), behind


@pytest.mark.parametrize("levels, behind", [
    ({"analytics.capacity_model": 1, "facilitation.conflict_resolution": 5, "tools.resource_planning": 2},
     "capacity model at level 1 and resource planning tools at level 2"),
    ({"analytics.capacity_model": 3, "facilitation.conflict_resolution": 5, "tools.resource_planning": 4}, None),
])
def test_only_a_weak_practice_is_said_to_be_behind_the_pain(levels, behind, results):
    result = copy.deepcopy(results[SCENARIOS[0].values[0]])
    result["answers"].update(levels)
    result["roadmap"].setdefault("pain", {})["label"] = "conflicts over people and capacity"
    result.setdefault("ownership", {})["pain_note"] = None
    for pitfall in result["pitfalls"]:  # the scenario's own pain is not the one named here
        pitfall["on_pain"] = False
    text = " ".join(situation(result, list(levels)))
    if behind:
        assert f"; behind it: {behind}." in text
    else:
        assert "behind it" not in text and "You named conflicts over people and capacity as the main pain." in text


def _levels_cited(text: str, result):
    """Every 'practice at level N' the text cites, as (question id, N)."""
    names = {n[:1].lower() + n[1:] if not n[1:2].isupper() else n: q
             for q, n in result["questionnaire"]["names"].items()}
    for name, question in names.items():
        marker = f"{name} at level "
        if marker in text:
            yield question, int(text.split(marker, 1)[1][0])


@pytest.mark.parametrize("org", SCENARIOS)
def test_design_is_the_recommended_model_or_its_design(org, results):
    result = results[org]
    design = result["summary"]["design"]
    rec = result["recommendation"]
    assert design["model"] == rec["model"]
    expected = (rec.get("design") or {}).get("title") or rec["title"]
    assert design["title"].startswith(expected)


def test_a_design_given_by_the_rules_is_used_as_it_is(results):
    result = copy.deepcopy(results["tiny-agile-startup-duplicate-work"])
    result["recommendation"]["design"] = {"title": "A part-time method owner", "text": "One person, two days a week."}
    design = build_summary(result)["design"]
    assert (design["title"], design["text"]) == ("A part-time method owner", "One person, two days a week.")


def test_check_first_is_carried_when_the_result_has_it(results):
    result = copy.deepcopy(results["tiny-agile-startup-duplicate-work"])
    assert build_summary(result)["check_first"] == []
    result["check_first"] = [{"id": "x", "text": "The mandate is at 1 beside an established PMO.",
                              "ask": "Who signed the mandate?", "would_change": "the model", "evidence": {}}]
    summary = build_summary(result)
    assert summary["check_first"] == [{"text": "The mandate is at 1 beside an established PMO.",
                                       "ask": "Who signed the mandate?", "would_change": "the model"}]
    assert [key for key, _h, _l in summary_sections(summary)].index("check_first") == 4


def test_a_replan_rebuilds_the_summary_with_the_new_plan(content, results):
    result = results["enterprise-nine-units-regulated"]  # a plan whose length follows the PMO's people
    again = replan(content, result, {}, {**START, "pmo_people": 1})
    assert again["summary"]["plan"] == plan_line(again["roadmap"])
    assert again["summary"]["plan"] != result["summary"]["plan"]


def test_a_result_frozen_before_summaries_gets_one_built_from_it(results):
    result = copy.deepcopy(results["enterprise-nine-units-regulated"])
    stored = result.pop("summary")
    assert summary_of(result)["plan"] == stored["plan"]
    assert summary_of(result)["first_90_days"] == stored["first_90_days"]


@pytest.mark.parametrize("reasons, drivers, expected", [
    (["works on the main pain, duplicate work", "Governance target is level 3"], ["pain", "target"],
     ["works on your main pain: duplicate work"]),
    (["mitigates “No clear mandate or executive sponsor” (high)"], ["pitfall"],
     ["guards against “No clear mandate or executive sponsor”"]),
    (["Governance target is level 3"], ["target"], ["lifts intake criteria from level 1 to 2"]),
    # The pitfall by name, without the list of levels its own text already gives.
    (["cuts before it adds, for “Too heavy” (high: stage gates level 3, service to project teams level 1)"],
     ["pitfall"], ["cuts before it adds, for “Too heavy”"]),
])
def test_reasons_are_written_for_people_and_a_target_is_never_alone(reasons, drivers, expected):
    item = {"reasons": reasons, "drivers": drivers, "to_level": 2,
            "raises": [{"name": "Intake criteria", "from": 1, "to": 2}]}
    assert reader_reasons(item, "duplicate work") == expected


@pytest.mark.parametrize("org", ["tiny-agile-startup-duplicate-work", "enterprise-nine-units-regulated"])
def test_markdown_prints_the_summary_first(org, results):
    from app.reports.markdown import render_markdown

    text = render_markdown(results[org])
    sections = [line for line in text.splitlines() if line.startswith("## ")]
    assert sections[0] == "## Summary"
    summary = text.split("\n## ", 2)[1]
    assert results[org]["summary"]["plan"]["text"] in summary
    assert all(s in summary for s in results[org]["summary"]["situation"])
