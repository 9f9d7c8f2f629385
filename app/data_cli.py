"""`flask --app app data ...`: purge what retention and the trash say is due (for cron), export
an organisation's data as one archive, import such an archive into another server."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from . import store


@click.group("data", cls=AppGroup)
def data_cli() -> None:
    """Client data: purge what is due, export and import organisations."""


@data_cli.command("purge")
def purge_command() -> None:
    """Purge the trash older than 30 days, never-attached anonymous self-assessments and closed
    workshops' individual answers past their retention; print what went. Safe to run again."""
    db = store.open_db(current_app.config["DATABASE"], current_app.config["BUSY_TIMEOUT_MS"])
    try:
        done = store.purge_due(db)
        periods = store.retention(db)
    finally:
        db.close()
    click.echo(f"purged {done['trash_entries']} trash entr{'y' if done['trash_entries'] == 1 else 'ies'} older than "
               f"{store.TRASH_DAYS} days, {done['anonymous_self_assessments']} anonymous self-assessment(s) older than "
               f"{periods['anonymous_days']} days, {done['never_answered']} never answered after "
               f"{store.NEVER_ANSWERED_DAYS} day, and the individual answers of {done['workshops_answers']} "
               f"workshop(s) closed more than {periods['workshop_answers_days']} days ago")


@data_cli.command("export")
@click.option("--org", "org_id", type=int, required=True, help="The organisation's id (in its page's address).")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help="The .zip file to write.")
def export_command(org_id: int, output: str) -> None:
    """Write everything of one organisation to a zip: JSON for machines, its report for people."""
    from . import service
    from .cli import _content, _write_atomically, fail

    out = Path(output)
    if out.exists():
        fail(f"{out} exists already; choose a new file name")
    if not out.parent.is_dir():
        fail(f"the folder {out.parent} does not exist")
    db = store.open_db(current_app.config["DATABASE"], current_app.config["BUSY_TIMEOUT_MS"])
    try:
        try:
            org = store.get_org(db, org_id)
        except store.NotFound:
            fail(f"there is no organisation {org_id} (a deleted one is not exported)")
        data = service.export_archive(db, _content(), org)
        store.audit(db, "exported", org_id=org_id, object_kind="organisation", object_id=org_id, label=org["name"],
                    detail="from the command line")
    finally:
        db.close()
    _write_atomically(out, data)
    click.echo(f"wrote {out}: {len(data)} bytes, everything of {org['name']!r}")


@data_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--owner", "owner_email", required=True, help="Email of the account that will own the organisation.")
def import_command(path: str, owner_email: str) -> None:
    """Create an organisation from an export archive, all or nothing."""
    from . import service
    from .cli import _content, fail

    db = store.open_db(current_app.config["DATABASE"], current_app.config["BUSY_TIMEOUT_MS"])
    try:
        owner = store.user_by_email(db, owner_email)
        if owner is None:
            fail(f"there is no account {owner_email}; create it first (flask --app app users create)")
        try:
            content = _content()
            questions = {q.id for questionnaire in content.questionnaires.values() for q in questionnaire.questions()}
            done = store.import_org(db, service.read_archive(Path(path).read_bytes()), owner["id"], questions)
        except store.UnreadableArchive as err:
            fail(f"{path}: {err}. Nothing was imported.")
    finally:
        db.close()
    skipped, added = done["skipped_members"], done["added_members"]
    click.echo(f"imported organisation {done['org_id']} with {done['members']} member(s)"
               + (f"; added with their accounts here: {', '.join(added)}" if added else "")
               + (f"; no account here for {', '.join(skipped)} (not added)" if skipped else ""))
