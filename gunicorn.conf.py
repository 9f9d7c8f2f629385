"""gunicorn settings for PMO Advisor; gunicorn reads this file when started in this directory.

    .venv/bin/gunicorn -c gunicorn.conf.py --access-logfile - "app:create_app()"

Command-line options override what is set here.
"""

bind = "127.0.0.1:8000"  # behind a TLS-terminating reverse proxy
workers = 4
# Private links (/r/<token>) and workshop codes (/w/<code>, /join/<code>) are redacted from
# the access log (request line and referrer) and the error log.
logger_class = "app.logs.GunicornLogger"
