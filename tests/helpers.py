"""Helpers every test may import: the standard profile, reading pages, signing in, driving the
questionnaire, reaching the app's database. The fixtures are in conftest.py."""

from __future__ import annotations

import html as html_lib
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import yaml

from app import store
from app.engine.vocabulary import DIMENSIONS

FULL_CONTEXT = {
    "org_size": "large",
    "active_projects": 80,
    "business_units": 4,
    "regulated": True,
    "risk_profile": "high",
    "delivery_mix": "hybrid",
    "primary_pain": "resource_conflicts",
    "existing_pmo": "informal",
}
CONTEXT_FORM = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in FULL_CONTEXT.items()}
PASSWORD = "correct horse battery staple"
# Passwords in test apps are hashed cheaply: the production default (scrypt) is tested on its own.
FAST_PASSWORD_METHOD = "pbkdf2:sha256:1000"
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


# --------------------------------------------------------------------------
# The app's database
# --------------------------------------------------------------------------


@contextmanager
def opened(app):
    """A connection to the app's database, outside any request."""
    database = store.open_db(app.config["DATABASE"])
    try:
        yield database
    finally:
        database.close()


def query(app, sql: str, params=()) -> list[tuple]:
    """Rows of a read-only query on the app's database."""
    with opened(app) as database:
        return database.execute(sql, list(params)).fetchall()


def add_user(app, email: str, role: str = "member", password: str = PASSWORD, name: str = "") -> int:
    """Create an account directly in the app's database, hashed the way the app hashes."""
    with opened(app) as database:
        return store.create_user(database, email, password, role=role, name=name,
                                 password_method=app.config["PASSWORD_HASH_METHOD"])


def new_user(database, email: str, role: str = "member", password: str = PASSWORD) -> int:
    """Create an account straight in a store database (cheap hash), for store tests."""
    return store.create_user(database, email, password, role=role, password_method=FAST_PASSWORD_METHOD)


def open_workshop(app, email: str = "fay@example.org", password: str = PASSWORD,
                  mode: str = "anonymous") -> tuple[int, int, str]:
    """A new facilitator with an organisation and an open workshop; return (org id, workshop id, join code)."""
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    user = add_user(app, email, role="facilitator", password=password, name="Fay")
    with opened(app) as database:
        org = store.create_org(database, f"Org of {email}", user)
        workshop = store.create_workshop(database, org, user, title="Board workshop", mode=mode, roles=[],
                                         context=FULL_CONTEXT, questionnaire_id=questionnaire.id,
                                         questionnaire_version=questionnaire.version)
        return org, workshop, store.get_workshop(database, org, workshop)["join_code"]


# --------------------------------------------------------------------------
# Known-bad content: a valid file plus a small patch each
# --------------------------------------------------------------------------

CONTENT_FIXTURES = Path(__file__).parent / "content"


def content_patches(folder: Path) -> dict[str, dict]:
    """The known-bad files of a fixture folder, by name: {base, expect, edits}."""
    return yaml.safe_load((folder / "patches.yaml").read_text())


def build_bad_content(folder: Path, dest: Path) -> dict[str, Path]:
    """Write every known-bad file of the folder into ``dest``: its base with its edits, headed by its
    ``# expect:`` lines, as an author would keep it; return {name: path}.

    Text edits, not changes to parsed data: some defects (a key given twice, broken YAML, an
    unquoted No) exist only in the text. (Rule fixtures patch parsed data instead; see
    tests/test_rules_content.py.)"""
    built = {}
    for name, case in content_patches(folder).items():
        text = (folder / case["base"]).read_text()
        for edit in case["edits"]:
            assert text.count(edit["find"]) == 1, f"{name}: the edit must find its text once: {edit['find']!r}"
            text = text.replace(edit["find"], edit["put"])
        head = "".join(f"# expect: {pattern}\n" for pattern in case["expect"])
        built[name] = dest / f"{name}.yaml"
        built[name].write_text(head + text)
    return built


def expectations(path: Path) -> list[str]:
    """The ``# expect:`` patterns a known-bad file starts with."""
    return [line[len("# expect: "):].strip() for line in path.read_text().splitlines() if line.startswith("# expect: ")]


# --------------------------------------------------------------------------
# Signing in
# --------------------------------------------------------------------------


def page_csrf(client, path: str = "/") -> str:
    """The CSRF token of the client's current session, read from a page's meta tag."""
    return CSRF_META.search(client.get(path).text).group(1)


class AuthActions:
    """Sign a test client in and out through the pages, with the form's CSRF token, like a person.

    After a successful sign-in, the client's session token is at `client.csrf` for later posts.
    """

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD, next_url: str | None = None, **kwargs):
        token = page_csrf(self.client, "/login")
        path = "/login" if next_url is None else "/login?" + urlencode({"next": next_url})
        response = self.client.post(path, data={"csrf_token": token, "email": email, "password": password}, **kwargs)
        if response.status_code == 302:
            self.client.csrf = page_csrf(self.client)
        return response

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": page_csrf(self.client)})


def signed_in_client(app, email: str, password: str = PASSWORD):
    """A new test client signed in as this user, with its session's CSRF token as `.csrf`."""
    client = app.test_client()
    response = AuthActions(client).login(email, password)
    assert response.status_code == 302, f"sign-in of {email} failed: {response.status_code}"
    return client


# --------------------------------------------------------------------------
# Reading pages and driving the questionnaire
# --------------------------------------------------------------------------


def visible_text(html: str) -> str:
    """The page's text without tags, whitespace collapsed: what a reader sees."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", text))).strip()


def checked_answers(html: str) -> dict[str, str]:
    """The radio buttons shown checked on a questionnaire page: {question id: value}."""
    found = {}
    for tag in re.findall(r"<input[^>]*>", html, flags=re.S):
        name = re.search(r'name="q-([^"]+)"', tag)
        if name and re.search(r"\schecked[\s>]", tag):
            found[name.group(1)] = re.search(r'value="([^"]+)"', tag).group(1)
    return found


def csrf_token(client) -> str:
    """Read the session's CSRF token from the meta tag of the home page."""
    return page_csrf(client)


class Respondent:
    """Drives the questionnaire through the test client, like a person with a browser."""

    def __init__(self, client, questionnaire):
        self.client = client
        self.questionnaire = questionnaire
        self.csrf = csrf_token(client)
        response = client.post("/start", data={"csrf_token": self.csrf})
        assert response.status_code == 302, response.text
        self.token = response.location.split("/r/")[1].split("?")[0]

    @property
    def base(self) -> str:
        return f"/r/{self.token}"

    def post(self, path: str, data: dict, **kwargs):
        return self.client.post(self.base + path, data={"csrf_token": self.csrf, **data}, **kwargs)

    def fill_context(self, context=FULL_CONTEXT, action="next"):
        form = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in context.items()}
        return self.post("/context", {**form, "action": action})

    def answer_dimension(self, dimension: str, level_for, action="next"):
        form = {}
        for q in self.questionnaire.dimension(dimension).questions:
            level = level_for(q)
            if level == "skip":
                continue
            form[f"q-{q.id}"] = "dk" if level is None else str(level)
        return self.post(f"/d/{dimension}", {**form, "action": action})

    def answer_all(self, level_for=lambda q: 3):
        for dim in DIMENSIONS:
            response = self.answer_dimension(dim, level_for)
            assert response.status_code == 302, response.text

    def submit(self):
        return self.post("/submit", {})

    def result(self):
        return self.client.get(self.base + "/result.json").get_json()
