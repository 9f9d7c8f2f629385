"""Error pages and refusals: every error is a plain page (or JSON for JSON requests), never a traceback."""

from __future__ import annotations

import logging
import secrets
import sqlite3

from flask import abort, jsonify, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .. import store
from .main import note_storage_fault

log = logging.getLogger("pmo_advisor")

# What a person sees when storage refuses a write (disk full, read-only file, lock held too long).
STORAGE_TITLE = "Not saved"
STORAGE_MESSAGE = "The server cannot save right now; your earlier answers are safe; try again in a minute."
STORAGE_RETRY_AFTER = 60  # seconds, sent as Retry-After


class LoginNeeded(Exception):
    """The page belongs to an organisation and the visitor is not signed in."""


def wants_json() -> bool:
    return request.path.endswith(".json") or request.is_json


def is_api_request() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


# The API's error codes by status, where the view did not name a more precise one.
API_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
             409: "conflict", 413: "too_large", 422: "invalid", 429: "rate_limited", 500: "internal_error",
             503: "storage_unavailable"}


def api_error_response(status: int, code: str | None, message: str, field: str | None = None,
                       incident: str | None = None):
    """The API's one error shape: {"error": {"code", "message", "field"?, "incident"?}}."""
    error = {"code": code or API_CODES.get(status, "error"), "message": message}
    if field is not None:
        error["field"] = field
    if incident is not None:
        error["incident"] = incident
    response = jsonify({"error": error})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def error_response(status: int, title: str, message: str, incident: str | None = None):
    """Render an error as a plain page, or as JSON for JSON requests (in the API's shape under /api)."""
    if is_api_request():
        return api_error_response(status, None, message, incident=incident)
    if wants_json():
        body = {"error": message, "status": status}
        if incident:
            body["incident"] = incident
        return jsonify(body), status
    try:
        return render_template("error.html", status=status, title=title, message=message, incident=incident), status
    except Exception:  # the error page itself failed: fall back to plain text, never a traceback
        log.exception("error page failed to render")
        text = f"{title}\n\n{message}" + (f"\n\nIncident id: {incident}" if incident else "")
        return text, status, {"Content-Type": "text/plain; charset=utf-8"}


def refuse(status: int, title: str, message: str):
    """Stop the request with an error page (or JSON) built like every other error."""
    abort(make_response(error_response(status, title, message)))


def unchanged(message: str):
    """Stop with 400: the change was refused for this reason, and nothing was changed."""
    abort(400, description=f"{message} Nothing was changed.")


def login_needed(_err: LoginNeeded):
    if wants_json() or request.method != "GET":
        return error_response(401, "Sign in first", "This page belongs to an organisation: sign in as a member.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def csrf_error(_err: CSRFError):
    return error_response(
        400,
        "The form could not be accepted",
        "The security token of this form was missing or did not match (CSRF check), so nothing was saved. "
        "Reload the page and try again.",
    )


HTTP_MESSAGES = {
    403: ("Not allowed", "Your account cannot do this."),
    404: ("Page not found", "There is nothing at this address. If you followed a private link, check that "
                            "it was copied completely."),
    405: ("Not allowed", "This address does not accept that kind of request."),
    413: ("Too large", "The request was larger than this application accepts. Nothing was saved."),
}


def http_error(err: HTTPException):
    title, message = HTTP_MESSAGES.get(err.code, (err.name, err.description or err.name))
    if err.code in (400, 403, 409, 429) and err.description:
        message = err.description
    return error_response(err.code or 500, title, message)


def untrusted_host(_err):
    """400 for a Host header the app does not answer to; plain text, as no link can be built for it."""
    message = ("This server does not answer to that host name. Its administrator sets the names it "
               "answers to with PUBLIC_URL or TRUSTED_HOSTS.")
    if wants_json():
        return jsonify({"error": message, "status": 400}), 400
    return message + "\n", 400, {"Content-Type": "text/plain; charset=utf-8"}


def storage_error(err: sqlite3.OperationalError):
    """Storage refused (full, read-only, locked past the busy timeout): 503, and nothing was kept."""
    fault = store.storage_fault(err)
    if fault is None:
        return unexpected_error(err)
    log.warning("storage %s: %s %s not completed (%s)", fault, request.method, request.path, err)
    note_storage_fault(fault, str(err))
    response = make_response(error_response(503, STORAGE_TITLE, STORAGE_MESSAGE))
    response.headers["Retry-After"] = str(STORAGE_RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


def unexpected_error(err: Exception):
    if isinstance(err, HTTPException):
        return http_error(err)
    incident = secrets.token_hex(6)
    log.exception("incident %s: unhandled error on %s %s", incident, request.method, request.path)
    return error_response(
        500,
        "Something went wrong",
        "The request could not be completed. Your saved answers are safe. If this keeps happening, "
        "give the administrator the incident id below.",
        incident=incident,
    )
