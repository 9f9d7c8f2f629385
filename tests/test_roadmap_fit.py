"""Roadmap steps that fit the organisation's evidence and delivery mix (issue 22, round 211).

Round 211 read "Use standard delivery terms … for each key supplier: works on your main pain" in an agile
scale-up with nothing in its answers about suppliers, and "Require an accountable sponsor with written duties
for every project: works on your main pain: work not aligned with strategy". A supplier step needs a context
with suppliers (planned or contracted delivery, or a large or regulated organisation, as the suppliers pitfall
reads it), and "works on your main pain" is said only of the pain's own work.
"""

from __future__ import annotations

import pytest

from app.engine import run_assessment
from app.engine.summary import reader_reasons
from tests.test_rules import BASE, answers_at

SUPPLIER_STEPS = ("governance.supplier-terms", "governance.supplier-performance", "governance.supplier-partnerships")


def everything(result) -> dict[str, dict]:
    """Every item in the plan, not planned yet included."""
    return {item["id"]: item for phase in result["roadmap"]["phases"] for item in phase["items"]}


# Unreliable forecasts with supplier management at 1: only a context with suppliers gets supplier terms.
SUPPLIERS = {
    # id: (context, supplier terms planned on the pain)
    "agile-scale-up": ({"delivery_mix": "agile", "active_projects": 27, "risk_profile": "low"}, False),
    "hybrid-mid-size": ({"delivery_mix": "hybrid", "active_projects": 27, "risk_profile": "low"}, True),
    "agile-regulated": ({"delivery_mix": "agile", "active_projects": 27, "regulated": True}, True),
    "agile-large": ({"delivery_mix": "agile", "active_projects": 60, "org_size": "large"}, True),
}


@pytest.mark.parametrize("context, planned", SUPPLIERS.values(), ids=SUPPLIERS.keys())
def test_supplier_steps_need_a_context_with_suppliers(content, questionnaire, context, planned):
    answers = answers_at(questionnaire, 2, governance__vendor_management=1)
    result = run_assessment(content, answers, {**BASE, **context, "primary_pain": "poor_forecasting"})
    items = everything(result)
    if not planned:
        assert not set(SUPPLIER_STEPS) & set(items), sorted(set(SUPPLIER_STEPS) & set(items))
        return
    terms = items["governance.supplier-terms"]
    assert "pain" in terms["drivers"], terms["drivers"]
    assert "suppliers' dates drive the forecasts" in " ".join(terms["reasons"])


def pain_label(content, context) -> str | None:
    pain = context.get("primary_pain")
    return content.rulebook.pains[pain].label if pain else None


def said_to_work_on_the_pain(content, result, context) -> list[str]:
    """The planned items whose reader's first reason is 'works on your main pain'."""
    label = pain_label(content, context)
    return [item["id"] for phase in result["roadmap"]["phases"] for item in phase["items"]
            if (reader_reasons(item, label) or [""])[0].startswith("works on your main pain")]


def test_a_sponsor_for_every_project_is_a_step_towards_the_pain_not_work_on_it(content, questionnaire):
    # Misalignment in agile teams, benefits unmanaged: the sponsor duties come before the benefits work.
    context = {**BASE, "delivery_mix": "agile", "active_projects": 41, "business_units": 4, "regulated": True,
               "primary_pain": "strategic_misalignment"}
    answers = answers_at(questionnaire, 3, governance__sponsor_accountability=2, analytics__benefits_realisation=2,
                         analytics__portfolio_view=1, governance__prioritisation_model=2)
    result = run_assessment(content, answers, context)
    sponsor = everything(result)["governance.sponsor-duties"]
    assert "pain" in sponsor["drivers"]  # it leads to the pain's work, and is scheduled as such
    said = reader_reasons(sponsor, pain_label(content, context))
    assert not said[0].startswith("works on your main pain"), said
    assert said[0].startswith("a first step towards “") and said[0].endswith("”, on your main pain"), said
    own = content.rulebook.pains["strategic_misalignment"].improvements
    assert set(said_to_work_on_the_pain(content, result, context)) <= set(own)


def test_only_the_pains_own_work_is_said_to_work_on_it(content, uneven_results):
    wrong = []
    for seed, _answers, context, result in uneven_results:
        pain = context.get("primary_pain")
        own = set(content.rulebook.pains[pain].improvements) if pain else set()
        wrong += [(seed, i) for i in said_to_work_on_the_pain(content, result, context) if i not in own]
    assert not wrong, wrong[:10]


# Agile teams forecast releases as ranges from their throughput: no baseline of dates, monthly re-forecast or
# variance threshold per project, and no decision gates (round 211: both given to an agile service). The same
# organisations delivering hybrid get them, so the table tells the two apart.
WATERFALL_CONTROLS = ("analytics.forecast-baselines", "analytics.reforecast-cadence", "analytics.variance-thresholds",
                      "governance.decision-gates")
DELIVERY = {
    # id: (context, what the agile organisation gets instead, what the hybrid one gets)
    "regulated-high-risk-forecasts": (
        {"org_size": "large", "active_projects": 40, "regulated": True, "risk_profile": "high",
         "primary_pain": "poor_forecasting"},
        {"analytics.throughput-forecasts": ("first-90-days", "months-4-6")},
        {"analytics.forecast-baselines", "analytics.reforecast-cadence", "governance.decision-gates"}),
    "regulated-units-misalignment": (
        {"org_size": "large", "active_projects": 47, "business_units": 3, "regulated": True,
         "primary_pain": "strategic_misalignment"},
        {}, {"analytics.forecast-baselines", "governance.decision-gates"}),
}


@pytest.mark.parametrize("context, instead, hybrid", DELIVERY.values(), ids=DELIVERY.keys())
def test_agile_delivery_gets_range_forecasts_not_waterfall_controls(content, questionnaire, context, instead, hybrid):
    answers = answers_at(questionnaire, 2)
    agile = run_assessment(content, answers, {**BASE, **context, "delivery_mix": "agile"})
    items = everything(agile)
    assert not set(WATERFALL_CONTROLS) & set(items), sorted(set(WATERFALL_CONTROLS) & set(items))
    phase_of = {item["id"]: phase["id"] for phase in agile["roadmap"]["phases"] for item in phase["items"]}
    for item_id, phases in instead.items():
        assert phase_of.get(item_id) in phases, (item_id, phase_of.get(item_id))
        assert "pain" in items[item_id]["drivers"], items[item_id]["drivers"]
    mixed = everything(run_assessment(content, answers, {**BASE, **context, "delivery_mix": "hybrid"}))
    assert hybrid <= set(mixed), sorted(hybrid - set(mixed))


def test_an_evidence_check_needs_no_step_before_it(content, questionnaire):
    # The look-back at the last five projects' forecasts raises nothing: it was given the monthly re-forecast as
    # 'the first step towards' it, planned for a lean office whose forecasts come from throughput.
    context = {**BASE, "delivery_mix": "agile", "active_projects": 27, "risk_profile": "low"}
    result = run_assessment(content, answers_at(questionnaire, 2), context)
    assert result["recommendation"]["design"]["id"] == "lean-portfolio-office"
    items = everything(result)
    assert "analytics.forecast-evidence" in items
    assert not any("the first step towards “Compare the last five" in r for i in items.values() for r in i["reasons"])


# Beside a focused pain, work that serves nothing but an area's target waits for the next assessment (round 211:
# variance thresholds, PMO response times, post-release incidents and satisfaction surveys filling months 4-12).
# A step is dated for the pain, a function to own first, the foundations, the design, a high or medium pitfall, a
# weak basic (level 1-2 in ownership, intake or reporting), or as a step towards one of those.
SERVING = {"pain", "own", "foundation", "setup", "prerequisite"}


def serves_something(item, guarded, needed) -> bool:
    if set(item["drivers"]) & SERVING or item["id"] in needed or item["shapes"]:
        return True
    if "pitfall" in item["drivers"] and item["id"] in guarded:
        return True
    return "weak" in item["drivers"] and item["to_level"] <= 3 and item["theme"] in ("ownership", "intake", "reporting")


def guarded(result) -> set[str]:
    """The planned work that guards against a high or medium pitfall."""
    return {i for p in result["pitfalls"] if p["severity"] in ("high", "medium") for i in p["roadmap_items"]}


def needed(result) -> set[str]:
    """What another item in the plan needs first."""
    return {r for item in everything(result).values() for r in item["requires"]}


def dated(result) -> list[dict]:
    return [item for phase in result["roadmap"]["phases"] if phase["id"] != "later" for item in phase["items"]]


FOCUSED = {
    # id: (levels, overrides, context, what waits)
    "slips-despite-strict-gates-tools-weak": (
        {"governance": 3, "analytics": 3, "facilitation": 3, "tools": 2, "leadership": 3},
        {"analytics__forecast_accuracy": 2, "governance__stage_gates": 5, "governance__scope_change_control": 3},
        {"org_size": "large", "active_projects": 39, "delivery_mix": "waterfall", "regulated": True,
         "risk_profile": "high", "existing_pmo": "established", "business_units": 2, "primary_pain": "poor_forecasting"},
        {"tools.standard-dashboards", "tools.report-automation"}),
}


@pytest.mark.parametrize("levels, overrides, context, waits", FOCUSED.values(), ids=FOCUSED.keys())
def test_work_for_an_area_target_alone_waits_beside_a_focused_pain(content, questionnaire, levels, overrides,
                                                                    context, waits):
    result = run_assessment(content, answers_at(questionnaire, levels, **overrides), {**BASE, **context})
    filler = [i["id"] for i in dated(result) if not serves_something(i, guarded(result), needed(result))]
    assert not filler, filler
    later = {i["id"] for p in result["roadmap"]["phases"] if p["id"] == "later" for i in p["items"]}
    assert waits <= later, sorted(waits - later)
    line = result["summary"]["plan"]
    assert line["text"].endswith("wait for the next assessment (they only raise areas towards their targets; the "
                                 "main pain and the top risks come first)."), line["text"]


def test_no_dated_step_serves_only_an_area_target_beside_a_pain(uneven_results):
    filler = []
    for seed, _answers, context, result in uneven_results:
        if not context.get("primary_pain"):
            continue
        filler += [(seed, i["id"]) for i in dated(result) if not serves_something(i, guarded(result), needed(result))]
    assert not filler, filler[:10]


# Capacity honesty (round 211: '8 changes start … a fraction of one person's time can lead about 6'): other work
# never takes the budget's room from what cannot wait, and a part-time owner of one list gets no design group,
# pilots or gates.
OVER = {
    # id: (levels, overrides, context)
    "council-part-time-owner": (
        2, {"governance__minimum_artefacts": 1, "governance__scope_change_control": 1, "analytics__capacity_model": 1},
        {"org_size": "small", "active_projects": 12, "delivery_mix": "waterfall", "regulated": True,
         "primary_pain": "resource_conflicts", "existing_pmo": "none"}),
}


@pytest.mark.parametrize("levels, overrides, context", OVER.values(), ids=OVER.keys())
def test_the_plan_never_starts_more_than_it_says_the_pmo_can_lead(content, questionnaire, levels, overrides, context):
    result = run_assessment(content, answers_at(questionnaire, levels, **overrides), {**BASE, **context})
    capacity = result["roadmap"]["capacity"]
    line = result["summary"]["plan"]
    assert line["changes"] <= capacity["changes"], line["text"]
    assert "cannot wait" not in line["text"], line["text"]
    items = everything(result)
    assert result["roadmap"]["pain"]["first"] and set(result["roadmap"]["pain"]["first"]) <= set(items)
    if capacity["part_time"]:
        assert not {"facilitation.codesign", "facilitation.pilots", "governance.decision-gates"} & set(items)
