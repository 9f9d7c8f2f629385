"""Users, server-side sessions and login throttling."""

from __future__ import annotations

import functools
import secrets
import time
from datetime import datetime, timezone
from typing import Any

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from .db import NotFound, StoreError, hash_token, now_iso, safe_text, transaction

ROLES = ("admin", "facilitator", "member")
# werkzeug's password hashing method; callers may pass a cheaper one (tests do).
PASSWORD_METHOD = "scrypt"
MIN_PASSWORD = 12
MAX_PASSWORD = 128
# A few of the most common passwords of twelve characters or more; longer lists belong in a
# breached-password service, which an offline tool cannot call.
COMMON_PASSWORDS = frozenset({
    "password1234", "123456789012", "qwertyuiop12", "passwordpassword", "iloveyou1234", "administrator",
    "welcome12345", "letmein12345", "qwerty123456", "1234567890ab", "changeme1234", "password123!",
})


class InvalidEmail(StoreError):
    """The email address is not one (no @, too long)."""


class UnknownRole(StoreError):
    """The role is not one of ROLES (or, for memberships, of the organisation roles)."""


class SetupDone(StoreError):
    """First-run setup was asked for while an account exists already."""


class DuplicateEmail(StoreError):
    """A user with this email exists already."""


class WeakPassword(StoreError):
    """The password does not meet the policy."""


class LastAdmin(StoreError):
    """The change would leave no active admin; ``change`` is "role" or "deactivate"."""

    def __init__(self, message: str, change: str):
        super().__init__(message)
        self.change = change


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def check_password_policy(password: str, email: str = "") -> None:
    """Raise WeakPassword unless the password is 12 to 128 characters and not an obvious one."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise WeakPassword(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise WeakPassword(f"the password can have at most {MAX_PASSWORD} characters")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or (email and lowered == normalise_email(email)) or len(set(password)) < 4:
        raise WeakPassword("the password is too easy to guess; use a passphrase of a few unrelated words")


def count_users(db: Database) -> int:
    return db.execute("SELECT count(*) FROM users").fetchone()[0]


def create_user(db: Database, email: str, password: str, role: str = "member", name: str = "",
                only_if_none: bool = False, password_method: str = PASSWORD_METHOD) -> int:
    """Create a user with a (scrypt) password hash; with only_if_none, only while no user exists."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise InvalidEmail("give a valid email address")
    if role not in ROLES:
        raise UnknownRole(f"role must be one of {', '.join(ROLES)}")
    check_password_policy(password, email)
    password_hash = generate_password_hash(password, method=password_method)
    with transaction(db):
        if only_if_none and count_users(db):
            raise SetupDone("setup is already done: a user exists")
        if db.execute("SELECT 1 FROM users WHERE email = ?", [email]).fetchone():
            raise DuplicateEmail(f"a user with the email {email} exists already")
        return db["users"].insert({
            "email": email, "name": safe_text(" ".join(name.split())[:100], "the name", 100), "password_hash": password_hash,
            "role": role,
            "active": 1, "created_at": now_iso(),
        }).last_pk


def get_user(db: Database, user_id: int) -> dict[str, Any]:
    row = db.execute("SELECT id, email, name, role, active, created_at FROM users WHERE id = ? AND deleted_at IS NULL",
                     [user_id]).fetchone()
    if row is None:
        raise NotFound("no such user")
    return dict(zip(("id", "email", "name", "role", "active", "created_at"), row))


def user_by_email(db: Database, email: str) -> dict[str, Any] | None:
    row = db.execute("SELECT id FROM users WHERE email = ?", [normalise_email(email)]).fetchone()
    return get_user(db, row[0]) if row else None


def list_users(db: Database) -> list[dict[str, Any]]:
    cols = ("id", "email", "name", "role", "active", "created_at")
    return [dict(zip(cols, r)) for r in db.execute(f"SELECT {', '.join(cols)} FROM users WHERE deleted_at IS NULL "
                                                   "ORDER BY email")]


def update_user(db: Database, user_id: int, *, role: str | None = None, active: bool | None = None) -> int:
    """Change a user's role or deactivate them; deactivation ends all their sessions. Deactivating or
    re-activating revokes their API tokens (a re-activated account never gets old ones back); return
    how many were revoked."""
    revoked = 0
    with transaction(db):
        get_user(db, user_id)
        if role is not None:
            if role not in ROLES:
                raise UnknownRole(f"role must be one of {', '.join(ROLES)}")
            if role != "admin" and _is_last_admin(db, user_id):
                raise LastAdmin("the last active admin cannot lose the admin role", "role")
            db.execute("UPDATE users SET role = ? WHERE id = ?", [role, user_id])
        if active is not None:
            if not active and _is_last_admin(db, user_id):
                raise LastAdmin("the last active admin cannot be deactivated", "deactivate")
            db.execute("UPDATE users SET active = ? WHERE id = ?", [1 if active else 0, user_id])
            revoked = revoke_user_tokens(db, user_id)
            if not active:
                revoke_user_sessions(db, user_id)
    return revoked


def set_password(db: Database, user_id: int, password: str, password_method: str = PASSWORD_METHOD) -> int:
    """Change a password, end every session of that user and revoke their API tokens (made by whoever
    knew the old password); return how many tokens were revoked."""
    user = get_user(db, user_id)
    check_password_policy(password, user["email"])
    with transaction(db):
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                   [generate_password_hash(password, method=password_method), user_id])
        revoke_user_sessions(db, user_id)
        return revoke_user_tokens(db, user_id)


def _is_last_admin(db: Database, user_id: int) -> bool:
    admins = [r[0] for r in db.execute("SELECT id FROM users WHERE role = 'admin' AND active = 1")]
    return admins == [user_id]


@functools.cache
def _dummy_hash() -> str:
    """A hash to check against when the email is unknown, so both cases take the same time."""
    return generate_password_hash("not a real password, only for timing", method="scrypt")


def verify_credentials(db: Database, email: str, password: str) -> int | None:
    """Return the user id when the email and password match an active user, else None."""
    row = db.execute("SELECT id, password_hash, active FROM users WHERE email = ?", [normalise_email(email)]).fetchone()
    if row is None:
        check_password_hash(_dummy_hash(), password or "")
        return None
    user_id, password_hash, active = row
    if not check_password_hash(password_hash, password or "") or not active:
        return None
    return user_id


# --------------------------------------------------------------------------
# Sessions: the cookie holds a random id; the server can revoke it
# --------------------------------------------------------------------------

SESSION_IDLE_SECONDS = 8 * 3600
# However active, a session ends this long after sign-in (a working day with a workshop in it).
SESSION_ABSOLUTE_SECONDS = 12 * 3600


def start_session(db: Database, user_id: int) -> str:
    """Create a server-side session; return the id to keep in the signed cookie."""
    session_id = secrets.token_urlsafe(32)
    now = now_iso()
    with transaction(db):
        db.execute("INSERT INTO sessions (id_hash, user_id, created_at, last_seen) VALUES (?, ?, ?, ?)",
                   [hash_token(session_id), user_id, now, now])
    return session_id


def session_user(db: Database, session_id: str | None) -> dict[str, Any] | None:
    """The active user of a live session, or None when it is unknown, revoked, idle too long
    (SESSION_IDLE_SECONDS) or older than SESSION_ABSOLUTE_SECONDS since sign-in, however active."""
    if not session_id or not isinstance(session_id, str) or len(session_id) > 100:
        return None
    row = db.execute(
        """SELECT u.id, u.email, u.name, u.role, s.last_seen, s.created_at FROM sessions s
           JOIN users u ON u.id = s.user_id
           WHERE s.id_hash = ? AND s.revoked_at IS NULL AND u.active = 1""",
        [hash_token(session_id)],
    ).fetchone()
    if row is None:
        return None
    now = datetime.now(timezone.utc)
    if ((now - datetime.fromisoformat(row[4])).total_seconds() > SESSION_IDLE_SECONDS
            or (now - datetime.fromisoformat(row[5])).total_seconds() > SESSION_ABSOLUTE_SECONDS):
        return None
    return {"id": row[0], "email": row[1], "name": row[2], "role": row[3], "last_seen": row[4]}


def touch_session(db: Database, session_id: str) -> None:
    with transaction(db):
        db.execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", [now_iso(), hash_token(session_id)])


def end_session(db: Database, session_id: str | None) -> None:
    """Revoke one session: its cookie no longer works, even if someone kept a copy."""
    if not session_id:
        return
    with transaction(db):
        db.execute("UPDATE sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL",
                   [now_iso(), hash_token(session_id)])


def revoke_user_tokens(db: Database, user_id: int, at: str | None = None) -> int:
    """Revoke every live API token of the user; return how many were live."""
    with transaction(db):
        return db.execute("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                          [at or now_iso(), user_id]).rowcount


def revoke_user_sessions(db: Database, user_id: int) -> None:
    with transaction(db):
        db.execute("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", [now_iso(), user_id])


# --------------------------------------------------------------------------
# Login throttling, shared by every worker through the database
# --------------------------------------------------------------------------

THROTTLE_LIMIT = 10
THROTTLE_WINDOW_SECONDS = 15 * 60


# One address failing on this many sign-ins in the window (any accounts: password spraying) is refused.
ADDRESS_THROTTLE_LIMIT = 10 * THROTTLE_LIMIT
# How much a sign-in is slowed down per failure elsewhere beyond THROTTLE_LIMIT (see login_slowdown).
SLOWDOWN_STEP_SECONDS = 0.25


def _failures(db: Database, where: str, params: list, since: float, limit: int) -> list[float]:
    return [row[0] for row in db.execute(f"SELECT at FROM login_failures WHERE {where} AND at > ? "
                                         "ORDER BY at DESC LIMIT ?", [*params, since, limit]).fetchall()]


def login_blocked_for(db: Database, email: str, address: str, now: float | None = None,
                      limit: int = THROTTLE_LIMIT, window: int = THROTTLE_WINDOW_SECONDS) -> int:
    """Seconds until this account may be tried again from this address (0 when it may).

    Throttled by account and address together: only this address's own failures on this account
    (``limit`` in ``window``), or this address failing on very many accounts (ADDRESS_THROTTLE_LIMIT),
    refuse an attempt. Failures on the account from elsewhere never refuse a correct password: they
    slow attempts down instead (login_slowdown), as OWASP ASVS 2.2.1 advises.
    """
    now = time.time() if now is None else now
    since = now - window
    waits = []
    for where, params, most in (("email = ? AND address = ?", [normalise_email(email), address], limit),
                                ("address = ?", [address], ADDRESS_THROTTLE_LIMIT)):
        found = _failures(db, where, params, since, most)
        if len(found) >= most:
            waits.append(int(found[-1] + window - now) + 1)
    return max(waits, default=0)


def login_slowdown(db: Database, email: str, address: str, now: float | None = None, limit: int = THROTTLE_LIMIT,
                   window: int = THROTTLE_WINDOW_SECONDS, most: float = 3.0) -> float:
    """Seconds to wait before checking a password because of failures elsewhere in the window: on this
    account from other addresses, or on other accounts from this address. Nothing below ``limit`` of
    them; then SLOWDOWN_STEP_SECONDS per failure beyond, at most ``most``."""
    now = time.time() if now is None else now
    email = normalise_email(email)
    elsewhere = len(_failures(db, "((email = ? AND address != ?) OR (address = ? AND email != ?))",
                              [email, address, address, email], now - window, 10 * limit))
    if elsewhere < limit:
        return 0.0
    return min(most, SLOWDOWN_STEP_SECONDS * (elsewhere - limit + 1))


def record_login_failure(db: Database, email: str, address: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    with transaction(db):
        db.execute("INSERT INTO login_failures (email, address, at) VALUES (?, ?, ?)",
                   [normalise_email(email)[:254], address[:64], now])
        db.execute("DELETE FROM login_failures WHERE at < ?", [now - 24 * 3600])


class OwnsOrganisations(StoreError):
    """The account is the last owner of organisations; another owner must be added first."""

    def __init__(self, names: list[str]):
        super().__init__(f"the account is the last owner of {', '.join(names)}")
        self.names = names


def delete_user(db: Database, user_id: int, by: int | None = None) -> None:
    """Delete an account: its personal data goes (email, name, password), its memberships and sessions end.

    The row stays without them, so what the user authored (assessments, audit entries) stays,
    shown as by a "former user", and the id is never given to someone else. The last active
    admin and the last owner of an organisation cannot be deleted.
    """
    from .audit import record, redact_label

    with transaction(db):
        user = get_user(db, user_id)
        if user["role"] == "admin" and _is_last_admin(db, user_id):
            raise LastAdmin("the last active admin cannot be deleted", "delete")
        sole = [r[0] for r in db.execute(
            """SELECT o.name FROM memberships m JOIN organisations o ON o.id = m.org_id
               WHERE m.user_id = ? AND m.role = 'owner' AND
                     (SELECT count(*) FROM memberships x WHERE x.org_id = m.org_id AND x.role = 'owner') = 1
               ORDER BY o.name""", [user_id])]
        if sole:
            raise OwnsOrganisations(sole)
        db.execute("DELETE FROM memberships WHERE user_id = ?", [user_id])
        db.execute("DELETE FROM login_failures WHERE email = ?", [user["email"]])
        revoke_user_sessions(db, user_id)
        db.execute("DELETE FROM sessions WHERE user_id = ?", [user_id])
        revoke_user_tokens(db, user_id)
        # Its reset links and the invitations it sent or was sent stop working, and forget its address.
        db.execute("UPDATE account_links SET used_at = COALESCE(used_at, ?) WHERE user_id = ? OR created_by = ? "
                   "OR email = ?", [now_iso(), user_id, user_id, user["email"]])
        db.execute("UPDATE account_links SET email = ? WHERE user_id = ? OR email = ?",
                   [f"former-user-{user_id}", user_id, user["email"]])
        db.execute("UPDATE users SET email = ?, name = '', password_hash = ?, role = 'member', active = 0, "
                   "deleted_at = ? WHERE id = ?",
                   [f"former-user-{user_id}", "!" + secrets.token_hex(16), now_iso(), user_id])
        redact_label(db, user["email"])  # the entries that named the person by address
        record(db, "user_deleted", actor_id=by, object_kind="user", object_id=user_id, detail="former user")
