"""Command-line adapter: `flask --app app questionnaire show`, `assess`, `content check`."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click
import yaml
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .devserver import serve_command
from .engine import InvalidInput
from .engine.assessment import explain_rules
from .engine.inputs import BadDocument, parse_document
from .engine.wording import format_fact
from .engine.models import json_schemas
from .reports import BINARY_FORMATS
from .reports.markdown import render_markdown
from .reports.questionnaire import questionnaire_as_dict
from .service import assess_document

EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    """Print one clear line on stderr and exit; nothing has been written anywhere."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _content():
    content = current_app.extensions.get("pmo_content")
    if content is None:
        err = current_app.extensions.get("pmo_content_error")
        fail("content files are invalid:\n" + (err.describe() if err else "unknown problem"), 1)
    return content


def read_answers_file(path: str) -> dict[str, Any]:
    """Read a YAML or JSON answers file, or a filled answers template (XLSX), into a mapping;
    fail with one clear line otherwise. What it holds is checked by engine.inputs.parse_document."""
    from .reports.template import TemplateProblem, looks_like_xlsx, read_template

    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")
    if looks_like_xlsx(raw) or file.suffix.lower() == ".xlsx":
        try:
            return read_template(raw, _content(), name=file.name)
        except TemplateProblem as err:
            fail(f"{path}: {err}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        fail(f"cannot read {path}: {exc}")
    try:
        data = json.loads(text) if file.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        fail(f"{path} is not valid {'JSON' if file.suffix.lower() == '.json' else 'YAML'}: "
             f"{str(exc).splitlines()[0]}")
    if not isinstance(data, dict):
        fail(f"{path} must contain a mapping with 'answers' and 'context'")
    return data


def parse_answers_file(path: str) -> dict[str, Any]:
    """An answers file read and checked by the parser the API uses too; fail with one clear line."""
    data = read_answers_file(path)
    try:
        return parse_document(_content(), data)
    except BadDocument as err:
        fail(str(err))


@click.group("questionnaire", cls=AppGroup)
def questionnaire_cli() -> None:
    """Inspect questionnaires."""


@questionnaire_cli.command("template")
@click.option("--output", "output", required=True, help="The .xlsx file to write.")
@click.option("--id", "questionnaire_id", default=None, help="Questionnaire id (default: pmo-maturity).")
def questionnaire_template(output: str, questionnaire_id: str | None) -> None:
    """Write the offline answers template (XLSX with a level drop-down per question)."""
    from .reports.template import write_template

    out = _check_output(output, "xlsx")
    try:
        q = _content().questionnaire(questionnaire_id)
    except InvalidInput as err:
        fail(str(err))
    _write_atomically(out, write_template(q))
    click.echo(f"wrote {out}: {len(q.questions())} questions, {len(q.context)} profile fields", err=True)


@questionnaire_cli.command("show")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--id", "questionnaire_id", default=None, help="Questionnaire id (default: pmo-maturity).")
def questionnaire_show(fmt: str, questionnaire_id: str | None) -> None:
    """Print the questionnaire: dimensions, questions and options, context fields."""
    try:
        q = _content().questionnaire(questionnaire_id)
    except InvalidInput as err:
        fail(str(err))
    data = questionnaire_as_dict(q)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{q.title} ({q.id} v{q.version})")
    for d in data["dimensions"]:
        click.echo(f"\n{d['title']} [{d['id']}]")
        for qu in d["questions"]:
            click.echo(f"  {qu['id']}: {qu['text']}")
            for opt in qu["options"]:
                click.echo(f"    {opt['level']}. {opt['text']}")
    click.echo("\nContext")
    for f in data["context"]:
        allowed = ", ".join(f.get("values", [])) or f["type"]
        click.echo(f"  {f['key']}: {f['label']} ({allowed})")


REPORT_FORMATS = ("json", "markdown", "pdf", "xlsx", "pptx")


def _start_date(raw: str | None) -> date:
    if raw is None:
        return date.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        fail(f"--start must be a date like 2027-01-15, not {raw!r}")


def _check_output(path: str | None, fmt: str) -> Path | None:
    """The output path, checked before any work: required for binary formats, its folder must exist."""
    if path is None:
        if fmt in BINARY_FORMATS:
            fail(f"--output is required for --format {fmt} (a binary file is not printed)")
        return None
    out = Path(path)
    if out.is_dir():
        fail(f"--output {path} is a folder; give a file name")
    if not out.parent.is_dir():
        fail(f"--output {path}: the folder {out.parent} does not exist")
    return out


def _write_atomically(out: Path, data: bytes) -> None:
    """Write the whole file or nothing: into a temporary file beside it, then rename."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"cannot write {out}: {exc.strerror}", 1)


@click.command("assess")
@with_appcontext
@click.option("--answers", "answers_path", required=True,
              help="YAML or JSON answers file, or a filled answers template (.xlsx).")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="json", show_default=True)
@click.option("--output", "output", default=None, help="File to write; required for pdf, xlsx and pptx.")
@click.option("--template", "template", default=None, help="A .pptx master to build the deck on (pptx only).")
@click.option("--start", "start", default=None, help="Roadmap start date, e.g. 2027-01-15 (default: today).")
def assess_command(answers_path: str, fmt: str, output: str | None, template: str | None,
                   start: str | None) -> None:
    """Score an answers file and print (or write) the whole result or its report."""
    out = _check_output(output, fmt)
    start_day = _start_date(start)
    if template is not None and fmt != "pptx":
        fail("--template applies to --format pptx only")
    if template is not None and not Path(template).is_file():
        fail(f"--template {template}: no such file")
    document = parse_answers_file(answers_path)
    content = _content()
    try:  # the roadmap is dated from --start, else the plan's own start date, else today
        result = assess_document(content, document, start_day if start is not None else None)
    except InvalidInput as err:
        fail(str(err))
    for warning in result["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    if fmt in ("json", "markdown"):
        text = json.dumps(result, indent=2, ensure_ascii=False) if fmt == "json" else render_markdown(result)
        if out is None:
            click.echo(text)
        else:
            _write_atomically(out, (text + "\n").encode("utf-8"))
        return
    from .reports import render_file
    from .reports.deck import BadTemplate
    from .reports.model import build_report

    questionnaire = content.questionnaires.get(result["questionnaire"]["id"])
    report = build_report(result, questionnaire_as_dict(questionnaire), start=start_day,
                          subject={"kind": "self", "assessed_on": date.today().isoformat()})
    try:
        payload = render_file(report, fmt, template=template)
    except BadTemplate as err:
        fail(str(err))
    _write_atomically(out, payload)
    click.echo(f"wrote {out} ({len(payload) / 1024:.0f} KB)", err=True)


@click.group("content", cls=AppGroup)
def content_cli() -> None:
    """Validate and document the content files."""


@content_cli.command("check")
def content_check() -> None:
    """Validate every questionnaire, rule and roadmap file; print file, path and reason per problem."""
    err = current_app.extensions.get("pmo_content_error")
    if err is not None:
        for file, path, reason in err.problems:
            click.echo(f"{file}: {path}: {reason}" if path else f"{file}: {reason}")
        click.echo(f"{len(err.problems)} problem(s) found.", err=True)
        sys.exit(1)
    content = current_app.extensions["pmo_content"]
    click.echo(f"content OK: {len(content.files)} file(s), hash {content.hash[:12]}")


@content_cli.command("schema")
@click.option("--out", default="schemas", show_default=True, help="Folder to write the JSON Schemas to.")
def content_schema(out: str) -> None:
    """Export the JSON Schema of every content kind, for editors."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for kind, schema in json_schemas().items():
        path = folder / f"{kind.replace('_', '-')}.schema.json"
        path.write_text(json.dumps(schema, indent=2) + "\n")
        click.echo(f"wrote {path}")


@click.group("rules", cls=AppGroup)
def rules_cli() -> None:
    """Inspect the rules."""


@rules_cli.command("explain")
@click.option("--answers", "answers_path", required=True, help="YAML or JSON file with answers and context.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_explain(answers_path: str, fmt: str) -> None:
    """Print every rule, fired or not, with the fact values it read."""
    document = parse_answers_file(answers_path)
    try:
        report = explain_rules(_content(), document["answers"], document["context"], document["questionnaire"])
    except InvalidInput as err:
        fail(str(err))
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for warning in report["warnings"]:
        click.echo(f"warning: {warning}", err=True)

    def show(entry: dict, extra: str = "") -> None:
        mark = "FIRED" if entry["fired"] else "  -  "
        click.echo(f"  [{mark}] {entry['id']}{extra}")
        if entry["when"]:
            click.echo(f"          when: {' '.join(entry['when'].split())}")
        if entry["reads"]:
            values = ", ".join(f"{path} = {format_fact(path, value)}" for path, value in entry["reads"].items())
            click.echo(f"          read: {values}")

    totals = ", ".join(f"{model} {points}" for model, points in report["totals"].items())
    click.echo(f"Model rules (every model starts at {report['base_fit']}; totals: {totals}; "
               f"recommended: {report['model']})")
    for entry in report["model_rules"]:
        points = ", ".join(f"{m} {p:+d}" for m, p in entry["points"].items())
        show(entry, f"  ({points})")
    click.echo("\nGates (a model is ruled out when one of its gates does not hold)")
    for entry in report["gates"]:
        show(entry, f"  ({entry['model']}: {'holds' if entry['fired'] else 'ruled out'})")
    click.echo("\nOversight")
    for entry in report["oversight"]:
        show(entry, f"  ({entry['model']})")
    click.echo("\nPitfalls (a pitfall fires when its precondition holds and then its condition)")
    for entry in report["pitfalls"]:
        show(entry, f"  ({entry['severity']})")
        requires = entry.get("requires")
        if requires:
            values = ", ".join(f"{path} = {format_fact(path, value)}" for path, value in requires["reads"].items())
            click.echo(f"          requires ({'holds' if requires['holds'] else 'does not hold'}): "
                       f"{requires['text']}; read: {values}")
    click.echo("\nWhat the PMO should own first")
    for entry in report["own_first"]:
        show(entry)
    click.echo("\nWhat the PMO should not own")
    for entry in report["dont_own"]:
        show(entry)
    if report.get("pain_note"):
        click.echo(f"\nMain pain contradicted by the answers: {report['pain_note']['text']}")


@click.group("users", cls=AppGroup)
def users_cli() -> None:
    """Manage user accounts."""


@users_cli.command("create")
@click.option("--email", prompt=True, help="The email the user signs in with.")
@click.option("--name", default="", help="Display name.")
@click.option("--role", type=click.Choice(["admin", "facilitator", "member"]), default=None,
              help="Role (default: admin for the first user, member afterwards).")
@click.option("--admin", "make_admin", is_flag=True, help="Shortcut for --role admin.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting.")
def users_create(email: str, name: str, role: str | None, make_admin: bool, password_stdin: bool) -> None:
    """Create a user account (the first one is the administrator)."""
    from . import store
    from .db import get_db

    db = get_db()
    if make_admin:
        role = "admin"
    if role is None:
        role = "admin" if store.count_users(db) == 0 else "member"
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user_id = store.create_user(db, email, password, role=role, name=name,
                                    password_method=current_app.config["PASSWORD_HASH_METHOD"])
    except store.StoreError as err:
        fail(str(err))
    click.echo(f"created {role} {store.get_user(db, user_id)['email']} (id {user_id})")


@click.group("tokens", cls=AppGroup)
def tokens_cli() -> None:
    """Personal access tokens of the JSON API."""


@tokens_cli.command("create")
@click.option("--email", required=True, help="The user the token acts as (it sees what they see).")
@click.option("--name", required=True, help="What the token is for, e.g. 'Power BI'.")
@click.option("--read-only", is_flag=True, help="The token may only read (scope read); default read-write.")
@click.option("--expires", default=None, help="The last day it works, e.g. 2027-06-30 (default: never).")
def tokens_create(email: str, name: str, read_only: bool, expires: str | None) -> None:
    """Make a token and print it once; only its hash is kept."""
    from datetime import datetime, time, timezone

    from . import store
    from .db import get_db

    db = get_db()
    user = store.user_by_email(db, email)
    if user is None or not user["active"]:
        fail(f"no active user with the email {email}")
    expires_at = None
    if expires is not None:
        try:
            expires_at = datetime.combine(date.fromisoformat(expires), time.max, tzinfo=timezone.utc)
        except ValueError:
            fail(f"--expires must be a date like 2027-06-30, not {expires!r}")
    scope = "read" if read_only else "read-write"
    try:
        with store.transaction(db):
            token_id, token = store.create_token(db, user["id"], name, scope, expires_at)
            store.audit(db, "token_created", object_kind="token", object_id=token_id, label=" ".join(name.split()),
                        detail=f"{scope}, for {user['email']}, from the command line")
    except store.StoreError as err:
        fail(str(err))
    click.echo(token)
    click.echo(f"created a {'read-only' if read_only else 'read-write'} token {name!r} for {user['email']}; "
               "it is shown only this once", err=True)


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create a demo organisation with two units and six quarters of history, and its benchmark peers."""
    from .db import get_db
    from .demo import create_demo

    outcome = create_demo(get_db(), _content(), password_method=current_app.config["PASSWORD_HASH_METHOD"])
    peers = (f"{outcome['peers']} other organisations that take part in the pooled benchmark"
             if outcome["peers"] else "")
    if not outcome["created"]:
        click.echo(f"The demo organisation exists already (id {outcome['org_id']}); "
                   + (f"added {peers}." if peers else "nothing was added."))
        return
    click.echo(f"Created the demo organisation (id {outcome['org_id']}) with {outcome['assessments']} assessments"
               + (f", and {peers}." if peers else "."))
    if outcome["password"]:
        click.echo(f"Sign in as {outcome['email']} with the password {outcome['password']} "
                   "(admins are owners of the demo organisation too).")
    else:
        click.echo(f"Sign in as {outcome['email']} (or as an admin) to see it.")


@click.group("benchmark", cls=AppGroup)
def benchmark_cli() -> None:
    """The pooled benchmark."""


@benchmark_cli.command("refresh")
def benchmark_refresh() -> None:
    """Store the pooled population as it is now (run it nightly, e.g. from cron)."""
    from . import store
    from .db import get_db

    found = store.refresh_benchmark(get_db())
    click.echo(f"Pooled benchmark refreshed at {found['taken_at']}: "
               f"{len(found['population'])} organisations take part with a closed result.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(serve_command)
    app.cli.add_command(questionnaire_cli)
    app.cli.add_command(assess_command)
    app.cli.add_command(content_cli)
    app.cli.add_command(rules_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(benchmark_cli)
