"""Who may open what: sign-in and role checks, organisation membership, and private links.

Every organisation route checks membership on the server and fails closed: a user who is
not a member gets 404, the same answer as for an organisation that does not exist.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from flask import abort, current_app, g, redirect, request, url_for

from .. import store
from ..db import get_db
from ..engine import Questionnaire
from .current import content
from .errors import LoginNeeded
from .params import parse_int

# Accounts with these roles create organisations and run workshops.
FACILITATOR_ROLES = ("facilitator", "admin")


def can_facilitate(user) -> bool:
    """Whether this account may create organisations and run workshops."""
    return user is not None and user["role"] in FACILITATOR_ROLES


def client_address() -> str:
    """Where the request came from (after the configured proxy hops), for throttling guesses."""
    return request.remote_addr or "unknown"


def login_required(view):
    """Anonymous visitors are sent to the sign-in page, and come back afterwards."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.get("user") is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapped


def role_required(*roles: str):
    """Only users with one of these roles; others get 403."""
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if g.user["role"] not in roles:
                abort(403, description="Your account does not have the role this page needs.")
            return view(*args, **kwargs)
        return wrapped
    return decorator


# --------------------------------------------------------------------------
# Organisations: membership
# --------------------------------------------------------------------------


def require_member(org_id: int, owner: bool = False) -> str:
    """The signed-in user's role in the organisation; 404 when they are not a member."""
    user = g.get("user")
    if user is None:
        raise LoginNeeded()
    role = store.membership(get_db(), org_id, user["id"])
    if role is None or (owner and role != "owner"):
        if role is not None:
            abort(403, description="Only owners of this organisation can do that.")
        abort(404)
    return role


def member_view(owner: bool = False):
    """Decorator for /orgs/<org_id>/... views: signed in and a member (or owner); sets g.org and g.org_role."""
    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(org_id: int, *args, **kwargs):
            g.org_role = require_member(org_id, owner=owner)
            try:
                g.org = store.get_org(get_db(), org_id)
            except store.NotFound:
                abort(404)
            return view(org_id, *args, **kwargs)
        return wrapped
    return decorator


def facilitator_view(view):
    """Members who may run workshops: facilitators and admins of the organisation."""
    @functools.wraps(view)
    @member_view()
    def wrapped(org_id: int, *args, **kwargs):
        if not can_facilitate(g.user):
            abort(403, description="Only facilitators run workshops.")
        return view(org_id, *args, **kwargs)
    return wrapped


def attachable_orgs(response: dict) -> list[dict]:
    """Organisations the signed-in user could give this stand-alone assessment to."""
    if g.get("user") is None or response["org_id"] is not None:
        return []
    return store.orgs_of_user(get_db(), g.user["id"])


# --------------------------------------------------------------------------
# Private links: /r/<token> for stand-alone assessments, /r/m<id>.<signature> for members
# --------------------------------------------------------------------------


def _signature(response_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"response:{response_id}".encode(), hashlib.sha256).hexdigest()[:32]


def member_token(response_id: int) -> str:
    """A stable link token for a response of an organisation; it only works for its members."""
    return f"m{response_id}.{_signature(response_id)}"


def parse_member_token(token: str) -> int | None:
    head, _, signature = token.partition(".")
    digits = head[1:]
    if not head.startswith("m") or not (digits.isascii() and digits.isdigit()) or len(signature) != 32:
        return None
    response_id = int(digits)
    return response_id if hmac.compare_digest(signature, _signature(response_id)) else None


def load_response(token: str) -> tuple[dict, Questionnaire]:
    """Return the response a link opens and its questionnaire, or 404.

    A private link (random token) opens a stand-alone assessment for whoever holds it. Once
    an assessment belongs to an organisation, its links only work for that organisation's
    members: anonymous visitors are asked to sign in, others get 404.
    """
    g.private_page = True
    db = get_db()
    try:
        if "." in token:
            response_id = parse_member_token(token)
            if response_id is None:
                abort(404)
            response = store.response_by_id(db, response_id)
            if response["org_id"] is None:
                abort(404)
        else:
            response = store.response_by_token(db, token)
    except store.NotFound:
        abort(404)
    if response["org_id"] is not None:
        require_member(response["org_id"])
    questionnaire = content().questionnaires.get(response["questionnaire_id"])
    if questionnaire is None:
        abort(404)
    return response, questionnaire


def load_snapshot(token: str) -> tuple[dict, dict | None]:
    """The response a link opens and its frozen result (None until it is submitted)."""
    response, _questionnaire = load_response(token)
    if response["status"] != "submitted" or response["snapshot_id"] is None:
        return response, None
    return response, store.load_snapshot(get_db(), response["snapshot_id"])


def account_or_404(user_id: int) -> dict:
    """A live account by id for the admin pages; 404 for an unknown or deleted one."""
    try:
        return store.get_user(get_db(), user_id)
    except store.NotFound:
        abort(404)


def unit_of_org(org_id: int, unit_id: int) -> dict:
    """One of the organisation's units; 404 for any other."""
    try:
        return store.unit_of_org(get_db(), org_id, unit_id)
    except store.NotFound:
        abort(404)


def unit_scope(org_id: int) -> dict | None:
    """The unit a dashboard is narrowed to by ?unit=<id> (None: the whole organisation); 404 when unknown."""
    raw = request.args.get("unit", "")
    if not raw:
        return None
    unit_id = parse_int(raw)
    if unit_id is None:
        abort(404)
    return unit_of_org(org_id, unit_id)
