"""Every workshop route refuses a member of another organisation."""

from __future__ import annotations

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import CONTEXT_FORM, opened
from tests.workshop_helpers import Facilitator, Workshop, question_ids, snapshot_count


# --------------------------------------------------------------------------
# Another organisation's member
# --------------------------------------------------------------------------


def workshop_routes(workshop: Workshop, closed: Workshop) -> tuple[list[tuple[str, str]], dict]:
    target = {f"target-{d}": "3" for d in DIMENSIONS}
    return [
        ("GET", f"/orgs/{workshop.org_id}/workshops"),
        ("GET", f"/orgs/{workshop.org_id}/workshops/new"),
        ("POST", f"/orgs/{workshop.org_id}/workshops/new"),
        *[("GET", workshop.base + p) for p in ("", "/projector", "/live.json", "/qr.svg")],
        *[("POST", workshop.base + p) for p in ("/reveal", "/consensus", "/close")],
        *[("GET", closed.base + p) for p in ("/report", "/report.json", "/roadmap.csv")],
        ("POST", closed.base + "/target"),
    ], target


def test_every_workshop_route_refuses_a_member_of_another_org(app, fay, org_id, workshop):
    closed = fay.closed_workshop(org_id)
    bob = Facilitator(app)
    bob_org = bob.create_org("Bob's org")
    routes, target = workshop_routes(workshop, closed)
    # Bob's own organisation in the URL with Alice's workshop ids must not work either.
    swapped = [(m, p.replace(f"/orgs/{org_id}/workshops/", f"/orgs/{bob_org}/workshops/"))
               for m, p in routes if f"/workshops/{workshop.id}" in p or f"/workshops/{closed.id}" in p]
    data = {"title": "Hijack", "mode": "anonymous", "revealed": "1", "question_id": question_ids(app)[0],
            "level": "1", **CONTEXT_FORM, **target}
    answers = []
    for method, path in routes + swapped:
        response = bob.post(path, data) if method == "POST" else bob.client.get(path)
        answers.append((method, path, response.status_code))
    assert [a for a in answers if a[2] not in (403, 404)] == []
    with opened(app) as db:
        w = store.get_workshop(db, org_id, workshop.id)
        assert (w["revealed"], w["status"]) == (False, "open")
        assert store.consensus(db, workshop.id) == {}
        assert store.workshops_of(db, bob_org) == []
    assert snapshot_count(app) == 1
