"""Store: units, periods and dates, the history of closed assessments, roadmap progress, and what
an assessment is re-scored from."""

from __future__ import annotations

from datetime import date

import pytest

from app import store
from app.service import compute_result
from tests.helpers import FULL_CONTEXT, new_user


@pytest.fixture
def acme(fresh_db):
    owner = new_user(fresh_db, "owner@example.org")
    return owner, store.create_org(fresh_db, "Acme", owner)


def closed_assessment(db, content, owner, org, *, period, assessed_on, unit_id=None, level=3,
                      context=FULL_CONTEXT) -> int:
    """An assessment of the organisation, answered at one level everywhere and submitted; its id."""
    questionnaire = content.default_questionnaire
    response_id = store.create_org_assessment(db, org, owner, questionnaire.id, questionnaire.version, period=period,
                                              assessed_on=assessed_on, unit_id=unit_id)
    store.save_context(db, response_id, context)
    store.save_answers(db, response_id, {q.id: level for q in questionnaire.questions()})
    store.submit_response(db, response_id,
                          lambda answers, ctx: compute_result(content, questionnaire.id, answers, ctx, None),
                          questionnaire_version=questionnaire.version, content_hash=content.hash)
    return store.response_by_id(db, response_id)["assessment_id"]


def test_quarters_are_labelled_by_year_and_quarter():
    assert [store.quarter_label(date(2026, m, 1)) for m in (1, 3, 4, 12)] == ["2026-Q1", "2026-Q1", "2026-Q2",
                                                                            "2026-Q4"]


def test_units_are_unique_per_organisation_and_listed_by_name(fresh_db, acme):
    owner, org = acme
    beta, alpha = store.create_unit(fresh_db, org, "beta"), store.create_unit(fresh_db, org, " Alpha  unit ")
    assert store.units(fresh_db, org) == [{"id": alpha, "name": "Alpha unit"}, {"id": beta, "name": "beta"}]
    with pytest.raises(store.DuplicateUnit) as refused:
        store.create_unit(fresh_db, org, "beta")
    assert refused.value.name == "beta"
    with pytest.raises(store.InvalidName) as refused:
        store.create_unit(fresh_db, org, "x" * 81)
    assert refused.value.limit == 80
    other = store.create_org(fresh_db, "Other", owner)
    store.create_unit(fresh_db, other, "beta")  # another organisation may use the name
    with pytest.raises(store.NotFound):
        store.unit_of_org(fresh_db, other, alpha)


@pytest.mark.parametrize("period, assessed_on, failure", [
    ("", "2026-01-01", store.InvalidPeriod), ("2026-Q1", "next week", store.InvalidDate),
    ("2026-Q1", "", store.InvalidDate),
])
def test_assessment_details_need_a_period_and_a_date(fresh_db, acme, period, assessed_on, failure):
    owner, org = acme
    response_id = store.create_org_assessment(fresh_db, org, owner, "pmo-maturity", "1.0")
    assessment = store.response_by_id(fresh_db, response_id)["assessment_id"]
    with pytest.raises(failure):
        store.set_assessment_details(fresh_db, org, assessment, period=period, assessed_on=assessed_on, unit_id=None)
    store.set_assessment_details(fresh_db, org, assessment, period="2026-Q1", assessed_on="2026-01-01", unit_id=None)
    with pytest.raises(store.NotFound):
        store.set_assessment_details(fresh_db, org + 1, assessment, period="2026-Q1", assessed_on="2026-01-01",
                                     unit_id=None)


def test_history_lists_closed_assessments_oldest_first_by_unit(fresh_db, acme, content):
    owner, org = acme
    unit = store.create_unit(fresh_db, org, "North")
    later = closed_assessment(fresh_db, content, owner, org, period="2026-Q2", assessed_on="2026-05-01", level=4)
    earlier = closed_assessment(fresh_db, content, owner, org, period="2026-Q1", assessed_on="2026-02-01", level=2)
    north = closed_assessment(fresh_db, content, owner, org, period="2026-Q1", assessed_on="2026-02-02", unit_id=unit)
    store.create_org_assessment(fresh_db, org, owner, "pmo-maturity", "1.0")  # open: not history
    assert [r["id"] for r in store.history(fresh_db, org, "all")] == [earlier, north, later]
    assert [r["id"] for r in store.history(fresh_db, org, None)] == [earlier, later]
    assert [r["id"] for r in store.history(fresh_db, org, unit)] == [north]
    row = store.history(fresh_db, org, None)[0]
    assert row["period"] == "2026-Q1" and row["summary"]["overall"] == 2.0


def test_the_generation_changes_with_anything_a_dashboard_shows(fresh_db, acme, content):
    owner, org = acme
    seen = {store.generation(fresh_db, org)}
    assessment = closed_assessment(fresh_db, content, owner, org, period="2026-Q1", assessed_on="2026-02-01")
    assert store.generation(fresh_db, org) not in seen
    seen.add(store.generation(fresh_db, org))
    for change in (lambda: store.create_unit(fresh_db, org, "North"),
                   lambda: store.rename_org(fresh_db, org, "Acme Group"),
                   lambda: store.set_assessment_details(fresh_db, org, assessment, period="2026-Q2",
                                                        assessed_on="2026-04-01", unit_id=None),
                   lambda: store.set_progress(fresh_db, org, "x", "started", user_id=owner)):
        before = store.generation(fresh_db, org)
        change()
        assert store.generation(fresh_db, org) != before
        seen.add(store.generation(fresh_db, org))
    assert len(seen) == 6


def test_progress_is_recorded_per_item_and_unit_and_replaced(fresh_db, acme):
    owner, org = acme
    store.set_progress(fresh_db, org, "governance.intake", "started", due_on="2026-03-01", owner="  Ana  Lopes ",
                       user_id=owner)
    store.set_progress(fresh_db, org, "governance.intake", "done", due_on="2026-03-01", done_on="2026-04-01",
                       owner="Ana", note=" went  live ", user_id=owner)
    store.set_progress(fresh_db, org, "governance.intake", "planned", user_id=owner, unit_key=7, owner="Bo")
    whole = store.progress(fresh_db, org)
    assert {k: (v["status"], v["due_on"], v["done_on"], v["owner"], v["note"]) for k, v in whole.items()} == {
        "governance.intake": ("done", "2026-03-01", "2026-04-01", "Ana", "went live")}
    assert store.progress(fresh_db, org, 7)["governance.intake"]["status"] == "planned"
    with pytest.raises(store.UnknownStatus):
        store.set_progress(fresh_db, org, "x", "finished", user_id=owner)
    with pytest.raises(store.InvalidDate):
        store.set_progress(fresh_db, org, "x", "done", done_on="soon", user_id=owner)
    with pytest.raises(store.ReasonNeeded):
        store.set_progress(fresh_db, org, "x", "dropped", note=" ", user_id=owner)
    assert set(store.progress(fresh_db, org)) == {"governance.intake"}


def test_save_progress_keeps_all_or_nothing(fresh_db, acme):
    owner, org = acme
    good = {"item_id": "a", "status": "done", "done_on": "2026-04-01"}
    with pytest.raises(store.InvalidProgressDate) as refused:
        store.save_progress(fresh_db, org, [good, {"item_id": "b", "status": "started", "due_on": "2026-13-01"}],
                            user_id=owner)
    assert refused.value.item_id == "b"
    assert store.progress(fresh_db, org) == {}
    dropped = {"item_id": "b", "status": "dropped", "note": "No budget this year"}
    assert store.save_progress(fresh_db, org, [good, dropped], user_id=owner) == 2
    assert {k: v["status"] for k, v in store.progress(fresh_db, org).items()} == {"a": "done", "b": "dropped"}


def test_save_progress_writes_only_what_changed(fresh_db, acme):
    owner, org = acme
    first = [{"item_id": "a", "status": "started", "owner": "Ana"}, {"item_id": "b", "status": "planned"}]
    assert store.save_progress(fresh_db, org, first, user_id=owner) == 1  # b: nothing to record
    stamp = store.progress(fresh_db, org)["a"]["updated_at"]
    assert store.save_progress(fresh_db, org, first, user_id=owner) == 0
    assert store.progress(fresh_db, org)["a"]["updated_at"] == stamp
    assert store.save_progress(fresh_db, org, [{**first[0], "note": "halfway"}], user_id=owner) == 1
    assert store.progress(fresh_db, org)["a"]["note"] == "halfway"


def test_the_progress_migration_splits_the_old_date_into_due_and_done(tmp_path):
    db = store.open_db(tmp_path / "old.sqlite3")
    store.migrations.apply(db, stop_before="m011_progress_detail")
    user = store.create_user(db, "a@example.org", "a perfectly long test passphrase", password_method="pbkdf2:sha256:1")
    org = store.create_org(db, "Acme", user)
    assert org == 1
    for item, status, day in (("a", "done", "2026-02-01"), ("b", "started", "2026-03-01"), ("c", "planned", None)):
        db.execute("INSERT INTO roadmap_progress (org_id, unit_key, item_id, status, on_date, owner, updated_at) "
                   "VALUES (1, 0, ?, ?, ?, 'Ana', '2026-01-05')", [item, status, day])
    db.conn.commit()
    store.migrate(db)
    got = {k: (v["status"], v["due_on"], v["done_on"], v["owner"]) for k, v in store.progress(db, 1).items()}
    assert got == {"a": ("done", None, "2026-02-01", "Ana"), "b": ("started", "2026-03-01", None, "Ana"),
                   "c": ("planned", None, None, "Ana")}


def test_a_workshop_starts_from_the_latest_profile(fresh_db, acme, content):
    owner, org = acme
    assert store.latest_context(fresh_db, org) == {}
    closed_assessment(fresh_db, content, owner, org, period="2026-Q2", assessed_on="2026-05-01",
                      context={**FULL_CONTEXT, "org_size": "enterprise"})
    closed_assessment(fresh_db, content, owner, org, period="2026-Q1", assessed_on="2026-02-01")
    assert store.latest_context(fresh_db, org)["org_size"] == "enterprise"


def test_rescoring_reads_the_answers_notes_and_kept_target(fresh_db, acme, content):
    owner, org = acme
    assessment = closed_assessment(fresh_db, content, owner, org, period="2026-Q1", assessed_on="2026-02-01", level=2)
    response_id = store.first_response(fresh_db, org, assessment)["id"]
    with store.transaction(fresh_db):
        fresh_db.execute("INSERT INTO notes (response_id, dimension, text, updated_at) VALUES (?, 'tools', 'n', 'now')",
                         [response_id])
    snapshot = store.load_snapshot(fresh_db, store.response_by_id(fresh_db, response_id)["snapshot_id"])
    store.replace_snapshot(fresh_db, assessment, snapshot["result"], {}, reason="target changed",
                           questionnaire_version="1", content_hash="h", target={"tools": 5})
    inputs = store.assessment_inputs(fresh_db, assessment)
    assert inputs["kind"] == "self" and inputs["context"] == FULL_CONTEXT and inputs["notes"] == {"tools": "n"}
    assert set(inputs["answers"].values()) == {2} and inputs["target"] == {"tools": 5}
    with pytest.raises(store.NotFound):
        store.assessment_inputs(fresh_db, 404)
