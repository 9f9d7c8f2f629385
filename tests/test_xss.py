"""Script injection: what people type comes back escaped on every page that shows it.

Payloads go in through the forms people use (organisation names, assessment titles, notes,
user names, emails where the address check allows them); then every GET page of the
organisation, generated from the URL map like the access walk, is checked: no payload
unescaped, no inline script or event handler, no javascript: URL, and no JSON data block
that could be closed early.
"""

from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from markupsafe import escape

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import FULL_CONTEXT
from tests.world import build_world, json_blocks, member_token_for, route_cases, script_problems, sign_in_admin

PAYLOADS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)']
# Every field gets all three at once (one organisation to build, not three); each is checked on its own.
COMBINED = " ".join(PAYLOADS)
# Periods are at most 20 characters: enough to try closing a JSON data block early.
PERIOD_PAYLOAD = "</script><b>x"
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def context_form() -> dict[str, str]:
    return {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in FULL_CONTEXT.items()}


def answer(client, token: str, csrf: str, questionnaire, dimensions, note: str) -> None:
    """Answer the profile and these capability areas through the pages, with a note on each."""
    assert client.post(f"/r/{token}/context", data={"csrf_token": csrf, **context_form(),
                                                     "action": "next"}).status_code == 302
    for dim in dimensions:
        form = {f"q-{q.id}": "3" for q in questionnaire.dimension(dim).questions}
        response = client.post(f"/r/{token}/d/{dim}", data={"csrf_token": csrf, **form, "note": note,
                                                            "action": "next"})
        assert response.status_code == 302, response.text


def token_of(location: str) -> str:
    return urlsplit(location).path.split("/r/")[1].split("/")[0]


def check_page(text: str, payload: str = COMBINED) -> list[str]:
    """Everything wrong with how a page shows the payload(s)."""
    problems = list(script_problems(text))
    for part in PAYLOADS + [payload]:
        if ("<" in part or '"' in part) and part in text:
            problems.append(f"{part!r} appears unescaped")
    for block in json_blocks(text):
        if "</script" in block.lower() or "<!--" in block:
            problems.append("a JSON data block can be closed early")
        try:
            json.loads(block)
        except ValueError:
            problems.append("a JSON data block is not valid JSON")
    return problems


@pytest.fixture(scope="module")
def planted(make_app, tmp_path_factory):
    """An organisation full of the payloads, made through the forms as Bob and the admin would."""
    payload = COMBINED
    world = build_world(make_app(tmp_path_factory.mktemp("xss") / "xss.sqlite3"))
    w, bob, admin = world, world.b.client, sign_in_admin(world)
    app = w.app
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    made = {"payload": payload, "world": w}

    created = bob.post("/orgs/new", data={"csrf_token": bob.csrf, "name": payload})
    assert created.status_code == 302
    org = made["org"] = int(urlsplit(created.location).path.rsplit("/", 1)[1])

    email = f"{PAYLOADS[0]}@example.org"  # the address check lets this one through
    assert EMAIL_SHAPE.match(email)
    made_user = admin.post("/admin/users", data={"csrf_token": admin.csrf, "name": payload, "email": email,
                                                 "role": "member", "password": "a long enough passphrase"})
    assert made_user.status_code == 302, made_user.text
    made["flashes"] = [admin.get("/admin/users").text]
    added = bob.post(f"/orgs/{org}/members", data={"csrf_token": bob.csrf, "email": email, "role": "member"})
    assert added.status_code == 302, added.text
    made["flashes"].append(bob.get(f"/orgs/{org}").text)  # shows "<email> is now a member of <name>"

    # A submitted assessment of the organisation, with a note on every capability area.
    started = bob.post(f"/orgs/{org}/assessments", data={"csrf_token": bob.csrf, "title": payload})
    submitted = token_of(started.location)
    answer(bob, submitted, bob.csrf, questionnaire, DIMENSIONS, payload)
    assert bob.post(f"/r/{submitted}/submit", data={"csrf_token": bob.csrf}).status_code == 302
    # One in progress, for the questionnaire and review pages.
    started = bob.post(f"/orgs/{org}/assessments", data={"csrf_token": bob.csrf, "title": payload + " 2"})
    open_token = token_of(started.location)
    answer(bob, open_token, bob.csrf, questionnaire, DIMENSIONS[:2], payload)
    # A stand-alone one, submitted, then attached with the payload as its title.
    alone = token_of(bob.post("/start", data={"csrf_token": bob.csrf}).location)
    answer(bob, alone, bob.csrf, questionnaire, DIMENSIONS, payload)
    assert bob.post(f"/r/{alone}/submit", data={"csrf_token": bob.csrf}).status_code == 302
    made["attach_form"] = bob.get(f"/r/{alone}/result").text  # lists the organisation names
    attached = bob.post(f"/r/{alone}/attach", data={"csrf_token": bob.csrf, "org_id": str(org), "title": payload})
    assert attached.status_code == 302

    db = w.db()
    try:
        assessments = [a["id"] for a in store.org_assessments(db, org)]
        responses = [r[0] for r in db.execute(
            "SELECT r.id FROM responses r JOIN assessments a ON a.id = r.assessment_id WHERE a.org_id = ?", [org])]
        made["tokens"] = [member_token_for(app, r) for r in responses] + [alone]
        made["ids"] = {"org_id": [org], "assessment_id": assessments,
                       "user_id": [store.user_by_email(db, email)["id"]]}
        closed = [a["id"] for a in store.org_assessments(db, org) if a["status"] == "closed"]
        made["closed"] = closed
        # Newer organisation features, where the app has them: units and period labels.
        if "units.add" in app.view_functions:
            assert bob.post(f"/orgs/{org}/units", data={"csrf_token": bob.csrf, "name": payload}).status_code == 302
            made["ids"]["unit_id"] = [u["id"] for u in store.units(db, org)]
        if hasattr(store, "create_workshop"):
            # A workshop titled with the payload, joined (through its join page) under the payload's name.
            workshop = store.create_workshop(db, org, w.b.id, title=payload, mode="named", roles=[],
                                             context=FULL_CONTEXT, questionnaire_id=questionnaire.id,
                                             questionnaire_version=questionnaire.version)
            code = store.get_workshop(db, org, workshop)["join_code"]
            joined = bob.post(f"/join/{code}", data={"csrf_token": bob.csrf, "name": payload})
            assert joined.status_code == 302, joined.text
            made["ids"]["workshop_id"] = [workshop]
            made["codes"] = [code]
        if "org_assessments.details" in app.view_functions:
            for assessment in closed:
                response = bob.post(f"/orgs/{org}/assessments/{assessment}/details", data={
                    "csrf_token": bob.csrf, "period": PERIOD_PAYLOAD, "assessed_on": date.today().isoformat(),
                    "unit": str(made["ids"].get("unit_id", [""])[0])})
                assert response.status_code == 302, response.text
    finally:
        db.close()
    return made


def pages_of(made) -> list[tuple[str, str]]:
    """(who, path) of every GET page of the organisation, and the everyday pages around it."""
    w = made["world"]
    strings = {"token": made["tokens"], "dimension": list(DIMENSIONS), "code": made.get("codes", [])}
    cases = route_cases(w.app, made["ids"], strings, methods={"GET"})
    paths = [c.url for c in cases if "<" in c.rule and not c.fallback]
    query = "&".join(f"a={a}" for a in made["closed"][:2]) + "".join(
        f"&unit={u}" for u in made["ids"].get("unit_id", [])[:1])
    paths += [f"{c.url}?{query}" for c in cases if "<int:org_id>" in c.rule and not c.fallback]
    return [("Bob", p) for p in ["/", "/orgs", "/account"] + paths] + [("admin", "/admin/users")]


def test_pages_show_the_payload_escaped(planted):
    w, payload = planted["world"], planted["payload"]
    clients = {"Bob": w.b.client, "admin": w.admin.client}
    checked, shown, problems = 0, set(), []
    for who, path in pages_of(planted):
        response = clients[who].get(path)
        assert response.status_code < 500, (path, response.status_code)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        text = response.get_data(as_text=True)
        checked += 1
        if str(escape(payload)) in text:
            shown.add(urlsplit(path).path)
        problems += [f"{who} {path}: {p}" for p in check_page(text, payload)]
    for text in planted["flashes"] + [planted["attach_form"]]:
        problems += [f"flash or attach form: {p}" for p in check_page(text, payload)]
        assert str(escape(payload)) in text
    assert not problems, "\n".join(problems)
    assert checked >= 15
    org = planted["org"]
    token = planted["tokens"][0]
    # Not vacuous: the payload is really on the pages that show names, titles and notes.
    for path in ("/orgs", f"/orgs/{org}", f"/r/{token}/result", "/admin/users"):
        assert path in shown, f"{path} does not show the payload at all"
    assert any(p.endswith("/review") for p in shown) and any("/d/" in p for p in shown)


def test_a_figure_label_cannot_close_its_json_block_or_its_drawing(planted):
    """Period labels name the dashboard's series: drawn on the server (trend, radar) as escaped text;
    any figure still embedded as JSON keeps it inside its block."""
    w = planted["world"]
    if "org_assessments.details" not in w.app.view_functions:
        pytest.skip("the app has no period labels")
    page = w.b.client.get(f"/orgs/{planted['org']}").get_data(as_text=True)
    assert f'>{escape(PERIOD_PAYLOAD)}</text>' in page, "the period label is not in the drawn trend"
    blocks = json_blocks(page)
    assert not [b for b in blocks if "</script" in b.lower()]
    assert "<b>x" not in page


@pytest.mark.parametrize("payload", ["</script><script>alert(1)</script>", "<!--<script>", "\u2028</SCRIPT >"])
def test_the_script_json_filter_keeps_any_text_inside_its_block(module_world, payload):
    safe = module_world.app.jinja_env.filters["script_json"](json.dumps({"name": payload}))
    assert "<" not in safe and ">" not in safe
    assert json.loads(str(safe)) == {"name": payload}


def test_stored_figures_with_markup_never_reach_the_result_page(module_world):
    """Even a stored figure carrying markup (a chart labelled with titles) cannot reach the page: its radar and
    its timeline are drawn on the server from the result, and no stored figure is embedded."""
    w = module_world
    db = w.db()
    try:
        snapshot = store.load_snapshot(db, w.b_snapshot)
        figure = {"data": [{"type": "scatterpolar", "name": "</script><script>alert(1)</script>", "r": [1, 2],
                            "theta": ["a", "b"]}], "layout": {"title": {"text": "<!--<script>"}}}
        store.replace_snapshot(db, w.b_assessment, snapshot["result"], {"radar": figure, "timeline": figure},
                               reason="test", questionnaire_version=snapshot["questionnaire_version"],
                               content_hash=snapshot["content_hash"])
    finally:
        db.close()
    page = w.b.client.get(f"/r/{w.b_token}/result").get_data(as_text=True)
    assert check_page(page, "</script><script>alert(1)</script>") == []
    assert "alert(1)" not in page and "<!--<script>" not in page
    assert 'id="timeline"' in page and 'class="gantt"' in page


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script-tag", "attribute-breakout", "javascript-url"])
def test_rejected_input_is_shown_back_escaped(module_world, payload):
    """Error messages quote what was sent: the quote is escaped too."""
    w, bob = module_world, module_world.b.client
    token = w.b_private_member_token
    first = w.app.extensions["pmo_content"].default_questionnaire.dimension("governance").questions[0].id
    responses = [
        bob.get(f"/r/{w.b_token}/roadmap.csv", query_string={"start": payload}),
        bob.post(f"/r/{token}/context", data={"csrf_token": bob.csrf, **context_form(), "org_size": payload,
                                              "action": "next"}),
        bob.post(f"/r/{token}/d/governance", data={"csrf_token": bob.csrf, f"q-{first}": payload}),
        bob.post(f"/r/{w.b_token}/target", data={"csrf_token": bob.csrf, **{f"target-{d}": "3" for d in DIMENSIONS},
                                                 "target-tools": payload}),
        bob.post(f"/orgs/{w.org_b}/members", data={"csrf_token": bob.csrf, "email": payload, "role": "member"}),
        bob.post(f"/orgs/{w.org_b}/rename", data={"csrf_token": bob.csrf, "name": ""}),
    ]
    for response in responses:
        assert response.status_code == 400, response.request.path
        assert check_page(response.get_data(as_text=True), payload) == [], response.request.path
