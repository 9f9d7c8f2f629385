"""Storage faults through the app: a full disk, a read-only database file, a lock held elsewhere (issue 12).

Every write a person can make (pages and JSON autosave alike) answers 503 with Retry-After
and a plain message while storage refuses it, keeps nothing of the refused request, and
succeeds unchanged once the fault clears. Pages that only read still render.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from app import store
from app.engine.vocabulary import DIMENSIONS
from app.web.errors import STORAGE_MESSAGE
from tests.helpers import FULL_CONTEXT, open_workshop, visible_text
from tests.world import anonymous_client, route_cases, world_ids, world_strings
from tests.storage_faults import FAULTS, fault, mount_small_disk, unmount, write_lock

PASSWORD = "correct horse battery staple"
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
CONTEXT_FORM = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in FULL_CONTEXT.items()}


@dataclass
class Stage:
    """An app whose database can be made full, read-only or locked, and the people using it."""

    app: object
    db_path: Path
    keeper: sqlite3.Connection | None = None  # another worker's open connection (keeps the WAL open)
    emails: list[str] = field(default_factory=list)

    def db(self):
        return store.open_db(self.db_path)

    def client(self):
        client = self.app.test_client()
        client.csrf = CSRF_META.search(client.get("/").text).group(1)
        return client

    def contents(self) -> dict[str, list[tuple]]:
        """Every row of every table: what "nothing partial was stored" is checked against."""
        conn = sqlite3.connect(self.db_path)
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                 "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\'")]
            return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"'))) for t in tables}
        finally:
            conn.close()

    def fault(self, kind: str):
        if kind == "full" and self.keeper is not None:
            # An empty WAL file: the next commit must grow it, so a full disk refuses it.
            self.keeper.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return fault(kind, self.db_path)


def make_stage(make_app, db_path: Path) -> Stage:
    # A short busy timeout, so a lock held elsewhere turns into a 503 quickly;
    # /healthz probes on every call, so each test sees the storage as it is now.
    app = make_app(db_path, BUSY_TIMEOUT_MS=300, HEALTH_BUSY_TIMEOUT_MS=200, HEALTH_CACHE_SECONDS=0)
    return Stage(app, db_path)


@pytest.fixture(scope="module")
def plain_stage(make_app, tmp_path_factory) -> Stage:
    return make_stage(make_app, tmp_path_factory.mktemp("faults") / "pmo.sqlite3")


@pytest.fixture(scope="module")
def small_disk_stage(make_app, tmp_path_factory):
    where = tmp_path_factory.mktemp("small-disk") / "mnt"
    mount_small_disk(where)
    stage = make_stage(make_app, where / "pmo.sqlite3")
    stage.keeper = sqlite3.connect(stage.db_path, isolation_level=None)
    stage.keeper.execute("SELECT count(*) FROM responses").fetchone()
    yield stage
    stage.keeper.close()
    unmount(where)


@pytest.fixture(params=FAULTS)
def faulty(request) -> tuple[str, Stage]:
    """Each fault with a stage it can happen on (a full disk needs the small tmpfs)."""
    stage = request.getfixturevalue("small_disk_stage" if request.param == "full" else "plain_stage")
    return request.param, stage


# --------------------------------------------------------------------------
# What people do: each prepares its own data, then makes one request that writes
# --------------------------------------------------------------------------


def _new_respondent(stage: Stage, *, context=False, answered=False):
    client = stage.client()
    started = client.post("/start", data={"csrf_token": client.csrf})
    client.token = started.location.split("/r/")[1].split("?")[0]
    questionnaire = stage.app.extensions["pmo_content"].default_questionnaire
    db = stage.db()
    try:
        response_id = store.response_by_token(db, client.token)["id"]
        if context:
            store.save_context(db, response_id, FULL_CONTEXT)
        if answered:
            store.save_answers(db, response_id, {q.id: 3 for q in questionnaire.questions()})
    finally:
        db.close()
    client.response_id = response_id
    return client


def _open_workshop(stage: Stage) -> str:
    email = f"facilitator{len(stage.emails)}@example.org"
    stage.emails.append(email)
    return open_workshop(stage.app, email, PASSWORD, mode="named")[2]


def _questions(stage: Stage, dimension: str) -> list[str]:
    questionnaire = stage.app.extensions["pmo_content"].default_questionnaire
    return [q.id for q in questionnaire.dimension(dimension).questions]


@dataclass
class Action:
    """One write a person makes: prepared before the fault, requested during and after it."""

    prepare: Callable[[Stage], object]
    request: Callable[[object], object]
    ok: int
    json: bool = False


def _autosave(stage):
    client = _new_respondent(stage)
    client.body = {"answers": {qid: 4 for qid in _questions(stage, DIMENSIONS[0])}}
    return client


def _dimension_form(stage):
    client = _new_respondent(stage)
    client.form = {"csrf_token": client.csrf, "action": "next", "note": "We decide in the steering group.",
                   **{f"q-{qid}": "2" for qid in _questions(stage, DIMENSIONS[1])}}
    return client


def _participant(stage):
    code = _open_workshop(stage)
    client = stage.client()
    joined = client.post(f"/join/{code}", data={"csrf_token": client.csrf, "name": "Pat"})
    assert joined.status_code == 302, joined.status_code
    client.code = code
    client.body = {"answers": {qid: 5 for qid in _questions(stage, DIMENSIONS[2])}}
    return client


def _visitor_with_code(stage):
    client = stage.client()
    client.code = _open_workshop(stage)
    return client


def _facilitator(stage):
    _open_workshop(stage)
    client = stage.client()
    client.email = stage.emails[-1]
    return client


ACTIONS = {
    "autosave (JSON)": Action(_autosave, lambda c: c.post(f"/r/{c.token}/answers", json=c.body,
                                                           headers={"X-CSRFToken": c.csrf}), 200, json=True),
    "answers page": Action(_dimension_form, lambda c: c.post(f"/r/{c.token}/d/{DIMENSIONS[1]}", data=c.form), 302),
    "profile page": Action(_new_respondent, lambda c: c.post(f"/r/{c.token}/context",
                                                             data={"csrf_token": c.csrf, **CONTEXT_FORM}), 302),
    "start": Action(lambda s: s.client(), lambda c: c.post("/start", data={"csrf_token": c.csrf}), 302),
    "submit": Action(lambda s: _new_respondent(s, context=True, answered=True),
                     lambda c: c.post(f"/r/{c.token}/submit", data={"csrf_token": c.csrf}), 302),
    "sign in": Action(_facilitator, lambda c: c.post("/login", data={"csrf_token": c.csrf, "email": c.email,
                                                                     "password": PASSWORD}), 302),
    "join a workshop": Action(_visitor_with_code, lambda c: c.post(f"/join/{c.code}", data={
        "csrf_token": c.csrf, "name": "Quinn"}), 302),
    "participant autosave (JSON)": Action(_participant, lambda c: c.post(f"/w/{c.code}/answers", json=c.body,
                                                                         headers={"X-CSRFToken": c.csrf}), 200,
                                          json=True),
}


def assert_storage_refusal(response, json: bool) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"] == "60"
    if json:
        assert response.get_json()["error"] == STORAGE_MESSAGE
    else:
        assert response.mimetype == "text/html"
        assert STORAGE_MESSAGE in visible_text(response.get_data(as_text=True))
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("name", list(ACTIONS))
def test_a_refused_write_answers_503_keeps_nothing_and_succeeds_once_the_fault_clears(faulty, name):
    kind, stage = faulty
    action = ACTIONS[name]
    who = action.prepare(stage)
    before = stage.contents()
    with stage.fault(kind):
        refused = action.request(who)
        assert_storage_refusal(refused, action.json)
        assert stage.contents() == before, f"{name} kept something while storage was {kind}"
    assert stage.contents() == before
    again = action.request(who)
    assert again.status_code == action.ok, again.get_data(as_text=True)[:500]
    assert stage.contents() != before, f"{name} succeeded but stored nothing"


def test_an_accepted_autosave_is_all_there_after_a_refused_one(plain_stage):
    """Acknowledged answers stay; the refused batch is not half-kept; its retry completes it."""
    stage = plain_stage
    client = _new_respondent(stage)
    first, second = DIMENSIONS[0], DIMENSIONS[3]
    saved = client.post(f"/r/{client.token}/answers", json={"answers": {q: 2 for q in _questions(stage, first)}},
                        headers={"X-CSRFToken": client.csrf})
    assert saved.status_code == 200
    batch = {"answers": {q: 5 for q in _questions(stage, second)} | {_questions(stage, first)[0]: 4}}
    with stage.fault("locked"):
        assert client.post(f"/r/{client.token}/answers", json=batch,
                           headers={"X-CSRFToken": client.csrf}).status_code == 503
    db = stage.db()
    try:
        assert store.load_answers(db, client.response_id) == {q: 2 for q in _questions(stage, first)}
    finally:
        db.close()
    assert client.post(f"/r/{client.token}/answers", json=batch, headers={"X-CSRFToken": client.csrf}).status_code == 200
    db = stage.db()
    try:
        expected = {q: 2 for q in _questions(stage, first)} | batch["answers"]
        assert store.load_answers(db, client.response_id) == expected
    finally:
        db.close()


def test_an_error_that_is_not_a_storage_fault_is_still_an_incident(plain_stage):
    """Only full, read-only, locked and I/O errors are 503: a broken query stays a 500 with an incident id."""
    from app.web.errors import storage_error

    app = plain_stage.app
    with app.test_request_context("/r/x/answers", method="POST"):
        response = app.make_response(storage_error(sqlite3.OperationalError("no such table: nowhere")))
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert "Incident id" in visible_text(response.get_data(as_text=True))


@pytest.mark.parametrize("error_name, expected", [
    ("SQLITE_FULL", "full"),
    ("SQLITE_READONLY", "read-only"),
    ("SQLITE_READONLY_DBMOVED", "read-only"),
    ("SQLITE_BUSY", "locked"),
    ("SQLITE_BUSY_SNAPSHOT", "locked"),
    ("SQLITE_LOCKED", "locked"),
    ("SQLITE_IOERR_SHMSIZE", "I/O error"),
    ("SQLITE_CANTOPEN", "cannot open"),
    ("SQLITE_ERROR", None),
    ("SQLITE_CORRUPT", None),
])
def test_storage_faults_are_named_from_sqlites_result_code(error_name, expected):
    err = sqlite3.OperationalError("message")
    err.sqlite_errorname = error_name
    assert store.storage_fault(err) == expected


def test_an_integrity_error_is_no_storage_fault():
    assert store.storage_fault(sqlite3.IntegrityError("UNIQUE constraint failed")) is None


# --------------------------------------------------------------------------
# Pages that only read render while storage refuses writes
# --------------------------------------------------------------------------


def _age_sessions(db_path: Path) -> None:
    """Make every session due for its last-seen update, so the next page tries that write."""
    from datetime import datetime, timedelta, timezone

    from app.web.auth import TOUCH_EVERY_SECONDS

    seen = (datetime.now(timezone.utc) - timedelta(seconds=TOUCH_EVERY_SECONDS + 60)).isoformat(timespec="seconds")
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE sessions SET last_seen = ?", [seen])
    conn.close()


def test_every_page_that_only_reads_renders_while_the_database_file_is_read_only(world):
    """The whole GET walk of the access test, as members, a participant and strangers: no 5xx."""
    app, db_path = world.app, Path(world.app.config["DATABASE"])
    participant = anonymous_client(app)
    joined = participant.post(f"/join/{world.b_workshop_code}", data={"csrf_token": participant.csrf, "name": "Pat"})
    assert joined.status_code == 302
    cases = route_cases(app, world_ids(world), world_strings(world), methods={"GET"})
    anonymous = anonymous_client(app)
    _age_sessions(db_path)
    outcomes = []
    with fault("read-only", db_path):
        for case in cases:
            for who, client in (("Bob", world.b.client), ("a participant", participant), ("a stranger", anonymous)):
                response = client.get(case.url)
                outcomes.append((response.status_code, who, case.url))
    # /healthz is meant to say that writes fail (503 degraded); it is tested on its own below.
    assert {o[0] for o in outcomes if o[2] == "/healthz"} == {503}
    broken = [o for o in outcomes if o[0] >= 500 and o[2] != "/healthz"]
    assert not broken, "pages that only read failed while the file was read-only:\n" + "\n".join(map(str, broken))
    shown = {url for status, who, url in outcomes if status == 200}
    # The walk really rendered the pages that matter, not only redirects and refusals.
    for url in (f"/orgs/{world.org_b}", f"/r/{world.b_private_token}/d/{DIMENSIONS[0]}",
                f"/w/{world.b_workshop_code}", f"/w/{world.b_workshop_code}/d/{DIMENSIONS[0]}",
                f"/w/{world.b_workshop_code}/review", f"/r/{world.b_token}/result"):
        assert url in shown, f"{url} was not shown during the walk"


@pytest.fixture
def participant_pages(faulty):
    kind, stage = faulty
    client = _participant(stage)
    respondent = _new_respondent(stage)
    return kind, stage, [(client, f"/w/{client.code}"), (client, f"/w/{client.code}/d/{DIMENSIONS[1]}"),
                         (client, f"/w/{client.code}/review"), (respondent, f"/r/{respondent.token}"),
                         (respondent, f"/r/{respondent.token}/context"),
                         (respondent, f"/r/{respondent.token}/d/{DIMENSIONS[4]}"),
                         (respondent, f"/r/{respondent.token}/review")]


def test_questionnaire_pages_render_without_a_write_under_every_fault(participant_pages):
    kind, stage, pages = participant_pages
    before = stage.contents()
    with stage.fault(kind):
        for client, url in pages:
            page = client.get(url)
            assert page.status_code == 200, f"{url} answered {page.status_code} while storage was {kind}"
            assert STORAGE_MESSAGE not in visible_text(page.get_data(as_text=True))
    assert stage.contents() == before


# --------------------------------------------------------------------------
# /healthz tells the truth
# --------------------------------------------------------------------------


def test_health_is_ok_while_storage_takes_writes(plain_stage):
    response = plain_stage.app.test_client().get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})


def test_health_is_degraded_with_the_reason_under_each_fault_and_ok_again_after(faulty):
    kind, stage = faulty
    client = stage.app.test_client()
    with stage.fault(kind):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["status"] == "degraded"
        assert response.get_json()["reason"] == kind
        assert response.get_json()["detail"]
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_the_write_probe_itself_finds_a_full_disk(small_disk_stage):
    """Without the free-space check, the committed write alone reports the full disk."""
    stage = small_disk_stage
    with stage.fault("full"):
        assert store.probe_storage(stage.db_path, 200, min_free_bytes=0)[0] == "full"
    assert store.probe_storage(stage.db_path, 200, min_free_bytes=0) is None


def test_health_probes_at_most_once_per_cache_period(make_app, tmp_path, monkeypatch):
    app = make_app(tmp_path / "h.sqlite3", HEALTH_CACHE_SECONDS=60)
    calls = []
    real_probe = store.probe_storage
    monkeypatch.setattr(store, "probe_storage", lambda *args: calls.append(args) or real_probe(*args))
    client = app.test_client()
    assert all(client.get("/healthz").status_code == 200 for _ in range(20))
    assert len(calls) == 1
    with write_lock(tmp_path / "h.sqlite3"):
        # Within the cache period the earlier answer stands: polling costs no probe.
        assert client.get("/healthz").status_code == 200
    assert len(calls) == 1


def test_a_request_that_meets_a_fault_makes_health_degraded_at_once(make_app, tmp_path):
    db_path = tmp_path / "h.sqlite3"
    app = make_app(db_path, BUSY_TIMEOUT_MS=200, HEALTH_CACHE_SECONDS=60)
    client = app.test_client()
    assert client.get("/healthz").status_code == 200  # cached as ok for a minute
    csrf = CSRF_META.search(client.get("/").text).group(1)
    with write_lock(db_path):
        assert client.post("/start", data={"csrf_token": csrf}).status_code == 503
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()["reason"]) == (503, "locked")
