"""Who sees what in a workshop: own answers only, anonymous and named modes, small role groups,
and results hidden from the room until the facilitator reveals them."""

from __future__ import annotations

import json

import pytest

from tests.helpers import checked_answers, opened, visible_text
from tests.workshop_helpers import Participant, answers_of, question_ids, response_count


# --------------------------------------------------------------------------
# Privacy
# --------------------------------------------------------------------------


def test_a_participant_sees_only_their_own_answers(app, workshop):
    me, other = Participant(app, workshop), Participant(app, workshop)
    governance = question_ids(app, "governance")
    me.answer_page("governance", {qid: 2 for qid in governance})
    other.answer_page("governance", {qid: 5 for qid in governance})
    mine = visible_text(me.client.get(me.base).text)
    assert mine.count("level 2, ") == len(governance)
    assert "level 5" not in mine
    assert checked_answers(me.client.get(f"{me.base}/d/governance").text) == {qid: "2" for qid in governance}
    assert answers_of(other) == {qid: 5 for qid in governance}


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "", None),
    ("GET", "/d/governance", None),
    ("POST", "/d/governance", "form"),
    ("GET", "/review", None),
    ("POST", "/answers", "json"),
    ("POST", "/submit", "form"),
])
def test_without_the_participant_cookie_workshop_pages_are_404(app, workshop, method, path, body):
    p = Participant(app, workshop)
    qid = question_ids(app, "governance")[0]
    p.answer_page("governance", {qid: 2})
    p.client.delete_cookie(workshop.cookie)
    kwargs = {}
    if body == "form":
        kwargs = {"data": {"csrf_token": p.csrf, f"q-{qid}": "5", "action": "next"}}
    elif body == "json":
        kwargs = {"json": {"answers": {qid: 5}}, "headers": {"X-CSRFToken": p.csrf}}
    response = p.client.open(f"/w/{workshop.code}{path}", method=method, **kwargs)
    assert response.status_code == 404
    assert "Level 2" not in response.get_data(as_text=True)
    assert answers_of(p) == {qid: 2}


def test_a_cookie_for_one_workshop_does_not_open_another(app, fay, org_id, workshop):
    second = fay.create_workshop(org_id, title="Second workshop")
    p = Participant(app, workshop)
    qid = question_ids(app, "governance")[0]
    paths = ["", "/d/governance", "/review"]
    for path in paths:
        assert p.client.get(f"/w/{second.code}{path}").status_code == 404, path
    # Even the same token under the other workshop's cookie name opens nothing there.
    p.client.set_cookie(second.cookie, p.token)
    for path in paths:
        assert p.client.get(f"/w/{second.code}{path}").status_code == 404, path
    saved = p.client.post(f"/w/{second.code}/answers", json={"answers": {qid: 5}}, headers={"X-CSRFToken": p.csrf})
    assert saved.status_code == 404
    assert response_count(app, second) == 0
    assert p.stored() == []


FACILITATOR_PAGES = ["", "/live.json", "/projector", "/qr.svg"]


@pytest.mark.parametrize("path", FACILITATOR_PAGES)
def test_facilitator_pages_need_an_org_member(app, workshop, path):
    anonymous = app.test_client()
    participant = Participant(app, workshop)
    for who, client in (("anonymous", anonymous), ("participant", participant.client)):
        response = client.get(workshop.base + path)
        refused = response.status_code in (401, 403, 404) or (
            response.status_code == 302 and "/login" in response.location)
        assert refused, f"{who} got {response.status_code} on {path}"
        assert workshop.code not in response.get_data(as_text=True)


def test_anonymous_mode_shows_no_names_and_no_per_person_answers(app, fay, workshop):
    # Three Exec and two Delivery participants answer governance; the names they type are ignored.
    for i, role in enumerate(["Exec", "Exec", "Exec", "Delivery", "Delivery"]):
        p = Participant(app, workshop, name=f"Secret Person {i}", role=role)
        p.answer_page("governance", {qid: 1 + (i + j) % 5 for j, qid in enumerate(question_ids(app, "governance"))})
    fay.reveal(workshop)
    with opened(app) as db:
        assert db.execute("SELECT count(*) FROM responses WHERE display_name IS NOT NULL").fetchone()[0] == 0
    live = fay.live(workshop)
    detail = fay.client.get(workshop.base).text
    for text in (json.dumps(live), detail, fay.client.get(workshop.base + "/panel").text):
        assert "Secret Person" not in text
        assert "person-answers" not in text  # no one's answers, only their status
    assert "Participant 5" in visible_text(detail)

    def keys(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from keys(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from keys(inner)

    assert not {"display_name", "answers", "people", "responses", "token"} & set(keys(live))
    assert set(live["roles"]) == {"Exec"} and live["roles_hidden"] == {"Delivery": 2}


@pytest.mark.parametrize(("roles", "shown"), [
    pytest.param(["Exec", "Exec", "Exec", "Delivery", "Delivery"], {"Exec": 3}, id="three-shown-two-hidden"),
    pytest.param(["Exec", "Exec", "Delivery", "Delivery"], {}, id="no-role-reaches-three"),
    pytest.param(["Exec"] * 3 + ["Delivery"] * 4, {"Exec": 3, "Delivery": 4}, id="both-reach-three"),
])
def test_anonymous_mode_shows_role_figures_only_from_three_participants(app, fay, workshop, roles, shown):
    for role in roles:
        p = Participant(app, workshop, role=role)
        p.answer_page("governance", {qid: 3 for qid in question_ids(app, "governance")})
    fay.reveal(workshop)
    live = fay.live(workshop)
    assert {role: data["respondents"] for role, data in live["roles"].items()} == shown
    fay.post(workshop.base + "/screen", {"screen": "roles"})
    projected = visible_text(fay.client.get(workshop.base + "/stage.json").get_json()["html"])
    for role, n in {"Exec": 3, "Delivery": 4}.items():
        assert (f"{role} ({n})" in projected) == (role in shown), role
    hidden = [role for role in ("Exec", "Delivery") if role not in shown]
    assert ("Role figures appear from 3 people per role" in projected)
    assert ("Not shown yet" in projected) == bool(hidden)


def test_anonymous_mode_counts_only_participants_who_answered_towards_a_role(app, fay, workshop):
    # Three Exec joined, but only two answered: their figures would be two people's.
    for i in range(3):
        p = Participant(app, workshop, role="Exec")
        if i < 2:
            p.answer_page("governance", {qid: 3 for qid in question_ids(app, "governance")})
    fay.reveal(workshop)
    assert fay.live(workshop)["roles"] == {}


def test_anonymous_role_figures_never_rest_on_fewer_than_three_answers(app, fay, workshop):
    for i in range(3):
        p = Participant(app, workshop, role="Exec")
        p.answer_page("governance", {qid: 3 for qid in question_ids(app, "governance")})
        if i == 0:
            p.answer_page("tools", {qid: 1 for qid in question_ids(app, "tools")})
    fay.reveal(workshop)
    exec_medians = fay.live(workshop)["roles"]["Exec"]["medians"]
    assert exec_medians["governance"] == 3.0
    assert exec_medians["tools"] is None, "one Exec's own tools score is shown as the Exec figure"


def test_named_mode_lists_names_to_the_facilitator_but_not_on_the_projector(app, fay, named):
    Participant(app, named, name="Ada Lovelace", role="Exec").answer_page(
        "governance", {qid: 2 for qid in question_ids(app, "governance")})
    Participant(app, named, name="Grace Hopper", role="Delivery")
    detail = visible_text(fay.client.get(named.base).text)
    assert "Participants" in detail
    assert "Ada Lovelace" in detail and "Grace Hopper" in detail
    fay.reveal(named)
    assert "Ada Lovelace" not in json.dumps(fay.live(named))
    assert "Ada Lovelace" not in fay.client.get(named.base + "/projector").text



# --------------------------------------------------------------------------
# Hide and reveal
# --------------------------------------------------------------------------


def test_live_json_has_no_figures_until_revealed(app, fay, workshop):
    for level in (2, 4):
        Participant(app, workshop).answer_page("governance", {qid: level for qid in question_ids(app, "governance")})
    hidden = fay.live(workshop)
    assert set(hidden) == {"status", "revealed", "started", "screen", "round", "counts"}
    assert hidden["revealed"] is False
    assert hidden["counts"] == {"joined": 2, "in_progress": 2, "submitted": 0, "not_started": 0}

    fay.reveal(workshop)
    shown = fay.live(workshop)
    assert shown["revealed"] is True
    assert {d: b["respondents"] for d, b in shown["band"].items()}["governance"] == 2
    assert len(shown["discussion"]) > 0
    assert {row["question"] for row in shown["discussion"]} <= set(question_ids(app, "governance"))

    fay.reveal(workshop, on=False)
    assert set(fay.live(workshop)) == {"status", "revealed", "started", "screen", "round", "counts"}


def test_live_json_is_not_cached(fay, workshop):
    response = fay.client.get(workshop.base + "/live.json")
    assert "no-store" in response.headers["Cache-Control"]


def test_participants_see_the_room_picture_only_when_revealed(app, fay, workshop):
    p = Participant(app, workshop)
    p.answer_page("governance", {qid: 3 for qid in question_ids(app, "governance")})
    assert "data-room-picture" not in p.client.get(p.base).text
    assert p.client.get(p.base + "/room").status_code == 404
    fay.reveal(workshop)
    revealed = p.client.get(p.base).text
    assert "data-room-picture" in revealed and "The room's picture" in visible_text(revealed)
    assert "The room's picture" in visible_text(p.client.get(p.base + "/room").text)
    fay.reveal(workshop, on=False)
    assert "data-room-picture" not in p.client.get(p.base).text
    assert p.client.get(p.base + "/room").status_code == 404
