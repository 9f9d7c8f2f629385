"""Reading route and form input: one parser for whole numbers, levels, dates, targets and the profile.

Whole numbers are plain ASCII digits and nothing else: "²".isdigit() is true in Python, but
int("²") fails, so isdigit() alone lets such input through to a crash. Every parser here
refuses what it cannot read with 400 and the reason, before anything is stored.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Mapping

from flask import abort, request

from ..engine import InvalidContext, Questionnaire
from ..engine.names import UnsafeName, check_name
from ..engine.profile import validate_context_value
from ..engine.vocabulary import DIMENSIONS, IMPORTANCE_LEVELS, LEVELS
from .errors import refuse


def parse_int(raw: str | None) -> int | None:
    """The whole number ``raw`` spells in plain ASCII digits (no sign, no spaces), else None."""
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        return int(raw)
    return None


def parse_level(raw: str | None) -> int | None:
    """A maturity level 1-5 from its digit, else None."""
    value = parse_int(raw)
    return value if value in LEVELS else None


def optional_id(raw: str | None, message: str) -> int | None:
    """An optional id from a form or query (blank: None); 400 with ``message`` when it is not a number."""
    if not raw:
        return None
    value = parse_int(raw)
    if value is None:
        abort(400, description=message)
    return value


def optional_date(raw: str | None, message: str) -> str | None:
    """An optional ISO date from a form (blank: None); 400 with ``message`` when it is not one."""
    if not raw:
        return None
    try:
        date.fromisoformat(raw)
    except ValueError:
        abort(400, description=message)
    return raw


def refuse_repeated_fields() -> None:
    """Before every form post: a field given twice (q-X=4&q-X=9) is refused, naming the field.

    Otherwise the first or the last value would silently win. Nothing has been stored yet.
    """
    if request.method != "POST" or not request.form:
        return
    for name in request.form:
        if len(request.form.getlist(name)) > 1:
            refuse(400, "The form could not be accepted",
                   f"The field {name!r} was sent more than once, so it is not clear which value is meant. "
                   "Nothing was saved.")


class DuplicateKey(ValueError):
    """A JSON object gives the same key twice, so it is not clear which value is meant."""

    def __init__(self, key: str):
        super().__init__(f"The key {key!r} was sent more than once, so it is not clear which value is meant.")
        self.key = key


class TooDeep(ValueError):
    """A JSON body nests arrays or objects deeper than Python's parser can follow (about 1,000 levels)."""

    def __init__(self):
        super().__init__("The JSON is nested too deeply to be read; no request of this app nests more than a few "
                         "levels.")


def _whole_or_float(text: str) -> int | float:
    number = float(text)
    return int(number) if number.is_integer() and abs(number) < 2**63 else number


def parse_json(data: bytes, whole_floats: bool = False) -> Any:
    """Parse a JSON body; raise DuplicateKey for a key given twice at any depth, ValueError when it is
    not JSON (or not UTF-8), TooDeep when it nests too deeply to parse. Python's json would keep the last of two equal keys.

    With ``whole_floats``, 3.0 reads as the integer 3, as JSON Schema counts it (the API's description
    says "integer"); 3.5 stays a number that no integer field takes.
    """
    def refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in pairs:
            if key in found:
                raise DuplicateKey(key)
            found[key] = value
        return found

    try:
        return json.loads(data, object_pairs_hook=refuse_duplicates,
                          parse_float=_whole_or_float if whole_floats else None)
    except RecursionError:
        raise TooDeep() from None


def json_body() -> Any:
    """The request's JSON body (None when it is not JSON); a key given twice at any depth is refused.

    As with a repeated form field, it is not clear which value is meant, so the request gets
    400 naming the key and nothing is stored; so does a body nested too deeply to parse.
    """
    if not request.is_json:
        return None
    try:
        return parse_json(request.get_data(cache=True))
    except (DuplicateKey, TooDeep) as err:
        refuse(400, "The request could not be accepted", f"{err} Nothing was saved.")
    except ValueError:  # not JSON, or not UTF-8
        return None


def read_plan_form(form: Mapping[str, str], result: Mapping[str, Any]) -> tuple[dict[str, int], dict, dict[str, str]]:
    """The result page's plan form: (target, plan, errors by field name).

    A field that cannot be read keeps the result's current value in the target and plan returned,
    so what was valid can be saved; its error says in plain words what it takes.
    """
    roadmap = result["roadmap"]
    current = result.get("plan") or {}
    labels = result["questionnaire"].get("dimensions", {})
    errors: dict[str, str] = {}
    target: dict[str, int] = {}
    for dim in DIMENSIONS:
        raw = form.get(f"target-{dim}", "")
        level = parse_level(raw)
        today = result["scores"][dim]["level"] or 1
        if level is None:
            errors[f"target-{dim}"] = f"The target for {labels.get(dim, dim)} needs a level from 1 to 5; “{raw}” is not one."
        elif level < today:  # a target is never below where the area stands
            errors[f"target-{dim}"] = (f"The target for {labels.get(dim, dim)} can be no lower than today's level "
                                       f"{today}; choose {today} to keep it where it is.")
        if f"target-{dim}" in errors:
            level = (roadmap.get("target") or {}).get(dim) or today
        target[dim] = level
    plan: dict = {}
    raw_start = (form.get("plan-start") or "").strip()
    if raw_start:
        try:
            plan["start_date"] = date.fromisoformat(raw_start).isoformat()
        except ValueError:
            errors["plan-start"] = f"The start date needs a day such as 15 Jan 2027; “{raw_start}” is not one."
    if "start_date" not in plan and current.get("start_date") and "plan-start" in errors:
        plan["start_date"] = current["start_date"]
    raw_people = (form.get("plan-people") or "").strip()
    if raw_people:
        people = parse_int(raw_people)
        if people is None or not 1 <= people <= 200:
            errors["plan-people"] = _number_message("People in the PMO", raw_people, 1, 200)
            if current.get("pmo_people"):
                plan["pmo_people"] = current["pmo_people"]
        else:
            plan["pmo_people"] = people
    owners: dict[str, str] = {}
    for role in roadmap.get("roles", []):
        name = (form.get(f"owner-{role}") or "").strip()
        problem = f"The name for {role} can have at most 80 characters." if len(name) > 80 else None
        if name and problem is None:
            try:
                check_name(name, f"The name for {role}")
            except UnsafeName as err:
                problem = f"{err}."
        if problem:
            errors[f"owner-{role}"] = problem
            name = (current.get("owners") or {}).get(role, "")
        if name:
            owners[role] = name
    plan["owners"] = owners
    # Importance per area from the form; importance set per practice (through the API or a file) is kept.
    importance = {key: level for key, level in (current.get("importance") or {}).items() if key not in DIMENSIONS}
    for dim in DIMENSIONS:
        raw = (form.get(f"importance-{dim}") or "").strip()
        if raw and raw not in IMPORTANCE_LEVELS:
            errors[f"importance-{dim}"] = (f"The importance of {labels.get(dim, dim)} is low, normal or high; "
                                           f"“{raw}” is not one of them.")
            raw = (current.get("importance") or {}).get(dim, "")
        if raw:
            importance[dim] = raw
    if importance:
        plan["importance"] = importance
    return target, plan, errors


def start_date_from(args: Mapping[str, str]) -> date | None:
    """The start date a roadmap export was asked for (None: the roadmap's own); abort with 400 when it is not a date."""
    raw = args.get("start")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        refuse(400, "Unknown start date", f"The start date must look like 2027-01-15, not {raw!r}.")


def parse_context_form(questionnaire: Questionnaire, form) -> tuple[dict, dict[str, str], dict[str, str]]:
    """Turn the profile form into typed values; return (valid values, missing, invalid), each by key.

    Messages are for the person who typed: the question's words and what it takes, never the
    internal key ("context.active_projects") the engine names for files and the API.
    """
    parsed: dict = {}
    missing: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in questionnaire.context:
        raw = (form.get(field.key) or "").strip()
        if raw == "":
            missing[field.key] = f"Please answer “{field.label}”."
            continue
        if field.type == "integer":
            number = parse_int(raw.removeprefix("-"))
            value = None if number is None else -number if raw.startswith("-") else number
            low, high = field.min, field.max
            if value is None or (low is not None and value < low) or (high is not None and value > high):
                errors[field.key] = _number_message(field.label, raw, low, high)
                continue
        elif field.type == "boolean":
            if raw not in ("yes", "no"):
                errors[field.key] = f"Please choose yes or no for “{field.label}”."
                continue
            value = raw == "yes"
        else:
            value = raw
        try:
            parsed[field.key] = validate_context_value(questionnaire, field.key, value)
        except InvalidContext:
            errors[field.key] = f"Please choose one of the answers offered for “{field.label}”."
    return parsed, missing, errors


def context_errors(questionnaire: Questionnaire, missing: dict[str, str], invalid: dict[str, str]) -> dict[str, str]:
    """The profile form's problems in the order its questions are asked: the error summary lists them as
    the person meets them on the page (a wrong number second, not after every unanswered question)."""
    found = {**missing, **invalid}
    return {f.key: found[f.key] for f in questionnaire.context if f.key in found}


def _number_message(label: str, raw: str, low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        wanted = f"a whole number from {low:,} to {high:,}"
    elif low is not None:
        wanted = f"a whole number of at least {low:,}"
    elif high is not None:
        wanted = f"a whole number of at most {high:,}"
    else:
        wanted = "a whole number"
    return f"“{label}” needs {wanted}; “{raw}” is not one."
