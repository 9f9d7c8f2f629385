"""Consultant workshops through the test client: codes, joining, answering, privacy, reveal,
consensus, closing into the organisation's history, and who may see what (issue 7).

A facilitator signs in through /login and creates the organisation and the workshop through
the pages; participants are separate clients without accounts, identified only by the
HttpOnly cookie pmo_ws<workshop id>.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import tempfile
from contextlib import contextmanager
from itertools import count
from pathlib import Path

import jinja2
import pytest

from app import create_app, store
from app.engine.vocabulary import DIMENSIONS
from app.store.workshops import JOIN_FAILURE_LIMIT
from tests.conftest import FULL_CONTEXT, checked_answers, visible_text

PASSWORD = "correct horse battery staple"
UNAMBIGUOUS = set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
AMBIGUOUS = set("0O1IL")
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
CONTEXT_FORM = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in FULL_CONTEXT.items()}
_emails = count(1)


# --------------------------------------------------------------------------
# Helpers: the database, a facilitator, a workshop, a participant
# --------------------------------------------------------------------------


@contextmanager
def opened(app):
    db = store.open_db(app.config["DATABASE"])
    try:
        yield db
    finally:
        db.close()


def page_csrf(client, path: str = "/") -> str:
    return CSRF_META.search(client.get(path).text).group(1)


def question_ids(app, dimension: str | None = None) -> list[str]:
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    if dimension:
        return [q.id for q in questionnaire.dimension(dimension).questions]
    return [q.id for q in questionnaire.questions()]


class Workshop:
    def __init__(self, org_id: int, workshop_id: int, code: str, pretty: str):
        self.org_id, self.id, self.code, self.pretty = org_id, workshop_id, code, pretty

    @property
    def base(self) -> str:
        return f"/orgs/{self.org_id}/workshops/{self.id}"

    @property
    def cookie(self) -> str:
        return f"pmo_ws{self.id}"


class Facilitator:
    """A facilitator signed in through the login page, creating things through the pages."""

    def __init__(self, app, role: str = "facilitator"):
        self.app = app
        self.email = f"facilitator{next(_emails)}@example.org"
        with opened(app) as db:
            self.user_id = store.create_user(db, self.email, PASSWORD, role=role, name="Fay")
        self.client = app.test_client()
        login = self.client.post("/login", data={"csrf_token": page_csrf(self.client, "/login"),
                                                 "email": self.email, "password": PASSWORD})
        assert login.status_code == 302, login.status_code
        self.csrf = page_csrf(self.client, "/orgs")

    def post(self, path: str, data: dict | None = None, **kwargs):
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kwargs)

    def create_org(self, name: str = "Client Ltd") -> int:
        response = self.post("/orgs/new", {"name": name})
        assert response.status_code == 302, response.text
        return int(re.search(r"/orgs/(\d+)$", response.location).group(1))

    def create_workshop(self, org_id: int, mode: str = "anonymous", roles: str = "Exec, Delivery",
                        title: str = "Leadership workshop") -> Workshop:
        response = self.post(f"/orgs/{org_id}/workshops/new", {"title": title, "mode": mode, "roles": roles,
                                                              **CONTEXT_FORM})
        assert response.status_code == 302, visible_text(response.text)
        workshop_id = int(re.search(r"/workshops/(\d+)$", response.location).group(1))
        detail = self.client.get(response.location)
        assert detail.status_code == 200
        pretty = re.search(r"data-join-code>([^<]+)<", detail.text).group(1).strip()
        return Workshop(org_id, workshop_id, pretty.replace("-", ""), pretty)

    def live(self, workshop: Workshop) -> dict:
        response = self.client.get(workshop.base + "/live.json")
        assert response.status_code == 200
        return response.get_json()

    def reveal(self, workshop: Workshop, on: bool = True):
        response = self.post(workshop.base + "/reveal", {"revealed": "1" if on else "0"})
        assert response.status_code == 302
        return response

    def close(self, workshop: Workshop):
        return self.post(workshop.base + "/close")


class Participant:
    """Someone in the room with a phone: no account, only the workshop's cookie."""

    def __init__(self, app, workshop: Workshop, name: str = "", role: str | None = "Exec", client=None):
        self.app, self.workshop = app, workshop
        self.client = client or app.test_client()
        page = self.client.get(f"/join/{workshop.code}")
        assert page.status_code == 200, visible_text(page.text)
        self.csrf = CSRF_META.search(page.text).group(1)
        form = {"csrf_token": self.csrf, "name": name}
        if role is not None:
            form["role"] = role
        self.joined = self.client.post(f"/join/{workshop.code}", data=form)
        assert self.joined.status_code == 302, visible_text(self.joined.text)
        self.token = self.client.get_cookie(workshop.cookie).value

    @property
    def base(self) -> str:
        return f"/w/{self.workshop.code}"

    def answer_page(self, dimension: str, levels: dict, action: str = "next"):
        form = {f"q-{qid}": ("dk" if level is None else str(level)) for qid, level in levels.items()}
        return self.client.post(f"{self.base}/d/{dimension}", data={"csrf_token": self.csrf, "action": action,
                                                                      **form})

    def autosave(self, answers: dict, csrf: bool = True):
        headers = {"X-CSRFToken": self.csrf} if csrf else {}
        return self.client.post(f"{self.base}/answers", json={"answers": answers}, headers=headers)

    def answer_all(self, answers: dict) -> None:
        """Answer every page by its form, as a phone without JavaScript would."""
        for dimension in DIMENSIONS:
            page = {qid: level for qid, level in answers.items() if qid.startswith(dimension + ".")}
            response = self.answer_page(dimension, page)
            assert response.status_code == 302, visible_text(response.text)

    def submit(self):
        return self.client.post(f"{self.base}/submit", data={"csrf_token": self.csrf})

    def stored(self) -> list[tuple]:
        """This participant's answer rows as stored: (question, level, updated_at)."""
        with opened(self.app) as db:
            response_id = store.response_by_token(db, self.token)["id"]
            return db.execute("SELECT question_id, level, updated_at FROM answers WHERE response_id = ? "
                              "ORDER BY question_id", [response_id]).fetchall()


def answers_of(p: Participant) -> dict:
    return {qid: level for qid, level, _ in p.stored()}


def snapshot_count(app) -> int:
    with opened(app) as db:
        return db.execute("SELECT count(*) FROM snapshots").fetchone()[0]


def response_count(app, workshop: Workshop) -> int:
    with opened(app) as db:
        return db.execute("SELECT count(*) FROM responses r JOIN workshops w ON w.assessment_id = r.assessment_id "
                          "WHERE w.id = ?", [workshop.id]).fetchone()[0]


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates shared by the many apps of this module (each app would compile them again)."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = MemoryBytecodeCache()


def make_app(database, content, monkeypatch):
    """An app on this database file. For speed only: it reuses the loaded content and compiled
    templates and stores passwords with a cheap hash; signing in still goes through /login."""
    import app as package
    from app.store import accounts
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr(package, "_load_content_or_refuse", lambda _app: content)
    monkeypatch.setattr(accounts, "generate_password_hash",
                        lambda password, method=None: generate_password_hash(password, method="pbkdf2:sha256:1000"))
    instance = create_app({"TESTING": True, "DATABASE": str(database), "SECRET_KEY": "test-secret"})
    instance.jinja_env.bytecode_cache = TEMPLATES
    return instance


@pytest.fixture
def db_path(tmp_path):
    """A fresh database file, in memory-backed /dev/shm where there is one (commits fsync)."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path / "test.sqlite3"
        return
    folder = Path(tempfile.mkdtemp(prefix="pmo-workshops-", dir=shm))
    yield folder / "test.sqlite3"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def app(db_path, content, monkeypatch):
    return make_app(db_path, content, monkeypatch)


@pytest.fixture
def fay(app):
    return Facilitator(app)


@pytest.fixture
def org_id(fay):
    return fay.create_org()


@pytest.fixture
def workshop(fay, org_id):
    return fay.create_workshop(org_id)


@pytest.fixture
def named(fay, org_id):
    return fay.create_workshop(org_id, mode="named", title="Named workshop")


# --------------------------------------------------------------------------
# Join codes
# --------------------------------------------------------------------------


def test_join_code_has_eight_unambiguous_characters_and_is_unique(app, fay, org_id):
    workshops = [fay.create_workshop(org_id, title=f"Workshop {i}") for i in range(3)]
    with opened(app) as db:
        user = fay.user_id
        q = app.extensions["pmo_content"].default_questionnaire
        more = [store.create_workshop(db, org_id, user, title=f"Stored {i}", mode="anonymous", roles=[],
                                      context=FULL_CONTEXT, questionnaire_id=q.id,
                                      questionnaire_version=q.version) for i in range(40)]
        codes = [db.execute("SELECT join_code FROM workshops WHERE id = ?", [i]).fetchone()[0] for i in more]
    codes += [w.code for w in workshops]
    for code in codes:
        assert len(code) >= 8, code
        assert set(code) <= UNAMBIGUOUS and not set(code) & AMBIGUOUS, code
    assert len(set(codes)) == len(codes)
    for w in workshops:
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", w.pretty)


@pytest.mark.parametrize("typed", [
    pytest.param(lambda c: c.lower(), id="lower-case"),
    pytest.param(lambda c: f"{c[:4]}-{c[4:]}", id="with-dash"),
    pytest.param(lambda c: f"{c[:4]}-{c[4:]}".lower(), id="lower-case-with-dash"),
])
def test_a_code_typed_loosely_opens_the_workshop(client, workshop, typed):
    page = client.get(f"/join/{typed(workshop.code)}")
    assert page.status_code == 200
    assert "Leadership workshop" in visible_text(page.text)
    form = client.post("/join", data={"csrf_token": page_csrf(client, "/join"), "code": typed(workshop.code)})
    assert form.status_code == 302
    assert form.location.endswith(f"/join/{workshop.code}")


def test_a_participant_joining_with_a_loosely_typed_code_lands_on_the_workshop(app, workshop):
    client = app.test_client()
    loose = f"{workshop.code[:4]}-{workshop.code[4:]}".lower()
    csrf = CSRF_META.search(client.get(f"/join/{loose}").text).group(1)
    joined = client.post(f"/join/{loose}", data={"csrf_token": csrf, "role": "Exec"})
    assert joined.status_code == 302 and joined.location.endswith(f"/w/{workshop.code}")
    assert client.get(f"/w/{workshop.code}").status_code == 200


# --------------------------------------------------------------------------
# Wrong and closed codes, throttling
# --------------------------------------------------------------------------


def unused_code(*taken: str) -> str:
    return next(c for c in ("ZZZZ9999", "YYYY8888", "XXXX7777") if c not in taken)


def test_wrong_and_closed_codes_get_the_same_answer(app, fay, org_id):
    closed = fay.create_workshop(org_id, title="Closed one")
    assert fay.close(closed).status_code == 302
    outsider = app.test_client()
    wrong = outsider.get(f"/join/{unused_code(closed.code)}")
    shut = outsider.get(f"/join/{closed.code}")
    assert wrong.status_code == shut.status_code == 404
    assert visible_text(wrong.text) == visible_text(shut.text)
    assert "Closed one" not in shut.text
    for path in ("", "/review", "/d/governance"):
        a, b = outsider.get(f"/w/{unused_code(closed.code)}{path}"), outsider.get(f"/w/{closed.code}{path}")
        assert (a.status_code, visible_text(a.text)) == (b.status_code, visible_text(b.text)), path


def test_after_closing_a_participant_cookie_neither_joins_nor_saves(app, fay, workshop):
    p = Participant(app, workshop)
    governance = question_ids(app, "governance")
    assert p.autosave({governance[0]: 2}).status_code == 200
    assert fay.close(workshop).status_code == 302
    before = p.stored()

    again = p.client.get(f"/join/{workshop.code}")
    wrong = app.test_client().get(f"/join/{unused_code(workshop.code)}")
    assert again.status_code == 404
    assert visible_text(again.text) == visible_text(wrong.text)

    saved = p.autosave({governance[0]: 5, governance[1]: 4})
    assert saved.status_code == 409
    posted = p.answer_page("governance", {governance[0]: 5})
    assert posted.status_code in (302, 303, 409)
    assert p.stored() == before
    joined = p.client.post(f"/join/{workshop.code}", data={"csrf_token": p.csrf, "role": "Exec"})
    assert joined.status_code == 404
    assert response_count(app, workshop) == 1


def test_wrong_codes_are_throttled_per_address_across_app_instances(app, workshop, content, monkeypatch):
    # Two app instances on one database file stand for two gunicorn workers.
    other_worker = make_app(app.config["DATABASE"], content, monkeypatch)
    clients = [app.test_client(), other_worker.test_client()]
    guesser = {"REMOTE_ADDR": "203.0.113.7"}
    neighbour = {"REMOTE_ADDR": "198.51.100.20"}
    wrong = unused_code(workshop.code)
    for attempt in range(JOIN_FAILURE_LIMIT):
        response = clients[attempt % 2].get(f"/join/{wrong}", environ_base=guesser)
        assert response.status_code == 404, f"attempt {attempt + 1} was refused early"
    for client in clients:
        assert client.get(f"/join/{wrong}", environ_base=guesser).status_code == 429
        assert client.get(f"/join/{wrong}", environ_base=neighbour).status_code == 404
        assert client.get(f"/join/{workshop.code}", environ_base=neighbour).status_code == 200
    # Documented behaviour: once an address is blocked, the right code is refused too (until the
    # window passes), so a guesser cannot tell a hit from a miss by the answer.
    for client in clients:
        right = client.get(f"/join/{workshop.code}", environ_base=guesser)
        assert right.status_code == 429
        assert "Too many" in visible_text(right.text)
        assert workshop.code not in right.text


# --------------------------------------------------------------------------
# Joining
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "roles", "form", "status", "message"), [
    ("named", "Exec, Delivery", {"name": "", "role": "Exec"}, 400, "Please give your name"),
    ("named", "Exec, Delivery", {"name": "   ", "role": "Exec"}, 400, "Please give your name"),
    ("named", "Exec, Delivery", {"name": "Ada"}, 400, "Please choose your role"),
    ("named", "Exec, Delivery", {"name": "Ada", "role": "CEO"}, 400, "Please choose your role"),
    ("anonymous", "Exec, Delivery", {}, 400, "Please choose your role"),
    ("named", "Exec, Delivery", {"name": "Ada", "role": "Delivery"}, 302, None),
    ("named", "", {"name": "Ada"}, 302, None),
    ("anonymous", "Exec, Delivery", {"role": "Exec"}, 302, None),
    ("anonymous", "", {}, 302, None),
])
def test_joining_requires_a_name_in_named_mode_and_a_role_when_roles_exist(app, fay, org_id, mode, roles, form,
                                                                           status, message):
    workshop = fay.create_workshop(org_id, mode=mode, roles=roles)
    client = app.test_client()
    csrf = CSRF_META.search(client.get(f"/join/{workshop.code}").text).group(1)
    response = client.post(f"/join/{workshop.code}", data={"csrf_token": csrf, **form})
    assert response.status_code == status
    assert response_count(app, workshop) == (1 if status == 302 else 0)
    assert (client.get_cookie(workshop.cookie) is not None) == (status == 302)
    if message:
        assert message in visible_text(response.text)


def test_a_role_the_workshop_does_not_offer_is_not_stored(app, fay, org_id):
    workshop = fay.create_workshop(org_id, roles="")
    client = app.test_client()
    csrf = CSRF_META.search(client.get(f"/join/{workshop.code}").text).group(1)
    response = client.post(f"/join/{workshop.code}", data={"csrf_token": csrf, "role": "CEO " + "x" * 5000})
    assert response.status_code in (302, 400)
    with opened(app) as db:
        roles = [r[0] for r in db.execute("SELECT role FROM responses")]
    assert roles in ([], [None])


def test_participant_cookie_is_httponly_and_samesite_lax(app, workshop):
    p = Participant(app, workshop)
    headers = [h for h in p.joined.headers.getlist("Set-Cookie") if h.startswith(workshop.cookie + "=")]
    assert len(headers) == 1
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in headers[0].split(";")[1:]}
    assert "httponly" in attributes
    assert attributes.get("samesite", "").lower() == "samesite=lax"
    assert attributes.get("path") == "Path=/"


def test_the_participant_token_never_appears_in_a_url_or_page(app, fay, workshop):
    p = Participant(app, workshop)
    with opened(app) as db:
        secrets = [p.token, store.hash_token(p.token)]
    seen = [("join redirect", p.joined.location, "")]

    def visit(method, path, **kwargs):
        response = p.client.open(path, method=method, **kwargs)
        seen.append((f"{method} {path}", response.location or "", response.get_data(as_text=True)))
        return response

    visit("GET", p.base)
    for dimension in DIMENSIONS:
        visit("GET", f"{p.base}/d/{dimension}")
        form = {f"q-{qid}": "3" for qid in question_ids(app, dimension)}
        visit("POST", f"{p.base}/d/{dimension}", data={"csrf_token": p.csrf, "action": "next", **form})
    visit("POST", f"{p.base}/answers", json={"answers": {question_ids(app)[0]: 4}}, headers={"X-CSRFToken": p.csrf})
    visit("GET", f"{p.base}/review")
    visit("POST", f"{p.base}/submit", data={"csrf_token": p.csrf})
    fay.reveal(workshop)
    visit("GET", p.base)
    visit("GET", f"/join/{workshop.code}")
    assert len(seen) > 10
    for where, location, body in seen:
        for secret in secrets:
            assert secret not in location, f"{where} redirects to a URL with the token"
            assert secret not in body, f"{where} shows the token"


def test_a_second_visit_to_the_join_link_goes_straight_to_the_workshop(app, workshop):
    p = Participant(app, workshop)
    for method in ("GET", "POST"):
        again = p.client.open(f"/join/{workshop.code}", method=method, data={"csrf_token": p.csrf, "role": "Exec"})
        assert again.status_code == 302
        assert again.location.endswith(f"/w/{workshop.code}")
    assert p.client.get_cookie(workshop.cookie).value == p.token
    assert response_count(app, workshop) == 1


# --------------------------------------------------------------------------
# Answering
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "goes_to"), [
    ("next", "/d/analytics"),
    ("back", ""),
    ("stay", "/d/governance"),
])
def test_each_page_saves_by_form_whatever_the_button(app, workshop, action, goes_to):
    p = Participant(app, workshop)
    governance = question_ids(app, "governance")
    levels = {qid: (i % 5) + 1 for i, qid in enumerate(governance)}
    levels[governance[-1]] = None
    response = p.answer_page("governance", levels, action=action)
    assert response.status_code == 302
    assert response.location.endswith(f"/w/{workshop.code}{goes_to}")
    assert answers_of(p) == levels


def test_every_page_saves_the_whole_questionnaire(app, workshop):
    p = Participant(app, workshop)
    wanted = {qid: (i % 5) + 1 for i, qid in enumerate(question_ids(app))}
    p.answer_all(wanted)
    assert answers_of(p) == wanted
    review = p.client.get(f"{p.base}/review")
    assert review.status_code == 200
    assert p.submit().status_code == 302


def test_json_autosave_saves_and_reports_progress(app, workshop):
    p = Participant(app, workshop)
    first, second = question_ids(app)[:2]
    response = p.autosave({first: 4, second: None})
    assert response.status_code == 200
    assert response.get_json() == {"saved": 2, "answered": 2, "total": len(question_ids(app))}
    assert answers_of(p) == {first: 4, second: None}


def test_a_replayed_json_save_changes_nothing(app, workshop):
    p = Participant(app, workshop)
    body = {qid: 3 for qid in question_ids(app, "tools")}
    body[question_ids(app, "tools")[0]] = None
    first = p.autosave(body)
    rows = p.stored()
    replay = p.autosave(body)
    assert first.status_code == replay.status_code == 200
    assert replay.get_json()["answered"] == first.get_json()["answered"] == len(body)
    assert p.stored() == rows  # same levels, and not even the timestamps moved
    assert len(rows) == len(body) == len({qid for qid, *_ in rows})


@pytest.mark.parametrize("level", [0, 6, -1, "3", 3.5, True, [3], {"level": 3}])
def test_json_levels_not_offered_are_refused_and_nothing_is_saved(app, workshop, level):
    p = Participant(app, workshop)
    first, second = question_ids(app)[:2]
    response = p.autosave({first: 2, second: level})
    assert response.status_code == 400
    assert "error" in response.get_json()
    assert p.stored() == []


@pytest.mark.parametrize("raw", ["0", "6", "x", "", "3.0", "-1"])
def test_form_levels_not_offered_are_refused_and_nothing_is_saved(app, workshop, raw):
    p = Participant(app, workshop)
    first, second = question_ids(app, "governance")[:2]
    response = p.client.post(f"{p.base}/d/governance",
                             data={"csrf_token": p.csrf, "action": "next", f"q-{first}": "2", f"q-{second}": raw})
    assert response.status_code == 400
    assert "Nothing was saved" in visible_text(response.text)
    assert p.stored() == []


@pytest.mark.parametrize("bad", [
    pytest.param({"governance.no_such_question": 3}, id="unknown-question"),
    pytest.param({"tools.tool_fit": 3}, id="question-of-another-page"),
])
def test_form_questions_not_on_the_page_are_refused(app, workshop, bad):
    p = Participant(app, workshop)
    response = p.answer_page("governance", bad)
    assert response.status_code == 400
    assert p.stored() == []


def test_json_autosave_without_the_csrf_header_is_refused(app, workshop):
    p = Participant(app, workshop)
    response = p.autosave({question_ids(app)[0]: 3}, csrf=False)
    assert response.status_code == 400
    assert p.stored() == []


# --------------------------------------------------------------------------
# Privacy
# --------------------------------------------------------------------------


def test_a_participant_sees_only_their_own_answers(app, workshop):
    me, other = Participant(app, workshop), Participant(app, workshop)
    governance = question_ids(app, "governance")
    me.answer_page("governance", {qid: 2 for qid in governance})
    other.answer_page("governance", {qid: 5 for qid in governance})
    mine = visible_text(me.client.get(me.base).text)
    assert mine.count("Level 2") == len(governance)
    assert "Level 5" not in mine
    assert checked_answers(me.client.get(f"{me.base}/d/governance").text) == {qid: "2" for qid in governance}
    assert answers_of(other) == {qid: 5 for qid in governance}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "", None),
    ("GET", "/d/governance", None),
    ("POST", "/d/governance", "form"),
    ("GET", "/review", None),
    ("POST", "/answers", "json"),
    ("POST", "/submit", "form"),
])
def test_without_the_participant_cookie_workshop_pages_are_404(app, workshop, method, path, body):
    p = Participant(app, workshop)
    qid = question_ids(app, "governance")[0]
    p.answer_page("governance", {qid: 2})
    p.client.delete_cookie(workshop.cookie)
    kwargs = {}
    if body == "form":
        kwargs = {"data": {"csrf_token": p.csrf, f"q-{qid}": "5", "action": "next"}}
    elif body == "json":
        kwargs = {"json": {"answers": {qid: 5}}, "headers": {"X-CSRFToken": p.csrf}}
    response = p.client.open(f"/w/{workshop.code}{path}", method=method, **kwargs)
    assert response.status_code == 404
    assert "Level 2" not in response.get_data(as_text=True)
    assert answers_of(p) == {qid: 2}


def test_a_cookie_for_one_workshop_does_not_open_another(app, fay, org_id, workshop):
    second = fay.create_workshop(org_id, title="Second workshop")
    p = Participant(app, workshop)
    qid = question_ids(app, "governance")[0]
    paths = ["", "/d/governance", "/review"]
    for path in paths:
        assert p.client.get(f"/w/{second.code}{path}").status_code == 404, path
    # Even the same token under the other workshop's cookie name opens nothing there.
    p.client.set_cookie(second.cookie, p.token)
    for path in paths:
        assert p.client.get(f"/w/{second.code}{path}").status_code == 404, path
    saved = p.client.post(f"/w/{second.code}/answers", json={"answers": {qid: 5}}, headers={"X-CSRFToken": p.csrf})
    assert saved.status_code == 404
    assert response_count(app, second) == 0
    assert p.stored() == []


FACILITATOR_PAGES = ["", "/live.json", "/projector", "/qr.svg"]


@pytest.mark.parametrize("path", FACILITATOR_PAGES)
def test_facilitator_pages_need_an_org_member(app, workshop, path):
    anonymous = app.test_client()
    participant = Participant(app, workshop)
    for who, client in (("anonymous", anonymous), ("participant", participant.client)):
        response = client.get(workshop.base + path)
        refused = response.status_code in (401, 403, 404) or (
            response.status_code == 302 and "/login" in response.location)
        assert refused, f"{who} got {response.status_code} on {path}"
        assert workshop.code not in response.get_data(as_text=True)


def test_anonymous_mode_shows_no_names_and_no_per_person_answers(app, fay, workshop):
    # Three Exec and two Delivery participants answer governance; the names they type are ignored.
    for i, role in enumerate(["Exec", "Exec", "Exec", "Delivery", "Delivery"]):
        p = Participant(app, workshop, name=f"Secret Person {i}", role=role)
        p.answer_page("governance", {qid: 1 + (i + j) % 5 for j, qid in enumerate(question_ids(app, "governance"))})
    fay.reveal(workshop)
    with opened(app) as db:
        assert db.execute("SELECT count(*) FROM responses WHERE display_name IS NOT NULL").fetchone()[0] == 0
    live = fay.live(workshop)
    detail = fay.client.get(workshop.base).text
    for text in (json.dumps(live), detail):
        assert "Secret Person" not in text
    assert "Participants" not in visible_text(detail)

    def keys(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from keys(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from keys(inner)

    assert not {"display_name", "answers", "people", "responses", "token"} & set(keys(live))
    traces = {trace["name"] for trace in live["figures"]["radar"]["data"]}
    assert traces == {"Highest", "Range (lowest to highest)", "Median", "Exec (3)"}


@pytest.mark.parametrize(("roles", "shown"), [
    pytest.param(["Exec", "Exec", "Exec", "Delivery", "Delivery"], {"Exec": 3}, id="three-shown-two-hidden"),
    pytest.param(["Exec", "Exec", "Delivery", "Delivery"], {}, id="no-role-reaches-three"),
    pytest.param(["Exec"] * 3 + ["Delivery"] * 4, {"Exec": 3, "Delivery": 4}, id="both-reach-three"),
])
def test_anonymous_mode_shows_role_figures_only_from_three_participants(app, fay, workshop, roles, shown):
    for role in roles:
        p = Participant(app, workshop, role=role)
        p.answer_page("governance", {qid: 3 for qid in question_ids(app, "governance")})
    fay.reveal(workshop)
    live = fay.live(workshop)
    assert {role: data["respondents"] for role, data in live["roles"].items()} == shown
    role_traces = {t["name"] for t in live["figures"]["radar"]["data"]} - {"Highest", "Range (lowest to highest)",
                                                                           "Median"}
    assert role_traces == {f"{role} ({n})" for role, n in shown.items()}


def test_anonymous_mode_counts_only_participants_who_answered_towards_a_role(app, fay, workshop):
    # Three Exec joined, but only two answered: their figures would be two people's.
    for i in range(3):
        p = Participant(app, workshop, role="Exec")
        if i < 2:
            p.answer_page("governance", {qid: 3 for qid in question_ids(app, "governance")})
    fay.reveal(workshop)
    assert fay.live(workshop)["roles"] == {}


def test_anonymous_role_figures_never_rest_on_fewer_than_three_answers(app, fay, workshop):
    for i in range(3):
        p = Participant(app, workshop, role="Exec")
        p.answer_page("governance", {qid: 3 for qid in question_ids(app, "governance")})
        if i == 0:
            p.answer_page("tools", {qid: 1 for qid in question_ids(app, "tools")})
    fay.reveal(workshop)
    exec_medians = fay.live(workshop)["roles"]["Exec"]["medians"]
    assert exec_medians["governance"] == 3.0
    assert exec_medians["tools"] is None, "one Exec's own tools score is shown as the Exec figure"


def test_named_mode_lists_names_to_the_facilitator_but_not_on_the_projector(app, fay, named):
    Participant(app, named, name="Ada Lovelace", role="Exec").answer_page(
        "governance", {qid: 2 for qid in question_ids(app, "governance")})
    Participant(app, named, name="Grace Hopper", role="Delivery")
    detail = visible_text(fay.client.get(named.base).text)
    assert "Participants" in detail
    assert "Ada Lovelace" in detail and "Grace Hopper" in detail
    fay.reveal(named)
    assert "Ada Lovelace" not in json.dumps(fay.live(named))
    assert "Ada Lovelace" not in fay.client.get(named.base + "/projector").text


# --------------------------------------------------------------------------
# Hide and reveal
# --------------------------------------------------------------------------


def test_live_json_has_no_figures_until_revealed(app, fay, workshop):
    for level in (2, 4):
        Participant(app, workshop).answer_page("governance", {qid: level for qid in question_ids(app, "governance")})
    hidden = fay.live(workshop)
    assert set(hidden) == {"status", "revealed", "counts"}
    assert hidden["revealed"] is False
    assert hidden["counts"] == {"joined": 2, "in_progress": 2, "submitted": 0, "not_started": 0}

    fay.reveal(workshop)
    shown = fay.live(workshop)
    assert shown["revealed"] is True
    assert shown["figures"]["radar"]["data"] and shown["figures"]["distribution"]["data"]
    assert len(shown["discussion"]) > 0
    assert {row["question"] for row in shown["discussion"]} <= set(question_ids(app, "governance"))

    fay.reveal(workshop, on=False)
    assert set(fay.live(workshop)) == {"status", "revealed", "counts"}


def test_live_json_is_not_cached(fay, workshop):
    response = fay.client.get(workshop.base + "/live.json")
    assert "no-store" in response.headers["Cache-Control"]


def test_participants_see_the_room_picture_only_when_revealed(app, fay, workshop):
    p = Participant(app, workshop)
    p.answer_page("governance", {qid: 3 for qid in question_ids(app, "governance")})
    assert 'id="room-data"' not in p.client.get(p.base).text
    fay.reveal(workshop)
    revealed = p.client.get(p.base).text
    assert 'id="room-data"' in revealed and "The room's picture" in visible_text(revealed)
    fay.reveal(workshop, on=False)
    assert 'id="room-data"' not in p.client.get(p.base).text


# --------------------------------------------------------------------------
# Consensus, closing, report
# --------------------------------------------------------------------------


def room_answers(app) -> list[dict]:
    """Three participants; governance.intake_criteria is the most disputed (1, 5, 5)."""
    ids = question_ids(app)
    rooms = [{qid: 2 for qid in ids}, {qid: 3 for qid in ids}, {qid: 4 for qid in ids}]
    disputed, tie, skipped, unknown = ids[0], ids[10], ids[20], ids[30]
    rooms[0][disputed], rooms[1][disputed], rooms[2][disputed] = 1, 5, 5
    rooms[2][tie] = None                      # 2 and 3 left: the lower middle is 2
    del rooms[2][skipped]                     # left out: again 2 and 3
    for room in rooms:
        room[unknown] = None                  # everyone: don't know
    return rooms


def expected_median_low(rooms: list[dict], qid: str):
    given = [room[qid] for room in rooms if qid in room]
    levels = [level for level in given if level is not None]
    return statistics.median_low(levels) if levels else None


@pytest.fixture
def discussed(app, fay, workshop):
    rooms = room_answers(app)
    people = [Participant(app, workshop, role=role) for role in ("Exec", "Exec", "Delivery")]
    for p, answers in zip(people, rooms):
        half = dict(list(answers.items())[: len(answers) // 2])
        p.answer_all(half)
        assert p.autosave(dict(list(answers.items())[len(answers) // 2:])).status_code == 200
        assert p.submit().status_code == 302
    return rooms, people


def test_consensus_overrides_the_median_in_the_closed_result(app, fay, workshop, discussed):
    rooms, _people = discussed
    detail = fay.client.get(workshop.base).text
    disputed = re.search(r'id="q-([a-z_]+\.[a-z_]+)"', detail).group(1)
    assert disputed == question_ids(app)[0]
    assert expected_median_low(rooms, disputed) == 5
    recorded = fay.post(workshop.base + "/consensus", {"question_id": disputed, "level": "2",
                                                       "note": "Intake exists on paper only"})
    assert recorded.status_code == 302
    assert fay.close(workshop).status_code == 302

    result = fay.client.get(workshop.base + "/report.json").get_json()
    assert result["answers"][disputed] == 2
    expected = {qid: expected_median_low(rooms, qid) for qid in question_ids(app)}
    assert {qid: level for qid, level in result["answers"].items() if qid != disputed} == \
           {qid: level for qid, level in expected.items() if qid != disputed}
    assert result["workshop"]["consensus"][disputed] == {"level": 2, "note": "Intake exists on paper only"}
    assert result["workshop"]["participants"] == 3 and result["workshop"]["submitted"] == 3


@pytest.mark.parametrize(("form", "status"), [
    ({"question_id": "governance.no_such_question", "level": "2"}, 400),
    ({"question_id": "governance.intake_criteria", "level": "6"}, 400),
    ({"question_id": "governance.intake_criteria", "level": "two"}, 400),
    ({"question_id": "governance.intake_criteria", "level": "2", "note": "x" * 501}, 400),
])
def test_bad_consensus_is_refused_and_nothing_is_recorded(app, fay, workshop, form, status):
    assert fay.post(workshop.base + "/consensus", form).status_code == status
    with opened(app) as db:
        assert store.consensus(db, workshop.id) == {}


def test_removing_a_consensus_brings_the_median_back(app, fay, workshop, discussed):
    rooms, _people = discussed
    disputed = question_ids(app)[0]
    fay.post(workshop.base + "/consensus", {"question_id": disputed, "level": "2"})
    fay.post(workshop.base + "/consensus", {"question_id": disputed, "level": ""})
    fay.close(workshop)
    result = fay.client.get(workshop.base + "/report.json").get_json()
    assert result["answers"][disputed] == expected_median_low(rooms, disputed) == 5
    assert result["workshop"]["consensus"] == {}


def test_closing_freezes_one_snapshot_into_the_org_history(app, fay, org_id, workshop, discussed):
    assert snapshot_count(app) == 0
    closed = fay.close(workshop)
    assert closed.status_code == 302 and closed.location.endswith(workshop.base + "/report")
    with opened(app) as db:
        history = store.history(db, org_id, "all")
        status = db.execute("SELECT a.status, a.kind, w.status FROM assessments a JOIN workshops w "
                            "ON w.assessment_id = a.id WHERE w.id = ?", [workshop.id]).fetchone()
    assert status == ("closed", "workshop", "closed")
    assert [(h["kind"], h["title"]) for h in history] == [("workshop", "Leadership workshop")]
    assert snapshot_count(app) == 1
    frozen = fay.client.get(workshop.base + "/report.json").get_data(as_text=True)

    again = fay.close(workshop)
    assert again.status_code == 302
    assert snapshot_count(app) == 1
    with opened(app) as db:
        assert len(store.history(db, org_id, "all")) == 1
    assert fay.client.get(workshop.base + "/report.json").get_data(as_text=True) == frozen
    assert "Leadership workshop" in visible_text(fay.client.get(f"/orgs/{org_id}").text)
    # The closed workshop's control page now sends the facilitator to the report.
    detail = fay.client.get(workshop.base)
    assert detail.status_code == 302 and detail.location.endswith("/report")


def test_the_report_shows_result_advice_roadmap_and_disagreement(app, fay, workshop, discussed):
    fay.close(workshop)
    result = fay.client.get(workshop.base + "/report.json").get_json()
    page = fay.client.get(workshop.base + "/report")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "Recommended PMO model" in text
    assert result["recommendation"]["title"] in text
    assert result["pitfalls"], "this room should walk into at least one pitfall"
    for pitfall in result["pitfalls"]:
        assert pitfall["title"] in text
    assert "Improvement roadmap" in text
    items = [item for phase in result["roadmap"]["phases"] for item in phase["items"]]
    assert items and all(f'id="item-{item["id"]}"' in page.text for item in items)
    assert result["overall"]["label"] in text
    assert "data-disagreement" in page.text
    assert "How the room answered" in text
    assert result["workshop"]["disagreement"][0]["question"] == question_ids(app)[0]
    assert result["workshop"]["disagreement"][0]["text"] in text
    csv = fay.client.get(workshop.base + "/roadmap.csv?start=2027-01-04")
    assert csv.status_code == 200 and csv.text.count("\n") == len(items) + 1


def test_changing_the_target_replans_the_workshop_roadmap_and_keeps_the_old_snapshot(app, fay, workshop,
                                                                                      discussed):
    fay.close(workshop)
    before = fay.client.get(workshop.base + "/report.json").get_json()
    response = fay.post(workshop.base + "/target", {f"target-{d}": "5" for d in DIMENSIONS})
    assert response.status_code == 302
    after = fay.client.get(workshop.base + "/report.json").get_json()
    assert after["roadmap"]["target"] == {d: 5 for d in DIMENSIONS}
    assert (after["answers"], after["scores"], after["workshop"]) == (before["answers"], before["scores"],
                                                                      before["workshop"])
    assert snapshot_count(app) == 2
    with opened(app) as db:
        assert len(store.history(db, workshop.org_id, "all")) == 1


def report_radar_target(fay, workshop) -> list:
    page = fay.client.get(workshop.base + "/report").text
    radar = json.loads(re.search(r'id="radar-data">(.*?)</script>', page, re.S).group(1))
    return [trace["r"] for trace in radar["data"] if trace.get("name") == "Target"]


def test_changing_the_target_redraws_the_target_on_the_report_radar(app, fay, workshop, discussed):
    fay.close(workshop)
    fay.post(workshop.base + "/target", {f"target-{d}": "5" for d in DIMENSIONS})
    assert report_radar_target(fay, workshop) == [[5] * (len(DIMENSIONS) + 1)]


@pytest.mark.parametrize("room", ["nobody-joined", "joined-without-answering", "one-answer"])
def test_closing_a_nearly_empty_workshop_still_gives_a_report(app, fay, workshop, room):
    if room != "nobody-joined":
        p = Participant(app, workshop)
        if room == "one-answer":
            assert p.autosave({question_ids(app)[0]: 3}).status_code == 200
    assert fay.close(workshop).status_code == 302
    for path in ("/report", "/report.json", "/roadmap.csv"):
        assert fay.client.get(workshop.base + path).status_code == 200, path
    answers = fay.client.get(workshop.base + "/report.json").get_json()["answers"]
    assert answers == ({question_ids(app)[0]: 3} if room == "one-answer" else {})
    assert snapshot_count(app) == 1


def test_report_is_404_while_the_workshop_is_open(fay, workshop):
    for path in ("/report", "/report.json", "/roadmap.csv"):
        assert fay.client.get(workshop.base + path).status_code == 404, path


def test_consensus_after_closing_is_refused(app, fay, workshop, discussed):
    fay.close(workshop)
    response = fay.post(workshop.base + "/consensus", {"question_id": question_ids(app)[0], "level": "1"})
    assert response.status_code == 409
    assert fay.client.get(workshop.base + "/report.json").get_json()["answers"][question_ids(app)[0]] == 5


# --------------------------------------------------------------------------
# Another organisation's member
# --------------------------------------------------------------------------


def workshop_routes(workshop: Workshop, closed: Workshop) -> tuple[list[tuple[str, str]], dict]:
    target = {f"target-{d}": "3" for d in DIMENSIONS}
    return [
        ("GET", f"/orgs/{workshop.org_id}/workshops"),
        ("GET", f"/orgs/{workshop.org_id}/workshops/new"),
        ("POST", f"/orgs/{workshop.org_id}/workshops/new"),
        *[("GET", workshop.base + p) for p in ("", "/projector", "/live.json", "/qr.svg")],
        *[("POST", workshop.base + p) for p in ("/reveal", "/consensus", "/close")],
        *[("GET", closed.base + p) for p in ("/report", "/report.json", "/roadmap.csv")],
        ("POST", closed.base + "/target"),
    ], target


def test_every_workshop_route_refuses_a_member_of_another_org(app, fay, org_id, workshop):
    closed = fay.create_workshop(org_id, title="Closed")
    fay.close(closed)
    bob = Facilitator(app)
    bob_org = bob.create_org("Bob's org")
    routes, target = workshop_routes(workshop, closed)
    # Bob's own organisation in the URL with Alice's workshop ids must not work either.
    swapped = [(m, p.replace(f"/orgs/{org_id}/workshops/", f"/orgs/{bob_org}/workshops/"))
               for m, p in routes if f"/workshops/{workshop.id}" in p or f"/workshops/{closed.id}" in p]
    data = {"title": "Hijack", "mode": "anonymous", "revealed": "1", "question_id": question_ids(app)[0],
            "level": "1", **CONTEXT_FORM, **target}
    answers = []
    for method, path in routes + swapped:
        response = bob.post(path, data) if method == "POST" else bob.client.get(path)
        answers.append((method, path, response.status_code))
    assert [a for a in answers if a[2] not in (403, 404)] == []
    with opened(app) as db:
        w = store.get_workshop(db, org_id, workshop.id)
        assert (w["revealed"], w["status"]) == (False, "open")
        assert store.consensus(db, workshop.id) == {}
        assert store.workshops_of(db, bob_org) == []
    assert snapshot_count(app) == 1
