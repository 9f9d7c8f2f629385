"""Route and form input that Python reads loosely is refused with 400 and the reason, and nothing is stored.

"²".isdigit() is true but int("²") fails; "５" (full-width) is a digit int() reads as 5. Neither
is a level, a unit id, a target or a count here: every route that takes one answers 400 (404
for an id in a page's address, like any unknown id) and stores nothing. A form field given
twice is refused on every route, naming the field, instead of one value silently winning.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.engine.vocabulary import DIMENSIONS
from app.web.params import parse_int, parse_level
from tests.helpers import FULL_CONTEXT, open_workshop, page_csrf, visible_text
from tests.world import (
    build_world,
    diff_dumps,
    dump_data,
    route_cases,
    world_ids,
    world_strings,
)

NOT_ASCII_DIGITS = ["²", "５", "٣", "3\u0301"]
CONTEXT_FORM = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in FULL_CONTEXT.items()}


@pytest.mark.parametrize("raw, expected", [
    ("0", 0), ("7", 7), ("0042", 42), ("12345678901234567890", 12345678901234567890),
    ("", None), (None, None), ("-1", None), ("+1", None), (" 1", None), ("1 ", None), ("1.0", None),
    ("1e3", None), ("0x1", None), ("1_000", None), *((raw, None) for raw in NOT_ASCII_DIGITS),
])
def test_parse_int_reads_plain_ascii_digits_only(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("raw, expected", [("1", 1), ("5", 5), ("0", None), ("6", None), ("05", 5), ("５", None)])
def test_parse_level_reads_levels_one_to_five(raw, expected):
    assert parse_level(raw) == expected


@pytest.fixture(scope="module")
def numeric_world(make_app, tmp_path_factory, content):
    """Bob's organisation with everything a numeric field can name, plus a participant and a loose assessment."""
    app = make_app(tmp_path_factory.mktemp("parsing") / "db.sqlite3")
    w = build_world(app)
    participant = app.test_client()
    assert participant.post(f"/join/{w.b_workshop_code}",
                            data={"csrf_token": page_csrf(participant, f"/join/{w.b_workshop_code}"),
                                  "name": "Pat"}).status_code == 302
    participant.csrf = page_csrf(participant)
    loose = w.b.client.post("/start", data={"csrf_token": w.b.csrf})
    return SimpleNamespace(w=w, app=app, participant=participant,
                           loose_token=loose.location.split("/r/")[1].split("?")[0],
                           first=content.default_questionnaire.dimension(DIMENSIONS[0]).questions[0].id)


def numeric_cases(x, raw: str) -> list[tuple]:
    """(who, method, path, form or json, expected status, phrase of the reason) for every numeric input."""
    w = x.w
    targets = {f"target-{d}": "3" for d in DIMENSIONS} | {f"target-{DIMENSIONS[0]}": raw}
    return [
        ("b", "POST", f"/orgs/{w.org_b}/assessments", {"unit": raw}, 400, "That unit is not one of this organisation's"),
        ("b", "POST", f"/r/{x.loose_token}/attach", {"org_id": raw}, 400, "Choose an organisation"),
        ("b", "GET", f"/orgs/{w.org_b}/compare?a={raw}&a={w.b_assessment}", None, 400, "Choose between 2 and 6"),
        ("b", "POST", f"/orgs/{w.org_b}/progress", {"unit": raw, "item_id": "x", "status": "done"}, 400,
         "Unknown unit"),
        ("b", "GET", f"/orgs/{w.org_b}?unit={raw}", None, 404, "nothing at this address"),
        ("b", "POST", f"/orgs/{w.org_b}/assessments/{w.b_assessment}/details",
         {"unit": raw, "period": "2030-Q1", "assessed_on": "2030-01-01"}, 400, "Unknown unit"),
        ("b", "POST", f"/orgs/{w.org_b}/workshops/new",
         {"title": "New", "mode": "anonymous", "roles": "", "unit": raw, **CONTEXT_FORM}, 400,
         "That unit is not one of this organisation's"),
        ("b", "POST", f"/orgs/{w.org_b}/workshops/new",
         {"title": "New", "mode": "anonymous", "roles": "", **CONTEXT_FORM, "active_projects": raw}, 400,
         "needs a whole number"),
        ("b", "POST", f"/r/{w.b_token}/target", targets, 400, "needs a level from 1 to 5"),
        ("b", "POST", f"/orgs/{w.org_b}/workshops/{w.b_closed_workshop}/target", targets, 400,
         "needs a level from 1 to 5"),
        ("b", "POST", f"/orgs/{w.org_b}/workshops/{w.b_workshop}/consensus",
         {"question_id": x.first, "level": raw}, 400, "must be 1 to 5"),
        ("b", "POST", f"/r/{w.b_private_member_token}/d/{DIMENSIONS[0]}", {f"q-{x.first}": raw}, 400,
         "is not offered"),
        ("b", "POST", f"/r/{w.b_private_member_token}/context", {**CONTEXT_FORM, "business_units": raw}, 400,
         "needs a whole number"),
        ("b", "POST", f"/r/{w.b_private_member_token}/answers", {"answers": {x.first: raw}}, 400, "expected a level 1-5"),
        ("participant", "POST", f"/w/{w.b_workshop_code}/d/{DIMENSIONS[0]}", {f"q-{x.first}": raw}, 400,
         "is not offered"),
        ("participant", "POST", f"/w/{w.b_workshop_code}/answers", {"answers": {x.first: raw}}, 400, "expected a level 1-5"),
        ("b", "GET", f"/r/m{raw}.{'0' * 32}", None, 404, "nothing at this address"),
    ]


def send(x, who: str, method: str, path: str, body):
    client = x.participant if who == "participant" else x.w.b.client
    if method == "GET":
        return client.get(path)
    if path.endswith("/answers"):
        return client.post(path, json=body, headers={"X-CSRFToken": client.csrf})
    return client.post(path, data={"csrf_token": client.csrf, **body})


@pytest.mark.parametrize("raw", NOT_ASCII_DIGITS)
@pytest.mark.parametrize("index", range(17))
def test_unicode_digits_are_refused_with_the_reason_and_store_nothing_wrong(numeric_world, raw, index):
    cases = numeric_cases(numeric_world, raw)
    assert len(cases) == 17
    who, method, path, body, status, phrase = cases[index]
    before = dump_data(numeric_world.app.config["DATABASE"])
    response = send(numeric_world, who, method, path, body)
    assert response.status_code == status, (path, response.status_code)
    shown = response.get_json()["error"] if response.is_json else visible_text(response.text)
    assert phrase in shown
    changes = diff_dumps(before, dump_data(numeric_world.app.config["DATABASE"]))
    if path.endswith("/context"):
        # The profile keeps what was typed: the valid answers are saved, the wrong one is not.
        assert all(change.startswith("responses: ") for change in changes)
        # (test_web_questionnaire checks which answers are saved.)
    elif path.endswith("/target"):
        # The plan form keeps its valid choices too (test_web_results checks which): a re-plan, logged.
        assert {change.split(":")[0] for change in changes} <= {"snapshots", "assessments", "audit_log",
                                                                "benchmark_generation"}
    else:
        assert changes == []


def test_every_route_refuses_unicode_digits_in_any_numeric_field_without_a_server_error(numeric_world):
    """Every route and method, with every numeric field of the app's forms set to "²" at once."""
    w = numeric_world.w
    form = {"unit": "²", "org_id": "²", "level": "²", "a": "²", "question_id": numeric_world.first,
            f"q-{numeric_world.first}": "²", "title": "T", "period": "2030-Q1", "assessed_on": "2030-01-01",
            **{f"target-{d}": "²" for d in DIMENSIONS}, **CONTEXT_FORM, "active_projects": "²",
            "business_units": "²"}
    broken = []
    for case in route_cases(w.app, world_ids(w), world_strings(w)):
        client = numeric_world.participant if case.url.startswith("/w/") else w.b.client
        if case.method == "GET":
            response = client.get(case.url + "?unit=²&a=²&a=²&start=²")
        else:
            response = client.post(case.url, data={"csrf_token": client.csrf, **form})
        if response.status_code >= 500:
            broken.append(f"{case} answered {response.status_code}")
    assert not broken, "\n".join(broken)


# --------------------------------------------------------------------------
# A field given twice
# --------------------------------------------------------------------------


def test_an_answer_given_twice_is_refused_naming_the_field_and_nothing_is_stored(numeric_world):
    w = numeric_world.w
    before = dump_data(numeric_world.app.config["DATABASE"])
    field = f"q-{numeric_world.first}"
    response = w.b.client.post(f"/r/{w.b_private_member_token}/d/{DIMENSIONS[0]}",
                               data={"csrf_token": w.b.csrf, field: ["4", "2"], "action": "next"})
    assert response.status_code == 400
    assert f"The field '{field}' was sent more than once" in visible_text(response.text)
    assert diff_dumps(before, dump_data(numeric_world.app.config["DATABASE"])) == []


def test_every_form_post_refuses_a_repeated_field(numeric_world):
    """Generated from the URL map: no POST route lets the first or last of two values win."""
    w = numeric_world.w
    cases = [c for c in route_cases(w.app, world_ids(w), world_strings(w)) if c.method == "POST"]
    assert len(cases) > 20
    before = dump_data(numeric_world.app.config["DATABASE"])
    wrong = []
    for case in cases:
        client = numeric_world.participant if case.url.startswith("/w/") else w.b.client
        response = client.post(case.url, data={"csrf_token": client.csrf, "title": ["One", "Two"]})
        if response.status_code != 400 or "'title' was sent more than once" not in visible_text(response.text):
            wrong.append(f"{case}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert diff_dumps(before, dump_data(numeric_world.app.config["DATABASE"])) == []


# --------------------------------------------------------------------------
# A key given twice in a JSON body (autosave posts JSON)
# --------------------------------------------------------------------------


@pytest.fixture
def autosaves(app, questionnaire):
    """Both autosave addresses on a fresh database: a private link's and a workshop participant's."""
    _org, _workshop, code = open_workshop(app)
    respondent, participant = app.test_client(), app.test_client()
    respondent.csrf = page_csrf(respondent)
    token = respondent.post("/start", data={"csrf_token": respondent.csrf}).location.split("/r/")[1].split("?")[0]
    participant.csrf = page_csrf(participant)
    assert participant.post(f"/join/{code}", data={"csrf_token": participant.csrf}).status_code == 302
    return [(respondent, f"/r/{token}/answers"), (participant, f"/w/{code}/answers")]


@pytest.mark.parametrize("body, key", [
    ('{{"answers": {{"{q}": 4, "{q}": 2}}}}', "{q}"),
    ('{{"answers": {{"{q}": 4}}, "answers": {{"{q}": 2}}}}', "answers"),
])
def test_a_json_key_given_twice_is_refused_naming_it_and_nothing_is_stored(app, autosaves, questionnaire, body, key):
    first = questionnaire.questions()[0].id
    before = dump_data(app.config["DATABASE"])
    for client, url in autosaves:
        response = client.post(url, data=body.format(q=first),
                               headers={"Content-Type": "application/json", "X-CSRFToken": client.csrf})
        assert response.status_code == 400, url
        assert response.get_json()["error"].startswith(f"The key {key.format(q=first)!r} was sent more than once")
    assert diff_dumps(before, dump_data(app.config["DATABASE"])) == []


def test_a_json_body_without_repeated_keys_is_saved(autosaves, questionnaire):
    first = questionnaire.questions()[0].id
    for client, url in autosaves:
        response = client.post(url, data=f'{{"answers": {{"{first}": 4}}}}',
                               headers={"Content-Type": "application/json", "X-CSRFToken": client.csrf})
        assert (response.status_code, response.get_json()["saved"]) == (200, 1), url
