"""Properties of the shipped roadmap over random levels, targets and pitfalls."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.engine.roadmap import build_roadmap
from app.engine.vocabulary import DIMENSIONS, LEVELS

levels_st = st.fixed_dictionaries({d: st.sampled_from(LEVELS) for d in DIMENSIONS})
pitfalls_st = st.lists(st.tuples(st.sampled_from(["no-mandate", "tool-before-process", "capacity-blind-spots",
                                                  "over-governance", "reporting-theater", "unclear-roles"]),
                                 st.sampled_from(["high", "medium", "low"])), unique_by=lambda p: p[0], max_size=4)


def scores_at(levels):
    return {d: {"score": levels[d] + 0.3 if levels[d] < 5 else 5.0, "level": levels[d]} for d in DIMENSIONS}


def plan(content, levels, target, pitfalls=(), **limits):
    return build_roadmap(content.roadmap, scores_at(levels), target,
                         [{"id": i, "severity": s} for i, s in pitfalls], **limits)


def items_of(result):
    return [(phase, item) for phase in result["phases"] for item in phase["items"]]


SETTINGS = settings(max_examples=120, deadline=None)


def test_shipped_catalogue_covers_every_step_of_every_dimension(content):
    steps = {(i.dimension, i.to_level) for i in content.roadmap.items.values()}
    assert {(d, lv) for d in DIMENSIONS for lv in (2, 3, 4, 5)} <= steps
    assert len(content.roadmap.items) >= 40
    for dim in DIMENSIONS:
        for level in (2, 3, 4, 5):
            assert sum(1 for i in content.roadmap.items.values() if (i.dimension, i.to_level) == (dim, level)) >= 2


def test_every_pitfall_has_mitigating_improvements(content):
    for pitfall in content.rulebook.pitfalls:
        assert content.roadmap.mitigated_by.get(pitfall.id), pitfall.id


@SETTINGS
@given(levels=levels_st, target=levels_st, pitfalls=pitfalls_st)
def test_every_prerequisite_is_placed_earlier(content, levels, target, pitfalls):
    result = plan(content, levels, target, pitfalls)
    timing = {item["id"]: (phase_index, item) for phase_index, phase in enumerate(result["phases"])
              for item in phase["items"]}
    for phase_index, phase in enumerate(result["phases"]):
        for item in phase["items"]:
            for required in item["requires"]:
                req_phase, req = timing[required]
                assert req_phase <= phase_index
                assert req["end_week"] <= item["start_week"]


@SETTINGS
@given(levels=levels_st, target=levels_st, max_items=st.integers(1, 6), max_effort=st.integers(8, 40))
def test_capacity_is_never_exceeded(content, levels, target, max_items, max_effort):
    result = plan(content, levels, target, max_items=max_items, max_person_weeks=max_effort)
    for phase in result["phases"]:
        if phase["id"] == "later":
            continue
        assert len(phase["items"]) <= max_items
        assert sum(i["effort_weeks"] for i in phase["items"]) <= max_effort


@SETTINGS
@given(levels=levels_st, target=levels_st)
def test_no_item_for_a_level_already_reached(content, levels, target):
    for _phase, item in items_of(plan(content, levels, target)):
        assert item["to_level"] > levels[item["dimension"]]


@SETTINGS
@given(levels=levels_st, target=levels_st)
def test_items_beyond_the_target_come_only_as_prerequisites(content, levels, target):
    for _phase, item in items_of(plan(content, levels, target)):
        if item["to_level"] > target[item["dimension"]]:
            assert item["reason"].startswith("needed before")


@SETTINGS
@given(levels=levels_st, target=levels_st, pitfalls=pitfalls_st)
def test_identical_input_gives_identical_output(content, levels, target, pitfalls):
    assert plan(content, levels, target, pitfalls) == plan(content, dict(levels), dict(target), list(pitfalls))


@SETTINGS
@given(levels=levels_st, target=levels_st, raise_dim=st.sampled_from(DIMENSIONS))
def test_raising_a_target_never_shortens_the_roadmap(content, levels, target, raise_dim):
    before = plan(content, levels, target)
    higher = {**target, raise_dim: min(5, target[raise_dim] + 1)}
    after = plan(content, levels, higher)
    before_ids = {i["id"] for _p, i in items_of(before)}
    after_ids = {i["id"] for _p, i in items_of(after)}
    assert before_ids <= after_ids
    assert after["person_weeks"] >= before["person_weeks"]
    end = lambda r: max((i["end_week"] for _p, i in items_of(r)), default=0)  # noqa: E731
    assert end(after) >= end(before)


@SETTINGS
@given(levels=levels_st)
def test_an_organisation_at_its_targets_gets_an_empty_roadmap_with_a_message(content, levels):
    result = plan(content, levels, dict(levels))
    assert items_of(result) == []
    assert "already at or above its target" in result["message"]


@SETTINGS
@given(levels=levels_st, target=levels_st, pitfalls=pitfalls_st)
def test_every_item_carries_its_reason_and_contract_keys(content, levels, target, pitfalls):
    for _phase, item in items_of(plan(content, levels, target, pitfalls)):
        assert {"id", "title", "dimension", "to_level", "requires", "reason"} <= set(item)
        assert item["reason"]
        for pitfall, severity in pitfalls:
            if pitfall in item["mitigates"]:
                assert f"mitigates {pitfall} ({severity})" in item["reason"]
