"""Names: one check refuses non-characters, controls, bidirectional overrides and invisible-only names
wherever a name is typed, and every writer (PPTX, XLSX, PDF) cleans a name stored before the check."""

from __future__ import annotations

import json

import pytest

from app import store
from app.engine.names import UnsafeName, check_name, clean_text
from tests.helpers import opened, query, visible_text
from tests.history_helpers import ALL_TWO, Member

BAD_NAMES = [
    ("Acme\ufffe", "U+FFFE"),
    ("\uffffAcme", "U+FFFF"),
    ("Acme \ufdd0 IT", "U+FDD0"),
    ("Acme\U0001fffe", "U+1FFFE"),
    ("Acme\x07", "U+0007"),
    ("Acme\x9b", "U+009B"),
    ("abc\u202egpj.exe", "U+202E, a bidirectional override"),
    ("\u2066Acme\u2069", "U+2066, a bidirectional override"),
    ("\u200b\u200b", "shows nothing"),
    ("\u3164 \u200d", "shows nothing"),
    ("\u0301", "shows nothing"),
]
GOOD_NAMES = ["Acme IT", "Ærø Kommune", "東京 PMO", "שלום\u200f IT", "Café ☕", "O'Brien & Sons (EMEA)", "👩‍💻 team"]


@pytest.mark.parametrize("name, reason", BAD_NAMES)
def test_check_name_refuses_and_says_which_character(name, reason):
    with pytest.raises(UnsafeName) as err:
        check_name(name, "the name")
    assert reason in str(err.value)


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_check_name_takes_names_in_any_script(name):
    check_name(name, "the name")


def test_clean_text_takes_the_refused_characters_out_of_nested_values_and_keeps_the_rest():
    value = {"name\ufffe": ["Acme\ufffe IT", ("abc\u202egpj.exe", 3)], "lines": "a\tb\nc", "n": 1.5, "none": None}
    assert clean_text(value) == {"name": ["Acme IT", ("abcgpj.exe", 3)], "lines": "a\tb\nc", "n": 1.5, "none": None}


@pytest.mark.parametrize("name, reason", BAD_NAMES)
def test_an_organisation_with_such_a_name_is_refused_and_nothing_is_stored(app, name, reason):
    person = Member(app, "names@example.org")
    response = person.post("/orgs/new", {"name": name})
    assert response.status_code == 400
    assert reason in visible_text(response.text)
    assert query(app, "SELECT count(*) FROM organisations") == [(0,)]


@pytest.mark.parametrize("save", [
    lambda db, ids, name: store.create_unit(db, ids["org"], name),
    lambda db, ids, name: store.rename_org(db, ids["org"], name),
    lambda db, ids, name: store.create_user(db, "new@example.org", "a perfectly long passphrase", name=name),
    lambda db, ids, name: store.create_token(db, ids["user"], name, "read-only", None),
    lambda db, ids, name: store.join_workshop(db, store.get_workshop(db, ids["org"], ids["workshop"]),
                                                 display_name=name),
    lambda db, ids, name: store.set_assessment_details(db, ids["org"], ids["assessment"], period=name,
                                                       assessed_on="2026-01-01", unit_id=None),
], ids=["unit", "organisation rename", "account", "API token", "participant", "period"])
@pytest.mark.parametrize("name", ["Acme\ufffe", "abc\u202egpj.exe", "\u200b\u200b"])
def test_every_name_the_store_keeps_is_checked(workshop_ids, save, name):
    app, ids = workshop_ids
    with opened(app) as db:
        before = [db.execute(f"SELECT * FROM {t}").fetchall() for t in ("organisations", "units", "users",
                                                                        "api_tokens", "responses", "assessments")]
        with pytest.raises(store.InvalidName):
            save(db, ids, name)
        after = [db.execute(f"SELECT * FROM {t}").fetchall() for t in ("organisations", "units", "users",
                                                                       "api_tokens", "responses", "assessments")]
    assert after == before


@pytest.fixture(scope="module")
def workshop_ids(make_app, tmp_path_factory):
    from tests.workshop_helpers import Facilitator

    app = make_app(tmp_path_factory.mktemp("names") / "db.sqlite3")
    fay = Facilitator(app)
    org = fay.create_org("Acme IT")
    workshop = fay.create_workshop(org, mode="named")
    assessment = query(app, "SELECT assessment_id FROM workshops WHERE id = ?", [workshop.id])[0][0]
    return app, {"org": org, "user": fay.user_id, "workshop": workshop.id, "assessment": assessment,
                 "code": workshop.code}


def test_joining_a_named_workshop_with_an_invisible_name_asks_again(workshop_ids):
    from tests.workshop_helpers import CSRF_META

    app, ids = workshop_ids
    client = app.test_client()
    csrf = CSRF_META.search(client.get(f"/join/{ids['code']}").text).group(1)
    before = query(app, "SELECT count(*) FROM responses")
    response = client.post(f"/join/{ids['code']}", data={"csrf_token": csrf, "name": "\u200b\u200b", "role": "Exec"})
    assert response.status_code == 400
    assert "Your name shows nothing" in visible_text(response.text)
    assert query(app, "SELECT count(*) FROM responses") == before


def test_a_workshop_title_and_roles_are_checked(workshop_ids):
    app, ids = workshop_ids
    with opened(app) as db:
        for title, roles in (("Room\ufffe", ["Exec"]), ("Room", ["Exec", "abc\u202egpj.exe"])):
            with pytest.raises(store.InvalidName):
                store.create_workshop(db, ids["org"], ids["user"], title=title, mode="named", roles=roles,
                                      context={}, questionnaire_id="x", questionnaire_version="1")


@pytest.fixture(scope="module")
def assessed(make_app, tmp_path_factory):
    """An organisation with a submitted assessment (its roadmap has owners to name and progress to record)."""
    app = make_app(tmp_path_factory.mktemp("names-reports") / "db.sqlite3")
    person = Member(app, "reports@example.org")
    org = person.create_org("Acme IT")
    return person, org, person.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)


def test_a_progress_owner_with_a_non_character_is_refused(assessed):
    person, org, assessment = assessed
    item = assessment.result["roadmap"]["phases"][0]["items"][0]["id"]
    response = person.post(f"/orgs/{org}/progress", {f"status:{item}": "started", f"owner:{item}": "Ana\ufffe"})
    assert response.status_code == 400
    assert "U+FFFE" in visible_text(response.text)
    assert query(person.app, "SELECT count(*) FROM roadmap_progress") == [(0,)]


def test_a_plan_owner_with_a_bidirectional_override_is_refused(assessed):
    person, _org, assessment = assessed
    role = assessment.result["roadmap"]["roles"][0]
    before = query(person.app, "SELECT plan_json FROM assessments")
    form = {f"target-{d}": str(level) for d, level in assessment.result["roadmap"]["target"].items()}
    form.update({"plan-start": "2027-01-04", "plan-people": "1", f"owner-{role}": "abc\u202egpj.exe"})
    response = person.post(f"/r/{assessment.token}/target", form)
    assert response.status_code == 400
    assert "U+202E, a bidirectional override" in visible_text(response.text)
    (plan,) = query(person.app, "SELECT plan_json FROM assessments")[0]
    assert before != [(plan,)] and role not in json.loads(plan)["owners"], "the other choices kept, not the name"


@pytest.mark.parametrize("fmt", ["pptx", "xlsx", "pdf"])
def test_a_name_stored_before_the_check_does_not_break_a_report(assessed, fmt):
    person, org, _assessment = assessed
    with opened(person.app) as db:
        db.execute("UPDATE organisations SET name = ? WHERE id = ?", ["Acme\ufffe IT\uffff", org])
        db.conn.commit()
    response = person.get(f"/orgs/{org}/report.{fmt}")
    assert response.status_code == 200
    assert len(response.data) > 1000


@pytest.mark.parametrize("fmt", ["pptx", "xlsx"])
def test_a_unit_name_stored_before_the_check_does_not_break_the_units_report(make_app, tmp_path, fmt):
    app = make_app(tmp_path / "db.sqlite3")
    person = Member(app, "units@example.org")
    org = person.create_org("Acme IT")
    unit = person.add_unit(org, "North")
    person.assess(org, "2025-Q1", "2025-02-14", ALL_TWO, unit=unit)
    with opened(app) as db:
        db.execute("UPDATE units SET name = ? WHERE id = ?", ["North\ufffe", unit])
        db.conn.commit()
    response = person.get(f"/orgs/{org}/report.{fmt}")
    assert response.status_code == 200
