"""Personal access tokens of the JSON API: create, list, revoke, authenticate, rate-limit.

A token is shown once, when it is made; the database keeps only its hash (like resume
tokens), so a copy of the database opens nothing. Failed authentication is counted here, in the
database, so the throttle holds across every worker; each token's requests are counted in a worker's
memory and added here every few seconds (app/web/api/usage.py), so the limit holds across workers too.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timezone
from typing import Any

from sqlite_utils import Database

from .accounts import THROTTLE_LIMIT, THROTTLE_WINDOW_SECONDS
from .db import NotFound, StoreError, hash_token, now_iso, transaction
from .orgs import clean_name

SCOPES = ("read", "read-write")
TOKEN_PREFIX = "pmo_"
MAX_TOKEN_NAME = 80
MAX_TOKEN_LENGTH = 100

_COLUMNS = ("id", "user_id", "name", "scope", "created_at", "expires_at", "revoked_at", "last_used_at")


class UnknownScope(StoreError):
    """A token scope is not one of SCOPES."""


class InvalidExpiry(StoreError):
    """A token's expiry is not a future date and time."""


def create_token(db: Database, user_id: int, name: str, scope: str = "read-write",
                 expires_at: datetime | None = None) -> tuple[int, str]:
    """Create a token for the user; return (id, the token itself), which is never stored."""
    name = clean_name(name, MAX_TOKEN_NAME, "a token name")
    if scope not in SCOPES:
        raise UnknownScope(f"scope must be one of {', '.join(SCOPES)}")
    expires = None
    if expires_at is not None:
        if expires_at.tzinfo is None:
            expires_at = expires_at.replace(tzinfo=timezone.utc)
        if expires_at <= datetime.now(timezone.utc):
            raise InvalidExpiry("the expiry must be in the future")
        expires = expires_at.astimezone(timezone.utc).isoformat(timespec="seconds")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction(db):
        token_id = db["api_tokens"].insert({
            "user_id": user_id, "name": name, "token_hash": hash_token(token), "scope": scope,
            "created_at": now_iso(), "expires_at": expires,
        }).last_pk
    return token_id, token


def _row(row) -> dict[str, Any]:
    return dict(zip(_COLUMNS, row))


_SELECT = """SELECT t.id, t.user_id, t.name, t.scope, t.created_at, t.expires_at, t.revoked_at, u.last_used_at
             FROM api_tokens t LEFT JOIN api_token_usage u ON u.token_id = t.id"""


def tokens_of(db: Database, user_id: int) -> list[dict[str, Any]]:
    """The user's tokens, newest first, revoked ones included (never the token itself)."""
    return [_row(r) for r in db.execute(_SELECT + " WHERE t.user_id = ? ORDER BY t.id DESC", [user_id])]


def revoke_token(db: Database, user_id: int, token_id: int) -> str | None:
    """Revoke one of the user's tokens at once; return its name (None: it was revoked already).
    Raise NotFound for anyone else's."""
    with transaction(db):
        row = db.execute("SELECT name, revoked_at FROM api_tokens WHERE id = ? AND user_id = ?",
                         [token_id, user_id]).fetchone()
        if row is None:
            raise NotFound("no such token")
        if row[1] is not None:
            return None
        db.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", [now_iso(), token_id])
        return row[0]


def token_holder(db: Database, token: str) -> dict[str, Any] | None:
    """The token and its active user for a live token, or None (unknown, revoked, expired, deactivated)."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return None
    row = db.execute(
        """SELECT t.id, t.scope, t.expires_at, t.name, u.id, u.email, u.name, u.role
           FROM api_tokens t JOIN users u ON u.id = t.user_id
           WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.active = 1""",
        [hash_token(token)],
    ).fetchone()
    if row is None:
        return None
    token_id, scope, expires_at, token_name, user_id, email, user_name, role = row
    if expires_at and datetime.fromisoformat(expires_at) <= datetime.now(timezone.utc):
        return None
    return {"token": {"id": token_id, "scope": scope, "name": token_name, "expires_at": expires_at},
            "user": {"id": user_id, "email": email, "name": user_name, "role": role}}


def add_token_usage(db: Database, counts: dict[tuple[int, int], int], last_used: dict[int, str]) -> dict[int, tuple[int, int]]:
    """Add requests counted elsewhere (in a worker's memory) to each token's fixed windows, in one transaction.

    ``counts`` maps (token id, window start) to requests; ``last_used`` a token id to when it was last used.
    A count for a window older than the stored one is too late to matter for the limit and is dropped;
    last_used_at only ever moves forward. Return {token id: (window start, requests in it)} as stored now.
    """
    stored: dict[int, tuple[int, int]] = {}
    with transaction(db):
        for (token_id, start), requests in sorted(counts.items(), key=lambda item: item[0][1]):
            row = db.execute(
                """INSERT INTO api_token_usage (token_id, last_used_at, window_start, requests) VALUES (?, ?, ?, ?)
                   ON CONFLICT (token_id) DO UPDATE SET last_used_at = max(last_used_at, excluded.last_used_at),
                     requests = CASE WHEN window_start = excluded.window_start THEN requests + excluded.requests
                                     WHEN window_start > excluded.window_start THEN requests
                                     ELSE excluded.requests END,
                     window_start = max(window_start, excluded.window_start)
                   RETURNING window_start, requests""",
                [token_id, last_used[token_id], start, requests],
            ).fetchone()
            stored[token_id] = (row[0], row[1])
    return stored


def api_auth_blocked_for(db: Database, address: str, now: float | None = None, limit: int = THROTTLE_LIMIT,
                         window: int = THROTTLE_WINDOW_SECONDS) -> int:
    """Seconds until this address may try a token again after too many wrong ones (0 when it may)."""
    now = time.time() if now is None else now
    rows = db.execute("SELECT at FROM api_auth_failures WHERE address = ? AND at > ? ORDER BY at DESC LIMIT ?",
                      [address, now - window, limit]).fetchall()
    if len(rows) < limit:
        return 0
    return int(rows[-1][0] + window - now) + 1


def record_api_auth_failure(db: Database, address: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    with transaction(db):
        db.execute("INSERT INTO api_auth_failures (address, at) VALUES (?, ?)", [address[:64], now])
        db.execute("DELETE FROM api_auth_failures WHERE at < ?", [now - 24 * 3600])
