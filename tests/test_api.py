"""The JSON API's endpoints: the same result as the CLI, strict input, one error shape, cursor pages
that never repeat or skip a row, ETags on frozen results, reports, progress, workshops and history."""

from __future__ import annotations

import itertools
import json

import pytest
import yaml

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.api_helpers import ApiClient, error_of, make_token
from tests.helpers import FULL_CONTEXT, add_user, opened, open_workshop, query


_people = itertools.count(1)


@pytest.fixture(scope="module")
def app(make_app, tmp_path_factory):
    """One app and database for the module: every test works in organisations of its own users."""
    return make_app(tmp_path_factory.mktemp("api") / "db.sqlite3")


@pytest.fixture(scope="module")
def runner(app):
    return app.test_cli_runner()


def new_person(app, role: str = "member") -> int:
    """A user of this module's database with an address no other test uses."""
    return add_user(app, f"person{next(_people)}@example.org", role=role)


@pytest.fixture
def fac(app):
    """A new facilitator's read-write token client, with their user id as `.user_id`."""
    user = new_person(app, role="facilitator")
    api = ApiClient(app, make_token(app, user))
    api.user_id = user
    return api


def document(questionnaire, level=3) -> dict:
    first = questionnaire.questions()[0].id
    return {"answers": {q.id: level for q in questionnaire.questions()} | {first: None},
            "context": FULL_CONTEXT, "target": {"governance": 4}, "notes": {"tools": "We use spreadsheets."},
            "plan": {"start_date": "2027-01-04", "pmo_people": 3, "owners": {"PMO lead": "Sam"}}}


# --------------------------------------------------------------------------
# Stateless scoring: the CLI's input and output
# --------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_post_assess_equals_the_cli_for_the_same_file(app, runner, fac, questionnaire, tmp_path, suffix):
    data = document(questionnaire)
    path = tmp_path / f"answers{suffix}"
    path.write_text(json.dumps(data) if suffix == ".json" else yaml.safe_dump(data))
    cli = runner.invoke(args=["assess", "--answers", str(path), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    before = query(app, "SELECT count(*) FROM assessments")
    response = fac.post("/api/v1/assess", json=data)
    assert response.status_code == 200
    assert response.get_json() == json.loads(cli.stdout)
    assert response.get_json()["roadmap"]["phases"]  # a real result, dated from the plan
    assert response.get_json()["notes"] == {"tools": "We use spreadsheets."}
    assert query(app, "SELECT count(*) FROM assessments") == before  # stateless


def test_post_assess_refuses_what_the_cli_refuses_with_the_same_words(runner, fac, tmp_path):
    bad = {"answers": {"governance.unknown": 3}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    cli = runner.invoke(args=["assess", "--answers", str(path)])
    response = fac.post("/api/v1/assess", json=bad)
    assert cli.exit_code == 2 and response.status_code == 422
    error = error_of(response)
    assert error["field"] == "answers.governance.unknown"
    assert error["message"] in cli.stderr


@pytest.mark.parametrize("level", [True, False, "3", "²", 3.5, 0, 6, [3], {"level": 6}])
def test_levels_are_integers_one_to_five_or_null(fac, questionnaire, level):
    qid = questionnaire.questions()[0].id
    response = fac.post("/api/v1/assess", json={"answers": {qid: level}})
    assert response.status_code == 422
    assert error_of(response)["field"] == f"answers.{qid}"


@pytest.mark.parametrize("level", [1, 5, None, 3.0, {"level": 3}, {"level": 3, "confidence": "guess"}])
def test_integer_levels_and_null_are_accepted(fac, questionnaire, level):
    """3.0 is the integer 3 in JSON (and to JSON Schema, which the API's description is written in)."""
    qid = questionnaire.questions()[0].id
    assert fac.post("/api/v1/assess", json={"answers": {qid: level}}).status_code == 200


@pytest.mark.parametrize("body, field", [
    ({"answers": {}, "colour": "red"}, "colour"),
    ({"context": {"org_size": "large", "mood": "good"}}, "context.mood"),
    ({"plan": {"start_date": "2027-01-04", "budget": 1}}, "plan"),
    ({"target": {"finance": 3}}, "target.finance"),
    ({"context": {"regulated": "yes"}}, "context.regulated"),
    ({"notes": {"tools": 7}}, "notes.tools"),
])
def test_unknown_fields_and_wrong_types_are_refused_with_422(fac, body, field):
    response = fac.post("/api/v1/assess", json=body)
    assert response.status_code == 422
    assert error_of(response)["field"] == field


def test_unreadable_bodies_are_400_and_oversized_ones_413(app, fac):
    duplicate = fac.post("/api/v1/assess", data=b'{"answers": {}, "answers": {}}',
                         headers={"Content-Type": "application/json"})
    assert duplicate.status_code == 400 and error_of(duplicate)["field"] == "answers"
    not_json = fac.post("/api/v1/assess", data=b"answers=3", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400 and error_of(not_json)["code"] == "bad_request"
    form = fac.post("/api/v1/assess", data=b"answers=3", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 400
    huge = fac.post("/api/v1/assess", data=b" " * (app.config["MAX_CONTENT_LENGTH"] + 1),
                    headers={"Content-Type": "application/json"})
    assert huge.status_code == 413 and error_of(huge)["code"] == "too_large"


def test_unknown_paths_and_methods_answer_in_the_error_shape(fac):
    missing = fac.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong_method = fac.open("/api/v1/questionnaire", "DELETE")
    assert wrong_method.status_code == 405 and error_of(wrong_method)["code"] == "method_not_allowed"


def test_questionnaire_is_the_clis(runner, fac):
    cli = runner.invoke(args=["questionnaire", "show", "--format", "json"])
    assert fac.get("/api/v1/questionnaire").get_json() == json.loads(cli.stdout)


# --------------------------------------------------------------------------
# Organisations, units, pagination
# --------------------------------------------------------------------------


def test_pages_stop_and_never_repeat_or_skip_a_row(fac):
    made = [fac.post("/api/v1/orgs", json={"name": f"Org {i}"}).get_json()["id"] for i in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        url = "/api/v1/orgs?limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = fac.get(url).get_json()
        seen += [o["id"] for o in body["items"]]
        pages += 1
        # A row added while paging comes at the end: it is neither repeated nor does it push another one out.
        if pages == 2:
            made.append(fac.post("/api/v1/orgs", json={"name": "Added while paging"}).get_json()["id"])
        cursor = body["next"]
        if cursor is None:
            break
        assert pages < 10
    assert seen == sorted(made) and len(seen) == len(set(seen))
    assert pages == 4


@pytest.mark.parametrize("url, field", [("/api/v1/orgs?cursor=bogus", "cursor"), ("/api/v1/orgs?limit=0", "limit"),
                                        ("/api/v1/orgs?limit=²", "limit"), ("/api/v1/orgs?limit=2&limit=3", "limit"),
                                        ("/api/v1/orgs?colour=red", "colour")])
def test_bad_query_parameters_are_refused_naming_them(fac, url, field):
    response = fac.get(url)
    assert response.status_code in (400, 422) and error_of(response)["field"] == field


def test_organisations_and_units_create_read_rename(app, fac):
    org = fac.post("/api/v1/orgs", json={"name": "  Acme   IT "}).get_json()
    assert org["name"] == "Acme IT" and org["role"] == "owner"
    assert fac.patch(f"/api/v1/orgs/{org['id']}", json={"name": "Acme Group"}).get_json()["name"] == "Acme Group"
    unit = fac.post(f"/api/v1/orgs/{org['id']}/units", json={"name": "North"})
    assert unit.status_code == 201
    clash = fac.post(f"/api/v1/orgs/{org['id']}/units", json={"name": "North"})
    assert clash.status_code == 409 and error_of(clash)["field"] == "name"
    south = fac.post(f"/api/v1/orgs/{org['id']}/units", json={"name": "South"}).get_json()
    assert fac.patch(f"/api/v1/orgs/{org['id']}/units/{south['id']}", json={"name": "North"}).status_code == 409
    renamed = fac.patch(f"/api/v1/orgs/{org['id']}/units/{south['id']}", json={"name": "Southern"})
    assert renamed.get_json() == {"id": south["id"], "name": "Southern"}
    names = [u["name"] for u in fac.get(f"/api/v1/orgs/{org['id']}/units").get_json()["items"]]
    assert names == ["North", "Southern"]
    assert fac.post("/api/v1/orgs", json={"name": "   "}).status_code == 422


def test_members_and_non_facilitators_are_refused_as_on_the_web(app, fac):
    org = fac.post("/api/v1/orgs", json={"name": "Acme"}).get_json()
    member = new_person(app)
    with opened(app) as database:
        store.set_member(database, org["id"], member, "member")
    api = ApiClient(app, make_token(app, member))
    assert api.get(f"/api/v1/orgs/{org['id']}").get_json()["role"] == "member"
    assert api.patch(f"/api/v1/orgs/{org['id']}", json={"name": "Mine"}).status_code == 403
    assert api.post(f"/api/v1/orgs/{org['id']}/units", json={"name": "Mine"}).status_code == 403
    assert api.post("/api/v1/orgs", json={"name": "Mine"}).status_code == 403
    assert query(app, "SELECT name FROM organisations WHERE id = ?", [org["id"]]) == [("Acme",)]
    assert query(app, "SELECT count(*) FROM organisations WHERE name = 'Mine'") == [(0,)]


# --------------------------------------------------------------------------
# Assessments: create, submit, frozen result, export, history, progress
# --------------------------------------------------------------------------


def _assessed(fac, questionnaire, org_id, period, level, unit_id=None):
    body = {**document(questionnaire, level), "period": period, "assessed_on": f"{period[:4]}-02-01",
            "title": f"Quarter {period}", **({"unit_id": unit_id} if unit_id else {})}
    created = fac.post(f"/api/v1/orgs/{org_id}/assessments", json=body)
    assert created.status_code == 201, created.get_json()
    assessment = created.get_json()
    assert assessment["status"] == "open"
    submitted = fac.post(f"/api/v1/orgs/{org_id}/assessments/{assessment['id']}/submit")
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "closed"
    return assessment["id"]


def test_assessment_created_with_answers_submitted_and_read_with_etag(app, fac, questionnaire):
    org = fac.post("/api/v1/orgs", json={"name": "Acme"}).get_json()["id"]
    created = fac.post(f"/api/v1/orgs/{org}/assessments", json={**document(questionnaire), "period": "2026-Q1"})
    assessment = created.get_json()["id"]
    early = fac.get(f"/api/v1/orgs/{org}/assessments/{assessment}/result")
    assert early.status_code == 409 and error_of(early)["code"] == "not_submitted"
    first = fac.post(f"/api/v1/orgs/{org}/assessments/{assessment}/submit").get_json()
    again = fac.post(f"/api/v1/orgs/{org}/assessments/{assessment}/submit").get_json()
    assert first == again  # a repeated submit changes nothing
    result = fac.get(f"/api/v1/orgs/{org}/assessments/{assessment}/result")
    assert result.status_code == 200 and result.headers["Cache-Control"] == "private, no-cache"
    assert result.get_json()["plan"]["start_date"] == "2027-01-04"
    assert result.get_json()["notes"] == {"tools": "We use spreadsheets."}
    stateless = fac.post("/api/v1/assess", json=document(questionnaire)).get_json()
    assert result.get_json()["scores"] == stateless["scores"]
    etag = result.headers["ETag"]
    unchanged = fac.get(f"/api/v1/orgs/{org}/assessments/{assessment}/result", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert fac.get(f"/api/v1/orgs/{org}/assessments/{assessment}/result",
                   headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.fixture(scope="module")
def scored(app, questionnaire):
    """A facilitator's client, their organisation and a submitted assessment in it (for reading only)."""
    api = ApiClient(app, make_token(app, new_person(app, role="facilitator")))
    org = api.post("/api/v1/orgs", json={"name": "Acme"}).get_json()["id"]
    return api, org, _assessed(api, questionnaire, org, "2026-Q1", 2)


@pytest.mark.parametrize("fmt, magic", [("pdf", b"%PDF"), ("xlsx", b"PK"), ("pptx", b"PK")])
def test_export_makes_the_report_files(scored, fmt, magic):
    fac, org, assessment = scored
    response = fac.get(f"/api/v1/orgs/{org}/assessments/{assessment}/export?format={fmt}&start=2027-01-04")
    assert response.status_code == 200 and response.get_data().startswith(magic)
    assert f'filename="assessment-{assessment}-2027-01-04.{fmt}"' in response.headers["Content-Disposition"]
    cached = fac.get(f"/api/v1/orgs/{org}/assessments/{assessment}/export?format={fmt}&start=2027-01-04",
                     headers={"If-None-Match": response.headers["ETag"]})
    assert cached.status_code == 304
    assert fac.get(f"/api/v1/orgs/{org}/assessments/{assessment}/export?format=docx").status_code == 422


def test_history_rows_filters_and_changes(fac, questionnaire):
    org = fac.post("/api/v1/orgs", json={"name": "Acme"}).get_json()["id"]
    unit = fac.post(f"/api/v1/orgs/{org}/units", json={"name": "North"}).get_json()["id"]
    first = _assessed(fac, questionnaire, org, "2025-Q1", 2)
    second = _assessed(fac, questionnaire, org, "2026-Q1", 3)
    north = _assessed(fac, questionnaire, org, "2026-Q1", 4, unit_id=unit)
    rows = fac.get(f"/api/v1/orgs/{org}/history").get_json()["items"]
    assert [r["assessment_id"] for r in rows] == [first, second, north]
    assert rows[0]["overall_change"] is None
    assert rows[1]["overall_change"] == pytest.approx(rows[1]["overall"] - rows[0]["overall"], abs=0.01)
    assert rows[2]["unit_name"] == "North" and rows[2]["overall_change"] is None  # a unit is its own scope
    assert set(rows[1]["scores"]) == set(DIMENSIONS)
    for row in rows:  # the design as the pages name it, beside the model it keeps
        result = fac.get(f"/api/v1/orgs/{org}/assessments/{row['assessment_id']}/result").get_json()
        assert row["design"] == result["summary"]["design"]["label"]
        assert row["model"] == result["recommendation"]["model"]
    by_period = fac.get(f"/api/v1/orgs/{org}/history?period=2026-Q1").get_json()["items"]
    assert [r["assessment_id"] for r in by_period] == [second, north]
    by_unit = fac.get(f"/api/v1/orgs/{org}/history?unit={unit}").get_json()["items"]
    assert [r["assessment_id"] for r in by_unit] == [north]
    listed = fac.get(f"/api/v1/orgs/{org}/assessments?period=2026-Q1&unit={unit}").get_json()["items"]
    assert [a["id"] for a in listed] == [north]


def test_progress_is_read_and_updated_all_or_nothing(app, fac, questionnaire):
    org = fac.post("/api/v1/orgs", json={"name": "Acme"}).get_json()["id"]
    assert fac.get(f"/api/v1/orgs/{org}/progress").get_json()["total"] == 0
    _assessed(fac, questionnaire, org, "2026-Q1", 2)
    progress = fac.get(f"/api/v1/orgs/{org}/progress").get_json()
    first, second = progress["items"][0]["id"], progress["items"][1]["id"]
    titles = {i["id"]: i["title"] for i in progress["items"]}
    refused = fac.patch(f"/api/v1/orgs/{org}/progress", json={"items": [
        {"item_id": first, "status": "done"}, {"item_id": "not-in-the-roadmap", "status": "done"}]})
    assert refused.status_code == 422 and error_of(refused)["field"] == "items.1.item_id"
    assert query(app, "SELECT count(*) FROM roadmap_progress WHERE org_id = ?", [org]) == [(0,)]
    unexplained = fac.patch(f"/api/v1/orgs/{org}/progress", json={"items": [
        {"item_id": first, "status": "done"}, {"item_id": second, "status": "dropped"}]})
    assert unexplained.status_code == 422 and error_of(unexplained)["field"] == "items.1"
    assert query(app, "SELECT count(*) FROM roadmap_progress WHERE org_id = ?", [org]) == [(0,)]
    updated = fac.patch(f"/api/v1/orgs/{org}/progress", json={"items": [
        {"item_id": first, "status": "done", "done_on": "2026-03-01", "owner": "Sam"},
        {"item_id": second, "status": "dropped", "note": "The board chose a vendor tool instead."}]})
    assert updated.status_code == 200
    items = {i["id"]: i for i in updated.get_json()["items"]}
    assert (items[first]["status"], items[first]["owner_name"], items[first]["done_on"]) == ("done", "Sam", "2026-03-01")
    assert (items[second]["status"], items[second]["note"]) == ("dropped", "The board chose a vendor tool instead.")
    assert (updated.get_json()["done"], updated.get_json()["dropped"]) == (1, 1)
    logged = query(app, "SELECT action, actor_id, detail FROM audit_log WHERE org_id = ? AND action != 'org_created'",
                   [org])
    assert logged == [("progress_updated", fac.user_id,
                       f"through the API: {titles[first]}: done, {titles[second]}: dropped")]
    # Sent again unchanged: nothing changed, so nothing more is logged.
    assert fac.patch(f"/api/v1/orgs/{org}/progress", json={"items": [
        {"item_id": first, "status": "done", "done_on": "2026-03-01", "owner": "Sam"}]}).status_code == 200
    assert len(query(app, "SELECT 1 FROM audit_log WHERE org_id = ? AND action = 'progress_updated'", [org])) == 1


def test_workshops_listed_summarised_for_facilitators_and_closed(app):
    org, workshop, _code = open_workshop(app)
    (fay,), = query(app, "SELECT id FROM users WHERE email = 'fay@example.org'")
    api = ApiClient(app, make_token(app, fay))
    listed = api.get(f"/api/v1/orgs/{org}/workshops").get_json()["items"]
    assert [w["id"] for w in listed] == [workshop] and listed[0]["status"] == "open"
    period, unit = listed[0]["period"], api.post(f"/api/v1/orgs/{org}/units", json={"name": "North"}).get_json()["id"]
    assert [w["id"] for w in api.get(f"/api/v1/orgs/{org}/workshops?period={period}").get_json()["items"]] == [workshop]
    assert api.get(f"/api/v1/orgs/{org}/workshops?period=1999-Q1").get_json()["items"] == []
    assert api.get(f"/api/v1/orgs/{org}/workshops?unit={unit}").get_json()["items"] == []
    summary = api.get(f"/api/v1/orgs/{org}/workshops/{workshop}/summary").get_json()
    assert summary["counts"]["joined"] == 0
    member = new_person(app)
    with opened(app) as database:
        store.set_member(database, org, member, "member")
    plain = ApiClient(app, make_token(app, member))
    assert plain.get(f"/api/v1/orgs/{org}/workshops/{workshop}/summary").status_code == 403
    assert plain.post(f"/api/v1/orgs/{org}/workshops/{workshop}/close").status_code == 403
    empty = api.post(f"/api/v1/orgs/{org}/workshops/{workshop}/close")
    assert empty.status_code == 409 and "Nobody has answered" in error_of(empty)["message"]
    with opened(app) as database:
        room = store.get_workshop(database, org, workshop)
        one = store.participant(database, room, store.join_workshop(database, room))
        store.save_answers(database, one["id"], {app.extensions["pmo_content"].default_questionnaire.questions()[0].id: 3})
    closed = api.post(f"/api/v1/orgs/{org}/workshops/{workshop}/close")
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    assert api.post(f"/api/v1/orgs/{org}/workshops/{workshop}/close").status_code == 200  # a repeat: logged once
    assert query(app, "SELECT action, actor_id, object_id FROM audit_log WHERE action = 'workshop_closed'") == [
        ("workshop_closed", fay, workshop)]
    assessment = closed.get_json()["assessment_id"]
    assert api.get(f"/api/v1/orgs/{org}/assessments/{assessment}/result").status_code == 200
    assert api.post(f"/api/v1/orgs/{org}/assessments/{assessment}/submit").status_code == 409


def test_what_is_in_the_trash_is_absent_from_every_list_and_not_found_by_id(app, fac, questionnaire):
    kept, binned = (fac.post("/api/v1/orgs", json={"name": name}).get_json()["id"] for name in ("Kept", "Binned"))
    unit = fac.post(f"/api/v1/orgs/{kept}/units", json={"name": "North"}).get_json()["id"]
    stays = _assessed(fac, questionnaire, kept, "2026-Q1", 3)
    goes = _assessed(fac, questionnaire, kept, "2026-Q2", 4)
    with_unit = _assessed(fac, questionnaire, kept, "2026-Q2", 2, unit_id=unit)
    with opened(app) as db:
        store.delete(db, kept, "assessment", goes, fac.user_id)
        store.delete(db, kept, "unit", unit, fac.user_id)
        store.delete(db, binned, "organisation", binned, fac.user_id)
    assert [o["id"] for o in fac.get("/api/v1/orgs").get_json()["items"]] == [kept]
    assert [a["id"] for a in fac.get(f"/api/v1/orgs/{kept}/assessments").get_json()["items"]] == [stays]
    assert [r["assessment_id"] for r in fac.get(f"/api/v1/orgs/{kept}/history").get_json()["items"]] == [stays]
    assert fac.get(f"/api/v1/orgs/{kept}/units").get_json()["items"] == []
    for url in (f"/api/v1/orgs/{binned}", f"/api/v1/orgs/{binned}/assessments", f"/api/v1/orgs/{kept}/units/{unit}",
                *(f"/api/v1/orgs/{kept}/assessments/{a}{tail}" for a in (goes, with_unit) for tail in ("", "/result"))):
        gone = fac.get(url)
        assert gone.status_code == 404 and error_of(gone)["code"] == "not_found", url
    assert fac.get(f"/api/v1/orgs/{kept}/assessments/{stays}/result").status_code == 200  # the live one answers
