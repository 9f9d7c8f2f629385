"""Comparing chosen assessments: radar overlays, deltas, and questionnaire versions that differ."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from app.engine.vocabulary import DIMENSIONS
from tests.helpers import visible_text
from tests.history_helpers import (
    ALL_TWO,
    FIRST,
    Member,
    SECOND,
    arrow,
    drawn_series,
    fmt,
    score,
    section,
    set_summary_fields,
    snapshot_id_of,
    tables,
)


# --------------------------------------------------------------------------
# Comparisons
# --------------------------------------------------------------------------

SEVEN_PERIODS = [("2024-Q1", "2024-02-15"), ("2024-Q2", "2024-05-15"), ("2024-Q3", "2024-08-15"),
                 ("2024-Q4", "2024-11-15"), ("2025-Q1", "2025-02-15"), ("2025-Q2", "2025-05-15"),
                 ("2025-Q3", "2025-08-15")]


@pytest.fixture(scope="module")
def seven(make_app, tmp_path_factory):
    """One organisation with seven closed assessments, and another organisation with one."""
    app = make_app(tmp_path_factory.mktemp("seven") / "db.sqlite3")
    person = Member(app, "seven@example.org")
    org = person.create_org("Seven Quarters")
    done = []
    for i, (period, day) in enumerate(SEVEN_PERIODS):
        levels = {d: 1 + (i + j) % 4 for j, d in enumerate(DIMENSIONS)}
        done.append(person.assess(org, period, day, levels))
    other_org = person.create_org("Elsewhere")
    other = person.assess(other_org, "2025-Q1", "2025-02-15", ALL_TWO)
    return SimpleNamespace(app=app, member=person, org=org, assessments=done, other=other)


def compare_url(org: int, ids) -> str:
    return f"/orgs/{org}/compare?" + "&".join(f"a={i}" for i in ids)


@pytest.mark.parametrize("count", [2, 3, 4, 5, 6])
def test_compare_overlays_two_to_six_assessments_and_the_target(seven, count):
    chosen = seven.assessments[-count:]
    # Asked for in any order, shown oldest first.
    response = seven.member.get(compare_url(seven.org, [a.id for a in reversed(chosen)]))
    assert response.status_code == 200
    radar = drawn_series(response.text, "overlay")  # drawn on the server: no chart library on the page
    assert list(radar) == ["Target"] + [a.period for a in chosen]
    for a in chosen:
        assert radar[a.period] == [score(a.result, d) for d in DIMENSIONS]
    assert radar["Target"] == [chosen[-1].result["roadmap"]["target"][d] for d in DIMENSIONS]
    assert "plotly" not in response.text
    text = visible_text(response.text)
    if count <= 3:
        assert "Comparing " + ", ".join(a.period for a in chosen) in text
    else:  # more than three: the heading counts them and a line below names them
        assert f"Comparing {count} assessments" in text and "; ".join(a.period for a in chosen) in text
    (table,) = tables(response.text, "data-compare-table")
    assert table[0] == ["Capability area", *[a.period for a in chosen], "Change, first to last"]
    for row, key in zip(table[1:], (*DIMENSIONS, "overall")):
        assert row[1:] == [*[fmt(score(a.result, key)) for a in chosen],
                           arrow(score(chosen[0].result, key), score(chosen[-1].result, key))]
    # Small multiples: one radar per assessment, all on the same 0-5 scale.
    for index, a in enumerate(chosen):
        small = drawn_series(response.text, f"multiple-{index}")
        assert small[a.period] == [score(a.result, d) for d in DIMENSIONS]
    assert f'id="multiple-{count}"' not in response.text
    assert "data-version-note" not in response.text


@pytest.mark.parametrize("pick", [[], [0], [0, 1, 2, 3, 4, 5, 6]], ids=["none", "one", "seven"])
def test_compare_needs_two_to_six_assessments(seven, pick):
    response = seven.member.get(compare_url(seven.org, [seven.assessments[i].id for i in pick]))
    assert response.status_code == 400
    assert "Choose between 2 and 6 assessments" in visible_text(response.text)


def test_compare_with_a_non_numeric_id_is_400(seven):
    assert seven.member.get(compare_url(seven.org, [seven.assessments[0].id, "x"])).status_code == 400


def test_compare_with_an_assessment_of_another_organisation_is_404(seven):
    assert seven.member.get(compare_url(seven.org, [seven.assessments[0].id, seven.other.id])).status_code == 404


def test_compare_of_one_assessment_given_twice_is_400(seven):
    first = seven.assessments[0].id
    assert seven.member.get(compare_url(seven.org, [first, first])).status_code == 400


def test_different_questionnaire_versions_are_noted_on_compare_and_dashboard(app, member):
    org = member.create_org()
    first = member.assess(org, "2025-Q1", "2025-02-14", FIRST)
    second = member.assess(org, "2025-Q2", "2025-05-14", SECOND)
    url = compare_url(org, [first.id, second.id])
    assert "data-version-note" not in member.get(url).text
    assert "data-version-note" not in member.get(f"/orgs/{org}").text

    version = second.result["questionnaire"]["version"]
    set_summary_fields(app, snapshot_id_of(app, first.id), questionnaire__version="0.9")
    compare = member.get(url)
    assert compare.status_code == 200 and "data-version-note" in compare.text
    assert f"different questionnaire versions (0.9, {version})" in visible_text(compare.text)
    assert "data-version-note" in member.get(f"/orgs/{org}").text
    # Comparison by capability area still works across versions.
    assert len(tables(compare.text, "data-compare-table")) == 1


def test_question_level_changes_only_for_question_ids_both_versions_have(app, member):
    org = member.create_org()
    first = member.assess(org, "2025-Q1", "2025-02-14", FIRST)
    second = member.assess(org, "2025-Q2", "2025-05-14", SECOND)
    # The older version asked one governance question under another id.
    old_answers = dict(first.result["answers"])
    renamed = next(q for q in old_answers if q.startswith("governance."))
    old_answers["governance.retired_question"] = old_answers.pop(renamed)
    set_summary_fields(app, snapshot_id_of(app, first.id), questionnaire__version="0.9", answers=old_answers)

    changes = section(member.get(compare_url(org, [first.id, second.id])).text, "questions-heading")
    questionnaire = member.questionnaire
    shared = [(q, old_answers[q], level) for q, level in second.result["answers"].items()
              if q in old_answers and level is not None and old_answers[q] is not None and old_answers[q] != level]
    shared.sort(key=lambda row: (-abs(row[2] - row[1]), row[0]))
    assert len(shared) > 9, "the profiles should change answers in several areas"
    rows = re.findall(r"<tr><td>(.*?)</td><td>[^<]*</td><td[^>]*>Level (\d)</td><td[^>]*>Level (\d)", changes, flags=re.S)
    assert [(visible_text(text), int(b), int(a)) for text, b, a in rows] == [
        (questionnaire.question(q).text, before, after) for q, before, after in shared]
    assert questionnaire.question(renamed).text not in visible_text(changes)
