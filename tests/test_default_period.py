"""Every form that starts an assessment or a workshop offers one period for one scope: the next period that
scope has no result for (tester 24: the whole-organisation tab offered 2026-Q4, the new-workshop form
2027-Q1, because the workshop counted a unit's result as the organisation's)."""

from __future__ import annotations

import re
from datetime import date

from app import store
from app.engine.reassessment import next_period, quarter_of
from tests.helpers import CONTEXT_FORM, opened
from tests.history_helpers import ALL_TWO, Member

THIS = quarter_of(date.today())
NEXT = next_period(THIS, date.today())


def offered(page: str, field_id: str) -> str:
    return re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page).group(0).split('value="')[1].split('"')[0]


def test_the_dashboard_and_the_workshop_form_offer_the_scopes_next_free_period(app):
    person = Member(app, "default-period@example.org")
    org = person.create_org()
    platforms = person.add_unit(org, "Platforms")
    person.assess(org, THIS, date.today().isoformat(), ALL_TWO, unit=platforms)  # a unit's, not the organisation's
    whole = person.get(f"/orgs/{org}").text
    workshop = person.get(f"/orgs/{org}/workshops/new").text
    assert offered(whole, "new-period") == offered(workshop, "period") == THIS
    # The unit's own tab: its period is taken, so the next one.
    assert offered(person.get(f"/orgs/{org}?unit={platforms}").text, "new-period") == NEXT
    # A workshop for the unit left blank takes the unit's next free period, the whole organisation's its own.
    for unit in (str(platforms), ""):
        made = person.post(f"/orgs/{org}/workshops/new", {"title": f"Room {unit}", "mode": "anonymous",
                                                          "roles": "Exec", "unit": unit, "period": "", **CONTEXT_FORM})
        assert made.status_code == 302, unit
    with opened(app) as db:
        made = {w["title"]: w["period"] for w in (store.get_workshop(db, org, row["id"])
                                                  for row in store.workshops_of(db, org))}
    assert made == {f"Room {platforms}": NEXT, "Room": THIS}
