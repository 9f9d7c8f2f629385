"""Web adapter: blueprints, error pages and response headers around the engine and store."""

from __future__ import annotations

import logging
import secrets
import sqlite3
import time

from flask import Flask, current_app, g, jsonify, make_response, render_template, request
from flask_bootstrap import Bootstrap5
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, NotFound

csrf = CSRFProtect()
bootstrap = Bootstrap5()
log = logging.getLogger("pmo_advisor")

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    # plotly.js sets inline styles on the elements it draws.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


# What a person sees when storage refuses a write (disk full, read-only file, lock held too long).
STORAGE_TITLE = "The server cannot save right now"
STORAGE_MESSAGE = "The server cannot save right now; your earlier answers are safe; try again in a minute."
STORAGE_RETRY_AFTER = 60  # seconds, sent as Retry-After


def content():
    """The validated content the app was started with."""
    return current_app.extensions["pmo_content"]


def init_web(app: Flask) -> None:
    from . import assess, auth, dashboard, main, orgs, results, workshops

    app.before_request(_start_timer)  # first, so the timing covers the whole request
    # Before the CSRF check, so even its error page knows who is signed in.
    app.before_request(auth.load_user)
    bootstrap.init_app(app)
    csrf.init_app(app)

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(orgs.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(workshops.bp)
    app.register_blueprint(workshops.participate)
    app.register_blueprint(assess.bp)
    app.register_blueprint(results.bp)

    app.register_error_handler(orgs.LoginNeeded, _login_needed)
    # An id beyond SQLite's integers cannot name anything: not found, not a crash.
    app.register_error_handler(OverflowError, lambda _err: _http_error(NotFound()))
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(sqlite3.OperationalError, _storage_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    app.after_request(_security_headers)

    @app.context_processor
    def _globals():
        return {"content": content()}

    @app.template_global("evidence")
    def _evidence(evidence, result=None):
        from .evidence import describe_evidence, labels_of

        return describe_evidence(evidence or {}, labels_of(result, content().default_questionnaire))

    @app.template_filter("script_json")
    def _script_json(text: str):
        """Make stored JSON safe inside <script type="application/json">."""
        from markupsafe import Markup

        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def wants_json() -> bool:
    return request.path.endswith(".json") or request.path.startswith("/api/") or request.is_json


def error_response(status: int, title: str, message: str, incident: str | None = None):
    """Render an error as a plain page, or as JSON for API and JSON requests."""
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


def _login_needed(_err):
    from flask import redirect, url_for

    if wants_json() or request.method != "GET":
        return error_response(401, "Sign in first", "This page belongs to an organisation: sign in as a member.")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def refuse(status: int, title: str, message: str):
    """Stop the request with an error page (or JSON) built like every other error."""
    from flask import abort

    abort(make_response(error_response(status, title, message)))


def unchanged(err: Exception):
    """Stop with 400: the store refused the change, and says why; nothing was changed."""
    from flask import abort

    abort(400, description=f"{str(err).capitalize()}. Nothing was changed.")


def _csrf_error(err: CSRFError):
    return error_response(
        400,
        "The form could not be accepted",
        "The security token of this form was missing or did not match (CSRF check), so nothing was saved. "
        "Reload the page and try again.",
    )


def _http_error(err: HTTPException):
    messages = {
        403: ("Not allowed", "Your account cannot do this."),
        404: ("Page not found", "There is nothing at this address. If you followed a private link, check that "
                                "it was copied completely."),
        405: ("Not allowed", "This address does not accept that kind of request."),
        413: ("Too large", "The request was larger than this application accepts. Nothing was saved."),
    }
    title, message = messages.get(err.code, (err.name, err.description or err.name))
    if err.code in (400, 403, 409, 429) and err.description:
        message = err.description
    return error_response(err.code or 500, title, message)


def _storage_error(err: sqlite3.OperationalError):
    """Storage refused (full, read-only, locked past the busy timeout): 503, and nothing was kept."""
    from .. import store

    fault = store.storage_fault(err)
    if fault is None:
        return _unexpected_error(err)
    log.warning("storage %s: %s %s not completed (%s)", fault, request.method, request.path, err)
    response = make_response(error_response(503, STORAGE_TITLE, STORAGE_MESSAGE))
    response.headers["Retry-After"] = str(STORAGE_RETRY_AFTER)
    response.headers["Cache-Control"] = "no-store"
    return response


def _unexpected_error(err: Exception):
    if isinstance(err, HTTPException):
        return _http_error(err)
    incident = secrets.token_hex(6)
    log.exception("incident %s: unhandled error on %s %s", incident, request.method, request.path)
    return error_response(
        500,
        "Something went wrong",
        "The request could not be completed. Your saved answers are safe. If this keeps happening, "
        "give the administrator the incident id below.",
        incident=incident,
    )


def _start_timer() -> None:
    g.started = time.perf_counter()


def _security_headers(response):
    started = g.get("started")
    if started is not None:
        # Time spent in the app, for benchmarks and browser developer tools.
        response.headers["Server-Timing"] = f"app;dur={1000 * (time.perf_counter() - started):.2f}"
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Private links carry a token in the URL: never send it to another site. (Same-origin, not
    # no-referrer: Flask-WTF checks the Referer of form posts over HTTPS.)
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if g.get("private_page") or g.get("user"):
        response.headers["Cache-Control"] = "no-store"
    return response
