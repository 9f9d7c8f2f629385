"""Shared fixtures: an app on a fresh file database, its client and CLI runner, the content."""

from __future__ import annotations

import re

import pytest

from app import PROJECT_ROOT, create_app
from app.engine import load_content
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


@pytest.fixture(scope="session")
def content():
    return load_content(PROJECT_ROOT)


@pytest.fixture(scope="session")
def questionnaire(content):
    return content.default_questionnaire


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "test.sqlite3"


@pytest.fixture
def app(db_path):
    return create_app({"TESTING": True, "DATABASE": str(db_path), "SECRET_KEY": "test-secret"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def visible_text(html: str) -> str:
    """The page's text without tags, whitespace collapsed: what a reader sees."""
    import html as html_lib

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


def open_workshop(app, email: str = "fay@example.org", password: str = "correct horse battery staple",
                  mode: str = "anonymous") -> tuple[int, int, str]:
    """A new facilitator with an organisation and an open workshop; return (org id, workshop id, join code)."""
    from app import store

    questionnaire = app.extensions["pmo_content"].default_questionnaire
    db = store.open_db(app.config["DATABASE"])
    try:
        user = store.create_user(db, email, password, role="facilitator", name="Fay")
        org = store.create_org(db, f"Org of {email}", user)
        workshop = store.create_workshop(db, org, user, title="Board workshop", mode=mode, roles=[],
                                         context=FULL_CONTEXT, questionnaire_id=questionnaire.id,
                                         questionnaire_version=questionnaire.version)
        return org, workshop, store.get_workshop(db, org, workshop)["join_code"]
    finally:
        db.close()


def csrf_token(client) -> str:
    """Read the session's CSRF token from the meta tag of a page."""
    page = client.get("/")
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


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


@pytest.fixture
def respondent(client, questionnaire):
    return Respondent(client, questionnaire)


@pytest.fixture
def submitted(respondent):
    """A self-assessment answered and submitted through the pages."""
    respondent.fill_context()
    respondent.answer_all(lambda q: 2 if q.id.startswith(("governance", "leadership")) else 3)
    assert respondent.submit().status_code == 302
    return respondent
