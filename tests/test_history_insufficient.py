"""An area a result left out for too few answers has no score in history: the dashboard, the history
API and CSV show no score and no change for it, also from summaries frozen with the partial score."""

from __future__ import annotations

import pytest

from app import store
from app.engine.history import delta_table, history_rows, scored_only
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import opened
from tests.history_helpers import ALL_TWO, Member, tables


def thin_tools(question):
    """Every area at 3, but only one tools question answered: too few for a score."""
    area = question.id.split(".")[0]
    if area != "tools":
        return 3
    return 3 if question.id.endswith(THIN_KEEP) else "skip"


THIN_KEEP = "tool_fit"
SCORED = {"questionnaire_version": "2.0", "content_hash": "", "scored_at": ""}


@pytest.mark.parametrize("frozen_with_score", [False, True])
def test_scored_only_drops_the_left_out_areas_score(frozen_with_score):
    summary = {"scores": {d: 2.5 for d in DIMENSIONS} | {"tools": 1.75 if frozen_with_score else None},
               "insufficient": ["tools"], "overall": 2.5}
    before = {"scores": {d: 2.0 for d in DIMENSIONS}, "insufficient": [], "overall": 2.0}
    scored = scored_only(summary)
    assert scored["scores"]["tools"] is None and scored["scores"]["governance"] == 2.5
    tools = next(r for r in delta_table(before, scored) if r["dimension"] == "tools")
    assert tools["current"] is None and tools["delta"] is None
    rows = history_rows([{"id": 1, "title": "", "period": "2026-Q3", "assessed_on": "2026-08-01", "unit_id": None,
                          "kind": "self", "summary": {**before, "target": {}}, **SCORED},
                         {"id": 2, "title": "", "period": "2026-Q4", "assessed_on": "2026-11-01", "unit_id": None,
                          "kind": "self", "summary": {**scored, "target": {}}, **SCORED}], {})
    assert rows[1]["scores"]["tools"] is None and rows[1]["changes"]["tools"] is None


def test_the_dashboard_shows_no_score_and_no_change_for_a_left_out_area(app):
    person = Member(app, "thin@example.org")
    org = person.create_org()
    person.assess(org, "2026-Q3", "2026-08-01", ALL_TWO)
    later = person.assess(org, "2026-Q4", "2026-11-01", thin_tools)
    assert later.result["scores"]["tools"]["insufficient"]
    with opened(app) as db:
        assert store.history(db, org, None)[-1]["summary"]["scores"]["tools"] is None
    page = person.get(f"/orgs/{org}").text
    (rows,) = tables(page, "data-delta-table")
    tools = next(r for r in rows if r[0] == later.result["questionnaire"]["dimensions"]["tools"])
    assert tools[2] in ("–", "—", "") and not any(c.startswith(("▲", "▼")) for c in tools[3:4]), tools
