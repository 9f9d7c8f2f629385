"""Joining a workshop: codes without look-alike characters, wrong and closed codes, throttling, names,
roles and the participant cookie."""

from __future__ import annotations

import re

import pytest

from app import store
from app.engine.vocabulary import DIMENSIONS
from app.store.workshops import JOIN_FAILURE_LIMIT
from tests.helpers import CSRF_META, FULL_CONTEXT, opened, page_csrf, visible_text
from tests.workshop_helpers import AMBIGUOUS, Participant, UNAMBIGUOUS, question_ids, response_count


# --------------------------------------------------------------------------
# Join codes
# --------------------------------------------------------------------------


def test_join_code_has_eight_unambiguous_characters_and_is_unique(app, fay, org_id):
    workshops = [fay.create_workshop(org_id, title=f"Workshop {i}") for i in range(3)]
    with opened(app) as db:
        user = fay.user_id
        q = app.extensions["pmo_content"].default_questionnaire
        more = [store.create_workshop(db, org_id, user, title=f"Stored {i}", mode="anonymous", roles=[],
                                      context=FULL_CONTEXT, questionnaire_id=q.id,
                                      questionnaire_version=q.version) for i in range(40)]
        codes = [db.execute("SELECT join_code FROM workshops WHERE id = ?", [i]).fetchone()[0] for i in more]
    codes += [w.code for w in workshops]
    for code in codes:
        assert len(code) >= 8, code
        assert set(code) <= UNAMBIGUOUS and not set(code) & AMBIGUOUS, code
    assert len(set(codes)) == len(codes)
    for w in workshops:
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", w.pretty)


@pytest.mark.parametrize("typed", [
    pytest.param(lambda c: c.lower(), id="lower-case"),
    pytest.param(lambda c: f"{c[:4]}-{c[4:]}", id="with-dash"),
    pytest.param(lambda c: f"{c[:4]}-{c[4:]}".lower(), id="lower-case-with-dash"),
])
def test_a_code_typed_loosely_opens_the_workshop(client, workshop, typed):
    page = client.get(f"/join/{typed(workshop.code)}")
    assert page.status_code == 200
    assert "Leadership workshop" in visible_text(page.text)
    form = client.post("/join", data={"csrf_token": page_csrf(client, "/join"), "code": typed(workshop.code)})
    assert form.status_code == 302
    assert form.location.endswith(f"/join/{workshop.code}")


def test_a_participant_joining_with_a_loosely_typed_code_lands_on_the_workshop(app, workshop):
    client = app.test_client()
    loose = f"{workshop.code[:4]}-{workshop.code[4:]}".lower()
    csrf = CSRF_META.search(client.get(f"/join/{loose}").text).group(1)
    joined = client.post(f"/join/{loose}", data={"csrf_token": csrf, "role": "Exec"})
    assert joined.status_code == 302 and joined.location.endswith(f"/w/{workshop.code}")
    assert client.get(f"/w/{workshop.code}").status_code == 200



# --------------------------------------------------------------------------
# Wrong and closed codes, throttling
# --------------------------------------------------------------------------


def unused_code(*taken: str) -> str:
    return next(c for c in ("ZZZZ9999", "YYYY8888", "XXXX7777") if c not in taken)


def test_wrong_and_closed_codes_get_the_same_answer(app, fay, org_id):
    closed = fay.closed_workshop(org_id, title="Closed one")
    outsider = app.test_client()
    wrong = outsider.get(f"/join/{unused_code(closed.code)}")
    shut = outsider.get(f"/join/{closed.code}")
    assert wrong.status_code == shut.status_code == 404
    assert visible_text(wrong.text) == visible_text(shut.text)
    assert "Closed one" not in shut.text
    for path in ("", "/review", "/d/governance"):
        a, b = outsider.get(f"/w/{unused_code(closed.code)}{path}"), outsider.get(f"/w/{closed.code}{path}")
        assert (a.status_code, visible_text(a.text)) == (b.status_code, visible_text(b.text)), path


def test_after_closing_a_participant_cookie_neither_joins_nor_saves(app, fay, workshop):
    p = Participant(app, workshop)
    governance = question_ids(app, "governance")
    assert p.autosave({governance[0]: 2}).status_code == 200
    assert fay.close(workshop).status_code == 302
    before = p.stored()

    again = p.client.get(f"/join/{workshop.code}")
    wrong = app.test_client().get(f"/join/{unused_code(workshop.code)}")
    assert again.status_code == 404
    assert visible_text(again.text) == visible_text(wrong.text)

    saved = p.autosave({governance[0]: 5, governance[1]: 4})
    assert saved.status_code == 409
    posted = p.answer_page("governance", {governance[0]: 5})
    assert posted.status_code in (302, 303, 409)
    assert p.stored() == before
    joined = p.client.post(f"/join/{workshop.code}", data={"csrf_token": p.csrf, "role": "Exec"})
    assert joined.status_code == 404
    assert response_count(app, workshop) == 1


def test_wrong_codes_are_throttled_per_address_across_app_instances(make_app, app, workshop):
    # Two app instances on one database file stand for two gunicorn workers.
    other_worker = make_app(app.config["DATABASE"])
    clients = [app.test_client(), other_worker.test_client()]
    guesser = {"REMOTE_ADDR": "203.0.113.7"}
    neighbour = {"REMOTE_ADDR": "198.51.100.20"}
    wrong = unused_code(workshop.code)
    for attempt in range(JOIN_FAILURE_LIMIT):
        response = clients[attempt % 2].get(f"/join/{wrong}", environ_base=guesser)
        assert response.status_code == 404, f"attempt {attempt + 1} was refused early"
    for client in clients:
        assert client.get(f"/join/{wrong}", environ_base=guesser).status_code == 429
        assert client.get(f"/join/{wrong}", environ_base=neighbour).status_code == 404
        assert client.get(f"/join/{workshop.code}", environ_base=neighbour).status_code == 200
    # Documented behaviour: once an address is blocked, the right code is refused too (until the
    # window passes), so a guesser cannot tell a hit from a miss by the answer.
    for client in clients:
        right = client.get(f"/join/{workshop.code}", environ_base=guesser)
        assert right.status_code == 429
        assert "Too many" in visible_text(right.text)
        assert workshop.code not in right.text



# --------------------------------------------------------------------------
# Joining
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "roles", "form", "status", "message"), [
    ("named", "Exec, Delivery", {"name": "", "role": "Exec"}, 400, "Please give your name"),
    ("named", "Exec, Delivery", {"name": "   ", "role": "Exec"}, 400, "Please give your name"),
    ("named", "Exec, Delivery", {"name": "Ada"}, 400, "Please choose your role"),
    ("named", "Exec, Delivery", {"name": "Ada", "role": "CEO"}, 400, "Please choose your role"),
    ("anonymous", "Exec, Delivery", {}, 400, "Please choose your role"),
    ("named", "Exec, Delivery", {"name": "Ada", "role": "Delivery"}, 302, None),
    ("named", "", {"name": "Ada"}, 302, None),
    ("anonymous", "Exec, Delivery", {"role": "Exec"}, 302, None),
    ("anonymous", "", {}, 302, None),
])
def test_joining_requires_a_name_in_named_mode_and_a_role_when_roles_exist(app, fay, org_id, mode, roles, form,
                                                                           status, message):
    workshop = fay.create_workshop(org_id, mode=mode, roles=roles)
    client = app.test_client()
    csrf = CSRF_META.search(client.get(f"/join/{workshop.code}").text).group(1)
    response = client.post(f"/join/{workshop.code}", data={"csrf_token": csrf, **form})
    assert response.status_code == status
    assert response_count(app, workshop) == (1 if status == 302 else 0)
    assert (client.get_cookie(workshop.cookie) is not None) == (status == 302)
    if message:
        assert message in visible_text(response.text)


def test_a_role_the_workshop_does_not_offer_is_not_stored(app, fay, org_id):
    workshop = fay.create_workshop(org_id, roles="")
    client = app.test_client()
    csrf = CSRF_META.search(client.get(f"/join/{workshop.code}").text).group(1)
    response = client.post(f"/join/{workshop.code}", data={"csrf_token": csrf, "role": "CEO " + "x" * 5000})
    assert response.status_code in (302, 400)
    with opened(app) as db:
        roles = [r[0] for r in db.execute("SELECT role FROM responses")]
    assert roles in ([], [None])


def test_participant_cookie_is_httponly_and_samesite_lax(app, workshop):
    p = Participant(app, workshop)
    headers = [h for h in p.joined.headers.getlist("Set-Cookie") if h.startswith(workshop.cookie + "=")]
    assert len(headers) == 1
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in headers[0].split(";")[1:]}
    assert "httponly" in attributes
    assert attributes.get("samesite", "").lower() == "samesite=lax"
    assert attributes.get("path") == "Path=/"


def test_the_participant_token_never_appears_in_a_url_or_page(app, fay, workshop):
    p = Participant(app, workshop)
    with opened(app) as db:
        secrets = [p.token, store.hash_token(p.token)]
    seen = [("join redirect", p.joined.location, "")]

    def visit(method, path, **kwargs):
        response = p.client.open(path, method=method, **kwargs)
        seen.append((f"{method} {path}", response.location or "", response.get_data(as_text=True)))
        return response

    visit("GET", p.base)
    for dimension in DIMENSIONS:
        visit("GET", f"{p.base}/d/{dimension}")
        form = {f"q-{qid}": "3" for qid in question_ids(app, dimension)}
        visit("POST", f"{p.base}/d/{dimension}", data={"csrf_token": p.csrf, "action": "next", **form})
    visit("POST", f"{p.base}/answers", json={"answers": {question_ids(app)[0]: 4}}, headers={"X-CSRFToken": p.csrf})
    visit("GET", f"{p.base}/review")
    visit("POST", f"{p.base}/submit", data={"csrf_token": p.csrf})
    fay.reveal(workshop)
    visit("GET", p.base)
    visit("GET", f"/join/{workshop.code}")
    assert len(seen) > 10
    for where, location, body in seen:
        for secret in secrets:
            assert secret not in location, f"{where} redirects to a URL with the token"
            assert secret not in body, f"{where} shows the token"


def test_a_second_visit_to_the_join_link_goes_straight_to_the_workshop(app, workshop):
    p = Participant(app, workshop)
    for method in ("GET", "POST"):
        again = p.client.open(f"/join/{workshop.code}", method=method, data={"csrf_token": p.csrf, "role": "Exec"})
        assert again.status_code == 302
        assert again.location.endswith(f"/w/{workshop.code}")
    assert p.client.get_cookie(workshop.cookie).value == p.token
    assert response_count(app, workshop) == 1


@pytest.mark.parametrize(("typed", "words", "status"), [
    ("ABC", "A workshop code has 8 letters and digits, like ABCD-2345; this one has 3.", 400),
    ("ABCD-23O5", "Workshop codes never contain O", 400),
    ("ZZZZ-9999", "No open workshop has this code. Check the code on the projector and try again", 404),
])
def test_a_wrong_code_keeps_the_form_and_the_code_and_says_what_was_wrong(client, workshop, typed, words, status):
    response = client.post("/join", data={"csrf_token": page_csrf(client, "/join"), "code": typed},
                           follow_redirects=True)
    assert response.status_code == status
    text = visible_text(response.text)
    assert words in text and "Try again" in text
    assert re.search(rf'name="code"[^>]*value="{typed}"', response.text) or \
        re.search(rf'name="code"[^>]*value="{typed.replace("-", "")}"', response.text)
    assert 'action="/join"' in response.text
