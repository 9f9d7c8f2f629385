"""Command-line adapter: `flask --app app questionnaire show`, `assess`, `content check`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import yaml
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .engine import InvalidInput, run_assessment
from .engine.assessment import explain_rules
from .engine.rules import format_fact
from .engine.models import json_schemas
from .report import render_markdown

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
    """Read a YAML or JSON answers file into a mapping; fail with a clear line otherwise."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path}: {exc.strerror if isinstance(exc, OSError) else exc}")
    try:
        data = json.loads(text) if file.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        fail(f"{path} is not valid {'JSON' if file.suffix.lower() == '.json' else 'YAML'}: "
             f"{str(exc).splitlines()[0]}")
    if not isinstance(data, dict):
        fail(f"{path} must contain a mapping with 'answers' and 'context'")
    unknown = sorted(set(data) - {"questionnaire", "answers", "context", "target"})
    if unknown:
        fail(f"{path}: unknown top-level key {unknown[0]!r}; expected questionnaire, answers, context, target")
    if not isinstance(data.get("answers", {}), dict):
        fail(f"{path}: 'answers' must be a mapping of question id to level")
    if data.get("questionnaire") is not None and not isinstance(data["questionnaire"], str):
        fail(f"{path}: 'questionnaire' must be a questionnaire id")
    return data


def questionnaire_as_dict(q) -> dict[str, Any]:
    """The questionnaire as plain data: dimensions, questions with their options, context fields."""
    return {
        "id": q.id,
        "version": q.version,
        "title": q.title,
        "levels": [lv.model_dump() for lv in q.levels],
        "dimensions": [
            {
                "id": d.id,
                "title": d.title,
                "description": d.description,
                "weight": d.weight,
                "questions": [
                    {
                        "id": qu.id,
                        "text": qu.text,
                        "help": qu.help,
                        "weight": qu.weight,
                        "options": [{"level": lvl, "text": text} for lvl, text in qu.options.items()],
                    }
                    for qu in d.questions
                ],
            }
            for d in q.dimensions
        ],
        "context": [
            {
                "key": f.key,
                "label": f.label,
                "help": f.help,
                "type": f.type,
                **({"values": [c.value for c in f.choices]} if f.choices else {}),
                **({"min": f.min} if f.min is not None else {}),
                **({"max": f.max} if f.max is not None else {}),
            }
            for f in q.context
        ],
    }


@click.group("questionnaire", cls=AppGroup)
def questionnaire_cli() -> None:
    """Inspect questionnaires."""


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


@click.command("assess")
@with_appcontext
@click.option("--answers", "answers_path", required=True, help="YAML or JSON file with answers and context.")
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]), default="json", show_default=True)
def assess_command(answers_path: str, fmt: str) -> None:
    """Score an answers file and print the whole result."""
    data = read_answers_file(answers_path)
    try:
        result = run_assessment(
            _content(),
            data.get("answers") or {},
            data.get("context"),
            data.get("target"),
            data.get("questionnaire"),
        )
    except InvalidInput as err:
        fail(str(err))
    for warning in result["warnings"]:
        click.echo(f"warning: {warning}", err=True)
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        click.echo(render_markdown(result))


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
    data = read_answers_file(answers_path)
    try:
        report = explain_rules(_content(), data.get("answers") or {}, data.get("context"), data.get("questionnaire"))
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
    click.echo("\nPitfalls")
    for entry in report["pitfalls"]:
        show(entry, f"  ({entry['severity']})")
    click.echo("\nWhat the PMO should own first")
    for entry in report["own_first"]:
        show(entry)
    click.echo("\nWhat the PMO should not own")
    for entry in report["dont_own"]:
        show(entry)


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


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create a demo organisation with two units and six quarters of history."""
    from .db import get_db
    from .demo import create_demo

    outcome = create_demo(get_db(), _content(), password_method=current_app.config["PASSWORD_HASH_METHOD"])
    if not outcome["created"]:
        click.echo(f"The demo organisation exists already (id {outcome['org_id']}); nothing was added.")
        return
    click.echo(f"Created the demo organisation (id {outcome['org_id']}) with {outcome['assessments']} assessments.")
    if outcome["password"]:
        click.echo(f"Sign in as {outcome['email']} with the password {outcome['password']} "
                   "(admins are owners of the demo organisation too).")
    else:
        click.echo(f"Sign in as {outcome['email']} (or as an admin) to see it.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(questionnaire_cli)
    app.cli.add_command(assess_command)
    app.cli.add_command(content_cli)
    app.cli.add_command(rules_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
