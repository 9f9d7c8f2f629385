"""Response headers, cookies, CSRF, request size and production error pages."""

from __future__ import annotations

import logging
import re

import pytest

from tests.helpers import PASSWORD
from tests.world import diff_dumps, dump_data, script_problems, sign_in_admin

ONE_YEAR = 31_536_000


def sample_pages(w) -> dict[str, tuple[str, str]]:
    """name: (who, path) for a sample of pages people and programs open."""
    return {
        "home": ("anonymous", "/"),
        "login": ("anonymous", "/login"),
        "not-found": ("anonymous", "/r/no-such-link"),
        "health": ("anonymous", "/healthz"),
        "orgs": ("Bob", "/orgs"),
        "org": ("Bob", f"/orgs/{w.org_b}"),
        "result": ("Bob", f"/r/{w.b_token}/result"),
        "result-json": ("Bob", f"/r/{w.b_token}/result.json"),
        "questionnaire": ("Bob", f"/r/{w.b_private_member_token}/d/governance"),
        "review": ("Bob", f"/r/{w.b_private_member_token}/review"),
        "account": ("Bob", "/account"),
        "users": ("admin", "/admin/users"),
    }


PAGE_NAMES = ["home", "login", "not-found", "health", "orgs", "org", "result", "result-json", "questionnaire",
              "review", "account", "users"]
HTML_PAGES = [n for n in PAGE_NAMES if n not in ("health", "result-json")]
SIGNED_IN_PAGES = ["orgs", "org", "account", "users"]


@pytest.fixture(scope="module")
def pages(module_world):
    w = module_world
    clients = {"anonymous": w.app.test_client(), "Bob": w.b.client, "admin": sign_in_admin(w)}
    fetched = {}
    assert list(sample_pages(w)) == PAGE_NAMES
    for name, (who, path) in sample_pages(w).items():
        response = clients[who].get(path)
        assert response.status_code == (404 if name == "not-found" else 200), (name, response.status_code)
        fetched[name] = response
    return fetched


def csp(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_csp_allows_only_the_apps_own_scripts(pages, name):
    policy = csp(pages[name])
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts == ["'self'"], f"script-src is {scripts}"
    assert policy.get("frame-ancestors") == ["'none'"]
    assert policy.get("object-src") == ["'none'"]
    assert "'self'" in policy.get("default-src", [])
    everything = " ".join(word for words in policy.values() for word in words)
    assert "'unsafe-eval'" not in everything and "*" not in everything.split()
    assert "'unsafe-inline'" not in scripts and "'strict-dynamic'" not in scripts


@pytest.mark.parametrize("name", HTML_PAGES)
def test_html_pages_have_no_inline_script(pages, name):
    assert pages[name].mimetype == "text/html"
    assert script_problems(pages[name].get_data(as_text=True)) == []


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_nosniff_referrer_policy_and_no_framing(pages, name):
    headers = pages[name].headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers.get("X-Frame-Options") == "DENY"
    assert "Strict-Transport-Security" not in headers  # plain http: no HSTS


def test_hsts_is_sent_over_https(module_world):
    response = module_world.app.test_client().get("/", base_url="https://localhost")
    hsts = response.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= ONE_YEAR


def test_a_forwarded_proto_header_is_not_trusted_without_a_proxy(module_world):
    response = module_world.app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_private_links_are_not_cached(pages):
    for name in ("result", "result-json", "questionnaire", "review"):
        assert pages[name].headers.get("Cache-Control") == "no-store", name


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages_are_not_cached(pages, name):
    assert "no-store" in pages[name].headers.get("Cache-Control", "")


# --------------------------------------------------------------------------
# The session cookie
# --------------------------------------------------------------------------


def session_cookie(response) -> dict[str, str | bool]:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("session="):
            attributes = {}
            for part in header.split(";")[1:]:
                key, _, value = part.strip().partition("=")
                attributes[key.lower()] = value or True
            return attributes
    raise AssertionError("no session cookie set")


def sign_in_over(client, base: str, email: str, **headers):
    """GET the sign-in page and post its form, both over this scheme; return both responses."""
    first = client.get("/login", base_url=base)
    token = re.search(r'name="csrf-token" content="([^"]+)"', first.text).group(1)
    second = client.post("/login", base_url=base, headers=headers,
                         data={"csrf_token": token, "email": email, "password": PASSWORD})
    return first, second


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_the_session_cookie_is_httponly_lax_and_secure_over_https(module_world, scheme):
    base = f"{scheme}://localhost"
    # A Referer is sent here so that the sign-in succeeds over https; see the test below.
    first, signed_in = sign_in_over(module_world.app.test_client(), base, module_world.a.email,
                                    Referer=f"{base}/login")
    assert signed_in.status_code == 302
    for response in (first, signed_in):
        cookie = session_cookie(response)
        assert cookie.get("httponly") is True
        assert cookie.get("samesite") == "Lax"
        assert bool(cookie.get("secure")) == (scheme == "https")


def test_forms_work_over_https_as_browsers_send_them(module_world):
    # What Chromium sends for the sign-in form of a page served with Referrer-Policy: same-origin
    # (seen in tests/browser/test_https_browser.py): its own address as Referer, and the Origin.
    _first, signed_in = sign_in_over(module_world.app.test_client(), "https://localhost", module_world.a.email,
                                     Origin="https://localhost", Referer="https://localhost/login")
    assert signed_in.status_code == 302, "the sign-in form was refused: " + (
        "CSRF check" if "security token" in signed_in.text else str(signed_in.status_code))


# --------------------------------------------------------------------------
# CSRF
# --------------------------------------------------------------------------


def csrf_variants(w):
    """No token, a made-up one, and Alice's real token used in Bob's session."""
    return {"missing": None, "forged": "forged-token-" + "0" * 40, "another-session": w.a.csrf}


def form_posts(w):
    return {
        "create-org": ("/orgs/new", {"name": "Made by a forged form"}),
        "add-member": (f"/orgs/{w.org_b}/members", {"email": w.a.email, "role": "owner"}),
        "rename-org": (f"/orgs/{w.org_b}/rename", {"name": "Renamed by a forged form"}),
        "sign-out": ("/logout", {}),
    }


@pytest.mark.parametrize("token", ["missing", "forged", "another-session"])
@pytest.mark.parametrize("action", ["create-org", "add-member", "rename-org", "sign-out"])
def test_a_form_post_without_its_csrf_token_gets_400_and_changes_nothing(module_world, action, token):
    w = module_world
    url, form = form_posts(w)[action]
    value = csrf_variants(w)[token]
    before = dump_data(w.app.config["DATABASE"])
    response = w.b.client.post(url, data=form if value is None else {**form, "csrf_token": value})
    assert response.status_code == 400
    assert "security token" in response.text
    assert diff_dumps(before, dump_data(w.app.config["DATABASE"])) == []
    assert w.b.client.get("/account").status_code == 200  # still signed in


@pytest.mark.parametrize("token", ["missing", "forged", "another-session"])
def test_a_json_autosave_without_its_csrf_header_gets_400_and_changes_nothing(module_world, token):
    w = module_world
    value = csrf_variants(w)[token]
    questionnaire = w.app.extensions["pmo_content"].default_questionnaire
    first = questionnaire.dimension("governance").questions[0].id
    before = dump_data(w.app.config["DATABASE"])
    response = w.b.client.post(f"/r/{w.b_private_member_token}/answers", json={"answers": {first: 5}},
                               headers={} if value is None else {"X-CSRFToken": value})
    assert response.status_code == 400
    assert diff_dumps(before, dump_data(w.app.config["DATABASE"])) == []
    # The same request with Bob's own token is accepted: the token was what stopped it.
    accepted = w.b.client.post(f"/r/{w.b_private_member_token}/answers", json={"answers": {first: 2}},
                               headers={"X-CSRFToken": w.b.csrf})
    assert accepted.status_code == 200


# --------------------------------------------------------------------------
# Request size
# --------------------------------------------------------------------------


def test_a_form_larger_than_the_limit_gets_413_and_changes_nothing(module_world):
    w = module_world
    limit = w.app.config["MAX_CONTENT_LENGTH"]
    assert limit and limit <= 16 * 1024 * 1024
    before = dump_data(w.app.config["DATABASE"])
    response = w.b.client.post("/orgs/new", data={"csrf_token": w.b.csrf, "name": "x" * (limit + 1)})
    assert response.status_code == 413
    assert "larger than this application accepts" in response.text
    assert "Traceback" not in response.text
    assert diff_dumps(before, dump_data(w.app.config["DATABASE"])) == []


def test_json_larger_than_the_limit_gets_413_as_json(module_world):
    w = module_world
    limit = w.app.config["MAX_CONTENT_LENGTH"]
    body = '{"answers": {}, "padding": "' + "x" * limit + '"}'
    response = w.b.client.post(f"/r/{w.b_private_member_token}/answers", data=body,
                               content_type="application/json", headers={"X-CSRFToken": w.b.csrf})
    assert response.status_code == 413
    assert "larger than this application accepts" in response.get_json()["error"]


# --------------------------------------------------------------------------
# Production errors
# --------------------------------------------------------------------------


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def logged():
    """Log records of the whole process (the suite runs with -p no:logging, so no caplog)."""
    handler = Records()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)


@pytest.fixture
def production(make_app, tmp_path):
    app = make_app(tmp_path / "prod.sqlite3", TESTING=False, PROPAGATE_EXCEPTIONS=False, DEBUG=False,
                   SECRET_KEY="production-secret")

    def explode():
        raise RuntimeError(f"secret detail from {__file__}: password={PASSWORD}")

    app.add_url_rule("/explode-for-test", "explode_for_test", explode)
    app.add_url_rule("/explode-for-test.json", "explode_for_test_json", explode)
    return app


def test_an_unexpected_error_shows_a_plain_page_with_an_incident_id(production, logged):
    response = production.test_client().get("/explode-for-test")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    incident = re.search(r"Incident id: <code>([0-9a-f]{6,})</code>", text)
    assert incident, text
    for leak in ("Traceback", "RuntimeError", "secret detail", PASSWORD, ".py", "/work/", "site-packages",
                 "Werkzeug", "__debugger__", "Debugger"):
        assert leak not in text, leak
    assert response.headers["Content-Security-Policy"] and response.headers["X-Content-Type-Options"] == "nosniff"
    mentioned = [r for r in logged if incident.group(1) in r.getMessage()]
    assert mentioned, "the incident id is not in the log"
    assert any(r.exc_info and r.levelno >= logging.ERROR for r in mentioned), "the log lacks the traceback"


def test_an_unexpected_error_in_json_answers_json_with_the_incident_id(production, logged):
    response = production.test_client().get("/explode-for-test.json")
    assert response.status_code == 500
    body = response.get_json()
    assert body["status"] == 500 and re.fullmatch(r"[0-9a-f]{6,}", body["incident"])
    assert "secret detail" not in response.get_data(as_text=True)
    assert any(body["incident"] in r.getMessage() for r in logged)
