"""The audit log as owners and admins read it: who did what and when, filterable by action and date."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flask import Blueprint, abort, g, render_template, request

from .. import store
from ..db import get_db
from .access import member_view, role_required
from .params import optional_date

bp = Blueprint("audit", __name__)


def _filters() -> dict:
    """The action and dates asked for in the query string; 400 for a date or action that is not one."""
    action = request.args.get("action") or None
    if action is not None and action not in store.AUDIT_ACTIONS:
        abort(400, description="Unknown action. Choose one from the list.")
    message = "Dates must look like 2026-11-25."
    return {"action": action, "since": optional_date(request.args.get("since"), message),
            "until": optional_date(request.args.get("until"), message)}


@bp.get("/orgs/<int:org_id>/audit")
@member_view(owner=True)
def org_log(org_id: int):
    """An organisation's log, for its owners."""
    filters = _filters()
    return render_template("audit/log.html", org=g.org, filters=filters, actions=store.AUDIT_ACTIONS,
                           entries=store.audit_entries(get_db(), org_id, **filters), limit=store.AUDIT_PAGE)


@bp.get("/admin/audit")
@role_required("admin")
def server_log():
    """The whole server's log, for admins."""
    filters = _filters()
    return render_template("audit/log.html", org=None, filters=filters, actions=store.AUDIT_ACTIONS,
                           entries=store.audit_entries(get_db(), None, **filters), limit=store.AUDIT_PAGE)


def levels_text(target: dict) -> str:
    """A target as the log keeps it: "delivery 3, governance 4"."""
    return ", ".join(f"{k} {v}" for k, v in sorted(target.items()))


def progress_detail(changes: list[dict], titles: dict[str, str]) -> str:
    """What the log keeps of a progress save: the improvements that changed, by title, and their
    status (no notes, no owners)."""
    shown = ", ".join(f"{titles.get(c['item_id'], c['item_id'])}: {c.get('status') or 'unchanged'}"
                      for c in changes[:8])
    return shown + (f" and {len(changes) - 8} more" if len(changes) > 8 else "")


@contextmanager
def audited_progress(org_id: int, unit: dict | None, titles: dict[str, str], prefix: str = "") -> Iterator[list]:
    """Save progress inside this block, passing the list it gives as ``written_out``: the log then names
    only the improvements that changed, by title, and says nothing when nothing changed."""
    written: list[dict] = []
    with audited("progress_updated", org_id, "roadmap", None, unit["name"] if unit else "") as entry:
        yield written
        entry["detail"] = prefix + progress_detail(written, titles)
        entry["unchanged"] = not written


@contextmanager
def audited(action: str, org_id: int | None = None, object_kind: str = "", object_id: int | None = None,
            label: str = "", detail: str = "") -> Iterator[dict]:
    """Run a change and its audit entry in one transaction: both are kept, or neither.

    The signed-in user (or the API token's user) is the actor. A change refused inside the block (an abort, a store
    failure) leaves no entry. The block may fill in what it learns (the id of what it created)
    in the dict it is given, or set its "unchanged" to True when nothing changed (no entry then).
    """
    db = get_db()
    user = g.get("user") or g.get("api_user")
    entry = {"org_id": org_id, "object_kind": object_kind, "object_id": object_id, "label": label, "detail": detail}
    with store.transaction(db):
        yield entry
        if not entry.pop("unchanged", False):
            store.audit(db, action, actor_id=user["id"] if user else None, **entry)


def renamed(entry: dict, old: str, new: str) -> None:
    """Fill in a rename's entry: the new name as its label, the old one in words; nothing when they are equal."""
    entry["label"], entry["detail"], entry["unchanged"] = new, f"from “{old}”", old == new
