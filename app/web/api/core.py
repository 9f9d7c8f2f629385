"""What every API operation shares: tokens, limits, input models, errors, pagination and ETags.

An operation is declared once with ``@operation(...)``: its route, the pydantic models its
query and body are validated with, what it answers and whether it writes. The same
declaration drives the request handling here and the OpenAPI description (openapi.py), so
the description cannot drift from what the code accepts.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from flask import Blueprint, Response, current_app, g, request
from pydantic import BaseModel, ValidationError

from ... import store
from ...db import get_db
from ..access import FACILITATOR_ROLES, client_address
from ..errors import api_error_response
from ..params import DuplicateKey, TooDeep, parse_int, parse_json
from .usage import FLUSH_SECONDS as USAGE_FLUSH_SECONDS
from .usage import UsageCounter

bp = Blueprint("api", __name__, url_prefix="/api")

# Requests per token and window, counted in memory and added up in the database every few
# seconds (usage.py), so the limit holds across workers without a write per request.
RATE_LIMIT = 300
AUTH_FAILURE_LIMIT = 10  # wrong tokens from one address before it must wait (store.api_auth_blocked_for)
RATE_WINDOW_SECONDS = 60


@bp.record_once
def _count_usage(state) -> None:
    config = state.app.config
    state.app.extensions["api_usage"] = UsageCounter(
        config["DATABASE"], float(config.get("API_USAGE_FLUSH_SECONDS", USAGE_FLUSH_SECONDS)))


class ApiError(Exception):
    """Stop an API request with the one error shape: {"error": {"code", "message", "field"?}}."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None,
                 headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = dict(headers or {})

    def response(self) -> Response:
        response = api_error_response(self.status, self.code, self.message, self.field)
        response.headers.update(self.headers)
        return response


def not_found() -> ApiError:
    return ApiError(404, "not_found", "There is nothing with this id, or it is not yours to see.")


@dataclass(frozen=True)
class Answer:
    """One documented answer of an operation."""

    status: int
    description: str
    model: type[BaseModel] | None = None  # JSON body
    media: tuple[str, ...] = ()  # binary bodies (PDF, XLSX, PPTX)
    headers: tuple[str, ...] = ()  # names from openapi.HEADERS


@dataclass
class Operation:
    method: str
    rule: str  # Flask rule under /api
    endpoint: str
    summary: str
    description: str
    tag: str
    query: type[BaseModel] | None
    body: type[BaseModel] | Callable[[], type[BaseModel]] | None
    answers: tuple[Answer, ...]
    write: bool
    public: bool
    errors: tuple[int, ...] = field(default_factory=tuple)

    def body_model(self) -> type[BaseModel] | None:
        if self.body is None or isinstance(self.body, type):
            return self.body
        return self.body()


OPERATIONS: list[Operation] = []


def operation(bp: Blueprint, method: str, rule: str, *, summary: str, tag: str, answers: Iterable[Answer],
              query: type[BaseModel] | None = None, body=None, write: bool = False, public: bool = False,
              errors: Iterable[int] = (), body_parser: Callable[[Any], Any] | None = None):
    """Declare an API operation: route it, authenticate and validate its input, and describe it.

    The view gets the path arguments, then ``query=`` and ``body=`` (validated models) when the
    operation has them. ``body`` may be a function returning the model (when it depends on content);
    ``body_parser`` replaces the model's validation (it must check at least what the model says).
    """
    def decorator(view):
        op = Operation(method, bp.url_prefix + rule, f"{bp.name}.{view.__name__}", summary,
                       (view.__doc__ or "").strip(), tag, query, body, tuple(answers), write, public, tuple(errors))
        OPERATIONS.append(op)

        @functools.wraps(view)
        def wrapped(**kwargs):
            if not public:
                authenticate(write)
                check_path(kwargs)  # before any input is read: another's ids get 404, whatever the body says
            if query is not None:
                kwargs["query"] = validate(query, query_values(query), "query")
            if body is not None:
                payload = json_payload()
                kwargs["body"] = body_parser(payload) if body_parser else validate(op.body_model(), payload, "body")
            return view(**kwargs)

        bp.add_url_rule(rule, view.__name__, wrapped, methods=[method])
        return wrapped
    return decorator


# --------------------------------------------------------------------------
# Tokens: who is asking, what they may do, how often
# --------------------------------------------------------------------------


def authenticate(write: bool) -> None:
    """Find the token's user (g.api_user); refuse a missing, wrong, read-only or over-used token."""
    db = get_db()
    address = client_address()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "Send a personal access token: Authorization: Bearer <token>.",
                       headers={"WWW-Authenticate": 'Bearer realm="pmo-advisor"'})
    # A valid token always works: wrong ones from the same address (a colleague behind the same NAT)
    # never lock it out; only more wrong ones from there are refused.
    holder = store.token_holder(db, token.strip())
    if holder is None:
        wait = store.api_auth_blocked_for(db, address, limit=int(current_app.config.get("API_AUTH_FAILURE_LIMIT",
                                                                                         AUTH_FAILURE_LIMIT)))
        if wait:
            raise ApiError(429, "too_many_failures", "Too many wrong tokens from this address; try again later.",
                           headers={"Retry-After": str(wait)})
        store.record_api_auth_failure(db, address)
        raise ApiError(401, "invalid_token", "The token is unknown, expired or revoked.",
                       headers={"WWW-Authenticate": 'Bearer realm="pmo-advisor", error="invalid_token"'})
    g.api_user, g.api_token = holder["user"], holder["token"]
    if write and holder["token"]["scope"] != "read-write":
        raise ApiError(403, "read_only_token", "This token may only read; make a read-write token to change things.")
    limit = int(current_app.config.get("API_RATE_LIMIT", RATE_LIMIT))
    window = int(current_app.config.get("API_RATE_WINDOW_SECONDS", RATE_WINDOW_SECONDS))
    requests, wait = current_app.extensions["api_usage"].count(db, holder["token"]["id"], window)
    if requests > limit:
        raise ApiError(429, "rate_limited", f"This token made more than {limit} requests in {window} seconds.",
                       headers={"Retry-After": str(wait)})


# What each path argument names, and how to check it belongs to the organisation in the same path.
_PATH_CHECKS = {
    "unit_id": store.unit_of_org,
    "assessment_id": store.assessment_status,
    "workshop_id": store.get_workshop,
}


def check_path(arguments: Mapping[str, Any]) -> None:
    """404 unless the token's user is a member of the path's organisation and everything else the path
    names is that organisation's."""
    if "org_id" not in arguments:
        return
    member_org(arguments["org_id"])
    for name, lookup in _PATH_CHECKS.items():
        if name in arguments:
            try:
                lookup(get_db(), arguments["org_id"], arguments[name])
            except store.NotFound:
                raise not_found() from None


def member_org(org_id: int, owner: bool = False) -> tuple[dict, str]:
    """The organisation and the token user's role in it; 404 for non-members (as on the web), 403 for
    members where only owners may act."""
    found = g.get("api_member")
    if found is None or found[0] != org_id:  # the path's check found it already in most requests
        db = get_db()
        role = store.membership(db, org_id, g.api_user["id"])
        if role is None:
            raise not_found()
        try:
            found = g.api_member = (org_id, store.get_org(db, org_id), role)
        except store.NotFound:
            raise not_found() from None
    _org_id, org, role = found
    if owner and role != "owner":
        raise ApiError(403, "forbidden", "Only owners of this organisation can do that.")
    return org, role


def org_unit(org_id: int, unit_id: int | None) -> dict | None:
    """The organisation's unit with this id (None for None); 404 for anyone else's or none."""
    if unit_id is None:
        return None
    try:
        return store.unit_of_org(get_db(), org_id, unit_id)
    except store.NotFound:
        raise not_found() from None


def filtered(org_id: int, rows: list[dict], query) -> list[dict]:
    """The rows of the query's period and unit (``?period=``, ``?unit=``; a unit not the organisation's is 404)."""
    org_unit(org_id, query.unit)
    return [r for r in rows if (query.unit is None or r["unit_id"] == query.unit)
            and (query.period is None or r["period"] == query.period)]


def require_facilitator() -> None:
    if g.api_user["role"] not in FACILITATOR_ROLES:
        raise ApiError(403, "forbidden", "Only facilitators and admins can do that.")


# --------------------------------------------------------------------------
# Input: query strings and JSON bodies, validated with the operation's models
# --------------------------------------------------------------------------


def query_values(model: type[BaseModel]) -> dict[str, Any]:
    """The query string as the model's input: each parameter once; whole numbers from ASCII digits only."""
    values: dict[str, Any] = {}
    for name in request.args:
        given = request.args.getlist(name)
        if len(given) > 1:
            raise ApiError(422, "invalid", f"The query parameter {name!r} was given more than once.", name)
        number = parse_int(given[0])
        values[name] = number if number is not None and name in _integer_fields(model) else given[0]
    return values


@functools.cache
def _integer_fields(model: type[BaseModel]) -> frozenset[str]:
    """The model's fields that take a whole number (a query string spells them in digits)."""
    found = set()
    for name, schema in model.model_json_schema()["properties"].items():
        kinds = [schema.get("type")] + [option.get("type") for option in schema.get("anyOf", [])]
        if "integer" in kinds:
            found.add(name)
    return frozenset(found)


def json_payload() -> Any:
    if not request.get_data(cache=True):
        raise ApiError(400, "bad_request", "Send a JSON body (Content-Type: application/json).")
    if not request.is_json:
        raise ApiError(400, "bad_request", "The body must be JSON, sent with Content-Type: application/json.")
    try:
        return parse_json(request.get_data(cache=True), whole_floats=True)
    except DuplicateKey as err:
        raise ApiError(400, "bad_request", f"{err} Nothing was saved.", err.key) from None
    except TooDeep as err:
        raise ApiError(400, "bad_request", f"{err} Nothing was saved.") from None
    except ValueError:
        raise ApiError(400, "bad_request", "The body is not valid JSON (UTF-8).") from None


def validate(model: type[BaseModel], data: Any, where: str) -> BaseModel:
    """Validate input with the model; 422 naming the first field that is wrong. Unknown fields are refused."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        path = ".".join(str(part) for part in first["loc"])
        if first["type"] == "extra_forbidden":
            message = f"Unknown field {path!r}." if where == "body" else f"Unknown query parameter {path!r}."
        elif first["type"] == "model_type" and not path:
            message = "The body must be a JSON object."
        else:
            message = f"{path or 'body'}: {first['msg']}."
        raise ApiError(422, "invalid", message, path or None) from None


# --------------------------------------------------------------------------
# Output: JSON, pagination, conditional GET
# --------------------------------------------------------------------------


def answer(data: Any, status: int = 200) -> Response:
    """A JSON answer (pydantic models are dumped as JSON)."""
    if isinstance(data, BaseModel):
        text = data.model_dump_json()
    else:
        text = json.dumps(data, ensure_ascii=False, default=str)
    return Response(text, status=status, mimetype="application/json")


_CURSOR = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def encode_cursor(last_id: int) -> str:
    """An opaque cursor: the id of the last row given (lists are in id order, which never changes)."""
    return base64.urlsafe_b64encode(f"after:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The id after which the page starts (0 for the first page); 400 for a cursor this API did not give."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode() if _CURSOR.match(cursor) else ""
    except (ValueError, UnicodeDecodeError):
        text = ""
    head, _, digits = text.partition(":")
    last_id = parse_int(digits)
    if head != "after" or last_id is None:
        raise ApiError(400, "bad_cursor", "The cursor is not one this API gave; start again without it.", "cursor")
    return last_id


def page(rows: list[dict], limit: int, cursor: str | None, key: str = "id") -> dict[str, Any]:
    """One page of rows in ascending ``key`` order after the cursor, and the cursor of the next page (or None)."""
    after = decode_cursor(cursor)
    remaining = sorted((r for r in rows if r[key] > after), key=lambda r: r[key])
    items = remaining[:limit]
    more = len(remaining) > limit
    return {"items": items, "next": encode_cursor(items[-1][key]) if more and items else None}


def frozen(data: str | bytes, tag: str, mimetype: str = "application/json", headers: Mapping[str, str] | None = None):
    """A response of a frozen result with a strong ETag; 304 when the client has it already."""
    response = Response(data, mimetype=mimetype, headers=dict(headers or {}))
    response.set_etag(tag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response.make_conditional(request)
