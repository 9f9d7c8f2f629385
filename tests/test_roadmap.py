"""Roadmap generator: selection, prerequisites, order, phases, capacity and reasons."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.located import Located
from app.engine.models import ImprovementCatalogue, PhasePlan
from app.engine.roadmap import WEEKS_PER_MONTH, build_roadmap, compile_roadmap
from app.engine.vocabulary import DIMENSIONS


def item(id, to_level, theme="standards", requires=(), effort=2, duration=4, mitigates=()):
    return {"id": id, "title": f"Do {id}", "dimension": id.split(".")[0], "to_level": to_level, "theme": theme,
            "requires": list(requires), "effort_weeks": effort, "duration_weeks": duration, "owner": "PMO director",
            "deliverables": ["a thing"], "metric": "Measured somehow.", "mitigates": list(mitigates),
            "description": "What is done, in a sentence."}


PHASES = {"kind": "phases", "max_items": 3, "max_person_weeks": 10, "phases": [
    {"id": "p1", "title": "First", "start_month": 0, "end_month": 3},
    {"id": "p2", "title": "Second", "start_month": 3, "end_month": 6},
    {"id": "p3", "title": "Third", "start_month": 6, "end_month": 12},
]}


def catalogue(items, phases=PHASES, pitfalls=frozenset({"no-mandate", "tool-before-process"})):
    problems: list = []
    roadmap = compile_roadmap(
        [(ImprovementCatalogue.model_validate({"kind": "improvements", "items": items}), Located("c.yaml", None, problems))],
        [(PhasePlan.model_validate(phases), Located("p.yaml", None, problems))],
        pitfalls,
    )
    return roadmap, problems


def scores(**levels):
    return {d: {"score": float(levels.get(d, 1)) + 0.4, "level": levels.get(d, 1)} for d in DIMENSIONS}


def planned(result):
    return [(phase["id"], i["id"]) for phase in result["phases"] for i in phase["items"]]


def ids(result):
    return [i for _p, i in planned(result)]


BASIC = [
    item("governance.intake", 2, "intake"),
    item("governance.gates", 3, "standards", requires=["governance.intake"]),
    item("governance.optimise", 4, "optimisation", requires=["governance.gates"]),
    item("tools.platform", 3, "tooling", requires=["governance.gates", "tools.sheet"]),
    item("tools.sheet", 2, "tooling"),
    item("leadership.sponsor", 2, "ownership", mitigates=["no-mandate"]),
]


@pytest.mark.parametrize(
    "levels, target, expected",
    [
        ({}, {"governance": 2}, {"governance.intake"}),
        ({}, {"governance": 3}, {"governance.intake", "governance.gates"}),
        ({"governance": 2}, {"governance": 3}, {"governance.gates"}),
        ({"governance": 3}, {"governance": 3}, set()),
        ({"governance": 4}, {"governance": 3}, set()),
        ({}, {"tools": 3}, {"tools.sheet", "tools.platform", "governance.gates", "governance.intake"}),
        ({"governance": 3}, {"tools": 3}, {"tools.sheet", "tools.platform"}),
    ],
    ids=["one-step", "two-steps", "from-current-level", "at-target", "above-target",
         "prerequisites-across-dimensions", "reached-prerequisites-skipped"],
)
def test_selection_takes_each_dimension_from_current_level_to_target(levels, target, expected):
    roadmap, problems = catalogue(BASIC)
    assert problems == []
    result = build_roadmap(roadmap, scores(**levels), {d: target.get(d, 1) for d in DIMENSIONS})
    assert set(ids(result)) == expected


def test_every_item_says_why_it_is_there():
    roadmap, _ = catalogue(BASIC)
    result = build_roadmap(roadmap, scores(), {**{d: 1 for d in DIMENSIONS}, "tools": 3},
                           pitfalls=[{"id": "tool-before-process", "severity": "high"}])
    reasons = {i["id"]: i["reason"] for p in result["phases"] for i in p["items"]}
    assert reasons["tools.sheet"] == "Tools is 1.4 (level 1), target 3; needed before “Do tools.platform”"
    assert reasons["governance.gates"] == "needed before “Do tools.platform”"
    assert reasons["governance.intake"] == "needed before “Do governance.gates”"


def test_mitigations_of_fired_pitfalls_are_named_and_come_first_within_a_level():
    roadmap, _ = catalogue(BASIC)
    target = {d: 2 for d in DIMENSIONS}
    plain = build_roadmap(roadmap, scores(), target)
    flagged = build_roadmap(roadmap, scores(), target, pitfalls=[{"id": "no-mandate", "severity": "high"}])
    assert ids(plain)[0] == "leadership.sponsor"  # ownership theme before intake and tooling
    assert ids(flagged)[0] == "leadership.sponsor"
    sponsor = next(i for p in flagged["phases"] for i in p["items"] if i["id"] == "leadership.sponsor")
    assert "mitigates no-mandate (high)" in sponsor["reason"]


def test_high_severity_mitigation_overtakes_theme_order():
    items = [item("governance.intake", 2, "intake"), item("tools.sheet", 2, "tooling", mitigates=["tool-before-process"])]
    roadmap, _ = catalogue(items)
    target = {d: 2 for d in DIMENSIONS}
    assert ids(build_roadmap(roadmap, scores(), target)) == ["governance.intake", "tools.sheet"]
    flagged = build_roadmap(roadmap, scores(), target, pitfalls=[{"id": "tool-before-process", "severity": "high"}])
    assert ids(flagged) == ["tools.sheet", "governance.intake"]


def test_lower_levels_come_before_higher_ones():
    roadmap, _ = catalogue(BASIC)
    result = build_roadmap(roadmap, scores(), {d: 4 for d in DIMENSIONS})
    order = [roadmap.items[i].to_level for i in ids(result)]
    phases = [p for p, _ in planned(result)]
    # Within each phase items are listed in priority order, and levels never go down across the plan
    # except where a later phase starts (capacity or prerequisites pushed an item back).
    for phase in result["phases"]:
        levels = [i["to_level"] for i in phase["items"]]
        assert levels == sorted(levels)
    assert order[0] == 2 and phases[0] == "p1"


def test_prerequisites_finish_before_dependents_start():
    roadmap, _ = catalogue(BASIC)
    result = build_roadmap(roadmap, scores(), {d: 4 for d in DIMENSIONS})
    timing = {i["id"]: (i["start_week"], i["end_week"]) for p in result["phases"] for i in p["items"]}
    for phase in result["phases"]:
        for entry in phase["items"]:
            for required in entry["requires"]:
                assert timing[required][1] <= entry["start_week"], (required, entry["id"])


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_no_phase_starts_more_items_than_its_limit(limit):
    items = [item(f"{d}.step-{n}", 2, effort=1) for d in DIMENSIONS for n in range(2)]
    roadmap, _ = catalogue(items)
    result = build_roadmap(roadmap, scores(), {d: 2 for d in DIMENSIONS}, max_items=limit)
    for phase in result["phases"]:
        if phase["id"] != "later":
            assert len(phase["items"]) <= limit
    assert len(ids(result)) == 10


def test_effort_limit_pushes_work_to_later_phases():
    items = [item(f"{d}.big", 2, effort=6) for d in DIMENSIONS]
    roadmap, _ = catalogue(items)
    result = build_roadmap(roadmap, scores(), {d: 2 for d in DIMENSIONS})
    per_phase = {p["id"]: sum(i["effort_weeks"] for i in p["items"]) for p in result["phases"]}
    assert per_phase["p1"] <= 10 and per_phase["p2"] <= 10 and per_phase["p3"] <= 10
    assert "later" in per_phase  # five 6-week items do not fit three 10-week phases


def test_overflow_phase_starts_where_the_plan_ends():
    items = [item(f"{d}.big", 2, effort=9) for d in DIMENSIONS]
    roadmap, _ = catalogue(items)
    result = build_roadmap(roadmap, scores(), {d: 2 for d in DIMENSIONS})
    later = result["phases"][-1]
    assert later["id"] == "later" and later["start_month"] == 12
    assert all(i["start_week"] >= 12 * WEEKS_PER_MONTH for i in later["items"])


def test_roadmap_at_targets_is_empty_with_a_clear_message():
    roadmap, _ = catalogue(BASIC)
    result = build_roadmap(roadmap, scores(governance=3, tools=3), {"governance": 3, "tools": 2})
    assert ids(result) == []
    assert "already at or above its target" in result["message"]


def test_output_is_identical_for_identical_input():
    roadmap, _ = catalogue(BASIC)
    args = (roadmap, scores(), {d: 4 for d in DIMENSIONS})
    assert build_roadmap(*args) == build_roadmap(*args)


@pytest.mark.parametrize(
    "items, phases, message",
    [
        ([item("governance.a", 2, requires=["governance.missing"])], PHASES, "unknown prerequisite 'governance.missing'"),
        ([item("governance.a", 3, requires=["governance.b"]), item("governance.b", 3)], PHASES,
         "prerequisite 'governance.b' lifts governance to 3, not below 3"),
        ([item("tools.a", 2, requires=["governance.b"]), item("governance.b", 2, requires=["tools.a"])], PHASES,
         "prerequisites form a cycle: governance.b -> tools.a -> governance.b"),
        ([item("tools.a", 2, mitigates=["made-up"])], PHASES, "unknown pitfall id 'made-up'"),
        ([item("tools.a", 2), item("tools.a", 3)], PHASES, "improvement id 'tools.a' is used twice"),
        ([item("tools.a", 2)], {**PHASES, "phases": [PHASES["phases"][0], {**PHASES["phases"][2]}]},
         "phase 'p3' starts at month 6, leaving a gap after month 3"),
        ([item("tools.a", 2)], {**PHASES, "phases": [{**PHASES["phases"][0], "start_month": 1}]},
         "phase 'p1' starts at month 1, leaving a gap after month 0"),
    ],
    ids=["unknown-prerequisite", "same-level-prerequisite", "cycle", "unknown-pitfall", "duplicate-id",
         "gap-between-phases", "first-phase-not-at-zero"],
)
def test_catalogue_problems_are_reported(items, phases, message):
    _roadmap, problems = catalogue(items, phases)
    reasons = [reason for _file, _path, reason in problems]
    assert message in reasons, reasons


@pytest.mark.parametrize("level", [1, 6])
def test_to_level_outside_two_to_five_is_rejected(level):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="to_level must be 2, 3, 4 or 5"):
        ImprovementCatalogue.model_validate({"kind": "improvements", "items": [item("tools.a", level)]})
