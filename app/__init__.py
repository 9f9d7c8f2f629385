"""PMO Advisor: the Flask application factory."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db
from .cli import register_cli
from .data_cli import data_cli
from .engine import Content, ContentError, load_content
from .logs import install_redaction
from .store.accounts import PASSWORD_METHOD
from .web import init_web

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None, content: Content | None = None) -> Flask:
    """Create the app: defaults, then instance/config.py, then FLASK_* environment variables.

    Tests pass ``test_config`` (applied last) and may pass already loaded ``content``, so
    many apps in one test run do not read and compile the content files again.
    """
    app = Flask(__name__, instance_relative_config=True, template_folder="web/templates", static_folder="web/static")
    app.config.from_mapping(
        DATABASE=os.path.join(app.instance_path, "pmo-advisor.sqlite3"),
        CONTENT_ROOT=str(PROJECT_ROOT),
        AUTO_MIGRATE=True,
        # How long a write waits for another writer's lock before the request gets a 503.
        BUSY_TIMEOUT_MS=10_000,
        # /healthz probes a write at most this often per process, waiting this long for the lock.
        HEALTH_CACHE_SECONDS=5,
        HEALTH_BUSY_TIMEOUT_MS=1000,
        # A workshop's picture (projector, console, phones) is computed at most this often per worker.
        LIVE_MIN_AGE=1.0,
        BOOTSTRAP_SERVE_LOCAL=True,
        MAX_CONTENT_LENGTH=512 * 1024,
        # CSRF tokens are tied to the session and do not expire while someone answers.
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        # Behind a reverse proxy, trust this many X-Forwarded-For/-Proto hops (0: none).
        PROXY_HOPS=0,
        # Where people reach the app, e.g. "https://pmo.example.org": resume links and workshop
        # QR codes use it. Host names the app answers to (others get 400): TRUSTED_HOSTS, by
        # default PUBLIC_URL's host and this machine's loopback names.
        PUBLIC_URL=None,
        TRUSTED_HOSTS=None,
        # How passwords are hashed (werkzeug's method string). Tests use a cheap one for speed.
        PASSWORD_HASH_METHOD=PASSWORD_METHOD,
        # The pooled benchmark is refreshed when it is this old (or by `flask benchmark refresh`).
        BENCHMARK_REFRESH_HOURS=24,
        # At most this many people join one workshop from one client address (about a room's size:
        # a whole room may share one office network).
        WORKSHOP_JOINS_PER_ADDRESS=60,
        # A sign-in is slowed down by at most this many seconds when its account failed from
        # elsewhere (or its address on other accounts): OWASP ASVS 2.2.1's soft lock-out.
        LOGIN_SLOWDOWN_MAX_SECONDS=3.0,
        # At most this many stand-alone self-assessments are started from one client address per hour.
        START_LIMIT_PER_HOUR=20,
        # A frozen result's PDF is made in the background when its page is first shown.
        REPORT_PRERENDER=True,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        app.config.from_prefixed_env()
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config["PUBLIC_URL"], app.config["TRUSTED_HOSTS"])

    app.extensions["pmo_content"] = content if content is not None else _load_content_or_refuse(app)
    app.session_interface = _SessionInterface()
    if int(app.config["PROXY_HOPS"]):
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    install_redaction()  # private links and workshop codes never reach a log line
    db.init_app(app)
    init_web(app)
    register_cli(app)
    app.cli.add_command(data_cli)
    return app


LOOPBACK_HOSTS = ("localhost", "127.0.0.1")


def trusted_hosts(public_url: str | None, configured: list[str] | str | None) -> list[str]:
    """The host names requests may carry: TRUSTED_HOSTS as configured, else PUBLIC_URL's host and loopback.

    Links people copy or scan are built from PUBLIC_URL or from the request's host, so a
    forged Host header must never be accepted. Loopback names stay allowed for `make run`
    and for health checks on the machine itself.
    """
    if public_url:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/") \
                or parts.query or parts.fragment:
            raise ValueError(f"PUBLIC_URL must be a scheme and host such as https://pmo.example.org, "
                             f"not {public_url!r}")
    if configured:
        return [configured] if isinstance(configured, str) else list(configured)
    return ([urlsplit(public_url).hostname] if public_url else []) + list(LOOPBACK_HOSTS)


class _SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions whose cookie is also Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (has_request_context() and request.is_secure)


def _instance_secret(instance: Path) -> str:
    """Generate the secret key once and keep it in the instance folder for every worker."""
    path = instance / "secret_key"
    if not path.exists():
        # Write aside, then link into place: link fails if another worker won the race,
        # so every worker ends up reading the same complete key.
        tmp = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        tmp.write_text(secrets.token_hex(32))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def _load_content_or_refuse(app: Flask):
    """Load content; the app refuses to start when it is invalid (except for `content check`)."""
    try:
        return load_content(app.config["CONTENT_ROOT"])
    except ContentError as err:
        if _running_content_check():
            app.extensions["pmo_content_error"] = err
            return None
        message = "PMO Advisor will not start: its content files are invalid.\n" + err.describe()
        if Path(sys.argv[0]).name == "flask":
            sys.stderr.write(message + "\nRun `flask --app app content check` after fixing them.\n")
            raise SystemExit(1) from None
        raise


def _running_content_check() -> bool:
    args = sys.argv[1:]
    return Path(sys.argv[0]).name == "flask" and "content" in args and "check" in args
