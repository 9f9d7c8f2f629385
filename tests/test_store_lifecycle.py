"""Store: deleting to the trash, restoring, purging for good (with a walk over every table), and
retention. The audit log's append-only trigger is here too."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app import store
from tests.helpers import new_user
from tests.lifecycle_helpers import MARKER, NOTE, Client, build_client, visible


@pytest.fixture
def client_org(fresh_db, content, questionnaire) -> Client:
    return build_client(fresh_db, content, questionnaire)


# --------------------------------------------------------------------------
# What a deletion takes, said the way people read it
# --------------------------------------------------------------------------


@pytest.mark.parametrize("counts, said", [
    ({"units": 2, "assessments": 14, "workshops": 3, "participants": 61},
     "2 units, 14 assessments, 3 workshops with 61 participants' answers"),
    ({"assessments": 1}, "1 assessment"),
    ({"assessments": 0, "workshops": 1, "participants": 1}, "0 assessments, 1 workshop with 1 participant's answers"),
    ({"units": 1, "assessments": 2, "progress": 1}, "1 unit, 2 assessments, 1 roadmap progress record"),
])
def test_a_deletion_says_exactly_what_goes(counts, said):
    assert store.describe(counts) == said


def test_the_counts_of_each_kind_of_deletion(fresh_db, client_org):
    c = client_org  # the participant the facilitator removed still has answers stored: they go too
    assert store.contents(fresh_db, c.org, "organisation", c.org) == {
        "assessments": 2, "workshops": 1, "participants": 4, "units": 1, "progress": 3}
    assert store.contents(fresh_db, c.org, "unit", c.unit) == {
        "assessments": 1, "workshops": 0, "participants": 0, "units": 1, "progress": 1}
    assert store.contents(fresh_db, c.org, "workshop", c.workshop) == {
        "assessments": 0, "workshops": 1, "participants": 4}


# --------------------------------------------------------------------------
# Delete and restore
# --------------------------------------------------------------------------


def test_a_deleted_assessment_vanishes_everywhere_and_comes_back_on_restore(fresh_db, client_org):
    c = client_org
    before = visible(fresh_db, c.org)
    key = store.generation(fresh_db, c.org)
    trash_id = store.delete(fresh_db, c.org, "assessment", c.org_assessment, c.owner)
    after = visible(fresh_db, c.org)
    assert c.org_assessment in before["assessments"] and c.org_assessment in before["history"]
    assert c.org_assessment not in after["assessments"] and c.org_assessment not in after["history"]
    assert store.generation(fresh_db, c.org) != key  # cached dashboards are rebuilt
    with pytest.raises(store.NotFound):
        store.first_response(fresh_db, c.org, c.org_assessment)
    assert [(t["kind"], t["label"], t["contents"]) for t in store.trash_of(fresh_db, c.org)] == [
        ("assessment", f"{MARKER} Q1", "1 assessment")]
    store.restore(fresh_db, trash_id, c.owner)
    assert visible(fresh_db, c.org) == before and store.trash_of(fresh_db, c.org) == []


def test_a_workshop_goes_with_its_assessment_and_its_join_code_stops_working(fresh_db, client_org):
    c = client_org
    code = store.get_workshop(fresh_db, c.org, c.workshop)["join_code"]
    store.delete(fresh_db, c.org, "assessment", c.workshop_assessment, c.owner)  # the workshop's assessment
    assert store.trash_of(fresh_db, c.org)[0]["kind"] == "workshop"
    assert visible(fresh_db, c.org)["workshops"] == []
    assert c.workshop_assessment not in visible(fresh_db, c.org)["history"]
    for lookup in (lambda: store.workshop_by_code(fresh_db, code), lambda: store.get_workshop(fresh_db, c.org, c.workshop)):
        with pytest.raises(store.NotFound):
            lookup()


def test_a_unit_goes_with_its_assessments_and_a_restore_needs_the_unit_back_first(fresh_db, client_org):
    c = client_org
    alone = store.delete(fresh_db, c.org, "assessment", c.unit_assessment, c.owner)
    unit_entry = store.delete(fresh_db, c.org, "unit", c.unit, c.owner)
    assert visible(fresh_db, c.org)["units"] == []
    with pytest.raises(store.InTrash):
        store.restore(fresh_db, alone, c.owner)
    store.restore(fresh_db, unit_entry, c.owner)
    assert visible(fresh_db, c.org)["units"] == [c.unit]
    assert c.unit_assessment not in visible(fresh_db, c.org)["history"]  # deleted on its own: still in the trash
    store.restore(fresh_db, alone, c.owner)
    assert c.unit_assessment in visible(fresh_db, c.org)["history"]


def test_a_deleted_organisation_is_gone_for_every_member_until_restored(fresh_db, client_org):
    c = client_org
    trash_id = store.delete(fresh_db, c.org, "organisation", c.org, c.owner)
    assert store.membership(fresh_db, c.org, c.owner) is None
    assert store.orgs_of_user(fresh_db, c.owner) == []
    with pytest.raises(store.NotFound):
        store.get_org(fresh_db, c.org)
    assert [o["label"] for o in store.deleted_orgs(fresh_db, c.owner)] == [MARKER]
    member = [m["id"] for m in store.members(fresh_db, c.org) if m["role"] == "member"][0]
    assert store.deleted_orgs(fresh_db, member) == []  # only owners restore
    store.restore(fresh_db, trash_id, c.owner)
    assert store.membership(fresh_db, c.org, c.owner) == "owner"


# --------------------------------------------------------------------------
# Purge: nothing left behind, checked over every table of the schema
# --------------------------------------------------------------------------


def _tables(db) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                     "AND name NOT LIKE 'sqlite_%'")]


def _rows_of_org(db, org: int) -> dict[str, set]:
    """The ids of every row of the organisation, by table (rows found through their references)."""
    ids = {"organisations": {org}}
    for _ in range(4):  # follow references down: units, assessments, responses, snapshots, workshops ...
        for table in _tables(db):
            for fk in db.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
                parent, column = fk[2], fk[3]
                if parent in ids and parent != "users" and column != "trash_id":
                    found = {r[0] for r in db.execute(f'SELECT rowid FROM "{table}" WHERE "{column}" IN '
                                                      f'(SELECT value FROM json_each(?))', [json.dumps(sorted(ids[parent]))])
                             } if "WITHOUT ROWID" not in _sql(db, table) else set()
                    if found:
                        ids.setdefault(table, set()).update(found)
    return ids


def _sql(db, table: str) -> str:
    return db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0].upper()


def references_to(db, ids: dict[str, set]) -> list[str]:
    """Every row of every table that refers to one of these rows, by foreign key or by an *_id/org_id column."""
    found = []
    for table in _tables(db):
        columns = [r[1] for r in db.execute(f'PRAGMA table_info("{table}")')]
        targets = {fk[3]: fk[2] for fk in db.execute(f'PRAGMA foreign_key_list("{table}")')}
        # By convention too: an org_id or assessment_id column without a declared key (the audit log).
        for column in columns:
            stem = column[:-3] if column.endswith("_id") else None
            if column not in targets and stem and stem not in ("actor", "object", "trash"):
                targets[column] = {"org": "organisations", "unit": "units", "assessment": "assessments",
                                   "response": "responses", "workshop": "workshops", "snapshot": "snapshots"}.get(stem)
        for column, parent in targets.items():
            if parent in ids and parent != "users":
                count = db.execute(f'SELECT count(*) FROM "{table}" WHERE "{column}" IN (SELECT value FROM json_each(?))',
                                   [json.dumps(sorted(ids[parent]))]).fetchone()[0]
                if count:
                    found.append(f"{table}.{column}: {count} row(s) refer to purged {parent}")
    return found


def test_purging_an_organisation_leaves_no_row_and_no_byte_of_it(fresh_db, content, questionnaire, client_org,
                                                                 tmp_path):
    c = client_org
    other = build_client(fresh_db, content, questionnaire, name="Other Client Ltd", email="other@example.org")
    store.delete(fresh_db, c.org, "assessment", c.org_assessment, c.owner)  # its own trash entry inside
    ids = _rows_of_org(fresh_db, c.org)
    assert {"units", "assessments", "responses", "snapshots", "workshops", "memberships", "trash"} <= set(ids) | {
        "memberships"}
    other_before = visible(fresh_db, other.org)
    trash_id = store.delete(fresh_db, c.org, "organisation", c.org, c.owner)
    removed = store.purge(fresh_db, trash_id, c.owner)
    assert removed["answers"] > 0 and removed["consensus"] == 1 and removed["roadmap_progress"] == 3
    assert removed["workshop_rounds"] == 1 and removed["round_votes"] == 3  # the room's second round, by its keys
    assert removed["account_links"] == 1  # the invitation nobody accepted

    assert references_to(fresh_db, ids) == []
    for table, rowids in ids.items():
        left = fresh_db.execute(f'SELECT count(*) FROM "{table}" WHERE rowid IN (SELECT value FROM json_each(?))',
                                [json.dumps(sorted(rowids))]).fetchone()[0]
        assert left == 0, f"{table} still holds {left} row(s) of the purged organisation"
    for leaf in ("answers", "notes", "consensus", "memberships", "roadmap_progress"):
        assert all(MARKER not in repr(row) for row in fresh_db.execute(f"SELECT * FROM {leaf}"))
    assert fresh_db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert visible(fresh_db, other.org) == other_before  # the other client is untouched

    backup = store.backup_database(fresh_db.conn.execute("PRAGMA database_list").fetchone()[2],
                                   tmp_path / "after-purge.sqlite3")
    fresh_db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = backup.path.read_bytes() + Path(
        fresh_db.conn.execute("PRAGMA database_list").fetchone()[2]).read_bytes()
    for secret in (MARKER, f"Zebracorn {NOTE}", "Pat of " + MARKER, "agreed at " + MARKER,
                   f"guest-{MARKER.split()[0].lower()}@example.org"):
        assert secret.encode() not in data, f"the backup still holds {secret!r}"
    assert b"Other Client Ltd" in data  # the search would find data that is there

    log = store.audit_entries(fresh_db)
    assert log[0]["action"] == "purged" and log[0]["label"] == f"organisation #{c.org}"
    assert all(e["org_id"] != c.org for e in log)
    assert [e["action"] for e in log if e["redacted"]] == ["deleted", "deleted"]  # kept, without its data


def test_purging_a_unit_takes_its_assessments_and_progress_only(fresh_db, client_org):
    c = client_org
    trash_id = store.delete(fresh_db, c.org, "unit", c.unit, c.owner)
    removed = store.purge(fresh_db, trash_id, c.owner)
    assert removed["units"] == 1 and removed["assessments"] == 1 and removed["roadmap_progress"] == 1
    assert store.progress(fresh_db, c.org) != {}  # the organisation's own progress stays
    assert c.org_assessment in visible(fresh_db, c.org)["history"]
    assert references_to(fresh_db, {"units": {c.unit}, "assessments": {c.unit_assessment}}) == []


def test_a_purged_entry_cannot_be_restored_or_purged_again(fresh_db, client_org):
    c = client_org
    trash_id = store.delete(fresh_db, c.org, "workshop", c.workshop, c.owner)
    store.purge(fresh_db, trash_id, c.owner)
    for again in (store.restore, store.purge):
        with pytest.raises(store.NotFound):
            again(fresh_db, trash_id, c.owner)


# --------------------------------------------------------------------------
# Retention
# --------------------------------------------------------------------------


def _age(db, table: str, column: str, row_id: int, days: int) -> None:
    when = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    db.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", [when, row_id])
    db.conn.commit()


def test_retention_purges_exactly_what_is_due(fresh_db, client_org, questionnaire):
    c = client_org
    old_anonymous = store.create_self_assessment(fresh_db, questionnaire.id, questionnaire.version)[0]
    new_anonymous = store.create_self_assessment(fresh_db, questionnaire.id, questionnaire.version)[0]
    old_attached = store.create_self_assessment(fresh_db, questionnaire.id, questionnaire.version)[0]
    ids = {r: store.response_by_id(fresh_db, r)["assessment_id"] for r in (old_anonymous, new_anonymous, old_attached)}
    for response in (old_anonymous, new_anonymous):  # answered: their retention, not the never-answered day
        store.save_answers(fresh_db, response, {questionnaire.questions()[0].id: 3})
    store.attach_assessment(fresh_db, ids[old_attached], c.org)
    for response in (old_anonymous, old_attached):
        _age(fresh_db, "assessments", "created_at", ids[response], 181)
    _age(fresh_db, "assessments", "created_at", ids[new_anonymous], 179)
    old_trash = store.delete(fresh_db, c.org, "assessment", c.org_assessment, c.owner)
    new_trash = store.delete(fresh_db, c.org, "unit", c.unit, c.owner)
    _age(fresh_db, "trash", "deleted_at", old_trash, 31)
    _age(fresh_db, "trash", "deleted_at", new_trash, 29)
    _age(fresh_db, "workshops", "closed_at", c.workshop, 91)
    snapshot = store.get_workshop(fresh_db, c.org, c.workshop)["snapshot_id"]

    assert store.purge_due(fresh_db) == {"trash_entries": 1, "anonymous_self_assessments": 1, "never_answered": 0,
                                         "workshops_answers": 1}
    remaining = {r[0] for r in fresh_db.execute("SELECT id FROM assessments")}
    assert ids[old_anonymous] not in remaining and {ids[new_anonymous], ids[old_attached]} <= remaining
    assert c.org_assessment not in remaining and c.unit_assessment in remaining
    assert [t["id"] for t in store.trash_of(fresh_db, c.org)] == [new_trash]
    people = store.responses_with_answers(fresh_db, c.workshop_assessment)
    assert len(people) == 3 and all(p["answers"] == {} and p["display_name"] is None for p in people)
    rounds = store.rounds_with_votes(fresh_db, c.workshop)
    assert len(rounds) == 1 and fresh_db.execute(  # the round stays, its individual votes go
        "SELECT count(*) FROM round_votes v JOIN workshop_rounds r ON r.id = v.round_id WHERE r.workshop_id = ?",
        [c.workshop]).fetchone()[0] == 0
    assert store.load_snapshot(fresh_db, snapshot)["result"]["workshop"]["participants"] == 3  # the aggregate stays
    assert store.purge_due(fresh_db) == {"trash_entries": 0, "anonymous_self_assessments": 0, "never_answered": 0,
                                         "workshops_answers": 0}  # idempotent


def test_retention_settings_are_checked_and_used(fresh_db, questionnaire):
    assert store.retention(fresh_db) == {"anonymous_days": 180, "workshop_answers_days": 90}
    for bad in ("0", "ten", "3651", "-5"):
        with pytest.raises(store.InvalidRetention):
            store.set_retention(fresh_db, {"anonymous_days": bad}, None)
    assert store.set_retention(fresh_db, {"anonymous_days": " 10 "}, None)["anonymous_days"] == 10
    response = store.create_self_assessment(fresh_db, questionnaire.id, questionnaire.version)[0]
    _age(fresh_db, "assessments", "created_at", store.response_by_id(fresh_db, response)["assessment_id"], 11)
    assert store.purge_due(fresh_db)["anonymous_self_assessments"] == 1


# --------------------------------------------------------------------------
# The audit log is append-only
# --------------------------------------------------------------------------


def test_the_audit_log_refuses_edits_and_deletions(fresh_db, client_org):
    c = client_org
    store.delete(fresh_db, c.org, "workshop", c.workshop, c.owner)
    for sql in ("UPDATE audit_log SET actor_id = 999", "UPDATE audit_log SET label = 'forged'",
                "UPDATE audit_log SET action = 'restored'", "DELETE FROM audit_log",
                # a redaction takes data away and changes nothing else
                "UPDATE audit_log SET redacted = 1, label = 'forged', detail = ''",
                "UPDATE audit_log SET redacted = 1, label = '', detail = '', object_id = 999",
                "UPDATE audit_log SET redacted = 1, label = '', detail = '', org_id = org_id + 1"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            fresh_db.execute(sql)
    entry = store.audit_entries(fresh_db, c.org)[0]
    assert (entry["action"], entry["object_kind"], entry["label"], entry["actor"]) == (
        "deleted", "workshop", f"{MARKER} board workshop", "owner@example.org")
    assert entry["detail"] == "0 assessments, 1 workshop with 4 participants' answers"


def test_purging_an_assessment_keeps_the_reassessment_that_started_from_it(fresh_db, client_org):
    """A link between rows of one table (a re-assessment's previous one) is cleared, not followed."""
    c = client_org
    fresh_db.execute("UPDATE assessments SET previous_id = ? WHERE id = ?", [c.org_assessment, c.unit_assessment])
    fresh_db.conn.commit()
    trash_id = store.delete(fresh_db, c.org, "assessment", c.org_assessment, c.owner)
    store.purge(fresh_db, trash_id, c.owner)
    assert fresh_db.execute("SELECT previous_id FROM assessments WHERE id = ?",
                            [c.unit_assessment]).fetchone() == (None,)
    assert references_to(fresh_db, {"assessments": {c.org_assessment}}) == []


def test_a_deleted_account_s_api_tokens_are_revoked(fresh_db):
    user = new_user(fresh_db, "leaver@example.org", role="facilitator")
    new_user(fresh_db, "admin@example.org", role="admin")
    store.create_token(fresh_db, user, "Power BI", "read")
    store.delete_user(fresh_db, user)
    assert [t["revoked_at"] is not None for t in store.tokens_of(fresh_db, user)] == [True]
