"""Web adapter: blueprints, error pages and response headers around the engine and store."""

from __future__ import annotations

import sqlite3
import time

from flask import Flask, current_app, g, request
from flask_bootstrap import Bootstrap5
from flask_wtf.csrf import CSRFError, CSRFProtect
from markupsafe import Markup
from werkzeug.exceptions import HTTPException, NotFound, SecurityError

from . import (
    account_links,
    api,
    assess,
    audit,
    auth,
    dashboard,
    errors,
    lifecycle,
    live,
    main,
    members,
    org_assessments,
    orgs,
    participate,
    reports,
    results,
    units,
    workshops,
)
from .compressed import init_compression
from .template_cache import init_template_cache
from .. import charts
from .current import content, public_url
from ..engine.whatif import NO_CHANGE, NO_CHANGE_CLOSE
from ..reports.evidence import describe_evidence, labels_of
from ..reports.html import day, day_short
from ..reports.levels import format_score, target_words
from .params import refuse_repeated_fields

csrf = CSRFProtect()
bootstrap = Bootstrap5()

BLUEPRINTS = (main.bp, auth.bp, audit.bp, lifecycle.bp, lifecycle.standalone, lifecycle.admin, orgs.bp, members.bp,
              org_assessments.bp, org_assessments.attaching, units.bp, dashboard.bp, workshops.bp, participate.bp,
              assess.bp, results.bp, reports.bp, api.bp, account_links.bp)

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


def init_web(app: Flask) -> None:
    init_template_cache(app)  # first: the extensions below create the Jinja environment
    app.before_request(_start_timer)  # first, so the timing covers the whole request
    app.before_request(_refuse_untrusted_host)  # before anything reads the session or the body
    app.before_request(_limit_streamed_body)  # before anything reads the body (the CSRF check does)
    # Before the CSRF check, so even its error page knows who is signed in.
    app.before_request(auth.load_user)
    app.before_request(refuse_repeated_fields)
    bootstrap.init_app(app)
    csrf.init_app(app)

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    csrf.exempt(api.bp)  # token-authenticated, never by cookie: nothing for a forged cross-site request to use
    app.register_error_handler(api.ApiError, lambda err: err.response())

    app.register_error_handler(errors.LoginNeeded, errors.login_needed)
    # An id beyond SQLite's integers cannot name anything: not found, not a crash.
    app.register_error_handler(OverflowError, lambda _err: errors.http_error(NotFound()))
    app.register_error_handler(CSRFError, errors.csrf_error)
    app.register_error_handler(SecurityError, errors.untrusted_host)
    app.register_error_handler(sqlite3.OperationalError, errors.storage_error)
    app.register_error_handler(HTTPException, errors.http_error)
    app.register_error_handler(Exception, errors.unexpected_error)
    app.after_request(_security_headers)
    app.teardown_appcontext(live.release_reader)
    init_compression(app)

    app.add_template_filter(format_score, "score")
    app.add_template_global(target_words)
    app.add_template_filter(day_short, "day_short")
    app.add_template_filter(day, "day")

    @app.context_processor
    def _globals():
        return {"content": content(), "no_change": NO_CHANGE, "no_change_close": NO_CHANGE_CLOSE}

    app.add_template_global(public_url)
    app.add_template_global(charts.figure_table, "chart_table")

    @app.template_global("evidence")
    def _evidence(evidence, result=None):
        return describe_evidence(evidence or {}, labels_of(result, content().default_questionnaire))

    @app.template_filter("long_date")
    def _long_date(iso: str | None) -> str:
        """An ISO date as people read it: 4 Jan 2027 (the engine's one wording)."""
        return day(str(iso) if iso else None)

    @app.template_global("print_timeline")
    def _print_timeline(report) -> Markup:
        """The report's timeline (an HTML table, the one its PDF prints), for the browser's print of a result."""
        from ..reports.svg import report_charts

        return Markup(report_charts(report).get("timeline", "")) if report else Markup("")

    @app.template_global("screen_timeline")
    def _screen_timeline(report) -> Markup:
        """The report's timeline, its changes numbered as the page lists them: drawn here, so the result page
        needs no plotly.js (a megabyte, and seconds of a phone's CPU, for one chart)."""
        from ..reports.svg import screen_timeline

        return Markup(screen_timeline(report)) if report else Markup("")

    @app.template_filter("script_json")
    def _script_json(text: str):
        """Make stored JSON safe inside <script type="application/json">."""
        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _start_timer() -> None:
    g.started = time.perf_counter()


def _refuse_untrusted_host() -> None:
    """A Host header outside TRUSTED_HOSTS stops the request here (Flask only notes it for routing)."""
    if isinstance(request.routing_exception, SecurityError):
        raise request.routing_exception


def _limit_streamed_body() -> None:
    """Read a body sent without Content-Length (chunked) up to the limit: beyond it, 413.

    Werkzeug stops reading such a body at MAX_CONTENT_LENGTH and hands on what it read, so an
    oversized form would arrive cut short (and fail its CSRF check with a misleading 400).
    """
    import io

    from flask import abort

    environ = request.environ
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if limit is None or not chunked or "wsgi.input_terminated" not in environ:
        return
    stream, chunks, size = environ["wsgi.input"], [], 0
    while chunk := stream.read(min(64 * 1024, limit + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            abort(413)
    body = b"".join(chunks)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)


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
    if g.get("revalidate") and not g.get("user"):
        # A frozen result behind a private link: the browser may keep it but must revalidate
        # (ETag) before showing it again. Signed-in pages are never stored.
        response.headers["Cache-Control"] = "private, no-cache"
    elif g.get("private_page") or g.get("user"):
        response.headers["Cache-Control"] = "no-store"
    return response
