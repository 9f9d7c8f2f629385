"""History engine: deltas, progress to target, question deltas, pitfall and model history,
unit roll-ups, version checks, roadmap progress carried forward, and result summaries.

Pure functions over small summaries: table-driven, no app and no database.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from app.engine import run_assessment
from app.engine.history import (
    REGRESSION_DROP,
    apply_progress,
    build_dashboard,
    delta_table,
    model_history,
    one_per_period,
    percent_to_target,
    pitfall_history,
    progress_to_target,
    question_deltas,
    rollup,
    federated_suggestion,
    pitfalls_across,
    summarise,
    versions_differ,
)
from app.engine.progress import planned_window
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import FULL_CONTEXT


def summary(scores=None, overall=2.0, *, model="controlling", hybrid_with=None, pitfalls=(), target=None,
            answers=None, roadmap=(), phases=(), questionnaire=("pmo-maturity", "1.0")):
    """A hand-made summary shaped like summarise()'s output; every dimension defaults to 2.0."""
    return {
        "questionnaire": {"id": questionnaire[0], "version": questionnaire[1]},
        "dimensions": {},
        "scores": {d: 2.0 for d in DIMENSIONS} | dict(scores or {}),
        "insufficient": [],
        "overall": overall,
        "overall_label": "",
        "model": model,
        "hybrid_with": hybrid_with,
        "pitfalls": [{"id": p, "title": f"Title of {p}", "severity": "medium"} for p in pitfalls],
        "target": dict(target or {}),
        "roadmap": list(roadmap),
        "phases": list(phases),
        "answers": dict(answers or {}),
    }


# --------------------------------------------------------------------------
# delta_table
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "now", "delta", "direction"),
    [
        (2.0, 2.5, 0.5, "up"),
        (2.33, 2.34, 0.01, "up"),
        (3.0, 2.0, -1.0, "down"),
        (2.56, 2.44, -0.12, "down"),
        (2.5, 2.5, 0.0, "same"),
        (2.001, 2.0, 0.0, "same"),
        (None, 2.0, None, "unknown"),
        (2.0, None, None, "unknown"),
        (None, None, None, "unknown"),
    ],
)
def test_delta_table_direction_per_dimension(before, now, delta, direction):
    rows = delta_table(summary({"analytics": before}), summary({"analytics": now}))
    row = next(r for r in rows if r["dimension"] == "analytics")
    assert row == {"dimension": "analytics", "previous": before, "current": now, "delta": delta,
                   "direction": direction}


def test_delta_table_has_every_dimension_then_overall():
    rows = delta_table(summary(overall=2.0), summary(overall=2.75))
    assert [r["dimension"] for r in rows] == [*DIMENSIONS, "overall"]
    assert rows[-1] == {"dimension": "overall", "previous": 2.0, "current": 2.75, "delta": 0.75, "direction": "up"}


def test_delta_table_without_a_previous_assessment_knows_no_direction():
    rows = delta_table(None, summary({"tools": 3.0}, overall=2.2))
    assert all(r["previous"] is None and r["delta"] is None and r["direction"] == "unknown" for r in rows)
    assert {r["dimension"]: r["current"] for r in rows} == {**{d: 2.0 for d in DIMENSIONS}, "tools": 3.0,
                                                            "overall": 2.2}


# --------------------------------------------------------------------------
# percent_to_target / progress_to_target
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "target", "percent"),
    [
        (1.0, 3, 0),        # level 1 is the start line
        (2.0, 3, 50),
        (3.0, 3, 100),      # at target
        (4.5, 3, 100),      # above target is capped
        (2.5, 4, 50),
        (3.2, 5, 55),
        (1.0, 1, 100),      # a target of level 1 is met by any score
        (4.0, 1, 100),
        (None, 3, None),    # no score (too few answers)
        (2.0, None, None),  # no target for the dimension
    ],
)
def test_percent_to_target(score, target, percent):
    assert percent_to_target(score, target) == percent


@pytest.mark.parametrize(
    ("score", "target", "baseline", "percent"),
    [
        (2.5, 3, 2.0, 50),   # from the first assessment's 2.0, halfway to 3
        (2.0, 3, 2.0, 0),    # no change since the baseline
        (1.8, 3, 2.0, 0),    # below the baseline
        (2.9, 3, 2.0, 90),
        (2.99, 3, 1.0, 99),  # never rounded up to 100 before the target is reached
        (3.0, 3, 2.0, 100),
        (2.62, 2, 3.0, 81),  # a drop in an area whose target is to hold: not the target reached
        (3.0, 2, 3.0, 100),
    ],
)
def test_percent_to_target_from_the_baseline(score, target, baseline, percent):
    assert percent_to_target(score, target, baseline) == percent


def test_progress_to_target_is_per_dimension_and_none_without_a_target():
    s = summary({"governance": 3.0, "analytics": 1.0, "tools": 5.0},
                target={"governance": 4, "analytics": 3, "tools": 3})
    assert progress_to_target(s) == {"governance": 67, "analytics": 0, "facilitation": None, "tools": 100,
                                     "leadership": None}


# --------------------------------------------------------------------------
# question_deltas
# --------------------------------------------------------------------------


def test_question_deltas_only_for_ids_both_answered_sorted_by_size():
    previous = summary(answers={
        "governance.same": 3,           # unchanged: no row
        "governance.up_two": 1,
        "tools.down_two": 4,
        "analytics.up_one": 2,
        "leadership.dont_know_before": None,
        "facilitation.dont_know_now": 2,
        "governance.dropped_in_new_version": 1,
    })
    current = summary(answers={
        "governance.same": 3,
        "governance.up_two": 3,
        "tools.down_two": 2,
        "analytics.up_one": 3,
        "leadership.dont_know_before": 4,
        "facilitation.dont_know_now": None,
        "governance.added_in_new_version": 5,
    })
    rows = question_deltas(previous, current)
    assert rows == [
        {"question": "governance.up_two", "dimension": "governance", "previous": 1, "current": 3, "delta": 2},
        {"question": "tools.down_two", "dimension": "tools", "previous": 4, "current": 2, "delta": -2},
        {"question": "analytics.up_one", "dimension": "analytics", "previous": 2, "current": 3, "delta": 1},
    ]


def test_question_deltas_of_disjoint_versions_are_empty():
    assert question_deltas(summary(answers={"governance.old": 1}), summary(answers={"governance.new": 5})) == []


# --------------------------------------------------------------------------
# pitfall_history / model_history
# --------------------------------------------------------------------------


def ids_of(entries):
    return [p["id"] for p in entries]


def test_pitfall_history_new_resolved_persisting_per_step():
    history = pitfall_history([
        summary(pitfalls=["no-mandate", "unclear-roles"]),
        summary(pitfalls=["unclear-roles", "poor-tool-adoption"]),
        summary(pitfalls=[]),
        summary(pitfalls=["no-mandate"]),
    ])
    assert [{k: ids_of(v) for k, v in step.items()} for step in history] == [
        {"new": ["poor-tool-adoption"], "resolved": ["no-mandate"], "persisting": ["unclear-roles"]},
        {"new": [], "resolved": ["unclear-roles", "poor-tool-adoption"], "persisting": []},
        {"new": ["no-mandate"], "resolved": [], "persisting": []},
    ]
    # Entries carry what the page shows, not just ids.
    assert history[0]["new"][0] == {"id": "poor-tool-adoption", "title": "Title of poor-tool-adoption",
                                    "severity": "medium"}


@pytest.mark.parametrize("count", [0, 1])
def test_pitfall_history_needs_two_assessments(count):
    assert pitfall_history([summary(pitfalls=["no-mandate"])] * count) == []


@pytest.mark.parametrize(
    ("models", "changed"),
    [
        (["controlling"], [False]),
        (["controlling", "controlling"], [False, False]),
        (["supportive", "controlling", "controlling", "federated"], [False, True, False, True]),
        (["supportive", None], [False, True]),
    ],
)
def test_model_history_marks_changes(models, changed):
    rows = model_history([summary(model=m, hybrid_with="federated") for m in models])
    assert [r["model"] for r in rows] == models
    assert [r["changed"] for r in rows] == changed
    assert all(r["hybrid_with"] == "federated" for r in rows)


def test_model_history_marks_a_change_from_no_model():
    rows = model_history([summary(model=None), summary(model="supportive")])
    assert [r["changed"] for r in rows] == [False, True]


# --------------------------------------------------------------------------
# rollup / versions_differ
# --------------------------------------------------------------------------


def test_rollup_mean_and_minimum_ignore_missing_scores():
    units = {
        1: summary({"governance": 2.0, "analytics": 3.5, "tools": None}, overall=2.5),
        2: summary({"governance": 3.0, "analytics": None, "tools": None}, overall=None),
        3: summary({"governance": 4.0, "analytics": 1.5, "tools": None}, overall=1.75),
    }
    out = rollup(units)
    assert out["governance"] == {"mean": 3.0, "min": 2.0}
    assert out["analytics"] == {"mean": 2.5, "min": 1.5}
    assert out["tools"] == {"mean": None, "min": None}
    assert out["facilitation"] == {"mean": 2.0, "min": 2.0}
    assert out["overall"] == {"mean": 2.12, "min": 1.75}
    assert set(out) == {*DIMENSIONS, "overall"}


def test_rollup_mean_is_rounded_to_two_decimals():
    out = rollup({1: summary({"leadership": 2.11}), 2: summary({"leadership": 2.22}), 3: summary({"leadership": 2.0})})
    assert out["leadership"] == {"mean": 2.11, "min": 2.0}


@pytest.mark.parametrize(
    ("versions", "differ"),
    [
        ([], False),
        ([("pmo-maturity", "1.0")], False),
        ([("pmo-maturity", "1.0"), ("pmo-maturity", "1.0")], False),
        ([("pmo-maturity", "1.0"), ("pmo-maturity", "1.1")], True),
        ([("pmo-maturity", "1.0"), ("pmo-lite", "1.0")], True),
        ([("pmo-maturity", "1.0"), ("pmo-maturity", "1.0"), ("pmo-maturity", "2.0")], True),
    ],
)
def test_versions_differ(versions, differ):
    assert versions_differ([summary(questionnaire=v) for v in versions]) is differ


# --------------------------------------------------------------------------
# apply_progress
# --------------------------------------------------------------------------

PHASES = [
    {"id": "foundations", "title": "Foundations", "start_month": 0, "end_month": 3},
    {"id": "standardise", "title": "Standardise", "start_month": 3, "end_month": 6},
    {"id": "optimise", "title": "Optimise", "start_month": 6, "end_month": 12},
]


def road_item(item_id, phase="foundations"):
    return {"id": item_id, "title": f"Do {item_id}", "dimension": item_id.split(".")[0], "to_level": 3,
            "phase": phase, "phase_title": phase.title(), "effort_weeks": 2, "owner": "PMO director"}


def done(done_on="2026-03-01", owner="Ana"):
    return {"status": "done", "done_on": done_on, "owner": owner, "updated_at": "2026-03-01T10:00:00+00:00"}


@pytest.mark.parametrize(
    ("record", "before", "now", "status", "regressed"),
    [
        ("done", 2.0, 2.0, "done", False),       # held
        ("done", 2.0, 2.6, "done", False),       # rose
        ("done", 2.5, 2.45, "done", False),      # fell less than REGRESSION_DROP
        ("done", 2.0, 1.91, "done", False),
        ("done", 2.5, 2.4, "planned", True),     # fell exactly REGRESSION_DROP
        ("done", 2.67, 2.0, "planned", True),
        ("done", None, 2.0, "done", False),      # no earlier score to compare with
        ("started", 2.5, 2.0, "started", False),  # only done items are reopened
        ("planned", 2.5, 2.0, "planned", False),
        (None, 2.5, 2.0, "planned", False),      # no record: planned
    ],
)
def test_apply_progress_done_holds_unless_the_dimension_fell(record, before, now, status, regressed):
    current = summary({"governance": now}, roadmap=[road_item("governance.gates")], phases=PHASES[:1])
    previous = summary({"governance": before})
    progress = {} if record is None else {"governance.gates": {**done(), "status": record}}
    view = apply_progress(current, progress, previous)
    (item,) = view["items"]
    assert item["status"] == status
    if regressed:
        assert item["regression"] == {"from": before, "to": now}
        assert [i["id"] for i in view["regressions"]] == ["governance.gates"]
    else:
        assert item["regression"] is None and view["regressions"] == []


@pytest.mark.parametrize(("before", "now"), [(2.3, 2.2), (3.3, 3.2)])
def test_apply_progress_flags_a_fall_of_exactly_the_regression_drop(before, now):
    assert round(before - now, 2) == REGRESSION_DROP
    current = summary({"tools": now}, roadmap=[road_item("tools.tracker")], phases=PHASES[:1])
    view = apply_progress(current, {"tools.tracker": done()}, summary({"tools": before}))
    assert view["items"][0]["status"] == "planned"


def test_apply_progress_without_a_previous_assessment_keeps_done():
    current = summary({"governance": 1.0}, roadmap=[road_item("governance.gates")], phases=PHASES[:1])
    view = apply_progress(current, {"governance.gates": done()}, None)
    assert view["items"][0]["status"] == "done" and view["regressions"] == []


def test_apply_progress_carries_date_and_owner_and_ignores_items_not_in_the_roadmap():
    current = summary(roadmap=[road_item("governance.gates"), road_item("tools.tracker")], phases=PHASES[:1])
    progress = {
        "governance.gates": {**done(done_on=None, owner="Ana"), "due_on": "2026-02-03", "note": "waits on HR",
                             "status": "started"},
        "leadership.not-in-this-roadmap": done(),
    }
    view = apply_progress(current, progress, current)
    by_id = {i["id"]: i for i in view["items"]}
    assert set(by_id) == {"governance.gates", "tools.tracker"}
    carried = ("status", "due_on", "done_on", "owner_name", "note")
    assert tuple(by_id["governance.gates"][k] for k in carried) == ("started", "2026-02-03", None, "Ana",
                                                                    "waits on HR")
    assert tuple(by_id["tools.tracker"][k] for k in carried) == ("planned", None, None, "", "")
    # The catalogue's suggested owner stays available next to the recorded one.
    assert by_id["tools.tracker"]["owner"] == "PMO director"


def test_apply_progress_counts_per_phase():
    roadmap = [road_item("governance.a"), road_item("tools.b"), road_item("analytics.c"),
               road_item("leadership.d", "standardise")]
    progress = {"governance.a": done(), "tools.b": {**done(), "status": "started"}, "leadership.d": done()}
    current = summary(roadmap=roadmap, phases=PHASES)
    view = apply_progress(current, progress, current)
    phases = {p["id"]: p for p in view["phases"]}
    assert [p["id"] for p in view["phases"]] == ["foundations", "standardise", "optimise"]
    assert phases["foundations"]["counts"] == {"planned": 1, "started": 1, "done": 1, "dropped": 0}
    assert (phases["foundations"]["total"], phases["foundations"]["percent_done"]) == (3, 33)
    assert phases["standardise"]["counts"] == {"planned": 0, "started": 0, "done": 1, "dropped": 0}
    assert phases["standardise"]["percent_done"] == 100
    assert (phases["optimise"]["total"], phases["optimise"]["percent_done"]) == (0, None)
    assert [i["id"] for i in phases["foundations"]["items"]] == ["governance.a", "tools.b", "analytics.c"]
    assert (view["done"], view["total"]) == (2, 4)


def test_apply_progress_counts_a_reopened_item_as_planned():
    roadmap = [road_item("governance.a"), road_item("tools.b")]
    current = summary({"governance": 1.5}, roadmap=roadmap, phases=PHASES[:1])
    view = apply_progress(current, {"governance.a": done(), "tools.b": done()}, summary({"governance": 2.5}))
    (phase,) = view["phases"]
    assert phase["counts"] == {"planned": 1, "started": 0, "done": 1, "dropped": 0}
    assert (view["done"], phase["percent_done"]) == (1, 50)


@pytest.mark.parametrize(
    ("status", "due_on", "today", "overdue"),
    [
        ("planned", None, "2026-03-13", False),      # planned end (week 0 + 2 weeks from 2026-02-27) not passed
        ("planned", None, "2026-03-14", True),       # the day after the planned end
        ("started", "2026-04-01", "2026-03-20", False),  # a due date later than the plan wins
        ("started", "2026-03-01", "2026-03-02", True),   # ... and so does an earlier one
        ("done", "2026-03-01", "2026-06-01", False),     # finished: never overdue
        ("dropped", "2026-03-01", "2026-06-01", False),
    ],
)
def test_apply_progress_flags_what_is_not_done_by_its_due_date(status, due_on, today, overdue):
    item = {**road_item("governance.gates"), "start_week": 0, "duration_weeks": 2}
    current = summary(roadmap=[item], phases=PHASES[:1])
    record = {"status": status, "due_on": due_on, "done_on": None, "owner": "", "note": "x",
              "updated_at": "2026-03-01T00:00:00+00:00"}
    view = apply_progress(current, {"governance.gates": record}, None, latest_date="2026-02-27",
                          today=date.fromisoformat(today))
    (shown,) = view["items"]
    assert (shown["planned_start"], shown["planned_end"]) == ("2026-02-27", "2026-03-13")
    assert shown["overdue"] is overdue
    assert [i["id"] for i in view["overdue"]] == (["governance.gates"] if overdue else [])
    assert view["phases"][0]["overdue"] == int(overdue)


def test_planned_window_uses_the_roadmaps_own_dates_and_else_the_phase():
    dated = {**road_item("a.b"), "start_date": "2027-01-04", "end_date": "2027-02-01", "start_week": 0}
    old = road_item("a.c")  # frozen before improvements carried their weeks
    start = date(2026, 1, 1)
    assert planned_window(dated, PHASES[0], start) == ("2027-01-04", "2027-02-01")
    assert planned_window(old, PHASES[1], start) == ("2026-04-02", "2026-07-03")  # months of 30.44 days


# --------------------------------------------------------------------------
# summarise a real result
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_result(content):
    questionnaire = content.default_questionnaire
    levels = {"governance": 1, "analytics": 2, "facilitation": 3, "tools": 4, "leadership": 2}
    answers = {q.id: levels[q.id.split(".")[0]] for q in questionnaire.questions()}
    dont_know = questionnaire.dimension("tools").questions[0].id
    answers[dont_know] = None
    target = {"governance": 4, "analytics": 3, "facilitation": 4, "tools": 5, "leadership": 3}
    return run_assessment(content, answers, FULL_CONTEXT, target)


def test_summarise_keeps_scores_overall_model_and_target(real_result):
    s = summarise(real_result)
    assert s["questionnaire"] == {"id": real_result["questionnaire"]["id"],
                                  "version": real_result["questionnaire"]["version"]}
    assert s["dimensions"] == real_result["questionnaire"]["dimensions"]
    assert s["scores"] == {d: real_result["scores"][d]["score"] for d in DIMENSIONS}
    assert s["overall"] == real_result["overall"]["score"]
    assert s["overall_label"] == real_result["overall"]["label"]
    assert s["model"] == real_result["recommendation"]["model"]
    assert s["hybrid_with"] == real_result["recommendation"]["hybrid_with"]
    assert s["target"] == real_result["roadmap"]["target"] == {"governance": 4, "analytics": 3, "facilitation": 4,
                                                               "tools": 5, "leadership": 3}


def test_summarise_keeps_pitfall_ids_in_order(real_result):
    assert real_result["pitfalls"], "this profile should raise pitfalls"
    s = summarise(real_result)
    assert [p["id"] for p in s["pitfalls"]] == [p["id"] for p in real_result["pitfalls"]]
    assert all(set(p) == {"id", "title", "severity"} for p in s["pitfalls"])


def test_summarise_keeps_roadmap_items_with_their_phase(real_result):
    expected = [(phase["id"], item["id"], item["dimension"])
                for phase in real_result["roadmap"]["phases"] for item in phase["items"]]
    assert len({p for p, _i, _d in expected}) >= 2, "this profile should plan more than one phase"
    s = summarise(real_result)
    assert [(i["phase"], i["id"], i["dimension"]) for i in s["roadmap"]] == expected
    assert [p["id"] for p in s["phases"]] == [p["id"] for p in real_result["roadmap"]["phases"]]


def test_summarise_keeps_answers_including_dont_know(real_result):
    s = summarise(real_result)
    assert s["answers"] == real_result["answers"]
    assert None in s["answers"].values()


def test_summary_is_plain_json(real_result):
    s = summarise(real_result)
    assert json.loads(json.dumps(s)) == s
    assert len(json.dumps(s)) < len(json.dumps(real_result)) / 2


def test_in_a_dated_roadmap_work_without_dates_is_not_scheduled_and_never_overdue():
    dated_phase = {**PHASES[0], "start_date": "2026-01-05", "end_date": "2026-04-05"}
    later = {"id": "later", "title": "Later", "start_month": 12, "end_month": 18, "start_date": None, "end_date": None}
    waiting = {**road_item("tools.b", "later"), "start_week": 52, "duration_weeks": 4}
    current = summary(roadmap=[waiting], phases=[dated_phase, later])
    view = apply_progress(current, {}, None, latest_date="2025-01-01", today=date(2030, 1, 1))
    (item,) = view["items"]
    assert (item["planned_start"], item["planned_end"], item["overdue"]) == (None, None, False)
    assert (view["phases"][0]["planned_start"], view["phases"][1]["planned_start"]) == ("2026-01-05", None)


# --------------------------------------------------------------------------
# The whole organisation: pitfalls across units, spread and the federated suggestion
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("units", "suggested", "wide"),
    [
        ([("A", {"governance": 2.0}, "controlling")], False, {}),                       # one unit: never
        ([("A", {"governance": 2.0}, "controlling"), ("B", {"governance": 2.9}, "controlling")], False, {}),
        ([("A", {"governance": 2.0}, "controlling"), ("B", {"governance": 3.0}, "controlling")], True,
         {"governance": 1.0}),                                                          # exactly one level apart
        ([("A", {"tools": 1.2}, "supportive"), ("B", {"tools": 1.4}, "controlling")], True, {}),  # models differ
        ([("A", {"tools": 1.0}, None), ("B", {"tools": 1.5}, "controlling")], False, {}),  # no model is no vote
    ],
)
def test_federated_is_suggested_by_the_spread_or_differing_models(units, suggested, wide):
    latest = [(name, summary(scores, model=model)) for name, scores, model in units]
    out = federated_suggestion(latest)
    assert out["suggested"] is suggested and out["wide"] == wide


def test_pitfalls_across_units_count_each_once_most_widespread_first():
    latest = [("A", summary(pitfalls=["p1", "p2"])), ("B", summary(pitfalls=["p2"])), ("C", summary(pitfalls=["p2", "p3"]))]
    out = pitfalls_across(latest)
    assert [(p["id"], p["units"]) for p in out] == [("p2", ["A", "B", "C"]), ("p1", ["A"]), ("p3", ["C"])]


def test_pitfalls_across_units_list_the_most_severe_first_at_its_highest_severity():
    def severe(summary_, levels):
        for pitfall in summary_["pitfalls"]:
            pitfall["severity"] = levels.get(pitfall["id"], pitfall["severity"])
        return summary_

    latest = [("A", severe(summary(pitfalls=["wide", "rare"]), {"wide": "medium", "rare": "low"})),
              ("B", severe(summary(pitfalls=["wide", "once"]), {"wide": "low", "once": "high"})),
              ("C", severe(summary(pitfalls=["wide", "rare"]), {"wide": "medium", "rare": "high"}))]
    out = pitfalls_across(latest)
    assert [(p["id"], p["severity"], len(p["units"])) for p in out] == [
        ("rare", "high", 2), ("once", "high", 1), ("wide", "medium", 3)]


def dated(rid: int, period: str, assessed_on: str, governance: float) -> dict:
    return {"id": rid, "period": period, "assessed_on": assessed_on, "unit_id": None,
            "summary": summary({"governance": governance})}


@pytest.mark.parametrize(
    ("rows", "kept"),
    [
        # A workshop labelled like the quarter's assessment: the later result stands for 2026-Q4.
        ([("2026-Q3", "2026-08-01"), ("2026-Q4", "2026-10-15"), ("2026-Q4", "2026-12-07")], [1, 3]),
        # Periods in order even when a quarter was recorded after a later one.
        ([("2027-Q1", "2027-02-01"), ("2026-Q4", "2027-03-01")], [2, 1]),
        # A period that is not a quarter takes the quarter of its date.
        ([("Autumn review", "2026-10-20"), ("2027-Q1", "2027-01-10")], [1, 2]),
        ([("2026-Q4", "2026-11-01")], [1]),
        ([], []),
    ],
)
def test_one_per_period_keeps_the_latest_result_of_each_period_in_period_order(rows, kept):
    given = [dated(n, period, day, 2.0) for n, (period, day) in enumerate(rows, start=1)]
    assert [r["id"] for r in one_per_period(given)] == kept


def test_two_results_of_one_period_are_never_compared_as_a_drop():
    rows = [dated(1, "2026-Q3", "2026-08-01", 2.0), dated(2, "2026-Q4", "2026-10-15", 2.6),
            dated(3, "2026-Q4", "2026-12-07", 2.4)]
    data = build_dashboard(rows, [], None, {"governance": "Governance"})
    assert [p["label"] for p in data["plots"]["trend"]] == ["2026-Q3", "2026-Q4"]
    assert (data["previous"]["id"], data["latest"]["id"]) == (1, 3)
    governance = next(d for d in data["deltas"] if d["dimension"] == "governance")
    assert governance["delta"] == pytest.approx(0.4)


@pytest.mark.parametrize("designs, expected", [
    (["A"], [("Q1", "Q1", "A", False)]),
    (["A", "A", "A"], [("Q1", "Q3", "A", False)]),
    (["A", "B", "B", "A"], [("Q1", "Q1", "A", False), ("Q2", "Q3", "B", True), ("Q4", "Q4", "A", True)]),
])
def test_design_runs_fold_the_periods_that_kept_one_design(designs, expected):
    from app.engine.history import design_runs, model_history
    summaries = [{"model": "controlling", "hybrid_with": None, "design": d} for d in designs]
    rows = [{**m, "period": f"Q{i + 1}"} for i, m in enumerate(model_history(summaries))]
    assert [(r["first"], r["last"], r["design"], r["changed"]) for r in design_runs(rows)] == expected
