"""Roadmap generator on a small catalogue: chosen from the practices, prerequisites met by the answers,
the seed's order, the pain early, the model's set-up, capacity, roles, dates and reasons."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from app.engine.located import Located
from app.engine.models import ImprovementCatalogue, Pain, PhasePlan
from app.engine.roadmap import PlanInput, build_roadmap, compile_roadmap
from app.engine.summary import capacity_text
from app.engine.vocabulary import DIMENSIONS


def item(id, raises, theme="standards", requires=(), effort=2, duration=4, mitigates=(), owner="PMO director",
         **extra):
    return {"id": id, "title": f"Do {id}", "dimension": id.split(".")[0], "raises": raises, "theme": theme,
            "requires": list(requires), "effort_weeks": effort, "duration_weeks": duration, "owner": owner,
            "deliverables": ["a thing"], "metric": "Measured somehow.", "mitigates": list(mitigates),
            "description": "What is done, in a sentence.", **extra}


PHASES = {"kind": "phases", "max_items": 3,
          "capacity": {"improvement_share": 0.5, "default_people": {"small": 1, "medium": 2, "large": 4,
                                                                     "enterprise": 8},
                       "effort_scale": {"small": 0.5, "medium": 1.0, "large": 1.5, "enterprise": 2.0},
                       "absorb_scale": {"small": 1.0, "medium": 1.0, "large": 1.0, "enterprise": 1.0}},
          "roles": [{"up_to_people": 1, "map": {"PMO director": "PMO lead", "Portfolio analyst": "PMO lead"}}],
          "phases": [{"id": "p1", "title": "First", "start_month": 0, "end_month": 3},
                     {"id": "p2", "title": "Second", "start_month": 3, "end_month": 6},
                     {"id": "p3", "title": "Third", "start_month": 6, "end_month": 12}]}

CATALOGUE = [
    item("leadership.sponsor", {"leadership.executive_sponsor": 3}, "ownership", mitigates=["no-mandate"]),
    item("governance.intake-form", {"governance.intake_criteria": 2}, "intake"),
    item("governance.intake-route", {"governance.intake_criteria": 3}, "intake",
         requires=["governance.intake-form", "analytics.register"]),
    item("analytics.register", {"analytics.portfolio_view": 2}, "reporting"),
    item("analytics.view", {"analytics.portfolio_view": 3}, "reporting", requires=["analytics.register"]),
    item("analytics.capacity", {"analytics.capacity_model": 3}, "capacity"),
    item("governance.gates", {"governance.stage_gates": 3}, "standards", requires=["governance.intake-route"]),
    item("governance.gate-metrics", {"governance.stage_gates": 4}, "optimisation", requires=["governance.gates"]),
    item("tools.platform", {"tools.tool_fit": 3}, "tooling", requires=["governance.gates"],
         when="context.active_projects >= 20"),
    item("leadership.pm-pool", {"leadership.pmo_roles": 4}, "ownership", setup_for=["directive"], setup_only=True),
    item("facilitation.help-desk", {"facilitation.service_orientation": 3}, "engagement", setup_for=["supportive"]),
]


def catalogue(questionnaire, items=CATALOGUE, phases=PHASES, pitfalls=frozenset({"no-mandate", "over-governance"})):
    problems: list = []
    roadmap = compile_roadmap(
        [(ImprovementCatalogue.model_validate({"kind": "improvements", "items": items}),
          Located("c.yaml", None, problems))],
        [(PhasePlan.model_validate(phases), Located("p.yaml", None, problems))],
        pitfalls, questionnaire)
    return roadmap, problems


@pytest.fixture(scope="module")
def roadmap(questionnaire):
    content, problems = catalogue(questionnaire)
    assert problems == []
    return content


def answers(questionnaire, level=1, **overrides):
    out = {q.id: level for q in questionnaire.questions()}
    out.update({k.replace("__", "."): v for k, v in overrides.items()})
    return out


def plan(roadmap, questionnaire, level=1, target=3, facts=None, **kw):
    given = answers(questionnaire, level, **kw.pop("answers", {}))
    levels = kw.pop("levels", None) or {d: level for d in DIMENSIONS}
    return build_roadmap(roadmap, PlanInput(answers=given, levels=levels,
                                            target=dict.fromkeys(DIMENSIONS, target) if isinstance(target, int)
                                            else target,
                                            facts=facts or {"context.active_projects": 25}, **kw))


def ids(result):
    return [i["id"] for phase in result["phases"] for i in phase["items"]]


def by_id(result):
    return {i["id"]: (phase["id"], i) for phase in result["phases"] for i in phase["items"]}


def test_an_improvement_is_planned_only_while_one_of_its_practices_is_below_its_level(roadmap, questionnaire):
    result = plan(roadmap, questionnaire, 1, answers={"governance.intake_criteria": 3})
    assert "governance.intake-route" not in ids(result) and "governance.intake-form" not in ids(result)
    assert "governance.gates" in ids(result), "a prerequisite the answers show is in place counts as met"
    assert "governance.intake-route" not in by_id(result)["governance.gates"][1]["requires"]


def test_the_target_picks_practices_below_it_not_area_averages(roadmap, questionnaire):
    # Capacity model at 1 while everything else is at 3: its work is planned though the area "meets" 3.
    result = plan(roadmap, questionnaire, 3, answers={"analytics.capacity_model": 1})
    assert ids(result) == ["analytics.capacity"]
    (practice,) = by_id(result)["analytics.capacity"][1]["raises"]
    assert (practice["question"], practice["from"], practice["to"]) == ("analytics.capacity_model", 1, 3)


def test_a_practice_lagging_its_area_is_pulled_in_whatever_the_target(roadmap, questionnaire):
    levels = dict.fromkeys(DIMENSIONS, 3)
    given = answers(questionnaire, 3, **{"analytics.capacity_model": 1})
    result = build_roadmap(roadmap, PlanInput(answers=given, levels=levels, target=dict.fromkeys(DIMENSIONS, 2),
                                              facts={"context.active_projects": 25}))
    entry = by_id(result)["analytics.capacity"][1]
    assert entry["drivers"] == ["weak"] and "lags the rest of" in entry["reason"]


def test_dont_know_is_planned_with_a_note_to_check_first(roadmap, questionnaire):
    result = plan(roadmap, questionnaire, 3, answers={"analytics.capacity_model": None})
    assert "you answered don’t know; check first" in by_id(result)["analytics.capacity"][1]["reason"]


def test_mandate_and_sponsor_come_first_and_the_pain_before_the_rest(roadmap, questionnaire):
    pain = Pain(label="resource conflicts", function="capacity-management", questions=["analytics.capacity_model"],
                improvements=["analytics.capacity"], probe="Probe elsewhere, the answers say it is fine.")
    result = plan(roadmap, questionnaire, 1, pain=pain, pain_id="resource_conflicts")
    order = ids(result)
    assert order[0] == "leadership.sponsor"
    assert order.index("analytics.capacity") < order.index("governance.intake-form")
    assert result["pain"]["items"] == ["analytics.capacity"] and result["pain"]["phase"] == "p1"
    assert "works on the main pain, resource conflicts" in by_id(result)["analytics.capacity"][1]["reason"]


INTAKE = ("A single intake process", ["governance.intake-form", "governance.intake-route"])
VIEW = ("A basic portfolio view", ["analytics.register", "analytics.view"])


@pytest.mark.parametrize("functions, overrides, started", [
    ([INTAKE], {}, {"governance.intake-form": "A single intake process"}),
    # The answers show the first step: the function starts at the next one.
    ([INTAKE], {"governance.intake_criteria": 2}, {"governance.intake-route": "A single intake process"}),
    ([INTAKE], {"governance.intake_criteria": 3}, {}),  # the function is in place: nothing to start
    ([INTAKE, VIEW], {}, {"governance.intake-form": "A single intake process",
                          "analytics.register": "A basic portfolio view"}),
], ids=["first step", "next step", "in place", "two functions"])
def test_each_function_to_own_first_starts_in_the_first_phase(roadmap, questionnaire, functions, overrides, started):
    # Level 3 everywhere but the functions' practices, so only they and their prerequisites pull in work.
    given = {"governance.intake_criteria": 1, "analytics.portfolio_view": 1, **overrides}
    result = plan(roadmap, questionnaire, 3, target=3, functions=functions, answers=given)
    placed = by_id(result)
    own = {i: entry for i, (_phase, entry) in placed.items() if "own" in entry["drivers"]}
    assert set(own) == set(started)
    for item_id, title in started.items():
        assert placed[item_id][0] == "p1"
        assert f"starts “{title}”, which the PMO should own first" in own[item_id]["reason"]
        assert own[item_id]["drivers"][0] == "own"


def test_foundations_follow_the_seed_intake_then_reporting_then_standards(roadmap, questionnaire):
    order = ids(plan(roadmap, questionnaire, 1, target=4, foundations_first=False))
    assert order.index("governance.intake-route") < order.index("analytics.view") < order.index("governance.gates")
    assert order.index("governance.gates") < order.index("governance.gate-metrics")


def test_prerequisites_finish_before_what_needs_them_starts(roadmap, questionnaire):
    result = plan(roadmap, questionnaire, 1, target=4)
    items = {i["id"]: i for phase in result["phases"] for i in phase["items"]}
    for entry in items.values():
        for required in entry["requires"]:
            assert items[required]["end_week"] <= entry["start_week"] + 1e-9


def test_the_models_set_up_is_planned_and_a_set_up_only_structure_only_for_its_model(roadmap, questionnaire):
    supportive = ids(plan(roadmap, questionnaire, 2, model="supportive"))
    assert "facilitation.help-desk" in supportive and "leadership.pm-pool" not in supportive
    directive = plan(roadmap, questionnaire, 2, model="directive")
    assert "sets up the directive model" in by_id(directive)["leadership.pm-pool"][1]["reason"]


def test_a_fired_pitfall_pulls_in_its_mitigation(roadmap, questionnaire):
    pitfalls = [{"id": "no-mandate", "title": "No sponsor", "severity": "high"}]
    result = plan(roadmap, questionnaire, 3, target=3, pitfalls=pitfalls,
                  answers={"leadership.executive_sponsor": 2})
    assert "mitigates “No sponsor” (high)" in by_id(result)["leadership.sponsor"][1]["reason"]


# A cut: it lowers the load of the gates that exist (prerequisite), for the over-governance pitfall.
RELIEF = item("governance.gate-cut", {"governance.stage_gates": 4}, "optimisation", requires=["governance.gates"],
              mitigates=["over-governance"], relieves=["over-governance"])
HEAVY = {"id": "over-governance", "title": "Too heavy", "evidence": {
    "scores.governance": 3.1, "answers.governance.stage_gates": 3, "answers.facilitation.service_orientation": 1}}


@pytest.mark.parametrize("severity, gates, phase, first_of_its_level", [
    ("high", 3, "p1", True),     # a blocker PMO: the cut comes first, whatever its level
    # Planned, but measuring and optimising wait for the basics, and the gates it trims are a standard, which
    # waits beyond the first 90 days (those are for the pain, the top pitfalls and their foundations).
    ("medium", 3, "p3", False),
    ("high", 2, None, None),     # nothing to cut yet: the gates it would trim do not exist
    (None, 3, None, None),       # the pitfall did not fire
], ids=["high", "medium", "nothing to cut", "not fired"])
def test_an_over_governed_pmo_cuts_before_it_adds(questionnaire, severity, gates, phase, first_of_its_level):
    content, problems = catalogue(questionnaire, CATALOGUE + [RELIEF])
    assert problems == []
    pitfalls = [{**HEAVY, "severity": severity}] if severity else []
    # The basics lag their areas (2 against 3), so they have work of their own in the first 90 days.
    result = plan(content, questionnaire, 2, pitfalls=pitfalls, pmo_people=1, foundations_first=False,
                  levels=dict.fromkeys(DIMENSIONS, 3),
                  answers={"governance.stage_gates": gates, "leadership.executive_sponsor": 3})
    placed = by_id(result).get("governance.gate-cut")
    if phase is None:
        assert placed is None or "cuts before it adds" not in placed[1]["reason"]
        return
    assert placed[0] == phase
    reason = placed[1]["reason"]
    assert f"cuts before it adds, for “Too heavy” ({severity}: stage gates level 3, " in reason
    assert "service orientation level 1)" in reason and "3.1" not in reason, "answers only, not scores"
    assert "mitigates “Too heavy”" not in reason, "the pitfall is named once"
    level_three = [i for i in ids(result) if content.items[i].to_level == 3]
    assert (ids(result).index("governance.gate-cut") < ids(result).index(level_three[0])) is first_of_its_level


def test_an_item_that_does_not_fit_the_organisation_is_left_out(roadmap, questionnaire):
    assert "tools.platform" not in ids(plan(roadmap, questionnaire, 1, facts={"context.active_projects": 5}))
    assert "tools.platform" in ids(plan(roadmap, questionnaire, 1, facts={"context.active_projects": 40}))


def test_capacity_comes_from_the_pmo_people_and_limits_each_phase(roadmap, questionnaire):
    one = plan(roadmap, questionnaire, 1, pmo_people=1)
    four = plan(roadmap, questionnaire, 1, pmo_people=4)
    assert one["capacity"]["pmo_people"] == 1 and one["capacity"]["source"] == "given"
    first_one = next(p for p in one["phases"] if p["id"] == "p1")
    first_four = next(p for p in four["phases"] if p["id"] == "p1")
    budget = 1 * 0.5 * 3 * 52 / 12
    used = sum(i["effort_weeks"] for i in first_one["items"])
    assert used <= budget + 1e-9 or len(first_one["items"]) == 1
    assert len(first_four["items"]) >= len(first_one["items"])


@pytest.mark.parametrize("size, pmo, projects, people, source, reads", [
    ("small", "established", 5, 1, "organisation's size", "assumed: 1 person for 5 projects; set your own"),
    ("small", "established", 25, 3, "sized to the portfolio", "about 3–4 people"),  # at most 50 people supported
    ("medium", "established", 35, 4, "sized to the portfolio", "about 4–6 people for 35 projects"),
    ("large", "established", 90, 8, "sized to the portfolio", "about 8–11 people"),
    ("enterprise", "established", 220, 15, "sized to the portfolio", "about 15–21 people for 220 projects"),
    ("enterprise", "established", 25, 8, "organisation's size", "about 8–11 people"),  # the size default is larger
    # A new or informal PMO starts at about half the size its portfolio needs, never below its default.
    ("medium", "none", 12, 2, "a new PMO", "assumed: 2 people for 12 projects; set your own"),
    ("large", "none", 105, 4, "about half", "assumed: about 4–6 people to start, growing to the 9–13 that 105 projects "
                                            "need; set your own"),
    ("enterprise", "none", 147, 5, "about half", "about 5–7 people to start, growing to the 12–17 that 147 projects"),
    ("enterprise", "none", 300, 9, "about half", "about 9–13 people to start, growing to the 19–27 that 300"),
    ("large", "informal", 120, 5, "about half", "about 5–7 people"),
    ("large", "informal", 20, 3, "informal PMO", "assumed: about 3–4 people for 20 projects"),
], ids=lambda v: str(v))
def test_the_default_pmo_people_follow_the_portfolio_and_read_as_a_range(
        roadmap, questionnaire, size, pmo, projects, people, source, reads):
    # DOMAIN.md's fit: PMO staff = 0.2 x N^(2/3) for N people supported, about three per active project.
    result = plan(roadmap, questionnaire, 1, org_size=size, existing_pmo=pmo,
                  facts={"context.active_projects": projects})
    assert result["capacity"]["pmo_people"] == people and source in result["capacity"]["source"]
    assert reads in capacity_text(result["capacity"]), capacity_text(result["capacity"])
    given = plan(roadmap, questionnaire, 1, org_size=size, existing_pmo=pmo, pmo_people=5,
                 facts={"context.active_projects": projects})
    assert (given["capacity"]["pmo_people"], given["capacity"]["source"]) == (5, "given")
    assert capacity_text(given["capacity"]) == "5 people, as you set"


def test_pmo_size_grows_with_active_projects(roadmap, questionnaire):
    for size in ("medium", "large", "enterprise"):
        for pmo in ("none", "informal", "established"):
            sizes = [plan(roadmap, questionnaire, 1, org_size=size, existing_pmo=pmo,
                          facts={"context.active_projects": n})["capacity"]["pmo_people"] for n in (5, 30, 105, 300)]
            assert sizes == sorted(sizes) and sizes[-1] > sizes[0], (size, pmo, sizes)


def test_a_part_time_method_owner_is_a_fraction_of_one_persons_time(roadmap, questionnaire):
    result = plan(roadmap, questionnaire, 1, org_size="small", existing_pmo="none", design="part-time-method-owner",
                  facts={"context.active_projects": 5})
    text = capacity_text(result["capacity"])
    assert "a fraction of one person's time" in text and "1 person" not in text, text
    assert result["capacity"]["changes"] <= 8  # a handful a quarter, four at most, over the plan


def test_the_default_capacity_and_effort_follow_the_organisations_size(roadmap, questionnaire):
    small = plan(roadmap, questionnaire, 1, org_size="small", existing_pmo="established")
    enterprise = plan(roadmap, questionnaire, 1, org_size="enterprise", existing_pmo="established")
    assert (small["capacity"]["pmo_people"], enterprise["capacity"]["pmo_people"]) == (3, 8)
    new = plan(roadmap, questionnaire, 1, org_size="enterprise", existing_pmo="none")
    assert new["capacity"]["pmo_people"] == 2 and "a new PMO" in new["capacity"]["source"]
    assert by_id(small)["analytics.register"][1]["effort_weeks"] == 1.0
    assert by_id(enterprise)["analytics.register"][1]["effort_weeks"] == 4.0


@pytest.mark.parametrize("people, per_person, max_items, dated, note", [
    (1, 2, 9, 2, "A PMO of 1 person can lead about 2 changes in 12 months"),
    (2, 2, 9, 4, "A PMO of 2 people can lead about 4 changes in 12 months"),
    (1, 50, 1, None, "do not fit in the next 12 months beside the planned work of a PMO of 1 person"),
], ids=["one person", "two people", "phase limits"])
def test_a_small_pmo_leads_a_handful_of_changes_and_says_why_the_rest_waits(questionnaire, people, per_person,
                                                                           max_items, dated, note):
    phases = {**PHASES, "max_items": max_items,
              "capacity": {**PHASES["capacity"], "changes_per_person": per_person}}
    content, problems = catalogue(questionnaire, phases=phases)
    assert problems == []
    result = plan(content, questionnaire, 1, target=4, pmo_people=people)
    planned = [i for p in result["phases"] if p["id"] != "later" for i in p["items"]]
    later = next(p for p in result["phases"] if p["id"] == "later")
    assert later["items"] and note in later["note"]
    # A handful per person, never more than the organisation takes on (absorb_changes, by its size).
    assert result["capacity"]["changes"] == min(people * per_person, content.capacity.absorb_changes["medium"])
    if dated is not None:
        assert len(planned) == dated
        assert ids(result)[:dated] == [i["id"] for i in planned], "the most urgent are the ones planned"
        last = max(i["end_week"] for i in planned)
        assert f"end by month {math.ceil(last / (52 / 12))}:" in later["note"]
    assert all(p["note"] is None for p in result["phases"] if p["id"] != "later")
    assert "at a time" not in later["note"] + later["why"], "the cap is over the planned months, not at a time"


def test_a_one_person_pmo_names_its_few_roles(roadmap, questionnaire):
    result = plan(roadmap, questionnaire, 1, pmo_people=1, owners={"PMO lead": "Sam Jones"})
    entry = by_id(result)["governance.intake-route"][1]
    assert (entry["owner_role"], entry["owner"], entry["owner_name"]) == ("PMO director", "PMO lead", "Sam Jones")
    assert "PMO director" not in result["roles"]


def test_dates_run_from_the_chosen_start_and_empty_phases_are_not_shown(roadmap, questionnaire):
    result = plan(roadmap, questionnaire, 3, answers={"leadership.executive_sponsor": 1},
                  start_date=dt.date(2027, 1, 4))
    (phase,) = result["phases"]
    assert (phase["id"], phase["start_date"]) == ("p1", "2027-01-04")
    (entry,) = phase["items"]
    assert entry["start_date"] == "2027-01-04"
    assert entry["end_date"] == (dt.date(2027, 1, 4) + dt.timedelta(weeks=entry["duration_weeks"])).isoformat()


def test_what_fits_in_no_phase_goes_to_a_final_later_phase(roadmap, questionnaire):
    result = plan(roadmap, questionnaire, 1, target=4, max_items=1)
    assert result["phases"][-1]["id"] == "later"
    assert sum(len(p["items"]) for p in result["phases"]) == result["items"]


def test_an_organisation_at_five_everywhere_has_nothing_to_add(roadmap, questionnaire):
    result = plan(roadmap, questionnaire, 5, target=5)
    assert result["phases"] == [] and "Every practice is at level 5" in result["message"]


def test_the_same_input_gives_the_same_plan(roadmap, questionnaire):
    assert plan(roadmap, questionnaire, 1, target=4) == plan(roadmap, questionnaire, 1, target=4)


@pytest.mark.parametrize("items, message", [
    ([item("governance.a", {"governance.intake_criteria": 2}, requires=["governance.missing"])],
     "unknown prerequisite 'governance.missing'"),
    ([item("governance.a", {"governance.intake_criteria": 2}, requires=["governance.b"]),
      item("governance.b", {"governance.stage_gates": 2}, requires=["governance.a"])],
     "prerequisites form a cycle: governance.a -> governance.b -> governance.a"),
    ([item("governance.a", {"governance.intake_criteria": 2}, requires=["governance.b"]),
      item("governance.b", {"governance.intake_criteria": 3})],
     "raises a practice this item raises to a higher level"),
    ([item("governance.a", {"governance.nonsense": 2})], "unknown question 'governance.nonsense'"),
    ([item("governance.a", {"governance.intake_criteria": 2}, mitigates=["no-such-pitfall"])],
     "unknown pitfall id 'no-such-pitfall'"),
    ([item("governance.a", {"governance.intake_criteria": 2}, when="context.active_projecs > 3")],
     "unknown attribute 'active_projecs'"),
    ([item("governance.a", {"governance.stage_gates": 4}, relieves=["over-governance"])],
     "'over-governance' is relieved but not mitigated"),
], ids=["unknown prerequisite", "cycle", "inverted order", "unknown question", "unknown pitfall", "bad condition",
        "relieved not mitigated"])
def test_catalogue_problems_are_reported(questionnaire, items, message):
    _roadmap, problems = catalogue(questionnaire, items)
    assert any(message in reason for _file, _path, reason in problems), problems


@pytest.mark.parametrize("level", [1, 6])
def test_a_practice_is_raised_to_two_to_five_only(level):
    with pytest.raises(ValueError, match="raises a practice to 2, 3, 4 or 5"):
        ImprovementCatalogue.model_validate({"kind": "improvements", "items": [
            item("governance.a", {"governance.intake_criteria": level})]})
