"""Export everything, import it elsewhere: the same dashboards; a version it cannot read, or a damaged
archive, writes nothing. Through the store, the command line and the owner's button."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile

import pytest

from app import service, store
from tests.helpers import new_user, query
from tests.lifecycle_helpers import MARKER, build_client
from tests.world import diff_dumps, dump_data, sign_in_admin


def dashboard_view(db, content, org_id: int) -> dict:
    """What an organisation's dashboard and workshop pages show, without ids that differ between servers."""
    org = store.get_org(db, org_id)
    data = service.dashboard(db, content, org, None)
    rows = [{k: r[k] for k in ("title", "period", "assessed_on", "kind", "summary")} for r in data["rows"]]
    return {"name": org["name"], "rows": rows, "deltas": data.get("deltas"), "figures": data["figures"],
            "progress": sorted(store.progress(db, org_id).items()),
            "units": [u["name"] for u in store.units(db, org_id)],
            "workshops": [(w["title"], w["status"], store.consensus(db, w["id"]), _room(db, w))
                          for w in store.workshops_of(db, org_id)],
            "members": sorted((m["email"], m["role"]) for m in store.members(db, org_id))}


def _room(db, workshop: dict) -> dict:
    """Who is in a workshop (a removed participant is not) and its second rounds with their votes."""
    return {"people": [p["display_name"] for p in store.participants(db, workshop["assessment_id"])],
            "rounds": [(r["question_id"], r["number"], r["closed_at"], sorted(r["votes"].values()))
                       for r in store.rounds_with_votes(db, workshop["id"])]}


@pytest.fixture(scope="module", autouse=True)
def reports_rendered_once():
    """Each distinct report's PDF and workbook rendered once for the module (an archive's take about 7 s of
    CPU): the command line exports the same client as `exported_once`, an identical report, so the render is
    shared; a report that differs in anything is rendered anew."""
    from app import reports

    render_file, rendered = reports.render_file, {}

    def once(report, fmt, **options):
        key = (json.dumps(report, sort_keys=True, default=str), fmt, repr(sorted(options.items())))
        if key not in rendered:
            rendered[key] = render_file(report, fmt, **options)
        return rendered[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reports, "render_file", once)
        yield rendered


@pytest.fixture(scope="module")
def exported_once(tmp_path_factory, content, questionnaire):
    """The client built and exported once for the module (the archive's PDF and Excel reports take
    seconds to make): the database it was exported from, the client's ids and the archive."""
    path = tmp_path_factory.mktemp("exported") / "source.sqlite3"
    database = store.open_db(path)
    try:
        store.migrate(database)
        client = build_client(database, content, questionnaire)
        archive = service.export_archive(database, content, store.get_org(database, client.org))
    finally:
        database.close()
    return path, client, archive


@pytest.fixture
def exported(fresh_db, exported_once):
    """The client in `fresh_db`, this test's own copy of the database it was exported from, and its archive."""
    path, client, archive = exported_once
    source = sqlite3.connect(path)
    try:
        source.backup(fresh_db.conn)  # SQLite's online backup: the whole database
    finally:
        source.close()
    return client, archive


@pytest.fixture
def other_db(tmp_path):
    database = store.open_db(tmp_path / "other.sqlite3")
    store.migrate(database)
    yield database
    database.close()


def test_export_then_import_gives_the_same_dashboards(fresh_db, other_db, content, exported):
    client, archive = exported
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert {"organisation.json", "README.txt", "reports/organisation-report.pdf",
            "reports/organisation-report.xlsx"} <= set(names)
    for email in ("owner@example.org", "member-owner@example.org"):
        new_user(other_db, email, role="facilitator")
    done = store.import_org(other_db, service.read_archive(archive), 1)
    assert done["skipped_members"] == [] and done["members"] == 2
    before = dashboard_view(fresh_db, content, client.org)
    assert before["workshops"][0][3]["rounds"][0][3] == [3, 4, 4] and len(before["workshops"][0][3]["people"]) == 3
    assert dashboard_view(other_db, content, done["org_id"]) == before


def test_the_archive_holds_answers_notes_snapshots_consensus_progress_and_the_log(fresh_db, exported):
    client, archive = exported
    data = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("organisation.json"))
    first = data["assessments"][0]
    assert first["responses"][0]["answers"] and f"{MARKER.split()[0]} note on governance" in json.dumps(data)
    assert first["snapshots"][0]["result"]["scores"]
    assert [w["consensus"] for w in data["workshops"]][0]
    progress = {p["item_id"]: p for p in data["roadmap_progress"]}
    assert set(progress) == {"some-item", "unit-item", "dropped-item"}
    assert (progress["some-item"]["due_on"], progress["some-item"]["note"]) == ("2027-03-31", "waiting for the sponsor")
    assert progress["unit-item"]["done_on"] == "2027-01-15"
    assert (progress["dropped-item"]["status"], progress["dropped-item"]["note"]) == ("dropped", "the board stopped it")
    store.delete(fresh_db, client.org, "unit", client.unit, client.owner)
    again = store.export_org(fresh_db, client.org)
    assert len(again["units"]) == 0 and len(again["assessments"]) == 2  # what is in the trash is not exported
    assert again["audit_log"][0]["action"] == "deleted"


@pytest.mark.parametrize("damage, message", [
    (lambda d: d.update(version=2), "this server reads version 1"),
    (lambda d: d.update(format="something else"), "not a PMO Advisor organisation export"),
    (lambda d: d["assessments"][-1]["snapshots"][0].pop("result"), "incomplete or damaged"),
    (lambda d: d["workshops"][0].update(status="half-open"), "incomplete or damaged"),
    # what the pages read must be there: a result without scores would break every page of the organisation
    (lambda d: d["assessments"][-1]["snapshots"][0]["result"].pop("scores"), "a frozen result has no scores"),
    (lambda d: d["assessments"][-1]["snapshots"][0].update(result=[]), "a frozen result is not an object"),
    (lambda d: d["assessments"][0]["responses"][0]["answers"].update({"made.up": 3}),
     "questions this server does not know: made.up"),
    (lambda d: d["organisation"].update(name="x" * 5000), "needs 1 to 120 characters"),
    (lambda d: d["units"][0].update(name="   "), "a unit name needs 1 to"),
])
def test_an_import_it_cannot_read_writes_nothing(other_db, exported, questionnaire, damage, message):
    _client, archive = exported
    data = service.read_archive(archive)
    damage(data)
    owner = new_user(other_db, "owner@example.org", role="facilitator")
    before = {t: other_db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("organisations", "assessments", "responses", "answers", "snapshots", "audit_log")}
    with pytest.raises(store.UnreadableArchive, match=message):
        store.import_org(other_db, data, owner, {q.id for q in questionnaire.questions()})
    after = {t: other_db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in before}
    assert after == before


def test_an_archive_that_unpacks_too_far_or_nests_too_deep_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(service, "MAX_ARCHIVE_JSON", 10_000)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("organisation.json", " " * 10_000_000)  # 10 MB of spaces, about 10 KB zipped
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(store.UnreadableArchive, match="over 0 MB"):
        service.read_archive(bomb.getvalue())
    with pytest.raises(store.UnreadableArchive, match="nested too deeply"):
        service.read_archive(b"[" * 5_000)


def test_the_command_line_exports_and_imports(app, runner, content, questionnaire, tmp_path, make_app):
    db = store.open_db(app.config["DATABASE"])
    try:
        client = build_client(db, content, questionnaire)
    finally:
        db.close()
    out = tmp_path / "client.zip"
    result = runner.invoke(args=["data", "export", "--org", str(client.org), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert f"everything of {MARKER!r}" in result.output and zipfile.is_zipfile(out)
    assert zipfile.ZipFile(out).read("reports/organisation-report.pdf").startswith(b"%PDF-")
    again = runner.invoke(args=["data", "export", "--org", str(client.org), "--output", str(out)])
    assert again.exit_code == 2 and "exists already" in again.output

    other = make_app(tmp_path / "other.sqlite3")
    db = store.open_db(other.config["DATABASE"])
    new_user(db, "consultant@example.org", role="facilitator")
    new_user(db, "member-owner@example.org", role="facilitator")  # the same person has an account here
    db.close()
    imported = other.test_cli_runner().invoke(args=["data", "import", str(out), "--owner", "consultant@example.org"])
    assert imported.exit_code == 0, imported.output
    assert "added with their accounts here: member-owner@example.org as member" in imported.output
    assert "no account here for owner@example.org" in imported.output
    assert query(other, "SELECT name FROM organisations") == [(MARKER,)]

    wrong = tmp_path / "v9.json"
    data = service.read_archive(out.read_bytes())
    wrong.write_text(json.dumps({**data, "version": 9}))
    refused = other.test_cli_runner().invoke(args=["data", "import", str(wrong), "--owner", "consultant@example.org"])
    assert refused.exit_code == 2
    assert "this server reads version 1. Nothing was imported." in refused.output
    assert query(other, "SELECT count(*) FROM organisations") == [(1,)]


def test_an_owner_downloads_everything_and_the_log_says_so(world):
    bob = world.b.client
    response = bob.post(f"/orgs/{world.org_b}/export", data={"csrf_token": bob.csrf})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert world.org_b_name in archive.read("organisation.json").decode()
    db = world.db()
    try:
        entry = store.audit_entries(db, world.org_b)[0]
    finally:
        db.close()
    assert (entry["action"], entry["actor"]) == ("exported", world.b.email)
    admin = sign_in_admin(world)  # a member of Bob's organisation, not an owner
    before = dump_data(world.app.config["DATABASE"])
    assert admin.post(f"/orgs/{world.org_b}/export", data={"csrf_token": admin.csrf}).status_code == 403
    assert diff_dumps(before, dump_data(world.app.config["DATABASE"])) == []
