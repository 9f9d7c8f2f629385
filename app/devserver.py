"""`flask --app app serve`: Werkzeug's development server as `make run` starts it, without a version banner.

Werkzeug's server sends `Server: Werkzeug/x Python/y` with every response; this one sends
no Server header at all. Its access log goes through the redaction of app.logs like every
other log line. Production runs under gunicorn (see the README).
"""

from __future__ import annotations

import click
from flask.cli import ScriptInfo
from werkzeug.serving import WSGIRequestHandler, run_simple


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler without the Server header (which names Werkzeug's and Python's versions)."""

    def send_response(self, code: int, message: str | None = None) -> None:
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="The port (0: any free one).")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int) -> None:
    """Run the development server (no version banner; private links redacted in its log)."""
    app = ctx.ensure_object(ScriptInfo).load_app()
    run_simple(host, port, app, threaded=True, request_handler=QuietRequestHandler)
