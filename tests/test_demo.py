"""`flask --app app demo`: an organisation with units and six quarters computed through the engine."""

from __future__ import annotations

import json
import re
from datetime import date
from types import SimpleNamespace

import pytest

from app import store
from app.demo import DEMO_ORG, PEERS
from app.service import compute_result, org_benchmark
from tests.helpers import AuthActions, opened, query, visible_text
from tests.history_helpers import tables


DEMO_TABLES = ("organisations", "units", "assessments", "responses", "answers", "snapshots", "roadmap_progress",
               "users", "memberships")


@pytest.fixture(scope="module")
def demo(make_app, tmp_path_factory):
    """`flask --app app demo` run once on an empty database."""
    app = make_app(tmp_path_factory.mktemp("demo") / "db.sqlite3")
    assert query(app, "SELECT count(*) FROM organisations") == [(0,)]
    outcome = app.test_cli_runner().invoke(args=["demo"])
    assert outcome.exit_code == 0, outcome.output
    return SimpleNamespace(app=app, output=outcome.output)


def signed_in_owner(demo):
    """A client signed in with the login the demo printed, its email and the demo organisation's id."""
    email, password = re.search(r"Sign in as (\S+) with the password (\S+) ", demo.output).groups()
    client = demo.app.test_client()
    assert AuthActions(client).login(email, password).status_code == 302
    (org_id,), = query(demo.app, "SELECT id FROM organisations WHERE name = ?", [DEMO_ORG])
    return client, email, org_id


def test_demo_creates_an_organisation_with_two_units_and_six_improving_quarters(demo):
    app = demo.app
    assert "with 12 assessments" in demo.output
    (org_id,), = query(app, "SELECT id FROM organisations WHERE name = ?", [DEMO_ORG])
    units = query(app, "SELECT id, name FROM units WHERE org_id = ? ORDER BY id", [org_id])
    assert len(units) == 2
    assert query(app, "SELECT count(*), count(DISTINCT unit_id) FROM assessments "
                      "WHERE org_id = ? AND status = 'closed' AND snapshot_id IS NOT NULL", [org_id]) == [(12, 2)]
    db = store.open_db(app.config["DATABASE"])
    try:
        for unit_id, _unit_name in units:
            rows = store.history(db, org_id, unit_id)
            assert len(rows) == 6 and len({r["period"] for r in rows}) == 6
            overall = [r["summary"]["overall"] for r in rows]
            assert overall[-1] > overall[0], overall
            assert overall == sorted(overall), f"the history should improve every quarter: {overall}"
    finally:
        db.close()
    assert query(app, "SELECT count(*) FROM roadmap_progress WHERE org_id = ?", [org_id])[0][0] > 0
    assert {s for (s,) in query(app, "SELECT DISTINCT status FROM roadmap_progress")} == {"done", "started"}


def test_demo_snapshots_are_computed_through_the_engine(demo):
    content = demo.app.extensions["pmo_content"]
    db = store.open_db(demo.app.config["DATABASE"])
    try:
        rows = db.execute("SELECT id, snapshot_id FROM assessments WHERE status = 'closed'").fetchall()
        assert len(rows) == 12 + 2 * (len(PEERS) + sum(len(units) - 1 for _p, _l, units in PEERS.values() if units))
        for assessment_id, snapshot_id in rows:
            snapshot = store.load_snapshot(db, snapshot_id)
            result = snapshot["result"]
            assert {"recommendation", "pitfalls", "roadmap"} <= set(result)
            assert result["content"]["hash"] == snapshot["content_hash"] == content.hash
            inputs = store.assessment_inputs(db, assessment_id)
            assert len(inputs["answers"]) == len(content.default_questionnaire.questions())
            recomputed, _figures = compute_result(content, inputs["questionnaire_id"], inputs["answers"],
                                                  inputs["context"], inputs["target"], notes=inputs["notes"])
            assert result == json.loads(json.dumps(recomputed))
    finally:
        db.close()


def test_demo_user_sees_the_units_dashboard(demo):
    client, email, org_id = signed_in_owner(demo)
    page = client.get(f"/orgs/{org_id}")
    assert page.status_code == 200
    (rows,) = tables(page.text, "data-units-table")
    assert {r[0] for r in rows[1:]} == {"Retail technology", "Corporate platforms", "Organisation mean",
                                        "Organisation minimum", "Spread between units"}
    # The pooled benchmark: the demo takes part, with enough peers of its size band to show it,
    # and never names them; the demo user is no member of theirs.
    (bench,) = tables(page.text, "data-benchmark-table")
    assert [r[0] for r in bench[1:]][-1] == "Overall" and all(r[1].isdigit() for r in bench[1:])
    assert "combined picture of its 2 units' latest results" in visible_text(page.text)
    assert not any(name in page.text for name in PEERS)
    assert not any(name in client.get("/orgs").text for name in PEERS)


def test_the_demos_audit_log_says_who_made_the_organisation_and_its_units_and_how(demo):
    """An organisation made by `flask demo` read "No entries." in its audit log; one made on the web logs its creation."""
    client, email, org_id = signed_in_owner(demo)
    page = client.get(f"/orgs/{org_id}/audit")
    assert page.status_code == 200 and "No entries" not in visible_text(page.text)
    (log,) = tables(page.text, "data-audit-log")
    assert sorted(row[1:] for row in log[1:]) == [
        [email, "Added a unit", "unit “Corporate platforms”", "with the demo command (flask demo)"],
        [email, "Added a unit", "unit “Retail technology”", "with the demo command (flask demo)"],
        [email, "Created the organisation", f"organisation “{DEMO_ORG}”", "with the demo command (flask demo)"],
    ]
    peers = query(demo.app, "SELECT count(*) FROM audit_log WHERE action = 'org_created' AND org_id != ?", [org_id])
    assert peers == [(len(PEERS),)]


def test_demo_twice_adds_nothing(demo):
    counts = {t: query(demo.app, f"SELECT count(*) FROM {t}")[0][0] for t in DEMO_TABLES}
    again = demo.app.test_cli_runner().invoke(args=["demo"])
    assert again.exit_code == 0
    assert "exists already" in again.output and "nothing was added" in again.output
    assert {t: query(demo.app, f"SELECT count(*) FROM {t}")[0][0] for t in DEMO_TABLES} == counts


def test_demo_quarters_are_not_dated_in_the_future():
    from app.demo import quarters_back

    today = date(2026, 10, 3)
    quarters = quarters_back(today, 6)
    assert [label for label, _day in quarters] == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert max(day for _label, day in quarters) <= today.isoformat()


def test_an_earlier_demos_peers_get_an_owner_each_so_its_benchmark_shows(make_app, tmp_path):
    from app.demo import PEERS_EMAIL
    from tests.helpers import add_user, opened
    app = make_app(tmp_path / "earlier.sqlite3")
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    # As an earlier demo made them: every peer owned by one account, which the benchmark counts once.
    legacy = add_user(app, PEERS_EMAIL)
    with opened(app) as db:
        peers = [r[0] for r in db.execute("SELECT id FROM organisations WHERE name LIKE '%(demo peer)'")]
        for org in peers:
            db.execute("UPDATE memberships SET user_id = ? WHERE org_id = ? AND role = 'owner'", [legacy, org])
        db.conn.commit()
        store.refresh_benchmark(db)
        (org_id,), = db.execute("SELECT id FROM organisations WHERE name = ?", [DEMO_ORG]).fetchall()
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0  # run again, as an upgrade would
    owners = query(app, "SELECT DISTINCT m.user_id FROM memberships m JOIN organisations o ON o.id = m.org_id "
                        "WHERE o.name LIKE '%(demo peer)' AND m.role = 'owner'")
    assert len(owners) == len(peers) and (legacy,) not in owners
    with opened(app) as db:  # and the demo's panel shows at once: the demo refreshed the benchmark
        found = org_benchmark(app.extensions["pmo_content"], store.pooled_benchmark(db), org_id)
    assert found["shown"] is True


def test_demo_work_is_never_done_before_it_was_planned_to_start(demo):
    rows = query(demo.app, "SELECT p.unit_key, p.item_id, p.status, p.done_on FROM roadmap_progress p")
    assert any(status == "done" for _unit, _item, status, _done in rows), "the demo shows some work done"
    with opened(demo.app) as db:
        (org_id,), = query(demo.app, "SELECT id FROM organisations WHERE name = ?", [DEMO_ORG])
        starts = {}
        for unit in store.units(db, org_id):
            for item in store.history(db, org_id, unit["id"])[-1]["summary"]["roadmap"]:
                starts[(unit["id"], item["id"])] = item["start_date"]
    for unit, item, status, done_on in rows:
        if status == "done":
            assert starts[(unit, item)] and done_on >= starts[(unit, item)], (item, done_on, starts[(unit, item)])
            assert done_on <= date.today().isoformat()
