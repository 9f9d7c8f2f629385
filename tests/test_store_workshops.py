"""Store: workshops, join codes, participants, consensus, closing once, and the wrong-code counter."""

from __future__ import annotations

import sqlite3

import pytest

from app import store
from app.store.workshops import CODE_ALPHABET, JOIN_FAILURE_LIMIT, JOIN_FAILURE_WINDOW
from tests.helpers import FULL_CONTEXT, new_user
from tests.storage_faults import read_only


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
    store.set_consensus(fresh_db, workshop["id"], "governance.intake_criteria", 4, "", fay, evidence=" board  minutes ")
    store.set_consensus(fresh_db, workshop["id"], "governance.intake_criteria", 4, "", fay)  # the evidence stays
    assert store.consensus(fresh_db, workshop["id"]) == {"governance.intake_criteria": {
        "level": 4, "note": "", "evidence": "board minutes", "reference": ""}}
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



def test_a_known_code_is_found_on_a_read_only_file_and_a_wrong_one_is_refused_uncounted(fresh_db, room, tmp_path):
    """A join page only reads, so it shows while the file cannot be written; a wrong code cannot be counted
    against the address then, so it is refused with the fault instead of answered for free."""
    code, path = room[2]["join_code"], tmp_path / "store.sqlite3"
    with read_only(path):
        db = store.open_db(path)  # a connection opened now, as each server thread's after the change
        try:
            assert store.workshop_for_join(db, code, "203.0.113.7")["join_code"] == code
            with pytest.raises(sqlite3.OperationalError) as refused:
                store.workshop_for_join(db, "ABCD2345", "203.0.113.7")
            assert store.storage_fault(refused.value) == "read-only"
        finally:
            db.close()
    assert fresh_db.execute("SELECT count(*) FROM join_failures").fetchone()[0] == 0


def _close(db, content, workshop):
    from app.service import compute_workshop_result

    return store.close_workshop(db, workshop, lambda responses, agreed: compute_workshop_result(
        content, workshop, responses, agreed), questionnaire_version="1", content_hash="h")


def test_a_removed_participant_leaves_every_figure_but_their_row_is_kept(fresh_db, room):
    _fay, _org, workshop = room
    ghost = store.participant(fresh_db, workshop, ghost_token := store.join_workshop(fresh_db, workshop))
    real = store.participant(fresh_db, workshop, store.join_workshop(fresh_db, workshop))
    store.save_answers(fresh_db, ghost["id"], {"governance.intake_criteria": 1})
    store.save_answers(fresh_db, real["id"], {"governance.intake_criteria": 4})
    before = store.get_workshop(fresh_db, workshop["org_id"], workshop["id"])["revision"]
    store.remove_participant(fresh_db, workshop, ghost["id"])
    assert store.get_workshop(fresh_db, workshop["org_id"], workshop["id"])["revision"] > before
    assert [p["id"] for p in store.responses_with_answers(fresh_db, workshop["assessment_id"])] == [real["id"]]
    assert [p["id"] for p in store.participants(fresh_db, workshop["assessment_id"])] == [real["id"]]
    assert store.answer_count(fresh_db, workshop["assessment_id"]) == 1
    assert fresh_db.execute("SELECT count(*) FROM responses WHERE id = ?", [ghost["id"]]).fetchone()[0] == 1
    with pytest.raises(store.ParticipantRemoved):
        store.participant(fresh_db, workshop, ghost_token)
    with pytest.raises(store.NotFound):  # twice, or someone of another workshop
        store.remove_participant(fresh_db, workshop, ghost["id"])


def test_a_workshop_nobody_answered_cannot_close_and_is_cancelled_without_a_result(fresh_db, room, content):
    _fay, org, workshop = room
    store.join_workshop(fresh_db, workshop)  # joined, answered nothing
    with pytest.raises(store.NothingToClose):
        _close(fresh_db, content, workshop)
    store.cancel_workshop(fresh_db, workshop)
    cancelled = store.get_workshop(fresh_db, org, workshop["id"])
    assert cancelled["status"] == "closed" and cancelled["cancelled"] and cancelled["snapshot_id"] is None
    assert fresh_db.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 0
    assert store.org_assessments(fresh_db, org) == []
    assert store.reopen_deadline(cancelled) is None
    with pytest.raises(store.AssessmentClosed):
        _close(fresh_db, content, cancelled)


def test_a_workshop_with_answers_is_closed_not_cancelled(fresh_db, room):
    _fay, org, workshop = room
    person = store.participant(fresh_db, workshop, store.join_workshop(fresh_db, workshop))
    store.save_answers(fresh_db, person["id"], {"governance.intake_criteria": None})  # don't know is an answer
    with pytest.raises(store.WorkshopHasAnswers):
        store.cancel_workshop(fresh_db, workshop)
    assert store.get_workshop(fresh_db, org, workshop["id"])["status"] == "open"


def test_reopening_within_a_day_supersedes_the_result_and_lets_nobody_new_join(fresh_db, room, content):
    from datetime import timedelta

    fay, org, workshop = room
    person = store.participant(fresh_db, workshop, store.join_workshop(fresh_db, workshop))
    store.save_answers(fresh_db, person["id"], {"governance.intake_criteria": 2})
    first = _close(fresh_db, content, workshop)
    closed = store.get_workshop(fresh_db, org, workshop["id"])
    deadline = store.reopen_deadline(closed)
    with pytest.raises(store.CannotReopen):
        store.reopen_workshop(fresh_db, closed, now=deadline + timedelta(seconds=1))
    store.reopen_workshop(fresh_db, closed, now=deadline - timedelta(seconds=1))
    reopened = store.get_workshop(fresh_db, org, workshop["id"])
    assert reopened["status"] == "open" and reopened["snapshot_id"] == first
    with pytest.raises(store.AssessmentClosed):
        store.join_workshop(fresh_db, reopened)
    with pytest.raises(store.WorkshopHasAnswers):
        store.cancel_workshop(fresh_db, reopened)
    with pytest.raises(store.CannotReopen):  # an open workshop is not re-opened
        store.reopen_workshop(fresh_db, reopened, now=deadline - timedelta(seconds=1))
    store.set_consensus(fresh_db, workshop["id"], "governance.intake_criteria", 4, "", fay)
    second = _close(fresh_db, content, reopened)
    assert second != first
    reasons = [r[0] for r in fresh_db.execute("SELECT reason FROM snapshots ORDER BY id")]
    assert reasons == ["workshop closed", "workshop closed again after re-opening"]
    assert store.get_workshop(fresh_db, org, workshop["id"])["snapshot_id"] == second


def test_a_second_round_keeps_its_own_votes_one_round_open_at_a_time(fresh_db, room, content):
    _fay, _org, workshop = room
    people = [store.participant(fresh_db, workshop, store.join_workshop(fresh_db, workshop)) for _ in range(3)]
    for person, level in zip(people, (1, 1, 4)):
        store.save_answers(fresh_db, person["id"], {"governance.intake_criteria": level})
    first = store.open_round(fresh_db, workshop["id"], "governance.intake_criteria")
    with pytest.raises(store.RoundOpen):
        store.open_round(fresh_db, workshop["id"], "tools.adoption")
    assert store.open_round_of(fresh_db, workshop["id"])["id"] == first
    for person, level in zip(people, (3, 3, 3)):
        store.save_vote(fresh_db, workshop, first, person["id"], level)
    store.save_vote(fresh_db, workshop, first, people[2]["id"], None)  # changed to don't know
    assert store.vote_of(fresh_db, first, people[2]["id"]) == (True, None)
    store.remove_participant(fresh_db, workshop, people[1]["id"])
    store.close_round(fresh_db, workshop["id"], first)
    store.close_round(fresh_db, workshop["id"], first)  # twice changes nothing
    with pytest.raises(store.RoundClosed):
        store.save_vote(fresh_db, workshop, first, people[0]["id"], 5)
    again = store.open_round(fresh_db, workshop["id"], "governance.intake_criteria")
    rounds = store.rounds_with_votes(fresh_db, workshop["id"])
    assert [(r["question_id"], r["number"], r["votes"]) for r in rounds] == [
        ("governance.intake_criteria", 2, {people[0]["id"]: 3, people[2]["id"]: None}),
        ("governance.intake_criteria", 3, {})]
    assert store.responses_with_answers(fresh_db, workshop["assessment_id"])[0]["answers"] == {
        "governance.intake_criteria": 1}  # round one stays as answered
    with pytest.raises(store.NotFound):
        store.save_vote(fresh_db, workshop, again + 100, people[0]["id"], 3)
    _close(fresh_db, content, workshop)
    assert store.open_round_of(fresh_db, workshop["id"]) is None
