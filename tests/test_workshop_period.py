"""A workshop chooses the period it assesses; two results of one period never show as a drop."""

from __future__ import annotations

import re

import pytest

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import CONTEXT_FORM, opened, visible_text
from tests.history_helpers import ALL_TWO, Member, drawn_categories, drawn_series, tables


@pytest.fixture
def quarter(app):
    """An organisation whose 2026-Q4 is assessed."""
    person = Member(app, "period@example.org")
    org = person.create_org()
    person.assess(org, "2026-Q4", "2026-10-15", ALL_TWO)
    return person, org


def workshop_form(**changes) -> dict:
    return {"title": "Leadership workshop", "mode": "anonymous", "roles": "Exec", **CONTEXT_FORM, **changes}


def workshop_periods(app, org: int) -> list[str]:
    with opened(app) as db:
        return [w["period"] for w in (store.get_workshop(db, org, row["id"]) for row in store.workshops_of(db, org))]


def test_the_workshop_form_offers_the_next_period(quarter):
    person, org = quarter
    page = person.get(f"/orgs/{org}/workshops/new").text
    assert re.search(r'name="period"[^>]*value="2027-Q1"', page)


def test_a_period_that_already_has_a_result_is_warned_about_and_nothing_is_created(app, quarter):
    person, org = quarter
    page = person.post(f"/orgs/{org}/workshops/new", workshop_form(period="2026-Q4", title="Kept title"))
    assert page.status_code == 400
    text = visible_text(page.text)
    assert "The whole organisation already has an assessment for 2026-Q4" in text
    assert "Add a second result for this period" in text
    assert 'value="Kept title"' in page.text and re.search(r'name="period"[^>]*value="2026-Q4"', page.text)
    assert workshop_periods(app, org) == []
    # Ticked: the facilitator means it.
    made = person.post(f"/orgs/{org}/workshops/new", workshop_form(period="2026-Q4", same_period="1"))
    assert made.status_code == 302
    assert workshop_periods(app, org) == ["2026-Q4"]


def test_the_chosen_period_is_the_workshops(app, quarter):
    person, org = quarter
    assert person.post(f"/orgs/{org}/workshops/new", workshop_form(period="2027-Q1")).status_code == 302
    assert person.post(f"/orgs/{org}/workshops/new", workshop_form()).status_code == 302  # blank: the next
    assert workshop_periods(app, org) == ["2027-Q1", "2027-Q1"]


def test_a_second_result_of_a_period_replaces_it_on_the_dashboard_instead_of_a_second_column(app):
    person = Member(app, "columns@example.org")
    org = person.create_org()
    person.assess(org, "2026-Q3", "2026-08-01", ALL_TWO)
    person.assess(org, "2026-Q4", "2026-10-15", dict.fromkeys(DIMENSIONS, 3))
    later = person.assess(org, "2026-Q4", "2026-12-07", {**ALL_TWO, "tools": 3})
    page = person.get(f"/orgs/{org}").text
    assert drawn_categories(page, "trend") == ["2026-Q3", "2026-Q4"]
    assert all(len(values) == 2 for values in drawn_series(page, "trend").values())
    (rows,) = tables(page, "data-delta-table")
    assert rows[0][:3] == ["Capability area", "2026-Q3", "2026-Q4"]
    tools = next(r for r in rows if r[0] == later.result["questionnaire"]["dimensions"]["tools"])
    assert tools[2] == "3.00" and tools[3].startswith("▲")
