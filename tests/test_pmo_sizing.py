"""The PMO's size grows with the portfolio and with its stakes, and says why in one clause (round 207:
'about 5-7 people for 149 projects' for a regulated high-risk bank beside 'about 7-10 people for 71
projects' for an insurer: the bank's informal PMO started at half, and nothing said so)."""

from __future__ import annotations

import pytest

from app.engine.summary import capacity_text
from tests.test_roadmap import plan, roadmap  # noqa: F401  (the fixture)

PROJECTS = (10, 30, 71, 105, 149, 300)
STAKES = {"low": {"context.regulated": False, "context.risk_profile": "low"},
          "regulated": {"context.regulated": True, "context.risk_profile": "medium"},
          "high-risk": {"context.regulated": False, "context.risk_profile": "high"},
          "both": {"context.regulated": True, "context.risk_profile": "high"}}


def needed(roadmap, questionnaire, size, pmo, projects, stakes):  # noqa: F811
    capacity = plan(roadmap, questionnaire, 1, org_size=size, existing_pmo=pmo,
                    facts={"context.active_projects": projects, **STAKES[stakes]})["capacity"]
    return capacity, (capacity.get("full_range") or capacity["range"])


@pytest.mark.parametrize("size", ["medium", "large", "enterprise"])
@pytest.mark.parametrize("pmo", ["none", "informal", "established"])
def test_the_size_a_portfolio_needs_grows_with_projects_and_stakes(roadmap, questionnaire, size, pmo):  # noqa: F811
    table = {(n, s): needed(roadmap, questionnaire, size, pmo, n, s)[1] for n in PROJECTS for s in STAKES}
    for stakes in STAKES:
        sizes = [table[n, stakes] for n in PROJECTS]
        assert sizes == sorted(sizes), (stakes, sizes)
    for n in PROJECTS:
        assert table[n, "low"] <= table[n, "regulated"] == table[n, "high-risk"] == table[n, "both"], n
    assert table[300, "both"] > table[300, "low"]


def test_a_regulated_high_risk_bank_needs_more_than_a_smaller_insurer_and_says_why(roadmap, questionnaire):  # noqa: F811
    bank, bank_needs = needed(roadmap, questionnaire, "enterprise", "informal", 149, "both")
    insurer, insurer_needs = needed(roadmap, questionnaire, "large", "established", 71, "regulated")
    assert bank_needs[0] > insurer_needs[0]
    said = capacity_text(bank)
    assert "to start, growing to the" in said and "149 regulated or high-risk projects need" in said, said
    assert capacity_text(insurer).endswith("for 71 regulated or high-risk projects; set your own")


def test_low_stakes_say_nothing_about_them(roadmap, questionnaire):  # noqa: F811
    capacity, _ = needed(roadmap, questionnaire, "large", "established", 71, "low")
    assert "regulated" not in capacity_text(capacity) and "for 71 projects" in capacity_text(capacity)


def test_an_informal_pmo_at_its_default_still_says_what_its_portfolio_needs(roadmap, questionnaire):  # noqa: F811
    # Round 940: 'about 3-4 people for 66 regulated or high-risk projects' read as the size they need.
    capacity, needs = needed(roadmap, questionnaire, "large", "informal", 66, "both")
    assert capacity["pmo_people"] < needs[0]
    assert "to start, growing to the" in capacity_text(capacity), capacity_text(capacity)
