"""Personal access tokens: made on the account page or with `flask tokens create`, shown once, stored
hashed, read-only refused on writes, expired and revoked refused, wrong tokens throttled, and each
token's requests limited, all counted in the database."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

from app import store
from app.store.accounts import THROTTLE_LIMIT
from app.web.api.usage import FLUSH_SECONDS as USAGE_FLUSH_SECONDS
from tests.api_helpers import ApiClient, error_of, frozen_result, make_token
from tests.helpers import add_user, opened, page_csrf, query, signed_in_client


def test_cli_makes_a_token_that_is_shown_once_and_stored_hashed(app, runner):
    add_user(app, "bi@example.org")
    result = runner.invoke(args=["tokens", "create", "--email", "bi@example.org", "--name", "Power BI"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("pmo_") and len(token) > 40
    assert "shown only this once" in result.stderr
    stored = query(app, "SELECT name, scope, token_hash FROM api_tokens")
    assert stored == [("Power BI", "read-write", store.hash_token(token))]
    assert not any(token in str(v) for table in ("api_tokens", "api_token_usage")
                   for row in query(app, f"SELECT * FROM {table}") for v in row)
    assert ApiClient(app, token).get("/api/v1/orgs").status_code == 200


def test_cli_refuses_an_unknown_user_and_a_bad_expiry(app, runner):
    unknown = runner.invoke(args=["tokens", "create", "--email", "nobody@example.org", "--name", "x"])
    assert unknown.exit_code == 2 and "no active user" in unknown.stderr
    add_user(app, "bi@example.org")
    bad = runner.invoke(args=["tokens", "create", "--email", "bi@example.org", "--name", "x", "--expires", "soon"])
    assert bad.exit_code == 2 and "--expires" in bad.stderr
    assert query(app, "SELECT count(*) FROM api_tokens") == [(0,)]


def test_read_only_token_reads_but_is_refused_on_every_write(app, runner):
    add_user(app, "fac@example.org", role="facilitator")
    result = runner.invoke(args=["tokens", "create", "--email", "fac@example.org", "--name", "ro", "--read-only"])
    api = ApiClient(app, result.stdout.strip())
    assert api.get("/api/v1/orgs").status_code == 200
    refused = api.post("/api/v1/orgs", json={"name": "Acme"})
    assert refused.status_code == 403 and error_of(refused)["code"] == "read_only_token"
    assert query(app, "SELECT count(*) FROM organisations") == [(0,)]
    # Scoring is a computation, not a change: a read-only token may do it.
    assert api.post("/api/v1/assess", json={"answers": {}}).status_code == 200


def test_account_page_makes_lists_and_revokes_tokens(app):
    add_user(app, "me@example.org")
    browser = signed_in_client(app, "me@example.org")
    made = browser.post("/account/tokens", data={"token-csrf_token": page_csrf(browser, "/account"),
                                                 "token-name": "Quarterly script", "token-scope": "read-write"})
    assert made.status_code == 201
    token = re.search(r'id="new-token">(pmo_[^<]+)<', made.text).group(1)
    api = ApiClient(app, token)
    assert api.get("/api/v1/orgs").status_code == 200
    page = browser.get("/account").text
    assert "Quarterly script" in page and token not in page  # shown once
    assert "never" not in page.split("Quarterly script")[1].split("</tr>")[0].split("</td>")[3]  # last used: today
    (token_id,), = query(app, "SELECT id FROM api_tokens")
    revoked = browser.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": page_csrf(browser)})
    assert revoked.status_code == 302
    refused = api.get("/api/v1/orgs")
    assert refused.status_code == 401 and error_of(refused)["code"] == "invalid_token"
    assert "revoked" in browser.get("/account").text


def test_a_user_cannot_revoke_anothers_token(app):
    owner = add_user(app, "owner@example.org")
    token = make_token(app, owner)
    add_user(app, "other@example.org")
    other = signed_in_client(app, "other@example.org")
    (token_id,), = query(app, "SELECT id FROM api_tokens")
    assert other.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": page_csrf(other)}).status_code == 404
    assert ApiClient(app, token).get("/api/v1/orgs").status_code == 200


def test_account_page_refuses_an_empty_name_and_a_past_expiry(app):
    add_user(app, "me@example.org")
    browser = signed_in_client(app, "me@example.org")
    csrf = page_csrf(browser, "/account")
    empty = browser.post("/account/tokens", data={"token-csrf_token": csrf, "token-name": " ", "token-scope": "read"})
    past = browser.post("/account/tokens", data={"token-csrf_token": csrf, "token-name": "old", "token-scope": "read",
                                                 "token-expires": "2020-01-01"})
    assert (empty.status_code, past.status_code) == (400, 400)
    assert "The last day must be today or later." in past.text
    assert query(app, "SELECT count(*) FROM api_tokens") == [(0,)]


def test_an_expired_token_is_refused(app):
    user = add_user(app, "me@example.org")
    token = make_token(app, user, expires_at=datetime.now(timezone.utc) + timedelta(seconds=30))
    api = ApiClient(app, token)
    assert api.get("/api/v1/orgs").status_code == 200
    with opened(app) as database:
        database.execute("UPDATE api_tokens SET expires_at = ?",
                         [(datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()])
        database.conn.commit()
    refused = api.get("/api/v1/orgs")
    assert refused.status_code == 401 and error_of(refused)["code"] == "invalid_token"


def test_a_deactivated_users_token_stops_working(app):
    add_user(app, "admin@example.org", role="admin")
    user = add_user(app, "leaver@example.org")
    api = ApiClient(app, make_token(app, user))
    with opened(app) as database:
        store.update_user(database, user, active=False)
    assert api.get("/api/v1/orgs").status_code == 401


def test_cookies_open_nothing_and_tokens_need_no_csrf(app):
    user = add_user(app, "fac@example.org", role="facilitator")
    browser = signed_in_client(app, "fac@example.org")
    assert browser.get("/api/v1/orgs").status_code == 401  # a session cookie is not a token
    api = ApiClient(app, make_token(app, user))
    created = api.post("/api/v1/orgs", json={"name": "Made without a CSRF token"})
    assert created.status_code == 201
    assert "Set-Cookie" not in created.headers


def test_missing_or_malformed_authorisation_is_401_with_the_scheme(app):
    api = ApiClient(app, None)
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
        response = api.get("/api/v1/orgs", headers=headers)
        assert response.status_code == 401 and error_of(response)["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_wrong_tokens_are_throttled_per_address_in_the_database(app, make_app):
    user = add_user(app, "me@example.org")
    good = make_token(app, user)
    wrong = ApiClient(app, "pmo_not-a-real-token")
    for _ in range(THROTTLE_LIMIT):
        assert wrong.get("/api/v1/orgs").status_code == 401
    # Another worker (another app on the same database) sees the same count: the next wrong one waits.
    other_worker = make_app(app.config["DATABASE"])
    blocked = ApiClient(other_worker, "pmo_another-guess").get("/api/v1/orgs")
    assert blocked.status_code == 429 and error_of(blocked)["code"] == "too_many_failures"
    assert int(blocked.headers["Retry-After"]) > 0
    assert query(app, "SELECT count(*) FROM api_auth_failures") == [(THROTTLE_LIMIT,)]
    # A valid token from the same address (a colleague behind the same NAT) is never locked out.
    assert ApiClient(other_worker, good).get("/api/v1/orgs").status_code == 200
    # Another address is not affected.
    elsewhere = ApiClient(app, good).get("/api/v1/orgs", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert elsewhere.status_code == 200


class Clock:
    """A clock the test moves: the usage counters' flush interval passes when the test says so."""

    def __init__(self):
        # At the start of a rate window (any window dividing a day), so the few seconds a test moves it
        # never cross into the next window, which starts a token's count afresh (a flaky [(1,)] once).
        self.now = float(int(time.time()) // 86400 * 86400)

    def __call__(self) -> float:
        return self.now


def on_clock(app, clock: Clock):
    app.extensions["api_usage"].clock = clock
    return app


def test_each_token_is_rate_limited_across_workers(make_app, db_path):
    clock = Clock()
    first = on_clock(make_app(db_path, API_RATE_LIMIT=3, API_RATE_WINDOW_SECONDS=3600), clock)
    second = on_clock(make_app(db_path, API_RATE_LIMIT=3, API_RATE_WINDOW_SECONDS=3600), clock)
    user = add_user(first, "me@example.org")
    token, other = make_token(first, user, "one"), make_token(first, user, "two")
    statuses = []
    for app in (first, second, first, second):
        clock.now += USAGE_FLUSH_SECONDS  # each worker adds its counts to the others' every few seconds
        statuses.append(ApiClient(app, token).get("/api/v1/orgs").status_code)
    assert statuses == [200, 200, 200, 429]
    limited = ApiClient(second, token).get("/api/v1/orgs")
    assert error_of(limited)["code"] == "rate_limited" and 0 < int(limited.headers["Retry-After"]) <= 3600
    assert ApiClient(second, other).get("/api/v1/orgs").status_code == 200  # per token
    assert query(first, "SELECT requests FROM api_token_usage ORDER BY token_id") == [(5,), (1,)]


def test_one_worker_limits_a_token_at_once_between_writes(make_app, db_path):
    app = on_clock(make_app(db_path, API_RATE_LIMIT=3, API_RATE_WINDOW_SECONDS=3600), Clock())
    token = make_token(app, add_user(app, "me@example.org"))
    statuses = [ApiClient(app, token).get("/api/v1/orgs").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert query(app, "SELECT requests FROM api_token_usage") == [(1,)]  # only the first was written yet


def test_token_requests_between_writes_commit_nothing_a_304_included(app, questionnaire):
    """A token's requests are counted in memory: within the flush interval nothing is committed at all."""
    on_clock(app, clock := Clock())
    api, path = frozen_result(app, questionnaire)  # three requests; the token's first was written at once
    etag = api.get(path).headers["ETag"]
    with opened(app) as watcher:
        before = watcher.execute("PRAGMA data_version").fetchone()
        assert api.get(path).status_code == 200
        assert api.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert watcher.execute("PRAGMA data_version").fetchone() == before, "a request committed a write"
        clock.now += USAGE_FLUSH_SECONDS
        assert api.get(path, headers={"If-None-Match": etag}).status_code == 304
        assert watcher.execute("PRAGMA data_version").fetchone() != before, "the counts were never written"
    assert query(app, "SELECT requests FROM api_token_usage") == [(3 + 4,)]


def test_counts_still_in_memory_are_written_when_the_worker_exits(make_app, db_path):
    from app.web.api import usage

    app = on_clock(make_app(db_path), Clock())
    token = make_token(app, add_user(app, "me@example.org"))
    for _ in range(3):
        assert ApiClient(app, token).get("/api/v1/orgs").status_code == 200
    assert query(app, "SELECT requests FROM api_token_usage") == [(1,)]
    usage._flush_all()  # what atexit runs when a gunicorn worker stops
    assert query(app, "SELECT requests FROM api_token_usage") == [(3,)]
