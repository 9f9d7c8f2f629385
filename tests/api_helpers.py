"""Helpers for the JSON API tests: tokens and a client that sends one."""

from __future__ import annotations

from app import store
from tests.helpers import FULL_CONTEXT, add_user, opened


def make_token(app, user_id: int, name: str = "test", scope: str = "read-write", expires_at=None) -> str:
    """A personal access token for this user, made through the store."""
    with opened(app) as database:
        return store.create_token(database, user_id, name, scope, expires_at)[1]


class ApiClient:
    """A test client that sends `Authorization: Bearer <token>` and no cookie."""

    def __init__(self, app, token: str | None):
        self.client = app.test_client(use_cookies=False)
        self.token = token

    def headers(self, extra=None) -> dict:
        found = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**found, **(extra or {})}

    def get(self, url: str, **kwargs):
        return self.client.get(url, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, url: str, json=None, **kwargs):
        return self.client.post(url, json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def patch(self, url: str, json=None, **kwargs):
        return self.client.patch(url, json=json, headers=self.headers(kwargs.pop("headers", None)), **kwargs)

    def open(self, url: str, method: str, **kwargs):
        return self.client.open(url, method=method, headers=self.headers(kwargs.pop("headers", None)), **kwargs)


def error_of(response) -> dict:
    """The API's error object, after checking the one shape every error has."""
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]) <= {"code", "message", "field", "incident"}, body
    return body["error"]


def frozen_result(app, questionnaire, email: str = "frozen@example.org") -> tuple[ApiClient, str]:
    """A facilitator's token client and the API path of an assessment they made and submitted, with
    every answer at level 3; the three requests it took are the token's first."""
    api = ApiClient(app, make_token(app, add_user(app, email, role="facilitator")))
    org = api.post("/api/v1/orgs", json={"name": "Frozen Ltd"}).get_json()["id"]
    body = {"answers": {q.id: 3 for q in questionnaire.questions()}, "context": FULL_CONTEXT, "period": "2026-Q4"}
    assessment = api.post(f"/api/v1/orgs/{org}/assessments", json=body).get_json()["id"]
    assert api.post(f"/api/v1/orgs/{org}/assessments/{assessment}/submit").status_code == 200
    return api, f"/api/v1/orgs/{org}/assessments/{assessment}/result"
