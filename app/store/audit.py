"""The audit log: who did what, when, on which object. Append-only; no answers, no secrets.

Entries name their object by kind, id and a label kept as text, so they outlive the object.
Purging an organisation redacts its entries (labels and details go, the organisation id is
cleared): the log still says who deleted or purged something and when, but nothing of the
client's data. A trigger refuses every other change and every deletion (see m011_lifecycle in schema.py).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlite_utils import Database

from .db import StoreError, transaction

# Every action the log records, with how a person reads it.
ACTIONS = {
    "sign_in": "signed in",
    "sign_in_failed": "failed to sign in",
    "member_added": "added a member",
    "member_role_changed": "changed a member's role",
    "member_removed": "removed a member",
    "member_invited": "made an invitation link",
    "invitation_revoked": "revoked an invitation link",
    "password_reset": "reset a password",
    "user_changed": "changed a user account",
    "reset_link_issued": "made a password reset link",
    "deleted": "deleted",
    "restored": "restored",
    "purged": "purged",
    "workshop_opened": "opened a workshop",
    "workshop_revealed": "revealed a workshop's results",
    "workshop_hidden": "hid a workshop's results",
    "consensus_set": "set a consensus level",
    "consensus_cleared": "cleared a consensus level",
    "workshop_closed": "closed a workshop",
    "workshop_cancelled": "cancelled a workshop",
    "workshop_reopened": "re-opened a workshop",
    "participant_removed": "removed a workshop participant",
    "participants_removed": "removed the workshop participants who joined in one minute",
    "workshop_headcount_set": "set the number of people a workshop expects",
    "workshop_importance_set": "set how much each area matters in a workshop",
    "rescored": "re-scored an assessment",
    "target_changed": "changed a target",
    "progress_updated": "updated roadmap progress",
    "exported": "exported the organisation's data",
    "imported": "imported an organisation",
    "retention_changed": "changed the retention settings",
    "retention_purged": "purged data under the retention settings",
    "user_deleted": "deleted a user account",
    "benchmark_joined": "let the organisation take part in the pooled benchmark",
    "benchmark_left": "took the organisation out of the pooled benchmark",
    "sign_out": "signed out",
    "password_changed": "changed their own password",
    "token_created": "made an API token",
    "token_revoked": "revoked an API token",
    "org_created": "created the organisation",
    "org_renamed": "renamed the organisation",
    "unit_created": "added a unit",
    "unit_renamed": "renamed a unit",
}
MAX_LABEL = 200
MAX_DETAIL = 300
PAGE_SIZE = 200


class UnknownAction(StoreError):
    """An action the audit log does not know: a programming error, never user input."""


def _now() -> str:
    # Microseconds: entries of one request keep their order when sorted by time.
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def record(db: Database, action: str, *, actor_id: int | None = None, org_id: int | None = None,
           object_kind: str = "", object_id: int | None = None, label: str = "", detail: str = "",
           actor_token: str | None = None) -> None:
    """Append one entry (inside the caller's transaction when there is one)."""
    if action not in ACTIONS:
        raise UnknownAction(action)
    with transaction(db):
        db.execute(
            "INSERT INTO audit_log (at, org_id, actor_id, actor_token, action, object_kind, object_id, label, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_now(), org_id, actor_id, actor_token, action, object_kind, object_id, (label or "")[:MAX_LABEL],
             (detail or "")[:MAX_DETAIL]],
        )


_COLUMNS = ("id", "at", "org_id", "actor_id", "actor_token", "action", "object_kind", "object_id", "label",
            "detail", "redacted", "actor_email", "actor_name", "actor_deleted")


def entries(db: Database, org_id: int | None = None, *, action: str | None = None, since: str | None = None,
            until: str | None = None, limit: int = PAGE_SIZE) -> list[dict[str, Any]]:
    """The newest entries first: of one organisation (None: the whole server), filtered by action
    and by date (ISO dates, both inclusive)."""
    where, params = ["1 = 1"], []
    if org_id is not None:
        where.append("l.org_id = ?")
        params.append(org_id)
    if action:
        where.append("l.action = ?")
        params.append(action)
    if since:
        where.append("l.at >= ?")
        params.append(since)
    if until:
        where.append("l.at < date(?, '+1 day')")
        params.append(until)
    rows = db.execute(
        f"""SELECT l.id, l.at, l.org_id, l.actor_id, l.actor_token, l.action, l.object_kind, l.object_id, l.label,
                   l.detail, l.redacted, u.email, u.name, u.deleted_at IS NOT NULL
            FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
            WHERE {' AND '.join(where)} ORDER BY l.at DESC, l.id DESC LIMIT ?""",
        [*params, limit],
    ).fetchall()
    out = []
    for row in rows:
        entry = dict(zip(_COLUMNS, row))
        entry["actor"] = actor_label(entry)
        entry["what"] = ACTIONS.get(entry["action"], entry["action"])
        out.append(entry)
    return out


def actor_label(entry: dict[str, Any]) -> str:
    """Who did it, as a person reads it: the account, "former user", a participant or the system."""
    if entry["actor_id"] is not None:
        if entry["actor_deleted"] or entry["actor_email"] is None:
            return "former user"
        return entry["actor_email"]
    if entry["actor_token"]:
        return f"participant {entry['actor_token'][:8]}"
    return "system"


def redact_label(db: Database, label: str) -> int:
    """Take a deleted account's address out of the entries that name it (their label and detail go)."""
    with transaction(db):
        return db.execute("UPDATE audit_log SET redacted = 1, label = '', detail = '' WHERE label = ? AND redacted = 0",
                          [label]).rowcount


def redact_org(db: Database, org_id: int) -> int:
    """Keep the entries of a purged organisation without its data: no id, no labels, no details."""
    with transaction(db):
        return db.execute(
            "UPDATE audit_log SET redacted = 1, org_id = NULL, label = '', detail = '' "
            "WHERE org_id = ? AND redacted = 0", [org_id]).rowcount
