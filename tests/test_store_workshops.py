"""Store: workshops, join codes, participants, consensus, closing once, and the wrong-code counter."""

from __future__ import annotations

import pytest

from app import store
from app.store.workshops import CODE_ALPHABET, JOIN_FAILURE_LIMIT, JOIN_FAILURE_WINDOW
from tests.helpers import FULL_CONTEXT, new_user


@pytest.fixture
def room(fresh_db, questionnaire):
    """An organisation with a facilitator and an open anonymous workshop with two roles."""
    fay = new_user(fresh_db, "fay@example.org", role="facilitator")
    org = store.create_org(fresh_db, "Client", fay)
    workshop_id = store.create_workshop(fresh_db, org, fay, title="  Board \n workshop ", mode="anonymous",
                                        roles=[" Exec ", "Delivery", "exec", "Exec", ""], context=FULL_CONTEXT,
                                        questionnaire_id=questionnaire.id, questionnaire_version=questionnaire.version)
    return fay, org, store.get_workshop(fresh_db, org, workshop_id)


def test_a_workshop_opens_with_a_tidy_title_roles_and_an_unambiguous_code(fresh_db, room):
    _fay, org, workshop = room
    assert workshop["title"] == "Board workshop" and workshop["status"] == "open" and not workshop["revealed"]
    assert workshop["roles"] == ["Exec", "Delivery", "exec"]
    assert len(workshop["join_code"]) == 8 and set(workshop["join_code"]) <= set(CODE_ALPHABET)
    assert store.workshop_by_code(fresh_db, workshop["join_code"].lower()[:4] + "-" + workshop["join_code"][4:])["id"] \
        == workshop["id"]
    assert [w["id"] for w in store.workshops_of(fresh_db, org)] == [workshop["id"]]
    assert store.workshop_of_assessment(fresh_db, org, workshop["assessment_id"]) == workshop["id"]
    assert store.workshop_of_assessment(fresh_db, org + 1, workshop["assessment_id"]) is None


@pytest.mark.parametrize("change, failure", [({"title": " "}, store.InvalidTitle), ({"mode": "open"}, store.UnknownMode),
                                             ({"unit_id": 404}, store.NotFound)])
def test_a_workshop_needs_a_title_a_known_mode_and_a_unit_of_its_organisation(fresh_db, room, questionnaire,
                                                                               change, failure):
    fay, org, _workshop = room
    form = {"title": "T", "mode": "named", "roles": [], "context": {}, "questionnaire_id": questionnaire.id,
            "questionnaire_version": questionnaire.version, **change}
    with pytest.raises(failure):
        store.create_workshop(fresh_db, org, fay, **form)
    assert len(store.workshops_of(fresh_db, org)) == 1


def test_unknown_codes_are_not_found(fresh_db):
    with pytest.raises(store.NotFound):
        store.workshop_by_code(fresh_db, "ABCD2345")
    assert store.normalise_code(" abcd-2345 ") == "ABCD2345"


def test_a_participant_is_known_only_by_their_token_in_their_workshop(fresh_db, room):
    _fay, _org, workshop = room
    token = store.join_workshop(fresh_db, workshop, display_name="  Pat  ", role="Exec")
    me = store.participant(fresh_db, workshop, token)
    assert (me["display_name"], me["role"]) == ("Pat", "Exec")
    for wrong in (None, "", token + "x"):
        with pytest.raises(store.NotFound):
            store.participant(fresh_db, workshop, wrong)
    private_response, private_token = store.create_self_assessment(fresh_db, "pmo-maturity", "1.0")
    with pytest.raises(store.NotFound):
        store.participant(fresh_db, workshop, private_token)


def test_everyones_answers_come_back_in_one_list(fresh_db, room):
    _fay, _org, workshop = room
    first = store.participant(fresh_db, workshop, store.join_workshop(fresh_db, workshop))
    second = store.participant(fresh_db, workshop, store.join_workshop(fresh_db, workshop, role="Delivery"))
    store.save_answers(fresh_db, first["id"], {"governance.intake_criteria": 2, "tools.adoption": None})
    store.submit_participant(fresh_db, second["id"])
    people = store.responses_with_answers(fresh_db, workshop["assessment_id"])
    assert [(p["answers"], p["status"], p["role"]) for p in people] == [
        ({"governance.intake_criteria": 2, "tools.adoption": None}, "in_progress", None), ({}, "submitted", "Delivery")]


def test_consensus_is_recorded_replaced_and_removed(fresh_db, room):
    fay, _org, workshop = room
    store.set_consensus(fresh_db, workshop["id"], "governance.intake_criteria", 3, "agreed  after  talk", fay)
    store.set_consensus(fresh_db, workshop["id"], "governance.intake_criteria", 4, "", fay)
    assert store.consensus(fresh_db, workshop["id"]) == {"governance.intake_criteria": {"level": 4, "note": ""}}
    store.set_consensus(fresh_db, workshop["id"], "governance.intake_criteria", None, "", fay)
    assert store.consensus(fresh_db, workshop["id"]) == {}
    with pytest.raises(store.NotFound):
        store.set_consensus(fresh_db, 404, "governance.intake_criteria", 3, "", fay)


def test_closing_freezes_once_and_then_nothing_joins_or_changes(fresh_db, room, content):
    from app.service import compute_workshop_result

    fay, _org, workshop = room
    token = store.join_workshop(fresh_db, workshop)
    person = store.participant(fresh_db, workshop, token)
    store.save_answers(fresh_db, person["id"], {"governance.intake_criteria": 3})
    calls = []

    def compute(responses, agreed):
        calls.append(responses)
        return compute_workshop_result(content, workshop, responses, agreed)

    first = store.close_workshop(fresh_db, workshop, compute, questionnaire_version="1", content_hash="h")
    assert store.close_workshop(fresh_db, workshop, compute, questionnaire_version="1", content_hash="h") == first
    assert len(calls) == 1
    closed = store.get_workshop(fresh_db, workshop["org_id"], workshop["id"])
    assert closed["status"] == "closed" and closed["snapshot_id"] == first
    with pytest.raises(store.AssessmentClosed):
        store.join_workshop(fresh_db, workshop)
    with pytest.raises(store.AssessmentClosed):
        store.set_consensus(fresh_db, workshop["id"], "governance.intake_criteria", 2, "", fay)
    with pytest.raises(store.AssessmentClosed):
        store.submit_participant(fresh_db, person["id"])


def test_wrong_codes_count_against_the_address_until_the_limit_within_the_window(fresh_db, room):
    code = room[2]["join_code"]
    now = 2_000_000.0
    for _ in range(JOIN_FAILURE_LIMIT):
        assert store.workshop_for_join(fresh_db, "ABCD2345", "203.0.113.7", now=now) is None
    with pytest.raises(store.TooManyJoinAttempts):
        store.workshop_for_join(fresh_db, code, "203.0.113.7", now=now)  # even the right code, for now
    assert store.workshop_for_join(fresh_db, code, "198.51.100.1", now=now)["join_code"] == code
    assert store.workshop_for_join(fresh_db, code, "203.0.113.7", now=now + JOIN_FAILURE_WINDOW + 1)["join_code"] \
        == code
