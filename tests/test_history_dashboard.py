"""The organisation dashboard: latest result, deltas, percent to target, trends, model and pitfall history."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from app.engine.vocabulary import DIMENSIONS
from tests.helpers import opened, query, visible_text
from tests.history_helpers import (
    FIRST,
    Member,
    SECOND,
    arrow,
    drawn_series,
    expected_pitfall_step,
    fmt,
    pitfall_steps,
    score,
    section,
    tables,
    to_target,
)


# --------------------------------------------------------------------------
# The dashboard
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_quarters(make_app, tmp_path_factory):
    """An organisation with two submitted quarters whose answers move areas up, down and not at all."""
    app = make_app(tmp_path_factory.mktemp("two-quarters") / "db.sqlite3")
    person = Member(app, "two@example.org")
    org = person.create_org()
    first = person.assess(org, "2025-Q1", "2025-02-14", FIRST)
    second = person.assess(org, "2025-Q2", "2025-05-14", SECOND)
    person.get(f"/orgs/{org}")  # shows the creation's flash message once
    return SimpleNamespace(app=app, member=person, org=org, first=first, second=second)


def test_dashboard_shows_the_latest_period_and_deltas_against_the_previous(two_quarters):
    first, second = two_quarters.first.result, two_quarters.second.result
    page = two_quarters.member.get(f"/orgs/{two_quarters.org}").text
    text = visible_text(page)
    assert f"Latest result · 2025-Q2 {fmt(second['overall']['score'])} / 5" in text
    assert "Change since 2025-Q1" in text

    (rows,) = tables(page, "data-delta-table")
    assert rows[0] == ["Capability area", "2025-Q1", "2025-Q2", "Change", "Target", "To target"]
    labels, target = second["questionnaire"]["dimensions"], second["roadmap"]["target"]
    expected = [[labels[d], fmt(score(first, d)), fmt(score(second, d)), arrow(score(first, d), score(second, d)),
                 "keep" if target[d] <= score(second, d) else str(target[d]),  # held: never a target below today
                 f"{to_target(score(second, d), target[d], score(first, d))}%"] for d in DIMENSIONS]
    expected.append(["Overall", fmt(score(first, "overall")), fmt(score(second, "overall")),
                     arrow(score(first, "overall"), score(second, "overall")), "", ""])
    assert rows[1:] == expected
    # The profiles move areas both ways, so every marker is exercised.
    assert {row[3][0] for row in rows[1:]} == {"▲", "▼", "="}


def test_dashboard_trend_and_radar_carry_every_period(two_quarters):
    first, second = two_quarters.first.result, two_quarters.second.result
    page = two_quarters.member.get(f"/orgs/{two_quarters.org}").text
    # Drawn on the server: the page needs no chart library for them.
    trend = drawn_series(page, "trend")
    labels = second["questionnaire"]["dimensions"]
    assert "2025-Q1</text>" in page and "2025-Q2</text>" in page
    for d in DIMENSIONS:
        assert trend[labels[d]] == [score(first, d), score(second, d)]
    assert trend["Overall"] == [score(first, "overall"), score(second, "overall")]
    radar = drawn_series(page, "radar")
    assert list(radar) == ["Target", "2025-Q1", "2025-Q2"]
    assert radar["2025-Q2"] == [score(second, d) for d in DIMENSIONS]
    assert radar["Target"] == [second["roadmap"]["target"][d] for d in DIMENSIONS]


def design_label(assessment) -> str:
    """The design's label as the result page's 'Why this design' and every format name it."""
    return assessment.result["summary"]["design"]["label"]


def test_dashboard_shows_design_and_pitfall_history_of_two_assessments(two_quarters):
    first, second = two_quarters.first, two_quarters.second
    page = two_quarters.member.get(f"/orgs/{two_quarters.org}").text
    models = [visible_text(li) for li in re.findall(r"<li>(.*?)</li>", section(page, "models-heading"), flags=re.S)]
    assert "Recommended design over time" in visible_text(page)
    if design_label(first) == design_label(second):  # one design kept reads as one line
        assert models == [f"{first.period} to {second.period} · {design_label(second)}"]
    else:
        assert models == [f"{first.period} · {design_label(first)}",
                          f"{second.period} · {design_label(second)} changed"]
    # The latest result's card names the same design, not the bare model ('Controlling PMO').
    latest = re.search(r"<p[^>]*data-latest-design>(.*?)</p>", page, flags=re.S)
    assert visible_text(latest.group(1)) == f"Recommended: {design_label(second)}"
    step = expected_pitfall_step(first.result, second.result)
    assert step["new"] and step["resolved"] and step["persisting"], "profiles should move pitfalls every way"
    assert pitfall_steps(page) == {"2025-Q1 → 2025-Q2": step}


def test_a_summary_frozen_before_designs_were_named_gets_its_design_when_read(member):
    """History frozen by an older version kept only the model: its design's label is worked out from the
    frozen result and kept, so the dashboard names the design there too."""
    org = member.create_org()
    first = member.assess(org, "2025-Q1", "2025-02-14", FIRST)
    (snapshot, summary_json), = query(member.app, "SELECT s.id, s.summary_json FROM snapshots s JOIN "
                                      "assessments a ON a.snapshot_id = s.id WHERE a.id = ?", [first.id])
    old = json.loads(summary_json)
    del old["design"]
    with opened(member.app) as database:
        database.execute("UPDATE snapshots SET summary_json = ? WHERE id = ?", [json.dumps(old), snapshot])
    page = member.get(f"/orgs/{org}").text
    assert f"{first.period} · {design_label(first)}" in visible_text(section(page, "models-heading"))
    (kept,), = query(member.app, "SELECT summary_json FROM snapshots WHERE id = ?", [snapshot])
    assert json.loads(kept)["design"] == design_label(first)


def test_third_assessment_lists_new_resolved_and_persisting_pitfalls(member):
    org = member.create_org()
    results = [
        member.assess(org, "2025-Q1", "2025-02-14", {**dict.fromkeys(DIMENSIONS, 3), "governance": 1}),
        member.assess(org, "2025-Q2", "2025-05-14", {**dict.fromkeys(DIMENSIONS, 3), "governance": 2, "leadership": 2}),
        member.assess(org, "2025-Q3", "2025-08-14", {**dict.fromkeys(DIMENSIONS, 3), "leadership": 1,
                                                     "facilitation": 2}),
    ]
    page = member.get(f"/orgs/{org}").text
    last_step = expected_pitfall_step(results[1].result, results[2].result)
    assert all(last_step.values()), "the last step should have new, resolved and persisting pitfalls"
    assert pitfall_steps(page) == {
        "2025-Q1 → 2025-Q2": expected_pitfall_step(results[0].result, results[1].result),
        "2025-Q2 → 2025-Q3": last_step,
    }
    # Newest step first.
    assert page.index("2025-Q2 → 2025-Q3") < page.index("2025-Q1 → 2025-Q2")
    # The delta table compares the latest with the one just before it, not with the first.
    assert "Change since 2025-Q2" in visible_text(page)
    (rows,) = tables(page, "data-delta-table")
    assert rows[0][1:3] == ["2025-Q2", "2025-Q3"]
    assert [r[1] for r in rows[1:]] == [fmt(score(results[1].result, k)) for k in (*DIMENSIONS, "overall")]
    designs = [design_label(a) for a in results]
    lines = [visible_text(li) for li in re.findall(r"<li>(.*?)</li>", section(page, "models-heading"), flags=re.S)]
    changes = sum(1 for a, b in zip(designs, designs[1:]) if a != b)
    assert changes >= 1 and len(lines) == changes + 1
    assert sum(1 for line in lines if line.endswith(" changed")) == changes
    assert lines[-1].endswith(f"· {designs[-1]} changed") or lines[-1].endswith(f"· {designs[-1]}")



# --------------------------------------------------------------------------
# A shared organisation for requests that must be refused and change nothing
# --------------------------------------------------------------------------


@pytest.mark.parametrize("org", ["empty", "started"])
def test_empty_dashboard_says_what_to_do_next(history_world, org):
    page = history_world.member.get(f"/orgs/{getattr(history_world, org)}")
    assert page.status_code == 200
    assert "data-empty-dashboard" in page.text
    text = visible_text(page.text)
    assert "No submitted assessment yet" in text
    assert "Start an assessment below and submit it" in text
    assert "Latest result" not in text and "data-delta-table" not in page.text
    assert 'id="start-heading"' in page.text
