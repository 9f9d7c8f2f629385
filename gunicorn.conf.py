"""gunicorn settings for PMO Advisor; gunicorn reads this file when started in this directory.

    .venv/bin/gunicorn -c gunicorn.conf.py --access-logfile - "app:create_app()"

Command-line options override what is set here. Run it behind a buffering reverse proxy
(nginx; README, "Running in production"), which holds slow clients itself.
"""

bind = "127.0.0.1:8000"  # behind a TLS-terminating reverse proxy
workers = 4
# Threaded workers: a connection waits for its request in a thread of its own, so a client that
# sends its headers slowly holds one thread, not a whole worker (with sync workers, 4 such clients
# held all 4 workers for 30 s). Idle keep-alive connections wait in the worker's poller, not a thread.
worker_class = "gthread"
threads = 8
timeout = 30  # seconds a worker may go silent (a request that long) before it is restarted
graceful_timeout = 30
keepalive = 5  # seconds an idle keep-alive connection is kept
# Request line, header count and header size: gunicorn's defaults, written down (the app refuses
# bodies over 512 KB itself).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190
# Private links (/r/<token>) and workshop codes (/w/<code>, /join/<code>) are redacted from
# the access log (request line and referrer) and the error log.
logger_class = "app.logs.GunicornLogger"


def post_worker_init(worker):
    """Ready each worker before it accepts a connection: plotly's validators, the report's templates and
    the PDF renderer loaded now, not during its first dashboard, result or PDF (app/web/workers.py)."""
    from flask import Flask

    from app.web.workers import prepare_worker

    if isinstance(worker.wsgi, Flask):
        prepare_worker(worker.wsgi)
