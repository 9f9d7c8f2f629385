"""Log lines without secrets: private links and workshop codes are redacted wherever we log.

A private link (/r/<token>/...) opens someone's answers, a workshop code (/w/<code>/...,
/join/<code>) lets anyone join a workshop, and an invitation or reset link (/invite/<token>,
/reset/<token>) sets an account's password: none may end up in a log file. The same filter
runs on our own lines (the incident line among them), on the access log of Werkzeug's
development server, and, through GunicornLogger, on gunicorn's access and error logs.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as _GunicornBaseLogger

REDACTED = "[redacted]"

# /r/<token>, /w/<code>, /join/<code>, /invite/<token>, /reset/<token>, also percent-encoded (%2Fr%2F<token> in a ?next=
# parameter). The secret runs to the next path, query or quote delimiter; a percent escape
# is part of it unless it encodes a slash.
_SECRET_IN_PATH = re.compile(
    r"(?P<prefix>(?:/|%2F)(?:r|w|join|invite|reset)(?:/|%2F))(?P<secret>(?:[^/?#&\s\"'%\[\]]|%(?!2F)[0-9A-F]{2})+)",
    re.IGNORECASE,
)

# Loggers whose lines we write or whose servers we configure.
REDACTED_LOGGERS = ("pmo_advisor", "app", "werkzeug", "gunicorn.error", "gunicorn.access")


def redact(text: str) -> str:
    """The text with every private link token and workshop code replaced by [redacted]."""
    return _SECRET_IN_PATH.sub(lambda m: m.group("prefix") + REDACTED, text)


class RedactSecrets(logging.Filter):
    """Redact a record's message, and its traceback, before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_redaction(*names: str) -> None:
    """Add the filter to these loggers (by default all of REDACTED_LOGGERS), once each."""
    for name in names or REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())


class GunicornLogger(_GunicornBaseLogger):
    """gunicorn's logger with secrets redacted from the access log (request line, referrer) and error log.

    Set in gunicorn.conf.py: logger_class = "app.logs.GunicornLogger".
    """

    def setup(self, cfg) -> None:
        super().setup(cfg)
        install_redaction("gunicorn.error", "gunicorn.access")
