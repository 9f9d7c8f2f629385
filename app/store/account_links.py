"""One-time account links: an invitation to a new user (set your own password and join an
organisation) and a password reset issued by an admin.

The app sends no e-mail: the person who makes a link copies it and sends it. Only a hash of
the link's token is stored; a link works once, expires, and issuing a new reset link for an
account voids the earlier ones. Using a link ends the account's other sessions (and a reset
revokes the account's API tokens). An invitation works only while the owner who made it is
still an owner of the organisation, and owners can revoke it before it is used.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlite_utils import Database
from werkzeug.security import generate_password_hash

from .accounts import (PASSWORD_METHOD, DuplicateEmail, InvalidEmail, UnknownRole, check_password_policy,
                       get_user, normalise_email, revoke_user_sessions, revoke_user_tokens)
from .audit import record
from .db import NotFound, StoreError, hash_token, transaction
from .orgs import ORG_ROLES, set_member

INVITATION_DAYS = 7
RESET_HOURS = 24
KINDS = ("invite", "reset")


# An invitation is live while its maker is still an owner of its organisation and that is not in the trash.
_INVITATION_LIVE = """(l.kind != 'invite' OR (o.trash_id IS NULL AND EXISTS (
    SELECT 1 FROM memberships m WHERE m.org_id = l.org_id AND m.user_id = l.created_by AND m.role = 'owner')))"""


class LinkInvalid(StoreError):
    """The link is unknown, used, expired or voided: one answer for all, so it tells nobody which."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _insert(db: Database, kind: str, *, email: str, user_id: int | None, org_id: int | None, role: str | None,
            created_by: int, lifetime: timedelta, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    db["account_links"].insert({
        "kind": kind, "token_hash": hash_token(token), "email": email, "user_id": user_id, "org_id": org_id,
        "role": role, "created_by": created_by, "created_at": now.isoformat(),
        "expires_at": (now + lifetime).isoformat(),
    })
    return token


def create_invitation(db: Database, org_id: int, email: str, role: str, created_by: int,
                      now: datetime | None = None) -> str:
    """Invite a person without an account to the organisation; return the token (shown once, stored hashed)."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or email.startswith("@") or email.endswith("@"):
        raise InvalidEmail("give a valid email address")
    if role not in ORG_ROLES:
        raise UnknownRole(f"role must be one of {', '.join(ORG_ROLES)}")
    with transaction(db):
        if db.execute("SELECT 1 FROM users WHERE email = ?", [email]).fetchone():
            raise DuplicateEmail(f"{email} has an account already: add them as a member instead")
        return _insert(db, "invite", email=email, user_id=None, org_id=org_id, role=role, created_by=created_by,
                       lifetime=timedelta(days=INVITATION_DAYS), now=now or _now())


def create_reset_link(db: Database, user_id: int, created_by: int, now: datetime | None = None) -> str:
    """A one-time password reset link for an account; earlier unused ones stop working. Return the token."""
    user = get_user(db, user_id)
    now = now or _now()
    with transaction(db):
        db.execute("UPDATE account_links SET used_at = ? WHERE kind = 'reset' AND user_id = ? AND used_at IS NULL",
                   [now.isoformat(), user_id])
        return _insert(db, "reset", email=user["email"], user_id=user_id, org_id=None, role=None,
                       created_by=created_by, lifetime=timedelta(hours=RESET_HOURS), now=now)


def open_link(db: Database, kind: str, token: str, now: datetime | None = None) -> dict[str, Any]:
    """The live link of this kind behind a token ({id, email, user_id, org_id, role, expires_at}); raise LinkInvalid."""
    if kind not in KINDS or not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise LinkInvalid("this link does not work")
    row = db.execute(
        f"""SELECT l.id, l.email, l.user_id, l.org_id, l.role, l.expires_at, o.name FROM account_links l
            LEFT JOIN organisations o ON o.id = l.org_id
            WHERE l.kind = ? AND l.token_hash = ? AND l.used_at IS NULL AND {_INVITATION_LIVE}""",
        [kind, hash_token(token)]).fetchone()
    if row is None or row[5] <= (now or _now()).isoformat():
        raise LinkInvalid("this link does not work")
    if kind == "reset":
        try:
            active = get_user(db, row[2])["active"]
        except NotFound:  # the account was deleted
            active = False
        if not active:
            raise LinkInvalid("this link does not work")
    return dict(zip(("id", "email", "user_id", "org_id", "role", "expires_at", "org_name"), row))


def accept_invitation(db: Database, token: str, password: str, name: str = "",
                      password_method: str = PASSWORD_METHOD, now: datetime | None = None) -> int:
    """Create the invited account with the person's own password and add it to the organisation, once;
    return the new user id. Raise LinkInvalid, WeakPassword or DuplicateEmail; nothing changes then."""
    with transaction(db):
        link = open_link(db, "invite", token, now)
        check_password_policy(password, link["email"])
        if db.execute("SELECT 1 FROM users WHERE email = ?", [link["email"]]).fetchone():
            raise DuplicateEmail(f"{link['email']} has an account already: sign in instead")
        user_id = db["users"].insert({
            "email": link["email"], "name": " ".join((name or "").split())[:100],
            "password_hash": generate_password_hash(password, method=password_method), "role": "member",
            "active": 1, "created_at": (now or _now()).isoformat(),
        }).last_pk
        set_member(db, link["org_id"], user_id, link["role"])
        _use(db, link["id"], user_id, now)
        record(db, "member_added", actor_id=user_id, org_id=link["org_id"], object_kind="member", object_id=user_id,
               label=link["email"], detail=f"as {link['role']}, by accepting an invitation")
    return user_id


def reset_password(db: Database, token: str, password: str, password_method: str = PASSWORD_METHOD,
                   now: datetime | None = None) -> int:
    """Set the account's new password through a reset link, once, and end all its sessions; return the
    user id. Raise LinkInvalid or WeakPassword; nothing changes then."""
    with transaction(db):
        link = open_link(db, "reset", token, now)
        check_password_policy(password, link["email"])
        db.execute("UPDATE users SET password_hash = ? WHERE id = ?",
                   [generate_password_hash(password, method=password_method), link["user_id"]])
        revoke_user_sessions(db, link["user_id"])
        # Tokens made by whoever knew the old password stop working too.
        revoke_user_tokens(db, link["user_id"], (now or _now()).isoformat())
        _use(db, link["id"], link["user_id"], now)
        record(db, "password_reset", actor_id=link["user_id"], object_kind="user", object_id=link["user_id"],
               label=link["email"], detail="through a reset link; other sessions and API tokens ended")
    return link["user_id"]


def _use(db: Database, link_id: int, user_id: int, now: datetime | None) -> None:
    db.execute("UPDATE account_links SET used_at = ?, user_id = ? WHERE id = ?",
               [(now or _now()).isoformat(), user_id, link_id])


def pending_invitations(db: Database, org_id: int, now: datetime | None = None) -> list[dict[str, Any]]:
    """The organisation's invitations not used and not expired yet (never their tokens)."""
    cols = ("id", "email", "role", "expires_at")
    return [dict(zip(cols, r)) for r in db.execute(
        f"""SELECT l.id, l.email, l.role, l.expires_at FROM account_links l JOIN organisations o ON o.id = l.org_id
            WHERE l.kind = 'invite' AND l.org_id = ? AND l.used_at IS NULL AND l.expires_at > ? AND {_INVITATION_LIVE}
            ORDER BY l.created_at""", [org_id, (now or _now()).isoformat()])]


def revoke_invitation(db: Database, org_id: int, link_id: int) -> str:
    """Void an organisation's unused invitation; return the address it was for. Raise LinkInvalid."""
    with transaction(db):
        row = db.execute("SELECT email FROM account_links WHERE id = ? AND org_id = ? AND kind = 'invite' "
                         "AND used_at IS NULL", [link_id, org_id]).fetchone()
        if row is None:
            raise LinkInvalid("this invitation was used or revoked already")
        db.execute("UPDATE account_links SET used_at = ? WHERE id = ?", [_now().isoformat(), link_id])
    return row[0]
