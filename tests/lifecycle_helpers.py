"""An organisation with everything a client's data can hold, built in the store, for the lifecycle tests."""

from __future__ import annotations

from dataclasses import dataclass

from app import service, store
from tests.helpers import FULL_CONTEXT, new_user

MARKER = "Zebracorn Quokka Holdings"  # a string only the purged organisation's data holds
NOTE = "note on governance"  # the organisation's name leads it


@dataclass
class Client:
    owner: int
    org: int
    unit: int
    org_assessment: int  # submitted, organisation-level
    unit_assessment: int  # submitted, in the unit
    workshop: int  # closed, three participants (and one removed), a second round, one consensus level
    workshop_assessment: int


def _submitted(db, content, questionnaire, org, owner, unit=None, title="") -> int:
    response_id = store.create_org_assessment(db, org, owner, questionnaire.id, questionnaire.version, title,
                                              period="2026-Q1", assessed_on="2026-02-01", unit_id=unit)
    store.save_context(db, response_id, FULL_CONTEXT)
    store.save_answers(db, response_id, {q.id: 3 for q in questionnaire.questions()})
    store.save_note(db, response_id, "governance", f"{title.split()[0]} {NOTE}")
    service.submit_response(db, content, response_id, questionnaire)
    return store.response_by_id(db, response_id)["assessment_id"]


def build_client(db, content, questionnaire, name=MARKER, email="owner@example.org") -> Client:
    """An organisation with a unit, two submitted assessments, a closed workshop (a removed participant, a second
    round) and roadmap progress."""
    owner = new_user(db, email, role="facilitator")
    org = store.create_org(db, name, owner)
    store.set_member(db, org, new_user(db, "member-" + email), "member")
    unit = store.create_unit(db, org, f"{name} Northern Unit")
    org_assessment = _submitted(db, content, questionnaire, org, owner, title=f"{name} Q1")
    unit_assessment = _submitted(db, content, questionnaire, org, owner, unit=unit, title=f"{name} unit Q1")
    workshop_id = store.create_workshop(db, org, owner, title=f"{name} board workshop", mode="named", roles=[],
                                        context=FULL_CONTEXT, questionnaire_id=questionnaire.id,
                                        questionnaire_version=questionnaire.version)
    workshop = store.get_workshop(db, org, workshop_id)
    people = []
    for person in ("Pat", "Sam", "Kim", "Ghost"):
        token = store.join_workshop(db, workshop, display_name=f"{person} of {name}")
        people.append(store.response_by_token(db, token)["id"])
        store.save_answers(db, people[-1], {q.id: 2 for q in questionnaire.questions()})
    store.remove_participant(db, workshop, people.pop())  # a test join the facilitator took out
    first = questionnaire.questions()[0].id
    round_id = store.open_round(db, workshop_id, first)  # a second vote on the first question
    for response_id, level in zip(people, (4, 4, 3)):
        store.save_vote(db, workshop, round_id, response_id, level)
    store.close_round(db, workshop_id, round_id)
    store.set_consensus(db, workshop_id, first, 4, f"agreed at {name}", owner)
    service.close_workshop(db, content, workshop)
    store.set_progress(db, org, "some-item", "started", due_on="2027-03-31", owner=f"{name} PMO lead",
                       note="waiting for the sponsor", user_id=owner)
    store.set_progress(db, org, "unit-item", "done", done_on="2027-01-15", owner="x", user_id=owner, unit_key=unit)
    store.set_progress(db, org, "dropped-item", "dropped", owner="x", note="the board stopped it", user_id=owner)
    store.create_invitation(db, org, f"guest-{name.split()[0].lower()}@example.org", "member", owner)  # not yet accepted
    return Client(owner, org, unit, org_assessment, unit_assessment, workshop_id, workshop["assessment_id"])


def visible(db, org) -> dict:
    """What the organisation's pages list."""
    return {
        "assessments": sorted(a["id"] for a in store.org_assessments(db, org)),
        "history": sorted(r["id"] for r in store.history(db, org, "all")),
        "units": [u["id"] for u in store.units(db, org)],
        "workshops": [w["id"] for w in store.workshops_of(db, org)],
    }
