"""Store: accounts, password policy, server-side sessions and sign-in throttling."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app import store
from app.store.accounts import SESSION_IDLE_SECONDS, THROTTLE_LIMIT, THROTTLE_WINDOW_SECONDS
from tests.helpers import FAST_PASSWORD_METHOD, PASSWORD, new_user


def test_a_user_is_found_by_email_in_any_case_and_spacing(fresh_db):
    user_id = new_user(fresh_db, "  Ana@Example.ORG ", role="facilitator")
    found = store.user_by_email(fresh_db, "ana@example.org")
    assert found["id"] == user_id and found["email"] == "ana@example.org" and found["role"] == "facilitator"
    assert store.user_by_email(fresh_db, "nobody@example.org") is None
    assert store.count_users(fresh_db) == 1


@pytest.mark.parametrize("email", ["", "no-at-sign", "@example.org", "ana@", "a" * 250 + "@example.org"])
def test_an_address_that_is_not_one_is_refused(fresh_db, email):
    with pytest.raises(store.InvalidEmail):
        new_user(fresh_db, email)
    assert store.count_users(fresh_db) == 0


def test_a_second_account_with_the_same_email_is_refused(fresh_db):
    new_user(fresh_db, "ana@example.org")
    with pytest.raises(store.DuplicateEmail, match="exists already"):
        new_user(fresh_db, "ANA@example.org")


def test_an_unknown_role_is_refused(fresh_db):
    with pytest.raises(store.UnknownRole):
        new_user(fresh_db, "ana@example.org", role="owner")


@pytest.mark.parametrize("password, reason", [
    ("short", "at least 12 characters"),
    ("x" * 129, "at most 128 characters"),
    ("password1234", "too easy to guess"),
    ("aaaaaaaaaaaaaaa", "too easy to guess"),
    ("ana@example.org", "too easy to guess"),
])
def test_weak_passwords_are_refused_with_the_reason(fresh_db, password, reason):
    with pytest.raises(store.WeakPassword, match=reason):
        new_user(fresh_db, "ana@example.org", password=password)


def test_setup_creates_only_the_first_account(fresh_db):
    store.create_user(fresh_db, "root@example.org", PASSWORD, role="admin", only_if_none=True,
                      password_method=FAST_PASSWORD_METHOD)
    with pytest.raises(store.SetupDone):
        store.create_user(fresh_db, "late@example.org", PASSWORD, role="admin", only_if_none=True,
                          password_method=FAST_PASSWORD_METHOD)
    assert store.count_users(fresh_db) == 1


def test_credentials_match_only_an_active_user_with_the_right_password(fresh_db):
    user_id = new_user(fresh_db, "ana@example.org")
    assert store.verify_credentials(fresh_db, "ANA@example.org", PASSWORD) == user_id
    assert store.verify_credentials(fresh_db, "ana@example.org", PASSWORD + "x") is None
    assert store.verify_credentials(fresh_db, "bob@example.org", PASSWORD) is None
    new_user(fresh_db, "admin@example.org", role="admin")
    store.update_user(fresh_db, user_id, active=False)
    assert store.verify_credentials(fresh_db, "ana@example.org", PASSWORD) is None


def test_the_hash_method_is_the_callers_choice_and_scrypt_by_default(fresh_db):
    store.create_user(fresh_db, "ana@example.org", PASSWORD)
    new_user(fresh_db, "bob@example.org")
    hashes = dict(fresh_db.execute("SELECT email, password_hash FROM users").fetchall())
    assert hashes["ana@example.org"].startswith("scrypt:") and hashes["bob@example.org"].startswith("pbkdf2:")


@pytest.mark.parametrize("change, kind", [({"role": "member"}, "role"), ({"active": False}, "deactivate")])
def test_the_last_active_admin_stays_an_active_admin(fresh_db, change, kind):
    admin = new_user(fresh_db, "admin@example.org", role="admin")
    with pytest.raises(store.LastAdmin) as refused:
        store.update_user(fresh_db, admin, **change)
    assert refused.value.change == kind
    assert store.get_user(fresh_db, admin)["role"] == "admin" and store.get_user(fresh_db, admin)["active"] == 1
    new_user(fresh_db, "second@example.org", role="admin")
    store.update_user(fresh_db, admin, **change)  # with another admin, it may go


def test_deactivating_or_a_new_password_ends_every_session(fresh_db):
    new_user(fresh_db, "admin@example.org", role="admin")
    ana = new_user(fresh_db, "ana@example.org")
    first, second = store.start_session(fresh_db, ana), store.start_session(fresh_db, ana)
    store.set_password(fresh_db, ana, "a new long passphrase", password_method=FAST_PASSWORD_METHOD)
    assert store.session_user(fresh_db, first) is None and store.session_user(fresh_db, second) is None
    assert store.verify_credentials(fresh_db, "ana@example.org", "a new long passphrase") == ana
    third = store.start_session(fresh_db, ana)
    store.update_user(fresh_db, ana, active=False)
    assert store.session_user(fresh_db, third) is None


def test_a_session_opens_its_user_until_it_is_ended(fresh_db):
    ana = new_user(fresh_db, "ana@example.org", role="facilitator")
    session_id = store.start_session(fresh_db, ana)
    assert store.session_user(fresh_db, session_id)["id"] == ana
    assert session_id not in str(fresh_db.execute("SELECT * FROM sessions").fetchall())  # stored hashed
    store.end_session(fresh_db, session_id)
    assert store.session_user(fresh_db, session_id) is None
    assert store.session_user(fresh_db, None) is None and store.session_user(fresh_db, "x" * 101) is None


def test_an_idle_session_expires_and_touching_keeps_it_alive(fresh_db):
    ana = new_user(fresh_db, "ana@example.org")
    session_id = store.start_session(fresh_db, ana)
    long_ago = (datetime.now(timezone.utc) - timedelta(seconds=SESSION_IDLE_SECONDS + 60)).isoformat()
    with store.transaction(fresh_db):
        fresh_db.execute("UPDATE sessions SET last_seen = ?", [long_ago])
    assert store.session_user(fresh_db, session_id) is None
    store.touch_session(fresh_db, session_id)
    assert store.session_user(fresh_db, session_id)["id"] == ana


def test_an_active_session_still_ends_at_its_absolute_lifetime(fresh_db):
    ana = new_user(fresh_db, "ana@example.org")
    session_id = store.start_session(fresh_db, ana)
    signed_in_at = datetime.now(timezone.utc) - timedelta(seconds=store.accounts.SESSION_ABSOLUTE_SECONDS - 60)
    with store.transaction(fresh_db):
        fresh_db.execute("UPDATE sessions SET created_at = ?", [signed_in_at.isoformat()])
    store.touch_session(fresh_db, session_id)  # used a moment ago, signed in almost 12 hours ago: still on
    assert store.session_user(fresh_db, session_id)["id"] == ana
    with store.transaction(fresh_db):
        fresh_db.execute("UPDATE sessions SET created_at = ?", [(signed_in_at - timedelta(seconds=120)).isoformat()])
    store.touch_session(fresh_db, session_id)  # used a moment ago, but signed in over 12 hours ago: over
    assert store.session_user(fresh_db, session_id) is None
    assert store.accounts.SESSION_ABSOLUTE_SECONDS == 12 * 3600


def test_throttling_counts_failures_per_account_and_address_together_in_the_window(fresh_db):
    now = 1_000_000.0
    for _ in range(THROTTLE_LIMIT - 1):
        store.record_login_failure(fresh_db, "ana@example.org", "10.9.9.9", now=now)
    assert store.login_blocked_for(fresh_db, "ana@example.org", "10.9.9.9", now=now) == 0
    store.record_login_failure(fresh_db, "ANA@example.org", "10.9.9.9", now=now)
    wait = store.login_blocked_for(fresh_db, "ana@example.org", "10.9.9.9", now=now)
    assert 0 < wait <= THROTTLE_WINDOW_SECONDS + 1
    assert store.login_blocked_for(fresh_db, "ana@example.org", "10.0.0.1", now=now) == 0  # another address
    assert store.login_blocked_for(fresh_db, "bob@example.org", "10.9.9.9", now=now) == 0  # another account
    assert store.login_blocked_for(fresh_db, "ana@example.org", "10.9.9.9", now=now + THROTTLE_WINDOW_SECONDS + 1) == 0


@pytest.mark.parametrize(("same_account_elsewhere", "same_address_other_accounts", "delay"), [
    (0, 0, 0.0), (THROTTLE_LIMIT - 1, 0, 0.0), (THROTTLE_LIMIT, 0, 0.25), (THROTTLE_LIMIT + 3, 0, 1.0),
    (0, THROTTLE_LIMIT, 0.25), (5, 5, 0.25), (60, 0, 3.0),
])
def test_failures_elsewhere_slow_a_sign_in_down_up_to_a_cap(fresh_db, same_account_elsewhere,
                                                            same_address_other_accounts, delay):
    now = 1_000_000.0
    for i in range(same_account_elsewhere):
        store.record_login_failure(fresh_db, "ana@example.org", f"10.0.{i // 250}.{i % 250}", now=now)
    for i in range(same_address_other_accounts):
        store.record_login_failure(fresh_db, f"other{i}@example.org", "10.9.9.9", now=now)
    store.record_login_failure(fresh_db, "ana@example.org", "10.9.9.9", now=now)  # its own: never counted here
    assert store.login_slowdown(fresh_db, "ana@example.org", "10.9.9.9", now=now) == delay
    assert store.login_slowdown(fresh_db, "ana@example.org", "10.9.9.9", now=now + THROTTLE_WINDOW_SECONDS + 1) == 0
