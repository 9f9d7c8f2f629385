"""Store: self-assessments and their answers, notes, profile and step; frozen snapshots."""

from __future__ import annotations

import sqlite3

import pytest

from app import store
from app.service import compute_result
from tests.helpers import FULL_CONTEXT, new_user


@pytest.fixture
def response(fresh_db):
    response_id, token = store.create_self_assessment(fresh_db, "pmo-maturity", "1.0", title="Ours")
    return response_id, token


def compute_with(content):
    return lambda answers, context: compute_result(content, content.default_questionnaire.id, answers, context, None)


def test_a_private_token_opens_its_response_and_nothing_else(fresh_db, response):
    response_id, token = response
    opened = store.response_by_token(fresh_db, token)
    assert (opened["id"], opened["title"], opened["status"], opened["context"], opened["target"]) == (
        response_id, "Ours", "in_progress", {}, {})
    assert store.response_by_id(fresh_db, response_id)["id"] == response_id
    for wrong in ("", token[:-1], "x" * 201):
        with pytest.raises(store.NotFound):
            store.response_by_token(fresh_db, wrong)
    with pytest.raises(store.NotFound):
        store.response_by_id(fresh_db, response_id + 1)


def test_the_profile_merges_and_the_step_is_remembered(fresh_db, response):
    response_id, token = response
    store.save_context(fresh_db, response_id, {"org_size": "large", "regulated": True}, step="context")
    store.save_context(fresh_db, response_id, {"org_size": "small"})
    store.set_step(fresh_db, response_id, "tools")
    opened = store.response_by_token(fresh_db, token)
    assert opened["context"] == {"org_size": "small", "regulated": True} and opened["step"] == "tools"


def test_notes_are_kept_trimmed_and_cleared_when_empty(fresh_db, response):
    response_id, _token = response
    store.save_note(fresh_db, response_id, "tools", "  Nobody owns the tool.  ")
    store.save_note(fresh_db, response_id, "governance", "x" * 3000)
    assert store.load_notes(fresh_db, response_id) == {"tools": "Nobody owns the tool.", "governance": "x" * 2000}
    store.save_note(fresh_db, response_id, "tools", "   ")
    assert set(store.load_notes(fresh_db, response_id)) == {"governance"}


def test_answers_are_counted_and_dont_know_is_kept_as_none(fresh_db, response):
    response_id, _token = response
    assert store.save_answers(fresh_db, response_id, {"tools.adoption": 2, "tools.integration": None}) == 2
    assert store.count_answers(fresh_db, response_id) == 2
    assert store.load_answers(fresh_db, response_id) == {"tools.adoption": 2, "tools.integration": None}


def test_submitting_closes_the_assessment_with_its_period_and_nothing_changes_after(fresh_db, response, content):
    response_id, token = response
    store.save_context(fresh_db, response_id, FULL_CONTEXT)
    snapshot_id = store.submit_response(fresh_db, response_id, compute_with(content), questionnaire_version="1.0",
                                        content_hash="h1")
    opened = store.response_by_token(fresh_db, token)
    assert (opened["status"], opened["assessment_status"], opened["snapshot_id"]) == ("submitted", "closed", snapshot_id)
    for change in (lambda: store.save_context(fresh_db, response_id, {"org_size": "small"}),
                   lambda: store.save_note(fresh_db, response_id, "tools", "late"),
                   lambda: store.save_answers(fresh_db, response_id, {"tools.adoption": 5})):
        with pytest.raises(store.AssessmentClosed):
            change()
    assert store.response_by_token(fresh_db, token)["context"] == FULL_CONTEXT


def test_a_new_snapshot_keeps_the_old_one_and_the_target(fresh_db, response, content):
    response_id, token = response
    store.save_context(fresh_db, response_id, FULL_CONTEXT)
    first = store.submit_response(fresh_db, response_id, compute_with(content), questionnaire_version="1.0",
                                  content_hash="h1")
    assessment = store.response_by_token(fresh_db, token)["assessment_id"]
    old = store.load_snapshot(fresh_db, first)
    second = store.replace_snapshot(fresh_db, assessment, old["result"], {}, reason="target changed",
                                    questionnaire_version="1.0", content_hash="h2", target={"tools": 4})
    assert second != first
    assert store.response_by_token(fresh_db, token)["snapshot_id"] == second
    assert store.response_by_token(fresh_db, token)["target"] == {"tools": 4}
    assert [(s["id"], s["reason"]) for s in store.snapshots_of(fresh_db, assessment)] == [
        (first, "submitted"), (second, "target changed")]
    assert store.load_snapshot(fresh_db, first)["result"] == old["result"]
    with pytest.raises(store.NotFound):
        store.load_snapshot(fresh_db, 404)


def test_an_organisations_assessment_has_a_status_and_a_first_response(fresh_db):
    owner = new_user(fresh_db, "owner@example.org")
    org, other = store.create_org(fresh_db, "Acme", owner), store.create_org(fresh_db, "Other", owner)
    response_id = store.create_org_assessment(fresh_db, org, owner, "pmo-maturity", "1.0", period="2026-Q1",
                                              assessed_on="2026-02-01")
    assessment = store.response_by_id(fresh_db, response_id)["assessment_id"]
    assert store.assessment_status(fresh_db, org, assessment) == "open"
    assert store.first_response(fresh_db, org, assessment) == {"id": response_id, "status": "in_progress"}
    for lookup in (store.assessment_status, store.first_response):
        with pytest.raises(store.NotFound):
            lookup(fresh_db, other, assessment)


def test_an_assessment_for_a_unit_of_another_organisation_is_not_created(fresh_db):
    owner = new_user(fresh_db, "owner@example.org")
    org, other = store.create_org(fresh_db, "Acme", owner), store.create_org(fresh_db, "Other", owner)
    their_unit = store.create_unit(fresh_db, other, "Theirs")
    with pytest.raises(store.NotFound):
        store.create_org_assessment(fresh_db, org, owner, "pmo-maturity", "1.0", unit_id=their_unit)
    assert store.org_assessments(fresh_db, org) == []


def test_answers_are_upserted_one_row_per_question(fresh_db):
    response_id, _token = store.create_self_assessment(fresh_db, "pmo-maturity", "1.0")
    store.save_answers(fresh_db, response_id, {"tools.adoption": 2, "tools.integration": None})
    store.save_answers(fresh_db, response_id, {"tools.adoption": 4})
    store.save_answers(fresh_db, response_id, {"tools.adoption": 4})
    assert store.load_answers(fresh_db, response_id) == {"tools.adoption": 4, "tools.integration": None}
    assert fresh_db.execute("SELECT count(*) FROM answers").fetchone()[0] == 2


def test_database_rejects_a_level_outside_one_to_five(fresh_db):
    response_id, _token = store.create_self_assessment(fresh_db, "pmo-maturity", "1.0")
    with pytest.raises(sqlite3.IntegrityError):
        store.save_answers(fresh_db, response_id, {"tools.adoption": 7})
    assert store.load_answers(fresh_db, response_id) == {}


def test_submit_freezes_once_and_blocks_later_changes(fresh_db, content):
    from app.engine import run_assessment

    response_id, _token = store.create_self_assessment(fresh_db, "pmo-maturity", "1.0")
    store.save_answers(fresh_db, response_id, {"tools.adoption": 3})
    calls = []

    def compute(answers, context):
        calls.append(answers)
        return run_assessment(content, answers, context), {"radar": {"data": []}}

    first = store.submit_response(fresh_db, response_id, compute, questionnaire_version="1.0", content_hash="h")
    second = store.submit_response(fresh_db, response_id, compute, questionnaire_version="1.0", content_hash="h")
    assert first == second and len(calls) == 1
    assert store.load_snapshot(fresh_db, first)["result"]["answers"] == {"tools.adoption": 3}
    with pytest.raises(store.AssessmentClosed):
        store.save_answers(fresh_db, response_id, {"tools.adoption": 5})
    assert store.load_answers(fresh_db, response_id) == {"tools.adoption": 3}
