"""Accounts: first-run setup, the users CLI, signing in and out, sessions, throttling, roles."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from app import create_app, store
from tests.helpers import PASSWORD, add_user, page_csrf, signed_in_client, visible_text
from tests.world import login, session_data

GENERIC_FAILURE = "The email or password is not right."
TOO_MANY = "Too many failed sign-in attempts"
NEW_PASSWORD = "a brand new passphrase for bob"


def user_row(app, email: str) -> dict | None:
    db = store.open_db(app.config["DATABASE"])
    try:
        return store.user_by_email(db, email)
    finally:
        db.close()


def signed_in(client) -> bool:
    """Whether the client's session opens a page only signed-in users see."""
    return client.get("/account").status_code == 200


# --------------------------------------------------------------------------
# First run: the setup page and the CLI
# --------------------------------------------------------------------------


def test_setup_creates_the_first_admin_and_signs_them_in(app, client):
    assert urlsplit(client.get("/login").location).path == "/setup"
    page = client.get("/setup")
    assert page.status_code == 200
    token = page_csrf(client, "/setup")
    response = client.post("/setup", data={"csrf_token": token, "name": "Root", "email": "Root@Example.org",
                                           "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302 and urlsplit(response.location).path == "/orgs"
    user = user_row(app, "root@example.org")
    assert user["role"] == "admin" and user["active"] == 1
    assert signed_in(client)


def test_setup_is_404_once_an_account_exists(app, client):
    add_user(app, "first@example.org", role="admin")
    assert client.get("/setup").status_code == 404
    response = client.post("/setup", data={"csrf_token": page_csrf(client), "email": "second@example.org",
                                           "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 404
    assert user_row(app, "second@example.org") is None


def test_setup_refuses_a_weak_password_and_creates_nothing(app, client):
    token = page_csrf(client, "/setup")
    response = client.post("/setup", data={"csrf_token": token, "email": "root@example.org",
                                           "password": "short", "confirm": "short"})
    assert response.status_code == 400
    assert user_row(app, "root@example.org") is None


def test_cli_creates_the_first_user_as_admin(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "Root@Example.org", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "created admin root@example.org" in result.stdout
    user = user_row(app, "root@example.org")
    assert user["role"] == "admin"
    assert PASSWORD not in result.output


def test_cli_refuses_a_weak_password_with_one_line(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "root@example.org", "--password-stdin"],
                           input="short\n")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "at least 12 characters" in result.stderr
    assert user_row(app, "root@example.org") is None


def test_cli_refuses_a_duplicate_email_with_one_line(app, runner):
    add_user(app, "root@example.org", role="admin")
    result = runner.invoke(args=["users", "create", "--email", "ROOT@example.org", "--password-stdin"],
                           input="another long passphrase\n")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "exists already" in result.stderr


def test_passwords_are_stored_as_scrypt_hashes(content, tmp_path):
    """The production default: tests elsewhere hash cheaply, this app keeps create_app's own setting."""
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "scrypt.sqlite3"), "SECRET_KEY": "x"}, content=content)
    runner = app.test_cli_runner()
    runner.invoke(args=["users", "create", "--email", "root@example.org", "--password-stdin"], input=PASSWORD + "\n")
    add_user(app, "member@example.org")
    db = store.open_db(app.config["DATABASE"])
    try:
        hashes = [r[0] for r in db.execute("SELECT password_hash FROM users")]
    finally:
        db.close()
    assert len(hashes) == 2
    assert all(h.startswith("scrypt:") and PASSWORD not in h for h in hashes)
    assert len(set(hashes)) == 2  # salted


# --------------------------------------------------------------------------
# Signing in (one app for the module: each test uses its own people and addresses)
# --------------------------------------------------------------------------

ALICE = "alice@example.org"
ADMIN = "admin@example.org"


@pytest.fixture(scope="module")
def shared(make_app, tmp_path_factory):
    """An app with an admin and Alice, a facilitator; tests add the people they use up or change."""
    app = make_app(tmp_path_factory.mktemp("auth") / "auth.sqlite3")
    add_user(app, ADMIN, role="admin")
    add_user(app, ALICE, role="facilitator")
    return app


@pytest.fixture
def visitor(shared):
    return shared.test_client()


@pytest.fixture
def person(shared, request):
    """A member of their own, named after the test."""
    email = request.node.name.split("[")[0].removeprefix("test_")[:50] + "@example.org"
    add_user(shared, email)
    return email


def test_sign_in_follows_a_relative_next(visitor):
    response = login(visitor, ALICE, next_url="/account?tab=password")
    assert response.status_code == 302
    assert response.location == "/account?tab=password"


@pytest.mark.parametrize("target", [
    "https://evil.example", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "https:/evil.example", "javascript:alert(1)", " //evil.example", "evil.example",
])
def test_sign_in_never_redirects_to_another_site(visitor, target):
    response = login(visitor, ALICE, next_url=target)
    assert response.status_code == 302
    location = urlsplit(response.location)
    assert location.netloc in ("", "localhost") and location.path == "/orgs", response.location


def test_a_next_with_a_line_break_is_refused_not_an_error(visitor):
    response = login(visitor, ALICE, next_url="/\r\nSet-Cookie: planted=1")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/orgs"


def test_wrong_password_and_unknown_email_get_the_same_generic_answer(visitor, person):
    wrong = login(visitor, person, password="not the password at all", environ_base={"REMOTE_ADDR": "10.1.0.1"})
    unknown = login(visitor, "nobody@example.org", password="not the password at all",
                    environ_base={"REMOTE_ADDR": "10.1.0.1"})
    assert wrong.status_code == unknown.status_code == 400
    assert GENERIC_FAILURE in wrong.text and GENERIC_FAILURE in unknown.text
    assert visible_text(wrong.text) == visible_text(unknown.text)
    for page in (wrong.text, unknown.text):
        for telltale in ("no account with", "does not exist", "not registered", "unknown email", "wrong password"):
            assert telltale not in page.lower()


def test_sign_in_rotates_the_session(shared, visitor):
    visitor.get("/login")
    before_cookie = visitor.get_cookie("session").value
    before = session_data(shared, visitor)
    assert "sid" not in before and "csrf_token" in before
    login(visitor, ALICE)
    after = session_data(shared, visitor)
    assert visitor.get_cookie("session").value != before_cookie
    assert after.get("sid") and after.get("csrf_token") != before["csrf_token"]
    login(visitor, ALICE)  # signing in again, without signing out, starts yet another session
    assert session_data(shared, visitor)["sid"] != after["sid"]


def test_a_cookie_planted_before_sign_in_stays_anonymous(shared, visitor):
    visitor.get("/login")
    planted = visitor.get_cookie("session").value
    login(visitor, ALICE)
    attacker = shared.test_client()
    attacker.set_cookie("session", planted)
    assert not signed_in(attacker)
    assert signed_in(visitor)


def test_sign_out_revokes_the_session_on_the_server(shared, visitor):
    login(visitor, ALICE)
    copied = visitor.get_cookie("session").value
    response = visitor.post("/logout", data={"csrf_token": page_csrf(visitor)})
    assert response.status_code == 302
    replay = shared.test_client()
    replay.set_cookie("session", copied)
    page = replay.get("/orgs")
    assert page.status_code == 302 and urlsplit(page.location).path == "/login"
    assert not signed_in(visitor)


def test_a_deactivated_users_sessions_stop_working(shared, person):
    admin, user = signed_in_client(shared, ADMIN), signed_in_client(shared, person)
    assert signed_in(user)
    user_id = user_row(shared, person)["id"]
    response = admin.post(f"/admin/users/{user_id}", data={"csrf_token": admin.csrf, "action": "deactivate"})
    assert response.status_code == 302
    assert not signed_in(user)
    again = login(shared.test_client(), person, environ_base={"REMOTE_ADDR": "10.1.0.2"})
    assert again.status_code == 400 and GENERIC_FAILURE in again.text


def test_a_password_change_ends_the_other_sessions(shared, person):
    laptop, phone = signed_in_client(shared, person), signed_in_client(shared, person)
    response = laptop.post("/account", data={"csrf_token": laptop.csrf, "current": PASSWORD,
                                             "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert signed_in(laptop)
    assert not signed_in(phone)
    assert login(shared.test_client(), person, environ_base={"REMOTE_ADDR": "10.1.0.3"}).status_code == 400
    assert login(shared.test_client(), person, NEW_PASSWORD).status_code == 302


# --------------------------------------------------------------------------
# Throttling
# --------------------------------------------------------------------------


def fail_sign_in(client, email: str, address: str, **kwargs):
    token = page_csrf(client, "/login")
    return client.post("/login", data={"csrf_token": token, "email": email, "password": "wrong password here"},
                       environ_base={"REMOTE_ADDR": address}, **kwargs)


def test_ten_failures_from_one_address_block_that_address_for_the_account(shared, visitor, person):
    for _ in range(10):
        assert fail_sign_in(visitor, person, "10.2.0.1").status_code == 400
    blocked = login(visitor, person, environ_base={"REMOTE_ADDR": "10.2.0.1"})
    assert blocked.status_code == 429
    assert TOO_MANY in blocked.text
    assert not signed_in(visitor)
    db = store.open_db(shared.config["DATABASE"])
    assert db.execute("SELECT count(*) FROM login_failures WHERE email = ?", [person]).fetchone()[0] == 10


def test_failures_from_elsewhere_slow_the_right_password_down_and_never_refuse_it(shared, visitor, person,
                                                                                   monkeypatch):
    # The tester's lock-out: 10 wrong passwords from other addresses locked the owner out (429).
    slept = []
    monkeypatch.setattr("app.web.auth.time.sleep", slept.append)
    for i in range(12):
        assert fail_sign_in(visitor, person, f"10.2.0.{i}").status_code == 400
    owner = shared.test_client()
    assert login(owner, person, environ_base={"REMOTE_ADDR": "10.2.1.1"}).status_code == 302
    assert signed_in(owner)
    assert slept and slept[-1] == 0.75  # 12 failures elsewhere: 3 beyond the limit, a quarter second each
    assert all(0 < s <= 3 for s in slept)


def test_failures_on_other_accounts_from_one_address_slow_it_down_without_refusing(shared, visitor, person,
                                                                                    monkeypatch):
    # A colleague behind the same NAT guessed ten other accounts; each claims another client in
    # X-Forwarded-For: without a proxy configured, it is not believed.
    slept = []
    monkeypatch.setattr("app.web.auth.time.sleep", slept.append)
    for i in range(10):
        response = fail_sign_in(visitor, f"guess{i}@example.org", "192.0.2.7",
                                headers={"X-Forwarded-For": f"198.51.100.{i}"})
        assert response.status_code == 400
    same_network = login(shared.test_client(), person, environ_base={"REMOTE_ADDR": "192.0.2.7"},
                         headers={"X-Forwarded-For": "198.51.100.200"})
    assert same_network.status_code == 302 and slept[-1] > 0
    elsewhere = login(shared.test_client(), person, environ_base={"REMOTE_ADDR": "192.0.2.8"})
    assert elsewhere.status_code == 302


def test_an_address_spraying_very_many_accounts_is_refused(shared):
    db = store.open_db(shared.config["DATABASE"])
    now = time.time()
    for i in range(store.accounts.ADDRESS_THROTTLE_LIMIT):
        store.record_login_failure(db, f"spray{i}@example.org", "192.0.2.99", now=now)
    assert store.login_blocked_for(db, "someone@example.org", "192.0.2.99") > 0
    assert store.login_blocked_for(db, "someone@example.org", "192.0.2.98") == 0


def test_throttling_holds_across_two_app_instances(make_app, shared, visitor, person):
    for i in range(10):
        assert fail_sign_in(visitor, person, "10.3.0.1").status_code == 400
    second = make_app(shared.config["DATABASE"])
    blocked = login(second.test_client(), person, environ_base={"REMOTE_ADDR": "10.3.0.1"})
    assert blocked.status_code == 429 and TOO_MANY in blocked.text


def test_the_block_ends_after_fifteen_minutes(shared):
    db = store.open_db(shared.config["DATABASE"])
    start = 1_700_000_000.0
    for i in range(10):
        store.record_login_failure(db, "window@example.org", "10.9.9.9", now=start + i)
    assert store.login_blocked_for(db, "window@example.org", "10.9.9.9", now=start + 9) > 0
    assert 0 < store.login_blocked_for(db, "WINDOW@example.org", "10.9.9.9", now=start + 15 * 60 - 1) <= 15 * 60
    assert store.login_blocked_for(db, "window@example.org", "10.9.9.9", now=start + 15 * 60 + 10) == 0
    for i in range(9):
        store.record_login_failure(db, "nine@example.org", "10.9.1.1", now=start + i)
    assert store.login_blocked_for(db, "nine@example.org", "10.9.1.1", now=start + 10) == 0


def test_failures_older_than_the_window_do_not_block_sign_in(shared, visitor, person):
    db = store.open_db(shared.config["DATABASE"])
    old = time.time() - 16 * 60
    for i in range(10):
        store.record_login_failure(db, person, "10.4.0.1", now=old + i)
    db.close()
    assert login(visitor, person, environ_base={"REMOTE_ADDR": "10.4.0.1"}).status_code == 302


def test_guessing_the_current_password_on_the_account_page_is_throttled(shared, person):
    client = signed_in_client(shared, person)
    statuses = []
    for i in range(11):
        response = client.post("/account", data={"csrf_token": client.csrf, "current": f"guess number {i}",
                                                  "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
        statuses.append(response.status_code)
    assert statuses[-1] == 429


# --------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------


def test_a_member_cannot_create_organisations_or_manage_users(shared, person):
    member = signed_in_client(shared, person)
    assert member.get("/orgs/new").status_code == 403
    assert member.post("/orgs/new", data={"csrf_token": member.csrf, "name": "Member's own"}).status_code == 403
    assert member.get("/admin/users").status_code == 403
    created = member.post("/admin/users", data={"csrf_token": member.csrf, "email": "planted@example.org",
                                                "password": PASSWORD, "role": "admin"})
    assert created.status_code == 403
    assert user_row(shared, "planted@example.org") is None
    db = store.open_db(shared.config["DATABASE"])
    assert db.execute("SELECT count(*) FROM organisations WHERE name = ?", ["Member's own"]).fetchone()[0] == 0


def test_a_facilitator_creates_an_organisation_and_owns_it(shared):
    facilitator = signed_in_client(shared, ALICE)
    response = facilitator.post("/orgs/new", data={"csrf_token": facilitator.csrf, "name": "Fresh Org"})
    assert response.status_code == 302
    org_id = int(urlsplit(response.location).path.rsplit("/", 1)[1])
    db = store.open_db(shared.config["DATABASE"])
    assert store.membership(db, org_id, user_row(shared, ALICE)["id"]) == "owner"
    assert facilitator.get("/admin/users").status_code == 403


def test_the_last_admin_cannot_be_demoted_or_deactivated(shared, person):
    admin = signed_in_client(shared, ADMIN)
    url = f"/admin/users/{user_row(shared, ADMIN)['id']}"
    demote = admin.post(url, data={"csrf_token": admin.csrf, "action": "role", "role": "member"})
    deactivate = admin.post(url, data={"csrf_token": admin.csrf, "action": "deactivate"})
    assert demote.status_code == deactivate.status_code == 400
    assert "last active admin" in demote.text
    user = user_row(shared, ADMIN)
    assert user["role"] == "admin" and user["active"] == 1
    # With a second admin, an admin may step down (here the second one, to leave the module as it was).
    second = f"/admin/users/{user_row(shared, person)['id']}"
    assert admin.post(second, data={"csrf_token": admin.csrf, "action": "role", "role": "admin"}).status_code == 302
    assert admin.post(second, data={"csrf_token": admin.csrf, "action": "role", "role": "member"}).status_code == 302
    assert user_row(shared, person)["role"] == "member"


def test_owners_manage_members_and_the_last_owner_stays(shared, person):
    owner_email, member_email = person, "owners-member@example.org"
    add_user(shared, member_email)
    db = store.open_db(shared.config["DATABASE"])
    try:
        owner_id, member_id = user_row(shared, owner_email)["id"], user_row(shared, member_email)["id"]
        org = store.create_org(db, "Owned Org", owner_id)
    finally:
        db.close()
    owner, member = signed_in_client(shared, owner_email), signed_in_client(shared, member_email)
    members = f"/orgs/{org}/members"
    assert owner.post(members, data={"csrf_token": owner.csrf, "email": member_email,
                                     "role": "member"}).status_code == 302
    # A member may look, not manage.
    assert member.get(f"/orgs/{org}").status_code == 200
    assert member.post(members, data={"csrf_token": member.csrf, "email": member_email,
                                      "role": "owner"}).status_code == 403
    assert member.post(f"{members}/{owner_id}", data={"csrf_token": member.csrf,
                                                       "action": "remove"}).status_code == 403
    assert member.post(f"/orgs/{org}/rename", data={"csrf_token": member.csrf, "name": "Mine"}).status_code == 403
    # The only owner cannot remove or demote themselves.
    for action in ("remove", "member"):
        response = owner.post(f"{members}/{owner_id}", data={"csrf_token": owner.csrf, "action": action})
        assert response.status_code == 400 and "at least one owner" in response.text
    db = store.open_db(shared.config["DATABASE"])
    try:
        assert store.membership(db, org, member_id) == "member"
        assert store.membership(db, org, owner_id) == "owner"
        assert store.get_org(db, org)["name"] == "Owned Org"
    finally:
        db.close()
    # Once there is a second owner, the first may leave.
    assert owner.post(f"{members}/{member_id}", data={"csrf_token": owner.csrf, "action": "owner"}).status_code == 302
    assert owner.post(f"{members}/{owner_id}", data={"csrf_token": owner.csrf, "action": "remove"}).status_code == 302
    assert owner.get(f"/orgs/{org}").status_code == 404
