"""The request's database connection (each thread's, kept open), the start-up migration and the `db` commands."""

from __future__ import annotations

import click
from flask import Flask, current_app, g
from flask.cli import AppGroup
from sqlite_utils import Database

from . import store


# Each thread's connection, kept open between its requests (store.KeptConnections): reset after each.
_KEPT = store.KeptConnections()


def get_db() -> Database:
    """Return this request's connection: the thread's kept one, reset since its last request."""
    if "db" not in g:
        g.db = _KEPT.get(current_app.config["DATABASE"], current_app.config["BUSY_TIMEOUT_MS"])
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    """End the request's use of its connection: nothing it opened (a transaction, a cursor) stays open."""
    db = g.pop("db", None)
    if db is not None:
        _KEPT.release(db)


def migrate_database(app: Flask) -> list[str]:
    """Apply pending migrations to the app's database; return the names applied."""
    db = store.open_db(app.config["DATABASE"])
    try:
        return store.migrate(db)
    finally:
        db.close()


@click.group("db", cls=AppGroup)
def db_cli() -> None:
    """Manage the database."""


@db_cli.command("migrate")
def migrate_command() -> None:
    """Apply pending schema migrations and say what the database now holds."""
    # The app migrates when it starts (AUTO_MIGRATE), so a new database was made just before this.
    applied = current_app.extensions.get("pmo_migrated_at_start", []) + migrate_database(current_app)
    path = current_app.config["DATABASE"]
    db = store.open_db(path)
    try:
        state = store.schema_state(db)
    finally:
        db.close()
    holds = f"{len(state['tables'])} tables ({', '.join(state['tables'])})"
    if applied and len(applied) == state["migrations"]:
        click.echo(f"created a new database at {path}: applied all {len(applied)} migrations, "
                   f"which made {holds}")
    elif applied:
        click.echo(f"updated the database at {path}: applied {len(applied)} migration(s) "
                   f"({', '.join(applied)}); it now has {holds}")
    else:
        click.echo(f"the database at {path} is up to date: {state['migrations']} migrations applied, "
                   f"{holds}; nothing to do")


@db_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def backup_command(path: str) -> None:
    """Copy the database to PATH while the app runs, check the copy and print its size."""
    try:
        made = store.backup_database(current_app.config["DATABASE"], path)
    except store.BackupFailed as err:
        click.echo(f"error: backup failed: {err}. Nothing was written.", err=True)
        raise SystemExit(2) from None
    click.echo(f"backed up to {made.path}: {made.size / 1_048_576:.1f} MB ({made.size} bytes), "
               f"integrity ok, {made.assessments} assessments, {made.responses} responses")


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
    app.cli.add_command(db_cli)
    if app.config["AUTO_MIGRATE"]:
        app.extensions["pmo_migrated_at_start"] = migrate_database(app)
