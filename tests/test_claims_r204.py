"""Sentences about the client that must be true of its answers (issue 22, round 204's causes).

Each row is a minimal answer set of our own: the answers that make a stock sentence false, and
the sentence that must not be said, beside the answers where it is true and is said.
"""

from __future__ import annotations

import pytest

from app.engine import run_assessment
from tests.test_pitfalls import ESTABLISHED, NEUTRAL_CONTEXT, answers_with

WEAK_EXECUTION = {"primary_pain": "weak_execution"}


def result_for(content, questionnaire, answers, context):
    return run_assessment(content, answers_with(questionnaire, answers), {**NEUTRAL_CONTEXT, **context})


def pitfall(content, questionnaire, answers, context, pitfall_id):
    found = {p["id"]: p for p in result_for(content, questionnaire, answers, context)["pitfalls"]}
    assert pitfall_id in found, sorted(found)
    return found[pitfall_id]


@pytest.mark.parametrize("pitfall_id,answers,context,said,not_said", [
    # Shared standards and gates at 5: the projects do not keep "the discipline their manager brings".
    ("weak-delivery-discipline",
     {"governance.standards_consistency": 5, "governance.stage_gates": 5, "facilitation.delivery_proximity": 2,
      "governance.escalation_thresholds": 2},
     WEAK_EXECUTION, "what is weak beside them lets problems surface late", "the discipline its manager brings"),
    ("weak-delivery-discipline",
     {"governance.standards_consistency": 2, "facilitation.delivery_proximity": 2},
     WEAK_EXECUTION, "the discipline its manager brings", "these gaps let problems"),
    # Gates at 5: the approval can be shown; only the missing record is said to be missing.
    ("compliance-exposure", {"governance.stage_gates": 5, "governance.intake_criteria": 4,
                             "governance.scope_change_control": 1},
     {"regulated": True}, "scope and change control level 1", "how a project was approved"),
    ("compliance-exposure", {"governance.stage_gates": 1, "governance.vendor_management": 4},
     {"regulated": True}, "thin: stage gates level 1.", "and supplier management"),
    # Regulator-fixed dates: a scope buffer and contingency, not ranges; the estimate never set the date.
    ("optimistic-forecasts", {"analytics.forecast_accuracy": 3},
     {"regulated": True, "active_projects": 60}, "scope buffer", "the estimate made to win approval"),
    ("optimistic-forecasts", {"analytics.forecast_accuracy": 3},
     {"regulated": False, "active_projects": 60}, "ranges instead of single dates", "scope buffer"),
    # Consistency at 5 is not cited as unmeasured; the weak link (integration) is.
    ("mature-units-drift", {"area:governance": 4, "area:analytics": 4, "area:facilitation": 4,
                            "area:leadership": 4, "area:tools": 4, "tools.integration": 3,
                            "governance.standards_consistency": 5},
     {"business_units": 3, **ESTABLISHED}, "not integrated (integration level 3)", "not measured unit by unit"),
    # A threshold sentence is true of the client's number: 236 projects do not "collapse at 80".
    ("outgrown-scale", {"tools.automation": 2}, {"active_projects": 236, **ESTABLISHED},
     "do not hold at 236", "collapses at 80"),
])
def test_a_stock_sentence_is_said_only_where_the_answers_make_it_true(content, questionnaire, pitfall_id, answers,
                                                                        context, said, not_said):
    assert_said(content, questionnaire, pitfall_id, answers, context, said, not_said)


def assert_said(content, questionnaire, pitfall_id, answers, context, said, not_said):
    """The pitfall fires for these answers, says ``said`` and never ``not_said``."""
    found = pitfall(content, questionnaire, answers, context, pitfall_id)
    text = " ".join([found["title"], found["why"], found["mitigation"]])
    assert said in text
    assert not_said not in text


def test_tools_behind_governance_are_not_tooling_bought_to_bring_order(content, questionnaire):
    # Process before tools at 2 and rules missing, but the tools (2) are behind governance (3): two gaps.
    behind = result_for(content, questionnaire, {"area:tools": 2, "tools.tool_fit": 3, "tools.process_first": 2,
                                                 "governance.decision_rights": 2}, {})
    assert "tool-before-process" not in {p["id"] for p in behind["pitfalls"]}
    ahead = result_for(content, questionnaire, {"area:tools": 4, "tools.process_first": 2,
                                                "governance.decision_rights": 2}, {})
    assert "tool-before-process" in {p["id"] for p in ahead["pitfalls"]}


@pytest.mark.parametrize("answers,towards,never", [
    # The mandate is written and agreed (3): the first step is towards a sponsor, not a mandate.
    ({"leadership.mandate": 3, "leadership.executive_sponsor": 1}, "an active executive sponsor", "mandate"),
    ({"leadership.mandate": 1, "leadership.executive_sponsor": 4}, "a written mandate", "sponsor"),
])
def test_a_first_step_is_never_towards_what_is_already_in_place(content, questionnaire, answers, towards, never):
    result = result_for(content, questionnaire, answers, {})
    own = [item["title"] for item in result["ownership"]["own_first"]]
    assert any(title.lower() == towards for title in own), own
    assert not any(never in title.lower() for title in own), own


def test_practices_in_place_are_what_the_answers_claim_when_the_answers_are_doubted(content, questionnaire):
    # Nearly every answer at 5 beside a stated pain: the answers are doubted, so "already in place" is theirs.
    result = result_for(content, questionnaire, {"area:leadership": 5, "area:governance": 5, "area:analytics": 5,
                                                 "area:facilitation": 5, "area:tools": 5},
                        {"primary_pain": "resource_conflicts", **ESTABLISHED})
    assert "inflated-self-assessment" in {p["id"] for p in result["pitfalls"]}
    notes = [p["plan_note"] for p in result["pitfalls"] if p.get("plan_note") and "in place" in p["plan_note"]]
    assert notes
    for note in notes:
        assert note.startswith("The answers say"), note
        assert not note.startswith("Some of the practices")


@pytest.mark.parametrize("answers,pitfall_id", [
    # Work not aligned with strategy, shown by its own practices: benefits never checked, outcomes unmeasured.
    ({"analytics.benefits_realisation": 2}, "benefits-unmanaged"),
    ({"analytics.benefits_realisation": 2, "leadership.business_outcomes": 2}, "compliance-over-value"),
])
def test_the_pitfall_that_is_the_stated_pain_is_high(content, questionnaire, answers, pitfall_id):
    context = {**ESTABLISHED, "primary_pain": "strategic_misalignment"}
    assert pitfall(content, questionnaire, answers, context, pitfall_id)["severity"] == "high"
    elsewhere = {**ESTABLISHED, "primary_pain": "poor_forecasting"}
    assert pitfall(content, questionnaire, answers, elsewhere, pitfall_id)["severity"] == "medium"


def test_what_is_called_already_in_place_is_practices_at_their_level(content, questionnaire):
    """A note names what is in place by its practices and their answers, each at level 3 or more, never by the
    title of a change (a title says more than the answer it raises, and a dated change is work still to do)."""
    import random
    import re

    from app.engine.assessment import choice_labels
    from tests.uneven import uneven_organisation

    question_of = {name: path.split(".", 1)[1] for path, name in choice_labels(questionnaire)["names"].items()}
    rng, wrong, seen = random.Random(2204), [], 0
    for _ in range(120):
        answers, context = uneven_organisation(rng, questionnaire)
        result = run_assessment(content, answers, context)
        for p in result["pitfalls"]:
            note = p.get("plan_note") or ""
            if "already in place (" not in note:
                continue
            seen += 1
            listed = note.split("already in place (", 1)[1].split(")", 1)[0]
            if not re.fullmatch(r".+? level \d((, | and ).+? level \d)*", listed):
                wrong.append((p["id"], listed))
            for name, level in re.findall(r"(.+?) level (\d)(?:, | and |$)", listed):
                question = question_of.get(name)
                if question is None or answers.get(question) != int(level) or int(level) < 3:
                    wrong.append((p["id"], name, level))
    assert seen, "no note called anything in place: the test checks nothing"
    assert not wrong, f"{len(wrong)} practices called in place that the answers do not show, e.g. {wrong[:3]}"


@pytest.mark.parametrize("resource_planning,planned,never", [
    # A resource planning tool in real use (4-5): the first capacity step uses it, not a new matrix.
    (5, "in the resource planning tool", "staffing matrix"),
    (2, "staffing matrix", "in the resource planning tool"),
])
def test_the_first_capacity_step_uses_the_tool_the_client_has(content, questionnaire, resource_planning, planned,
                                                                never):
    result = result_for(content, questionnaire, {"analytics.capacity_model": 1,
                                                 "tools.resource_planning": resource_planning},
                        {"primary_pain": "resource_conflicts", "active_projects": 40})
    titles = [item["title"] for phase in result["roadmap"]["phases"] for item in phase["items"]]
    assert any(planned in t for t in titles), titles
    assert not any(never in t for t in titles), titles
