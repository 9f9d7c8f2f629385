"""Deleting, the trash, deleted organisations and the audit log through the pages: owners only,
confirmations that say what goes, and a member who is not an owner changes nothing."""

from __future__ import annotations

import re

import pytest

from app import service, store
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import CONTEXT_FORM, AuthActions, page_csrf, query, visible_text
from tests.world import BOB_NOTE, BOB_WORKSHOP, diff_dumps, dump_data, sign_in_admin


def post(client, path: str, **form):
    return client.post(path, data={"csrf_token": client.csrf, **form})


def history_ids(world) -> list[int]:
    db = world.db()
    try:
        return [r["id"] for r in store.history(db, world.org_b, "all")]
    finally:
        db.close()


def test_deleting_an_assessment_says_what_goes_and_the_trash_restores_it(world):
    bob, org = world.b.client, world.org_b
    page = bob.get(f"/orgs/{org}/assessments/{world.b_assessment}/delete")
    assert page.status_code == 200
    assert "This deletes 1 assessment." in visible_text(page.text)
    assert world.b_assessment in history_ids(world)
    assert post(bob, f"/orgs/{org}/assessments/{world.b_assessment}/delete").status_code == 302
    assert world.b_assessment not in history_ids(world)
    trash = bob.get(f"/orgs/{org}/trash")  # where the deletion leads, with its message
    assert "moved to the trash" in trash.text
    dashboard = bob.get(f"/orgs/{org}").text
    assert "Bob Q1" not in dashboard and "Bob Q2" in dashboard
    assert bob.get(f"/r/{world.b_token}/result").status_code == 404  # its link is gone too
    assert "Bob Q1" in visible_text(trash.text) and "1 assessment" in visible_text(trash.text)
    trash_id = int(re.search(r"/trash/(\d+)/restore", trash.text).group(1))
    assert post(bob, f"/orgs/{org}/trash/{trash_id}/restore").status_code == 302
    assert world.b_assessment in history_ids(world)
    assert "The trash is empty" in bob.get(f"/orgs/{org}/trash").text


def test_purge_now_deletes_a_trashed_unit_for_good(world):
    bob, org = world.b.client, world.org_b
    confirm = visible_text(bob.get(f"/orgs/{org}/units/{world.b_unit}/delete").text)
    assert "This deletes 1 unit, 0 assessments." in confirm
    post(bob, f"/orgs/{org}/units/{world.b_unit}/delete")
    trash_id = int(re.search(r"/trash/(\d+)/purge", bob.get(f"/orgs/{org}/trash").text).group(1))
    assert world.b_unit_name not in bob.get(f"/orgs/{org}").text
    purged = post(bob, f"/orgs/{org}/trash/{trash_id}/purge")
    assert purged.status_code == 302
    db = world.db()
    try:
        assert db.execute("SELECT count(*) FROM units WHERE id = ?", [world.b_unit]).fetchone()[0] == 0
        assert store.trash_of(db, org) == []
    finally:
        db.close()


def test_a_workshop_is_deleted_with_its_participants_answers(world):
    bob, org = world.b.client, world.org_b
    page = visible_text(bob.get(f"/orgs/{org}/workshops/{world.b_workshop}/delete").text)
    assert "This deletes 0 assessments, 1 workshop with 1 participant's answers." in page
    post(bob, f"/orgs/{org}/workshops/{world.b_workshop}/delete")
    assert bob.get(f"/orgs/{org}/workshops/{world.b_workshop}").status_code == 404
    assert world.app.test_client().get(f"/join/{world.b_workshop_code}").status_code == 404


def test_deleting_the_organisation_needs_its_name_typed(world):
    bob, org = world.b.client, world.org_b
    page = visible_text(bob.get(f"/orgs/{org}/delete").text)
    assert "1 unit, 3 assessments, 2 workshops with 2 participants' answers" in page
    assert "the memberships of 2 people" in page
    before = dump_data(world.app.config["DATABASE"])
    wrong = post(bob, f"/orgs/{org}/delete", name="Bobcat Bridges")
    assert wrong.status_code == 400 and "not the organisation's name" in visible_text(wrong.text)
    assert diff_dumps(before, dump_data(world.app.config["DATABASE"])) == []
    done = post(bob, f"/orgs/{org}/delete", name=world.org_b_name)
    assert done.status_code == 302 and done.location.endswith("/orgs/deleted")
    assert bob.get(f"/orgs/{org}").status_code == 404
    assert world.org_b_name not in visible_text(bob.get("/orgs").text)
    deleted = bob.get("/orgs/deleted").text
    assert world.org_b_name in visible_text(deleted)
    trash_id = int(re.search(r"/orgs/deleted/(\d+)/restore", deleted).group(1))
    # The admin is a member, not an owner: the deleted organisation is not theirs to restore.
    admin = sign_in_admin(world)
    assert world.org_b_name not in visible_text(admin.get("/orgs/deleted").text)
    assert post(admin, f"/orgs/deleted/{trash_id}/restore").status_code == 404
    assert post(bob, f"/orgs/deleted/{trash_id}/restore").status_code == 302
    assert bob.get(f"/orgs/{org}").status_code == 200


def test_a_member_who_is_not_an_owner_cannot_delete_restore_or_read_the_log(world):
    bob, org = world.b.client, world.org_b
    post(bob, f"/orgs/{org}/assessments/{world.b_assessment2}/delete")
    trash_id = int(re.search(r"/trash/(\d+)/restore", bob.get(f"/orgs/{org}/trash").text).group(1))
    admin = sign_in_admin(world)  # a plain member of Bob's organisation
    before = dump_data(world.app.config["DATABASE"])
    for path in (f"/orgs/{org}/delete", f"/orgs/{org}/assessments/{world.b_assessment}/delete",
                 f"/orgs/{org}/units/{world.b_unit}/delete", f"/orgs/{org}/workshops/{world.b_workshop}/delete",
                 f"/orgs/{org}/trash", f"/orgs/{org}/audit"):
        assert admin.get(path).status_code == 403, path
    for path in (f"/orgs/{org}/delete", f"/orgs/{org}/assessments/{world.b_assessment}/delete",
                 f"/orgs/{org}/units/{world.b_unit}/delete", f"/orgs/{org}/workshops/{world.b_workshop}/delete",
                 f"/orgs/{org}/trash/{trash_id}/restore", f"/orgs/{org}/trash/{trash_id}/purge"):
        assert post(admin, path, name=world.org_b_name).status_code == 403, path
    assert diff_dumps(before, dump_data(world.app.config["DATABASE"])) == []
    assert "Delete the organisation" not in admin.get(f"/orgs/{org}").text


def test_the_link_holder_deletes_a_stand_alone_self_assessment(app, client, respondent):
    respondent.fill_context()
    token = respondent.token
    page = client.get(f"/r/{token}/delete")
    assert page.status_code == 200 and "nobody else can restore it" in visible_text(page.text)
    stranger = app.test_client()
    stranger.csrf = page_csrf(stranger)
    assert stranger.get(f"/r/{token[:-1]}x/delete").status_code == 404
    assert client.post(f"/r/{token}/delete", data={"csrf_token": page_csrf(client)}).status_code == 302
    assert client.get(f"/r/{token}").status_code == 404
    assert query(app, "SELECT count(*) FROM assessments")[0][0] == 0
    assert query(app, "SELECT count(*) FROM responses")[0][0] == 0


def test_an_attached_self_assessment_is_deleted_by_the_organisations_owners(world):
    bob = world.b.client
    sent = bob.get(f"/r/{world.b_private_token}/delete")
    assert sent.status_code == 302
    assert sent.location.endswith(f"/orgs/{world.org_b}/assessments/{world.b_private_assessment}/delete")
    assert world.a.client.get(f"/r/{world.b_private_token}/delete").status_code == 404


def log_rows(html: str) -> list[str]:
    """The audit log table's rows, as read."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, flags=re.S)
    return [visible_text(r) for r in re.findall(r"<tr>.*?</tr>", body.group(1), flags=re.S)] if body else []


def test_the_audit_log_answers_who_deleted_what_and_when(world):
    bob, org = world.b.client, world.org_b
    post(bob, f"/orgs/{org}/workshops/{world.b_closed_workshop}/delete")
    log = bob.get(f"/orgs/{org}/audit")
    assert log.status_code == 200
    row = log_rows(log.text)[0]
    assert "bob@example.org Deleted workshop “Bob's board workshop (closed)”" in row
    assert log_rows(bob.get(f"/orgs/{org}/audit?action=restored").text) == []
    assert log_rows(bob.get(f"/orgs/{org}/audit?action=deleted&since=2020-01-01").text) == [row]
    assert log_rows(bob.get(f"/orgs/{org}/audit?action=deleted&until=2020-01-01").text) == []
    assert bob.get(f"/orgs/{org}/audit?since=yesterday").status_code == 400
    assert bob.get(f"/orgs/{org}/audit?action=forged").status_code == 400
    # Alice owns her own organisation: its log does not show Bob's deletion.
    assert not any("Deleted" in r for r in log_rows(world.a.client.get(f"/orgs/{world.org_a}/audit").text))
    admin = sign_in_admin(world)
    assert row in log_rows(admin.get("/admin/audit").text)
    assert world.a.client.get("/admin/audit").status_code == 403


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_no_route_edits_the_audit_log(world, method):
    bob = world.b.client
    post(bob, f"/orgs/{world.org_b}/assessments/{world.b_assessment}/delete")
    before = dump_data(world.app.config["DATABASE"])["audit_log"]
    for path in (f"/orgs/{world.org_b}/audit", "/admin/audit"):
        assert bob.open(path, method=method, headers={"X-CSRFToken": bob.csrf}).status_code == 405
    assert dump_data(world.app.config["DATABASE"])["audit_log"] == before


def test_the_purge_command_reports_what_it_removed(runner):
    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("purged 0 trash entries older than 30 days, 0 anonymous self-assessment(s)")


def test_the_audit_log_records_each_listed_action_without_answers_or_secrets(world):
    """Sign-in and its failures, membership, workshop steps, consensus, re-score, target, progress, export."""
    bob, org = world.b.client, world.org_b
    questionnaire = world.app.extensions["pmo_content"].default_questionnaire
    first = questionnaire.questions()[0].id
    targets = {f"target-{d}": "4" for d in DIMENSIONS}
    steps = [
        ("/orgs/%d/members" % org, {"email": world.a.email, "role": "member"}),
        (f"/orgs/{org}/members/{world.a.id}", {"action": "owner"}),
        (f"/orgs/{org}/members/{world.a.id}", {"action": "remove"}),
        (f"/orgs/{org}/workshops/new", {"title": "Audited workshop", "mode": "anonymous", "roles": "", **CONTEXT_FORM}),
        (f"/orgs/{org}/workshops/{world.b_workshop}/reveal", {"revealed": "1"}),
        (f"/orgs/{org}/workshops/{world.b_workshop}/consensus", {"question_id": first, "level": "3",
                                                                "note": "secret words of the room"}),
        (f"/orgs/{org}/workshops/{world.b_workshop}/consensus", {"question_id": first, "level": ""}),
        (f"/orgs/{org}/workshops/{world.b_workshop}/close", {"confirm": "yes"}),
        (f"/orgs/{org}/assessments/{world.b_assessment}/rescore", {}),
        (f"/r/{world.b_token}/target", targets),
        (f"/orgs/{org}/export", {}),
    ]
    for path, form in steps:
        answered = post(bob, path, **form)
        assert answered.status_code in (200, 302), (path, answered.status_code)
    db = world.db()
    try:  # Bob's latest result is at level 5 with nothing to improve: Alice records progress in hers
        latest = service.dashboard(db, world.app.extensions["pmo_content"], store.get_org(db, world.org_a),
                                   None)["latest"]
    finally:
        db.close()
    alice = world.a.client
    item = latest["summary"]["roadmap"][0]["id"]
    assert post(alice, f"/orgs/{world.org_a}/progress", **{f"status:{item}": "started",
                                                          f"note:{item}": "a private note"}).status_code == 302
    failed = world.app.test_client()
    AuthActions(failed).login(world.b.email, "not the password at all")
    AuthActions(failed).login("nobody@example.org", "typed-a-password-here")
    db = world.db()
    try:
        org_log = store.audit_entries(db, org)
        alices_log = store.audit_entries(db, world.org_a)
        server_log = store.audit_entries(db)
    finally:
        db.close()
    assert {e["action"] for e in org_log} >= {
        "member_added", "member_role_changed", "member_removed", "workshop_opened", "workshop_revealed",
        "consensus_set", "consensus_cleared", "workshop_closed", "rescored", "target_changed", "exported"}
    assert [(e["action"], e["actor"], e["detail"]) for e in alices_log] == [
        ("progress_updated", world.a.email, f"{latest['summary']['roadmap'][0]['title']}: started")]
    assert all(e["actor"] == world.b.email for e in org_log)
    closed = [e for e in org_log if e["action"] == "workshop_closed"][0]
    assert (closed["label"], closed["object_id"]) == (BOB_WORKSHOP, world.b_workshop)
    failures = [e for e in server_log if e["action"] == "sign_in_failed"]
    assert [(e["actor"], e["detail"]) for e in failures] == [
        ("system", "unknown email"), (world.b.email, "wrong password or inactive account")]
    assert "sign_in" in {e["action"] for e in server_log}
    text = repr(server_log)
    for secret in ("secret words of the room", "not the password at all", "typed-a-password-here",
                   "nobody@example.org", BOB_NOTE, "a private note"):
        assert secret not in text


def test_an_admin_deletes_an_account_and_its_work_stays_as_a_former_users(world):
    admin, org = sign_in_admin(world), world.org_a
    # Alice is the last owner of her organisation: refused until someone else owns it.
    page = admin.get(f"/admin/users/{world.a.id}/delete")
    assert page.status_code == 200 and world.org_a_name in visible_text(page.text)
    refused = post(admin, f"/admin/users/{world.a.id}/delete")
    assert refused.status_code == 400 and "last owner of Alice Analytics Ltd" in visible_text(refused.text)
    db = world.db()
    try:
        store.set_member(db, org, world.admin.id, "owner")
    finally:
        db.close()
    assert post(admin, f"/admin/users/{world.a.id}/delete").status_code == 302
    assert "was deleted" in admin.get("/admin/users").text  # the message, once
    assert world.a.email not in admin.get("/admin/users").text
    assert world.a.client.get("/orgs").status_code == 302  # her session ended
    assert AuthActions(world.app.test_client()).login(world.a.email).status_code == 400
    db = world.db()
    try:
        assert world.a_assessment in [a["id"] for a in store.org_assessments(db, org)]  # her work stays
        assert db.execute("SELECT count(*) FROM users WHERE email = ? OR name = 'Alice'",
                          [world.a.email]).fetchone()[0] == 0
        deletions = [e for e in store.audit_entries(db) if e["action"] in ("user_deleted", "sign_in")
                     and world.a.id in (e["actor_id"], e["object_id"])]
    finally:
        db.close()
    assert {e["actor"] for e in deletions if e["action"] == "sign_in"} == {"former user"}
    deleted = [e for e in deletions if e["action"] == "user_deleted"]
    assert [(e["actor"], e["object_id"]) for e in deleted] == [(world.admin.email, world.a.id)]  # who deleted it
    assert world.a.email not in repr(store_log(world))  # entries that named her by address are redacted
    assert world.a.client.get(f"/admin/users/{world.a.id}/delete").status_code in (302, 403, 404)
    assert admin.get(f"/admin/users/{world.a.id}/delete").status_code == 404  # deleted already
    # A deleted account cannot be brought back, given a role or a reset link.
    for path, form in ((f"/admin/users/{world.a.id}", {"action": "activate"}),
                       (f"/admin/users/{world.a.id}", {"action": "role", "role": "admin"}),
                       (f"/admin/users/{world.a.id}/reset-link", {})):
        assert post(admin, path, **form).status_code == 404, path
    assert query(world.app, "SELECT active, role FROM users WHERE id = ?", [world.a.id]) == [(0, "member")]


def store_log(world) -> list[dict]:
    db = world.db()
    try:
        return store.audit_entries(db)
    finally:
        db.close()


def test_retention_settings_are_for_admins_and_refuse_nonsense(world):
    admin = sign_in_admin(world)
    assert world.b.client.get("/admin/retention").status_code == 403
    page = admin.get("/admin/retention")
    assert page.status_code == 200 and 'value="180"' in page.text and 'value="90"' in page.text
    for nonsense in ("forever", "٣٠", "1_0", "-5", "3.5"):
        bad = post(admin, "/admin/retention", anonymous_days=nonsense, workshop_answers_days="30")
        assert bad.status_code == 400 and "whole number of days" in visible_text(bad.text), nonsense
    assert post(admin, "/admin/retention", anonymous_days="30", workshop_answers_days="7").status_code == 302
    db = world.db()
    try:
        assert store.retention(db) == {"anonymous_days": 30, "workshop_answers_days": 7}
    finally:
        db.close()
