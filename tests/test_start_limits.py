"""Issue 23: stand-alone self-assessments cannot be made without bound (300 in 5 s, each kept 180 days):
/start is limited per address, and the never-answered ones are purged after a day."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app import create_app, store
from tests.helpers import opened, query, visible_text

OFFICE = {"REMOTE_ADDR": "203.0.113.40"}


def start(client, environ=OFFICE):
    client.get("/")  # the home page's form carries the CSRF token
    return client.post("/start", data={"csrf_token": csrf_of(client)}, environ_base=environ)


def csrf_of(client) -> str:
    from tests.helpers import CSRF_META
    return CSRF_META.search(client.get("/").text).group(1)


def standalone(app) -> int:
    return query(app, "SELECT count(*) FROM assessments WHERE org_id IS NULL AND kind = 'self'")[0][0]


def test_starts_from_one_address_stop_at_the_hourly_limit(make_app, tmp_path):
    app = make_app(tmp_path / "starts.sqlite3", START_LIMIT_PER_HOUR=3)
    client = app.test_client()
    assert [start(client).status_code for _ in range(3)] == [302] * 3
    refused = start(client)
    assert refused.status_code == 429
    assert "Too many new self-assessments were started from your network" in visible_text(refused.text)
    assert standalone(app) == 3  # the refused one made nothing
    assert start(app.test_client(), {"REMOTE_ADDR": "192.0.2.50"}).status_code == 302  # another network
    # An hour later the address may start again.
    with opened(app) as db:
        db.execute("UPDATE start_log SET at = at - 3601")
        db.conn.commit()
    assert start(client).status_code == 302


def test_the_default_limit(content, tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "default.sqlite3"), "SECRET_KEY": "x"},
                     content=content)
    assert app.config["START_LIMIT_PER_HOUR"] == 20


def test_never_answered_self_assessments_are_purged_after_a_day(app, questionnaire):
    first = questionnaire.questions()[0].id
    with opened(app) as db:
        made = {name: store.create_self_assessment(db, questionnaire.id, questionnaire.version)[0]
                for name in ("empty old", "empty new", "answered old", "profile old")}
        store.save_answers(db, made["answered old"], {first: 2})
        store.save_context(db, made["profile old"], {"org_size": "small"})
        ids = {name: store.response_by_id(db, r)["assessment_id"] for name, r in made.items()}
        day_ago = (datetime.now(timezone.utc) - timedelta(days=1, minutes=1)).isoformat(timespec="seconds")
        for name in ("empty old", "answered old", "profile old"):
            db.execute("UPDATE assessments SET created_at = ? WHERE id = ?", [day_ago, ids[name]])
        db.conn.commit()
        done = store.purge_due(db)
        left = {r[0] for r in db.execute("SELECT id FROM assessments")}
        (entry,) = store.audit_entries(db, action="retention_purged")
    assert done["never_answered"] == 1
    assert ids["empty old"] not in left and {ids["empty new"], ids["answered old"], ids["profile old"]} <= left
    assert entry["detail"] == "1 stand-alone self-assessments never answered, after 1 day"
    assert query(app, "SELECT count(*) FROM responses WHERE assessment_id = ?", [ids["empty old"]]) == [(0,)]


def test_the_purge_command_says_how_many_never_answered_went(app, runner, questionnaire):
    with opened(app) as db:
        response = store.create_self_assessment(db, questionnaire.id, questionnaire.version)[0]
        db.execute("UPDATE assessments SET created_at = '2020-01-01T00:00:00+00:00' WHERE id = ?",
                   [store.response_by_id(db, response)["assessment_id"]])
        db.conn.commit()
    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 anonymous self-assessment(s) older than 180 days, 0 never answered after 1 day" in result.output
