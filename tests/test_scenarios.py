"""Scenario library: named organisations and the advice an experienced PMO consultant would sign.

Each row is an organisation written from the seed's guidance (seed/, DOMAIN.md, DESIGN.md's "How an
expert reads the seed" and issue 10 §1-§3), not from the rules files. A row gives realistic, mixed
answers (per-area levels with named questions overridden), a complete context and what the advice
must say: the model (or the models it may be or must not be), whether directive control appears,
pitfalls that must and must not fire, and work that must come early in the roadmap.

Besides each row's own expectations, every row is held to the principles that apply to all
organisations (`principle_problems`): scale gates on directive and federated, nothing already in
place re-prescribed, targets never below today, mandate and sponsor first without an established
PMO, the primary pain worked on in the first two phases, pitfalls only with their preconditions.

Each test collects every mismatch of its kind for a row and fails once with all of them, so a
failure reads as a review comment on that organisation's advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from app.engine import run_assessment

AREAS = ("governance", "analytics", "facilitation", "tools", "leadership")
MODELS = {"supportive", "controlling", "directive", "federated"}
PMO_ROLES = {"PMO director", "PMO lead", "Portfolio analyst", "Programme manager", "Project controller",
             "Tooling lead"}
# Items that set a model up (issue 10 §3, "The model gets its own set-up").
SETUP = {
    "directive": {"governance.critical-programmes", "leadership.pm-pool"},
    "federated": {"leadership.local-pmo-leads", "tools.shared-data-model", "governance.exception-register"},
}
# Items that impose standards on projects: the mandate must not come after them.
STANDARDS = {"governance.core-templates", "governance.minimum-artefacts", "governance.status-standard",
             "governance.decision-gates", "governance.exception-register", "governance.delivery-routes"}
ALL_PITFALLS = frozenset({
    "unreliable-forecasts", "optimistic-forecasts", "unchecked-demand", "funding-without-strategy",
    "unit-methods-diverge", "benefits-not-portfolio-wide",
    "no-mandate", "over-governance", "compliance-over-value", "unclear-roles", "poor-tool-adoption",
    "inconsistent-standards", "disconnected-from-delivery", "tool-before-process", "too-much-too-soon",
    "capacity-blind-spots", "reporting-theater", "waterfall-for-everything", "outgrown-scale",
    "benefits-unmanaged", "stale-mandate", "value-unproven", "risk-blind-portfolio", "unprepared-go-lives",
    "uncontrolled-change", "compliance-exposure", "too-much-in-flight", "pmo-as-reporter"})
NO_PMO_PRECONDITION = frozenset({"disconnected-from-delivery", "outgrown-scale", "value-unproven", "stale-mandate"})


def ctx(size, projects, units, regulated, risk, mix, pain, pmo):
    """A complete context, in the questionnaire's order."""
    return {"org_size": size, "active_projects": projects, "business_units": units, "regulated": regulated,
            "risk_profile": risk, "delivery_mix": mix, "primary_pain": pain, "existing_pmo": pmo}


@dataclass(frozen=True)
class Org:
    """One organisation and what its advice must say.

    `levels` is one level for every question, or one per area in AREAS order; `set` overrides named
    questions by their short name (`intake_criteria`, unique across areas). `named` models must be the
    model or the runner-up (`hybrid_with`), for genuine near-ties. `directive` is True when
    directive control must appear as the model, the runner-up or oversight, False when it must not
    appear at all. Item ids come from roadmaps/improvements.yaml; `raised_*` name questions
    (short names) that some item in those phases must raise.
    """

    id: str
    context: dict
    levels: int | tuple
    set: dict = field(default_factory=dict)
    model: str | None = None
    model_in: frozenset = frozenset()
    model_not: frozenset = frozenset()
    named: frozenset = frozenset()
    oversight: bool | None = None
    directive: bool | None = None
    fire: frozenset = frozenset()
    quiet: frozenset = frozenset()
    first: frozenset = frozenset()
    first_two: frozenset = frozenset()
    raised_first: frozenset = frozenset()
    raised_first_two: frozenset = frozenset()
    planned: frozenset = frozenset()
    pain_note: bool | None = False


def row(id, context, levels, **expect):
    expect = {k: frozenset(v) if isinstance(v, (set, list, tuple)) else v for k, v in expect.items()}
    return pytest.param(Org(id, context, levels, **expect), id=id)


ROWS = [
    # --- Small shops: supportive or controlling, never directive or federated, a handful of roles.
    row("tiny-agile-startup-duplicate-work", ctx("small", 6, 1, False, "low", "agile", "duplicate_work", "none"),
        1, set=dict(status_reporting=2, minimum_artefacts=2, workshops=2, capability_building=2, lessons_learned=2),
        model="supportive", oversight=False, fire={"no-mandate"},
        quiet={"poor-tool-adoption", "tool-before-process", "over-governance", "compliance-over-value",
               "waterfall-for-everything", *NO_PMO_PRECONDITION},
        # Six projects and no PMO: a part-time method owner, whose first work is a named leader and one list.
        first={"leadership.list-owner", "governance.owner-ranked-list"},
        raised_first_two={"intake_criteria", "duplicate_detection"}),
    row("uniform-1-small-weak-execution", ctx("small", 4, 1, False, "low", "agile", "weak_execution", "none"),
        1, model="supportive", oversight=False,
        quiet={"poor-tool-adoption", "tool-before-process", "waterfall-for-everything", *NO_PMO_PRECONDITION},
        first={"leadership.list-owner"}),
    # Issue 10: "controlling with hybrid directive for 5 projects at high risk".
    row("small-regulated-fintech-five-projects",
        ctx("small", 5, 1, True, "high", "waterfall", "weak_execution", "informal"),
        2, set=dict(stage_gates=3, minimum_artefacts=3, delivery_proximity=1, sponsor_accountability=2,
                    escalation_thresholds=1, tailored_methodology=2),
        model_in={"supportive", "controlling"}, oversight=False, directive=False,
        quiet={"waterfall-for-everything", "outgrown-scale", "over-governance"},
        raised_first_two={"escalation_thresholds"}),
    # Issue 10: "controlling with hybrid federated for 8 projects in 3 technology domains".
    row("small-three-domains-resource-conflicts",
        ctx("small", 8, 3, False, "medium", "hybrid", "resource_conflicts", "informal"),
        # Eight projects: people fought over are too much work in flight, not a capacity model by skill.
        2, set=dict(resource_planning=2, conflict_resolution=1, tool_fit=2),
        model_in={"supportive", "controlling"}, oversight=False, directive=False, fire={"too-much-in-flight"},
        quiet={"capacity-blind-spots"},
        first_two={"analytics.capacity-review", "facilitation.conflict-route"}),
    row("small-agile-saas-strategic-misalignment",
        ctx("small", 12, 1, False, "low", "agile", "strategic_misalignment", "informal"),
        2, set=dict(prioritisation_model=1, prioritisation_influence=1, tailored_methodology=3),
        model_in={"supportive", "controlling"}, oversight=False, quiet={"waterfall-for-everything"},
        # No seat where priorities are set: an investment board, whose criteria score the work first.
        first_two={"governance.board-criteria"}),
    row("uniform-4-small-agile-established",
        ctx("small", 10, 1, False, "low", "agile", "resource_conflicts", "established"),
        4, model_in={"supportive", "controlling"}, oversight=False, quiet=ALL_PITFALLS, pain_note=None),
    row("small-duplicate-work-contradicted",
        ctx("small", 10, 1, False, "low", "agile", "duplicate_work", "informal"),
        3, set=dict(intake_criteria=4, duplicate_detection=5, prioritisation_model=4, portfolio_view=4),
        model_in={"supportive", "controlling"}, pain_note=True),
    # --- Medium organisations.
    # Issue 10: no PMO, every answer at 1, duplicate work: intake starts by the second phase. (A new PMO of two
    # starts with its sponsor, mandate, decision rights, register and overlap review; intake could not land
    # within the 90 days after them, so it starts in week 13, round 207.)
    row("uniform-1-medium-no-pmo-duplicate-work",
        ctx("medium", 25, 2, False, "medium", "hybrid", "duplicate_work", "none"),
        1, model="supportive", oversight=False, fire={"no-mandate", "unclear-roles"},
        quiet={"poor-tool-adoption", "tool-before-process", "too-much-too-soon", "waterfall-for-everything",
               "over-governance", "compliance-over-value", "reporting-theater", *NO_PMO_PRECONDITION},
        first={"leadership.find-sponsor", "leadership.pmo-mandate"},
        raised_first_two={"intake_criteria", "duplicate_detection", "prioritisation_model"}),
    row("uniform-2-medium-poor-forecasting",
        ctx("medium", 35, 2, False, "medium", "hybrid", "poor_forecasting", "informal"),
        # One waterfall method (2) beside gates and standards kept only here and there (2): nobody is forced
        # through it, so Check first asks which method the agile teams follow (round 207).
        2, model_in={"supportive", "controlling"}, oversight=False,
        fire={"benefits-unmanaged"}, quiet={"waterfall-for-everything"}, raised_first_two={"forecast_accuracy"}),
    row("medium-four-domains-no-pmo-resource-conflicts",
        ctx("medium", 24, 4, False, "medium", "hybrid", "resource_conflicts", "none"),
        2, set=dict(capacity_model=1, conflict_resolution=2, mandate=1, executive_sponsor=1),
        model_in={"supportive", "controlling"}, oversight=False, fire={"capacity-blind-spots", "no-mandate"},
        quiet=NO_PMO_PRECONDITION, raised_first_two={"capacity_model"}),
    row("medium-no-tools-waterfall-resource-conflicts",
        ctx("medium", 20, 1, False, "low", "waterfall", "resource_conflicts", "informal"),
        (2, 2, 2, 1, 2), set=dict(capacity_model=1, conflict_resolution=1, tailored_methodology=2),
        model_in={"supportive", "controlling"}, fire={"capacity-blind-spots"},
        quiet={"poor-tool-adoption", "tool-before-process", "waterfall-for-everything"},
        raised_first_two={"capacity_model", "conflict_resolution"}),
    # Issue 10: too-much-too-soon fired on pmo_performance >= 3; baselining early is good practice.
    row("medium-baselining-early-strategic-misalignment",
        ctx("medium", 25, 1, False, "medium", "hybrid", "strategic_misalignment", "informal"),
        (2, 3, 2, 2, 2), set=dict(pmo_performance=3, prioritisation_model=1, prioritisation_influence=2),
        model_in={"supportive", "controlling"}, quiet={"too-much-too-soon"},
        first_two={"governance.board-criteria"}),
    # A young PMO without a mandate that wrote many rules at once and announces them untested.
    row("medium-young-pmo-too-much-too-soon",
        ctx("medium", 30, 2, False, "medium", "hybrid", "weak_execution", "informal"),
        (3, 2, 2, 3, 2), set=dict(mandate=1, executive_sponsor=2, pilots_quick_wins=1, service_orientation=2,
                                  standards_consistency=2, delivery_proximity=2, adoption=2, business_outcomes=1),
        model_not={"directive", "federated"}, fire={"too-much-too-soon", "no-mandate"},
        first={"leadership.pmo-mandate", "leadership.find-sponsor"}),
    # The seed's blocker: low service orientation and proximity, governance strong, agile, low risk.
    row("medium-blocker-pmo-agile-low-risk",
        ctx("medium", 40, 1, False, "low", "agile", "weak_execution", "established"),
        (4, 3, 2, 3, 3), set=dict(service_orientation=1, delivery_proximity=1, stakeholder_involvement=1,
                                  communication=2, tailored_methodology=3),
        model="supportive", oversight=False, fire={"disconnected-from-delivery"},
        quiet={"no-mandate", "waterfall-for-everything"},
        raised_first_two={"delivery_proximity", "service_orientation"}),
    # Issue 10: tooling at 4 with governance at 1-2 is tooling ahead of process.
    row("medium-tools-ahead-of-governance",
        ctx("medium", 45, 2, False, "medium", "hybrid", "poor_forecasting", "informal"),
        (2, 2, 2, 4, 2), set=dict(intake_criteria=1, decision_rights=1, process_first=2, adoption=3,
                                  forecast_accuracy=2),
        model_not={"directive", "federated"}, fire={"tool-before-process"}, quiet={"poor-tool-adoption"},
        raised_first_two={"intake_criteria", "decision_rights", "forecast_accuracy"}),
    row("medium-reporting-that-changes-nothing",
        ctx("medium", 35, 1, False, "medium", "hybrid", "strategic_misalignment", "established"),
        (3, 2, 2, 3, 3), set=dict(decision_kpis=2, portfolio_reviews=2, data_driven_decisions=2,
                                  reporting_cadence=2, dashboards=3, prioritisation_model=2),
        model_not={"directive", "federated"}, fire={"reporting-theater"},
        raised_first_two={"prioritisation_model"}),
    # Issue 10: reporting-theater must not fire when leaders' data-driven decisions are at 5.
    row("medium-data-driven-leaders",
        ctx("medium", 35, 1, False, "medium", "hybrid", "poor_forecasting", "established"),
        3, set=dict(data_driven_decisions=5, decision_kpis=4, portfolio_reviews=4, dashboards=2,
                    forecast_accuracy=2),
        model_not={"directive", "federated"}, quiet={"reporting-theater"}, raised_first_two={"forecast_accuracy"}),
    row("medium-stagnant-established-pmo",
        ctx("medium", 35, 1, False, "medium", "hybrid", "poor_forecasting", "established"),
        (3, 2, 3, 3, 3), set=dict(executive_sponsor=2, stakeholder_satisfaction=1, business_outcomes=2,
                                  pmo_performance=1, forecast_accuracy=2),
        model_not={"directive", "federated"}, fire={"stale-mandate", "value-unproven"},
        raised_first_two={"forecast_accuracy"}),
    row("medium-waterfall-go-lives-and-change",
        ctx("medium", 30, 1, False, "medium", "waterfall", "weak_execution", "informal"),
        2, set=dict(transition_to_service=1, scope_change_control=1),
        model_not={"directive", "federated"}, fire={"unprepared-go-lives", "uncontrolled-change"},
        quiet={"waterfall-for-everything"}),
    row("medium-regulated-public-sector-waterfall",
        ctx("medium", 28, 1, True, "medium", "waterfall", "weak_execution", "established"),
        (3, 2, 2, 2, 3), set=dict(sponsor_accountability=1, escalation_thresholds=2, tailored_methodology=2),
        model="controlling", oversight=False, quiet={"waterfall-for-everything"},
        raised_first_two={"sponsor_accountability"}),
    # Issue 10: poor forecasting stated while forecasting is the organisation's strength.
    row("medium-poor-forecasting-contradicted",
        ctx("medium", 40, 1, False, "medium", "hybrid", "poor_forecasting", "established"),
        3, set=dict(forecast_accuracy=5, financial_control=4, reporting_cadence=4, portfolio_view=4,
                    portfolio_reviews=4, decision_kpis=4),
        model_not={"directive", "federated"}, pain_note=True),
    # --- Large organisations.
    row("uniform-3-large-strategic-misalignment",
        ctx("large", 60, 3, False, "medium", "hybrid", "strategic_misalignment", "established"),
        3, model_not={"directive"}, oversight=False, directive=False,
        quiet={"no-mandate", "unclear-roles", "capacity-blind-spots", "tool-before-process", "poor-tool-adoption",
               "waterfall-for-everything", "disconnected-from-delivery", "benefits-unmanaged", "value-unproven",
               "risk-blind-portfolio", "uncontrolled-change", "unprepared-go-lives", "reporting-theater"},
        pain_note=None),
    # Issue 10: too-much-too-soon fired on "no PMO and 50 projects", which is too little.
    row("large-no-pmo-sixty-projects",
        ctx("large", 60, 2, False, "medium", "hybrid", "duplicate_work", "none"),
        (1, 2, 1, 2, 1), set=dict(status_reporting=2, role_clarity=1, decision_rights=1),
        model_in={"supportive", "controlling"}, oversight=False, directive=False,
        fire={"no-mandate", "unclear-roles"}, quiet={"too-much-too-soon", *NO_PMO_PRECONDITION},
        first={"leadership.find-sponsor", "leadership.pmo-mandate"}, raised_first_two={"intake_criteria"}),
    row("large-regulated-high-risk-no-pmo-day-one",
        ctx("large", 100, 3, True, "high", "hybrid", "weak_execution", "none"),
        (1, 1, 1, 2, 1), set=dict(status_reporting=2, stage_gates=2),
        model_in={"supportive", "controlling"}, oversight=False, directive=False, fire={"no-mandate"},
        quiet=NO_PMO_PRECONDITION, first={"leadership.find-sponsor", "leadership.pmo-mandate"}),
    # Issue 10: process_first = 4 self-reported must not veto the pitfall when governance is at 1-2.
    row("large-tools-ahead-self-rated-process",
        ctx("large", 55, 2, False, "medium", "agile", "duplicate_work", "informal"),
        (1, 2, 2, 4, 2), set=dict(status_reporting=2, stage_gates=2, minimum_artefacts=2, process_first=4),
        model_not={"directive"}, fire={"tool-before-process"}, quiet={"poor-tool-adoption"},
        raised_first_two={"intake_criteria", "duplicate_detection"}),
    row("large-tool-nobody-keeps-current",
        ctx("large", 70, 3, False, "medium", "hybrid", "poor_forecasting", "established"),
        3, set=dict(adoption=2, data_quality=2, forecast_accuracy=2),
        model_not={"directive"}, fire={"poor-tool-adoption"}, quiet={"tool-before-process"},
        raised_first_two={"adoption", "forecast_accuracy"}),
    # The seed's warning about heavy governance: waterfall controls on agile teams, a blocker PMO.
    row("large-agile-over-governed",
        ctx("large", 50, 2, False, "low", "agile", "weak_execution", "established"),
        (3, 3, 2, 3, 3), set=dict(tailored_methodology=2, service_orientation=1, delivery_proximity=2,
                                  stakeholder_involvement=1, decision_rights=2, reporting_cadence=2),
        model_in={"supportive", "controlling"}, directive=False,
        fire={"over-governance", "waterfall-for-everything"}, raised_first_two={"delivery_proximity"},
        first_two={"governance.gate-analytics", "governance.agile-relief"}),
    # The seed's blocker in a regulated hospital: one heavy waterfall route for a printer rollout and
    # an EPR module alike, standards written alone, teams backfilling documents before gates. Keep the
    # controls regulation needs, but cut the rest first and rebuild trust; no directive layer.
    row("regulated-hospital-pmo-seen-as-blocker",
        ctx("medium", 35, 1, True, "high", "waterfall", "weak_execution", "established"),
        (3, 2, 2, 2, 3), set=dict(tailored_methodology=2, service_orientation=1, delivery_proximity=1,
                                  stakeholder_involvement=1, stakeholder_satisfaction=1, business_outcomes=1,
                                  prioritisation_model=2),
        model_in={"supportive", "controlling"}, directive=False,
        fire={"over-governance", "disconnected-from-delivery"},
        # Regulated and high-risk: the gates are tiered by risk, never cut on a first measurement.
        first_two={"governance.gate-tiering", "governance.delivery-routes", "facilitation.codesign"},
        raised_first_two={"delivery_proximity"}),
    # Issue 10: over-governance must not read tailored gates (level 4) as heavy governance.
    row("large-regulated-bank-critical-programmes",
        ctx("large", 90, 2, True, "high", "waterfall", "weak_execution", "established"),
        3, set=dict(stage_gates=4, status_reporting=4, minimum_artefacts=4, delivery_proximity=2,
                    sponsor_accountability=2, escalation_thresholds=2, mandate=4, executive_sponsor=4),
        model_in={"controlling", "directive"}, directive=True,
        quiet={"over-governance", "waterfall-for-everything", "no-mandate", "stale-mandate"},
        raised_first_two={"sponsor_accountability", "escalation_thresholds"}),
    row("large-regulated-compliance-over-value",
        ctx("large", 70, 2, True, "high", "waterfall", "strategic_misalignment", "established"),
        (4, 3, 3, 3, 3), set=dict(prioritisation_model=2, benefits_realisation=2, business_outcomes=2,
                                  pmo_performance=2, prioritisation_influence=2),
        model_in={"controlling", "directive"}, fire={"compliance-over-value", "benefits-unmanaged"},
        raised_first_two={"prioritisation_model"}),
    row("large-high-risk-portfolio-risk-blind",
        ctx("large", 80, 2, True, "high", "hybrid", "weak_execution", "established"),
        3, set=dict(portfolio_risk=1, escalation_thresholds=2, dependency_tracking=2, delivery_proximity=2),
        model_in={"controlling", "directive"}, directive=True, fire={"risk-blind-portfolio"},
        raised_first_two={"escalation_thresholds"}, planned={"analytics.risk-rollup"}),
    row("large-pmo-outgrown-by-150-projects",
        ctx("large", 150, 2, False, "medium", "hybrid", "resource_conflicts", "established"),
        (3, 3, 3, 2, 3), set=dict(automation=1, tool_fit=2, pmo_roles=2, capacity_model=2, resource_planning=2),
        model_not={"directive"}, directive=False, fire={"outgrown-scale", "capacity-blind-spots"},
        first_two={"analytics.capacity-review"}),
    row("large-four-units-federated-duplicate-work",
        ctx("large", 120, 4, False, "medium", "hybrid", "duplicate_work", "established"),
        3, set=dict(duplicate_detection=2, prioritisation_model=2, standards_consistency=2),
        model_in={"federated", "controlling"}, named={"federated"}, oversight=False, directive=False,
        raised_first_two={"duplicate_detection"}),
    # --- Enterprises.
    # Issue 10: "No pitfalls for a regulated 9-unit enterprise is not credible".
    row("enterprise-nine-units-regulated",
        ctx("enterprise", 300, 9, True, "high", "hybrid", "resource_conflicts", "established"),
        3, set=dict(standards_consistency=2, capacity_model=2, resource_planning=2, conflict_resolution=2,
                    data_quality=2, stage_gates=4, stakeholder_satisfaction=2),
        model="federated", oversight=True, fire={"inconsistent-standards", "capacity-blind-spots"},
        first_two={"analytics.capacity-review", "facilitation.conflict-route"},
        raised_first_two={"standards_consistency"}),
    row("enterprise-two-units-poor-forecasting",
        ctx("enterprise", 150, 2, True, "high", "hybrid", "poor_forecasting", "established"),
        (3, 2, 3, 3, 3), set=dict(forecast_accuracy=2, financial_control=2),
        model_in={"controlling", "directive"}, directive=True, raised_first_two={"forecast_accuracy"}),
    row("uniform-2-enterprise-waterfall-informal",
        ctx("enterprise", 250, 5, False, "medium", "waterfall", "resource_conflicts", "informal"),
        2, model_in={"federated", "controlling"}, directive=False, fire={"capacity-blind-spots"},
        quiet={"waterfall-for-everything"}, first_two={"analytics.capacity-review"},
        raised_first_two={"conflict_resolution"}),
    row("uniform-4-enterprise-regulated",
        ctx("enterprise", 200, 6, True, "high", "hybrid", "poor_forecasting", "established"),
        4, model="federated", oversight=True, quiet=ALL_PITFALLS, pain_note=None),
    row("uniform-5-enterprise-regulated",
        ctx("enterprise", 150, 5, True, "high", "agile", "strategic_misalignment", "established"),
        5, model_in={"federated", "supportive"}, quiet=ALL_PITFALLS, pain_note=True),
]


# --- Building answers and running the engine -------------------------------------------------------

def answers_for(org: Org, questionnaire) -> dict[str, int]:
    """Answers from per-area levels, with named questions overridden by short name."""
    by_short = {q.id.split(".", 1)[1]: q.id for d in questionnaire.dimensions for q in d.questions}
    unknown = set(org.set) - set(by_short)
    assert not unknown, f"{org.id}: no such question {sorted(unknown)}"
    levels = dict.fromkeys(AREAS, org.levels) if isinstance(org.levels, int) else dict(zip(AREAS, org.levels))
    answers = {q.id: levels[d.id] for d in questionnaire.dimensions for q in d.questions}
    answers.update({by_short[k]: v for k, v in org.set.items()})
    return answers


@pytest.fixture(scope="session")
def assessed(content):
    """Run each organisation once per session: (answers, result)."""
    results: dict[str, tuple] = {}

    def run(org: Org):
        if org.id not in results:
            answers = answers_for(org, content.default_questionnaire)
            results[org.id] = answers, run_assessment(content, answers, org.context)
        return results[org.id]
    return run


def short(question_id: str) -> str:
    return question_id.split(".", 1)[1]


def phase_of(result, content) -> dict[str, int]:
    """Item id -> index of the phase it starts in (phases beyond the plan count as 'later'); one started in
    the first 90 days that lands after them is listed where it lands."""
    order = {p.id: i for i, p in enumerate(content.roadmap.phases)}
    return {item["id"]: 0 if item.get("started_early") else order.get(phase["id"], len(order))
            for phase in result["roadmap"]["phases"] for item in phase["items"]}


def raised_by(result, content, up_to: int) -> set[str]:
    """Short names of the questions raised by items starting in phases 0..up_to-1."""
    at = phase_of(result, content)
    return {short(r["question"]) for phase in result["roadmap"]["phases"] for item in phase["items"]
            if at[item["id"]] < up_to for r in item["raises"]}


def directive_places(rec) -> set[str]:
    places = {"model"} if rec["model"] == "directive" else set()
    if rec.get("hybrid_with") == "directive":
        places.add("hybrid_with")
    if (rec.get("oversight") or {}).get("model") == "directive":
        places.add("oversight")
    return places


def catalogue_met(content, item_id: str, answers) -> bool:
    """True when every question an item raises already stands at the level it raises it to."""
    return all(answers[q] >= level for q, level in content.roadmap.items[item_id].raises.items())


# --- The tests ---------------------------------------------------------------------------------------

def test_table_covers_the_spread():
    """Issue 10's spread: sizes, pains, PMO states, delivery mixes, uniform levels 1-5, both risks."""
    orgs = [p.values[0] for p in ROWS]
    seen = {key: {o.context[key] for o in orgs} for key in ("org_size", "primary_pain", "existing_pmo", "delivery_mix")}
    assert len(orgs) >= 30 and len({o.id for o in orgs}) == len(orgs)
    assert seen["org_size"] == {"small", "medium", "large", "enterprise"}
    assert seen["primary_pain"] == {"duplicate_work", "poor_forecasting", "weak_execution", "resource_conflicts",
                                    "strategic_misalignment"}
    assert seen["existing_pmo"] == {"none", "informal", "established"}
    assert seen["delivery_mix"] == {"waterfall", "hybrid", "agile"}
    assert {o.levels for o in orgs if isinstance(o.levels, int) and not o.set} == {1, 2, 3, 4, 5}
    assert any(o.context["regulated"] and o.context["risk_profile"] == "high" for o in orgs)
    assert {o.context["business_units"] == 1 for o in orgs} == {True, False}
    assert any(o.pain_note for o in orgs)


@pytest.mark.parametrize("org", ROWS)
def test_model(org: Org, assessed):
    _answers, result = assessed(org)
    rec = result["recommendation"]
    assert rec["model"] in MODELS
    problems = []
    if org.model and rec["model"] != org.model:
        problems.append(f"model is {rec['model']}, expected {org.model}")
    if org.model_in and rec["model"] not in org.model_in:
        problems.append(f"model is {rec['model']}, expected one of {sorted(org.model_in)}")
    if rec["model"] in org.model_not or rec.get("hybrid_with") in org.model_not:
        problems.append(f"model {rec['model']} / hybrid_with {rec.get('hybrid_with')} "
                        f"is one of {sorted(org.model_not)}")
    problems += [f"{m} is neither the model nor hybrid_with" for m in sorted(org.named)
                 if m not in (rec["model"], rec.get("hybrid_with"))]
    has_oversight = (rec.get("oversight") or {}).get("model") == "directive"
    if org.oversight is not None and has_oversight != org.oversight:
        problems.append(f"directive oversight is {has_oversight}, expected {org.oversight}")
    places = directive_places(rec)
    if org.directive is True and not places:
        problems.append("no directive control anywhere (model, hybrid_with or oversight)")
    if org.directive is False and places:
        problems.append(f"directive appears as {sorted(places)}")
    assert not problems, f"{org.id}: {problems}; ranking {[(r['model'], r['fit']) for r in rec['ranking']]}"


@pytest.mark.parametrize("org", ROWS)
def test_pitfalls(org: Org, assessed):
    _answers, result = assessed(org)
    fired = {p["id"] for p in result["pitfalls"]}
    assert not (org.fire | org.quiet) - ALL_PITFALLS, "the row names an unknown pitfall"
    problems = [f"{p} should fire" for p in sorted(org.fire - fired)]
    problems += [f"{p} should not fire" for p in sorted(org.quiet & fired)]
    assert not problems, f"{org.id}: {problems}; fired {sorted(fired)}"


@pytest.mark.parametrize("org", ROWS)
def test_roadmap(org: Org, assessed, content):
    _answers, result = assessed(org)
    at = phase_of(result, content)
    plan_length = len(content.roadmap.phases)
    problems = [f"{i} not in the first phase (phase {at.get(i)})" for i in sorted(org.first) if at.get(i) != 0]
    problems += [f"{i} not in the first two phases (phase {at.get(i)})" for i in sorted(org.first_two)
                 if at.get(i, 99) > 1]
    problems += [f"{i} not planned within the plan's phases" for i in sorted(org.planned)
                 if at.get(i, 99) >= plan_length]
    problems += [f"nothing in the first phase raises {q}"
                 for q in sorted(org.raised_first - raised_by(result, content, 1))]
    problems += [f"nothing in the first two phases raises {q}"
                 for q in sorted(org.raised_first_two - raised_by(result, content, 2))]
    note = result["ownership"]["pain_note"]
    if org.pain_note is True and not note:
        problems.append("the stated pain contradicts the answers but there is no pain_note")
    if org.pain_note is False and note:
        problems.append(f"pain_note given although the answers back the pain: {note['text']}")
    assert not problems, f"{org.id}: {problems}; plan {sorted(at.items(), key=lambda kv: kv[1])}"


@pytest.mark.parametrize("org", ROWS)
def test_principles(org: Org, assessed, content):
    answers, result = assessed(org)
    problems = principle_problems(org, answers, result, content)
    assert not problems, f"{org.id}: {problems}"


def principle_problems(org: Org, answers, result, content) -> list[str]:
    """What every organisation's advice must respect, whatever the row expects."""
    c, rec, roadmap = org.context, result["recommendation"], result["roadmap"]
    a = {short(q): v for q, v in answers.items()}
    mean = sum(answers.values()) / len(answers)
    at = phase_of(result, content)
    fired = {p["id"] for p in result["pitfalls"]}
    problems = []
    named = {rec["model"], rec.get("hybrid_with")}
    places = directive_places(rec)

    # Model fit: scale gates, federated needs units, directive needs scale, risk and some maturity.
    small_portfolio = c["org_size"] in ("small", "medium") and c["active_projects"] < 30
    if small_portfolio and (named & {"directive", "federated"} or places):
        problems.append(f"small portfolio gets {sorted(named & {'directive', 'federated'})} "
                        f"/ directive in {sorted(places)}")
    if c["business_units"] == 1 and "federated" in named:
        problems.append("federated for a single business unit")
    if places:
        scale = c["org_size"] in ("large", "enterprise") or c["active_projects"] >= 40
        if not (scale and (c["regulated"] or c["risk_profile"] == "high")):
            problems.append(f"directive ({sorted(places)}) without scale (large, or 40+ projects) "
                            "together with high risk or regulation")
        if c["existing_pmo"] == "none" or mean < 2:
            problems.append(f"directive ({sorted(places)}) on day one (no PMO or maturity {mean:.1f})")
    if mean >= 4.5 and "directive" in named:
        problems.append("very high maturity pushed towards directive")

    # Roadmap: nothing already in place, targets never below today. A practice stands at its answer,
    # or at the level an earlier step in the plan (one of the item's prerequisites) brings it to.
    items = {item["id"]: item for phase in roadmap["phases"] for item in phase["items"]}
    for item in items.values():
        if item["verifies"]:  # an evidence check tests answers; it raises nothing by design
            if c["primary_pain"] not in item["verifies"]:
                problems.append(f"{item['id']} tests the answers behind a pain that is not the one named")
            continue
        if not any(r["from"] < r["to"] for r in item["raises"]):
            problems.append(f"{item['id']} scheduled though every practice it raises is already there")
        for r in item["raises"]:
            steps = {p["to"] for i in item["requires"] for p in items[i]["raises"] if p["question"] == r["question"]}
            if r["from"] != answers[r["question"]] and r["from"] not in steps:
                problems.append(f"{item['id']} says {r['question']} is at {r['from']}, answered "
                                f"{answers[r['question']]}")
    for area in AREAS:
        # Holding tools where they are while the process catches up follows the seed's warning.
        held = area == "tools" and "tool-before-process" in fired
        managed = roadmap["current"][area] >= 4  # a managed area keeps its level: P3M3's middle is often enough
        if roadmap["target"][area] < min(5, roadmap["current"][area] + (0 if held or managed else 1)):
            problems.append(f"{area} target {roadmap['target'][area]} is not above today's {roadmap['current'][area]}")
    all_fives = all(v == 5 for v in answers.values())
    at = {i: p for i, p in at.items() if not items[i]["verifies"]}  # testing the fives with evidence plans no rise
    if all_fives != (not at):
        problems.append("empty plan" if not at else "a plan for an organisation at 5 everywhere")

    # Sequence: mandate and sponsor first without an established PMO, and before standards.
    # A part-time method owner (no PMO) starts with the leader who owns the list instead.
    part_time = rec["design"]["id"] == "part-time-method-owner"
    if c["existing_pmo"] != "established":
        firsts = ((("executive_sponsor", "leadership.list-owner"),) if part_time else
                  (("mandate", "leadership.pmo-mandate"), ("executive_sponsor", "leadership.find-sponsor")))
        for question, item in firsts:
            if a[question] < 3 and at.get(item) != 0:
                problems.append(f"{item} not in the first phase without an established PMO (phase {at.get(item)})")
        late = [s for s in STANDARDS if s in at and "leadership.pmo-mandate" in at
                and at[s] < at["leadership.pmo-mandate"]]
        if late:
            problems.append(f"standards {sorted(late)} come before the mandate")

    # The primary pain is worked on early, unless the answers contradict it.
    pain = roadmap["pain"]
    if at and not result["ownership"]["pain_note"]:
        if not pain["items"] or pain["phase"] not in [p.id for p in content.roadmap.phases[:2]]:
            problems.append(f"the primary pain's work is not in the first two phases: {pain}")

    # The recommended model gets its own set-up in the first year, unless the answers show it exists.
    for model in {rec["model"]} | ({"directive"} if "oversight" in places else set()):
        setup = SETUP.get(model, set())
        if setup and not all(catalogue_met(content, i, answers) for i in setup):
            if not any(at.get(i, 99) <= 2 for i in setup):
                problems.append(f"no {model} set-up ({sorted(setup)}) in the first three phases")

    # Governance that weighs on teams is cut before anything is added: where teams avoid the PMO and
    # gates and documents are enforced for all, measuring and trimming them starts in the first two phases.
    heavy = next((p for p in result["pitfalls"] if p["id"] == "over-governance"), None)
    if heavy and heavy["severity"] == "high" and a["stage_gates"] == 3 and a["minimum_artefacts"] == 3:
        cut = "governance.gate-tiering" if c["regulated"] or c["risk_profile"] == "high" else "governance.gate-analytics"
        if at.get(cut, 99) > 1:
            problems.append(f"governance weighs on teams but its cut is in phase {at.get(cut)}")

    # A small shop's plan names a handful of PMO roles.
    if c["org_size"] == "small" and len(set(roadmap["roles"]) & PMO_ROLES) > 3:
        problems.append(f"small organisation's plan names PMO roles {sorted(set(roadmap['roles']) & PMO_ROLES)}")

    # Pitfalls need their preconditions and must not fire on the opposite.
    opposite = {
        "poor-tool-adoption": a["tool_fit"] == 1 or a["adoption"] >= 4,
        "tool-before-process": all(a[q] == 1 for q in ("tool_fit", "integration", "automation", "dashboards")),
        "waterfall-for-everything": c["delivery_mix"] == "waterfall" or a["tailored_methodology"] != 2,
        "reporting-theater": a["data_driven_decisions"] >= 4
        or all(a[q] == 1 for q in ("status_reporting", "reporting_cadence", "dashboards")),
        "benefits-unmanaged": a["benefits_realisation"] >= 3,
        "capacity-blind-spots": a["capacity_model"] >= 3,
        "stale-mandate": a["mandate"] <= 2 or a["mandate"] >= 4,
        "no-mandate": a["mandate"] >= 3 and a["executive_sponsor"] >= 3,
        "over-governance": a["service_orientation"] >= 4 and a["delivery_proximity"] >= 4,
        "disconnected-from-delivery": a["delivery_proximity"] >= 3,
    }
    if c["existing_pmo"] == "none":
        opposite.update(dict.fromkeys(NO_PMO_PRECONDITION, True))
    problems += [f"{p} fires without its precondition or against the answers" for p, no in opposite.items()
                 if no and p in fired]
    return problems
