"""Backups: a consistent copy of the live database, checked before it is kept."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .db import BUSY_TIMEOUT_MS, StoreError


class BackupFailed(StoreError):
    """The copy could not be made or did not pass its integrity check; nothing was kept."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int  # bytes
    assessments: int
    responses: int


def backup_database(source: str | Path, destination: str | Path) -> Backup:
    """Copy the database to a new file while the app keeps writing; check it; return what was kept.

    SQLite's online backup API copies every page inside one read transaction, so the copy is
    the database as it was at one moment, whatever writers do meanwhile (WAL mode lets them
    go on). The copy is written beside the destination, checked with PRAGMA integrity_check,
    made a single self-contained file (rollback journal, no -wal), and only then renamed into
    place: a failed backup leaves nothing behind. An existing destination is never overwritten.
    """
    source, destination = Path(source).resolve(), Path(destination).resolve()
    if not source.is_file():
        raise BackupFailed(f"there is no database at {source}")
    if destination == source:
        raise BackupFailed("the backup must go to another file than the database itself")
    if destination.exists():
        raise BackupFailed(f"{destination} exists already; choose a new file name")
    if not destination.parent.is_dir():
        raise BackupFailed(f"the folder {destination.parent} does not exist")
    partial = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    try:
        src = sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            copy = sqlite3.connect(partial)
            try:
                src.backup(copy)  # all pages in one step: one consistent snapshot
                problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
                if problems != ["ok"]:
                    raise BackupFailed("the copy failed its integrity check: " + "; ".join(problems[:5]))
                copy.execute("PRAGMA journal_mode = DELETE")
                assessments = copy.execute("SELECT count(*) FROM assessments").fetchone()[0]
                responses = copy.execute("SELECT count(*) FROM responses").fetchone()[0]
            finally:
                copy.close()
        finally:
            src.close()
        os.replace(partial, destination)
    except sqlite3.Error as err:
        raise BackupFailed(str(err)) from err
    except OSError as err:
        raise BackupFailed(f"{err.strerror or err}: {err.filename or destination}") from err
    finally:
        for leftover in (partial, Path(f"{partial}-journal")):
            leftover.unlink(missing_ok=True)
    return Backup(destination, destination.stat().st_size, assessments, responses)
