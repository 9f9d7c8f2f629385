"""Pitfalls in the order a reader needs them (issue 22, round 203): the three at the top are the three
most severe, "Also watch" follows the same order, and the pitfall that describes the stated pain's own
symptom is high."""

from __future__ import annotations

import random

import pytest

from app.engine import run_assessment
from app.engine.summary import rank_pitfalls
from tests.test_pitfalls import ESTABLISHED, fired
from tests.uneven import uneven_organisation

RANK = {"high": 0, "medium": 1, "low": 2}


@pytest.mark.parametrize("pain,answers,context,pitfall_id", [
    # Go-lives that surprise operations are the symptom of weak delivery discipline.
    ("weak_execution", {"facilitation.transition_to_service": 1}, {"risk_profile": "high"}, "unprepared-go-lives"),
    # Reporting that changes no decision is what misalignment looks like from the top.
    ("strategic_misalignment", {"leadership.data_driven_decisions": 2, "analytics.reporting_cadence": 4}, {},
     "reporting-theater"),
    # Each unit applying its own version of the standards is how duplicate work arises across units.
    ("duplicate_work", {"governance.standards_consistency": 2}, {"business_units": 4}, "inconsistent-standards"),
    ("duplicate_work", {"area:governance": 2, "governance.standards_consistency": 1},
     {"business_units": 4, "active_projects": 60}, "unit-methods-diverge"),
])
def test_the_pitfall_that_describes_the_pains_own_symptom_is_high(content, questionnaire, pain, answers, context,
                                                                   pitfall_id):
    found = fired(content, questionnaire, (answers, {**context, "primary_pain": pain}))
    assert found[pitfall_id]["severity"] == "high"
    other = "resource_conflicts"
    elsewhere = fired(content, questionnaire, (answers, {**context, "primary_pain": other}))
    assert elsewhere[pitfall_id]["severity"] != "high"


def test_a_high_pitfall_comes_before_a_medium_one_that_works_on_the_pain(content, questionnaire):
    # Forecasting is the pain and its pitfall is medium-free here; a sponsor with no written mandate
    # (high) must not sit under mediums that share the pain's roadmap work.
    case = ({"leadership.mandate": 1, "governance.decision_rights": 1, "leadership.role_clarity": 2,
             "analytics.forecast_accuracy": 4, "analytics.decision_kpis": 2, "leadership.data_driven_decisions": 2,
             "analytics.reporting_cadence": 4}, {})
    from tests.test_pitfalls import NEUTRAL_CONTEXT, answers_with
    result = run_assessment(content, answers_with(questionnaire, case[0]), NEUTRAL_CONTEXT)
    severities = [p["severity"] for p in result["summary"]["pitfalls"]]
    highs = [p for p in result["pitfalls"] if p["severity"] == "high"]
    assert len(highs) >= 2 and severities[:2] == ["high", "high"]


def test_among_equals_the_pitfall_citing_the_lowest_answers_comes_first():
    pitfalls = [{"id": "a", "severity": "medium", "evidence": {"answers.x.y": 2}},
                {"id": "b", "severity": "medium", "evidence": {"answers.x.z": 1}},
                {"id": "c", "severity": "high", "evidence": {"answers.x.w": 3}},
                {"id": "d", "severity": "low", "evidence": {"answers.x.v": 1}}]
    assert [p["id"] for p in rank_pitfalls(pitfalls, None)] == ["c", "b", "a", "d"]


@pytest.fixture(scope="module")
def results(content, questionnaire):
    rng = random.Random(2203)
    return [run_assessment(content, *uneven_organisation(rng, questionnaire)) for _ in range(200)]


def test_the_top_three_are_the_most_severe_and_also_watch_keeps_the_order(results):
    wrong = []
    for result in results:
        top = [p["id"] for p in result["summary"]["pitfalls"]]
        shown = [p for p in result["pitfalls"] if p["id"] in top]
        shown.sort(key=lambda p: top.index(p["id"]))
        watch = [p for p in result["pitfalls"] if p["id"] not in top]
        ranks = [RANK[p["severity"]] for p in shown + watch]
        if ranks != sorted(ranks):  # a high never under a medium; a low never in the top while a medium waits
            wrong.append([(p["id"], p["severity"]) for p in shown + watch])
        # The page's first three are the summary's; a low one is never among them (round 205).
        headline = [p["id"] for p in result["pitfalls"] if p["severity"] != "low"][:3]
        if headline != top or any(p["severity"] == "low" for p in result["summary"]["pitfalls"]):
            wrong.append(("page", top, headline))
    assert not wrong, f"{len(wrong)} results list pitfalls out of order, e.g. {wrong[:2]}"


@pytest.mark.parametrize("pain,answers,context,named", [
    # The go-lives that surprise operations are the pain's own pitfall: its answer is behind the pain.
    ("weak_execution", {"facilitation.transition_to_service": 1, "governance.status_reporting": 2},
     {"risk_profile": "high", "regulated": True}, "transition into service at level 1"),
    # Units applying their own standards are behind duplicate work.
    ("duplicate_work", {"governance.standards_consistency": 1, "analytics.duplicate_detection": 2},
     {"business_units": 4}, "consistent standards at level 1"),
])
def test_the_situation_names_the_answers_behind_the_pains_own_pitfalls(content, questionnaire, pain, answers, context,
                                                                        named):
    from tests.test_pitfalls import NEUTRAL_CONTEXT, answers_with
    result = run_assessment(content, answers_with(questionnaire, answers),
                            {**NEUTRAL_CONTEXT, **context, "primary_pain": pain})
    assert named in " ".join(result["summary"]["situation"])


# Where nothing would change it and the call is clear, nothing is said: no stock certainty (round 211).
@pytest.mark.parametrize("close_call,expected", [(True, "No single answer tips the balance"),
                                                  (False, "## Why this design")])
def test_a_close_call_is_not_followed_by_nothing_would_change_it(content, questionnaire, close_call, expected):
    from app.reports.markdown import render_markdown
    from tests.test_pitfalls import NEUTRAL_CONTEXT, answers_with
    result = run_assessment(content, answers_with(questionnaire, {}), NEUTRAL_CONTEXT)
    result["recommendation"]["close_call"] = close_call
    result["recommendation"]["what_would_change"] = []
    text = render_markdown(result)
    assert expected in text
    if close_call:
        assert "A close call" in text and "would change this recommendation" not in text
    else:
        assert "would change this recommendation" not in text and "What would change the recommendation" not in text
