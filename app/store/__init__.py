"""Persistence on SQLite through sqlite-utils. Functions take a Database; no Flask here.

Answers are the facts people gave: one row per response and question, upserted. A
submitted (closed) assessment keeps a snapshot of its whole result together with the
content hash and questionnaire version it was computed with, so history never changes
when content files change later.
"""

from .db import (
    BUSY_TIMEOUT_MS,
    AssessmentClosed,
    NotFound,
    StoreError,
    hash_token,
    new_token,
    now_iso,
    open_db,
    transaction,
)
from .responses import (
    create_self_assessment,
    insert_snapshot,
    load_answers,
    load_snapshot,
    replace_snapshot,
    response_by_token,
    save_answers,
    save_context,
    set_step,
    submit_response,
)
from .schema import migrate, migrations

__all__ = [
    "BUSY_TIMEOUT_MS", "AssessmentClosed", "NotFound", "StoreError", "create_self_assessment", "hash_token",
    "insert_snapshot", "load_answers", "load_snapshot", "migrate", "migrations", "new_token", "now_iso", "open_db",
    "replace_snapshot", "response_by_token", "save_answers", "save_context", "set_step", "submit_response",
    "transaction",
]
