"""A participant answering on a phone: every page saves, replays change nothing, bad levels are refused."""

from __future__ import annotations

import pytest

from tests.helpers import visible_text
from tests.workshop_helpers import Participant, answers_of, question_ids


# --------------------------------------------------------------------------
# Answering
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "goes_to"), [
    ("next", "/d/analytics"),
    ("back", ""),
    ("stay", "/d/governance"),
])
def test_each_page_saves_by_form_whatever_the_button(app, workshop, action, goes_to):
    p = Participant(app, workshop)
    governance = question_ids(app, "governance")
    levels = {qid: (i % 5) + 1 for i, qid in enumerate(governance)}
    levels[governance[-1]] = None
    response = p.answer_page("governance", levels, action=action)
    assert response.status_code == 302
    assert response.location.endswith(f"/w/{workshop.code}{goes_to}")
    assert answers_of(p) == levels


def test_every_page_saves_the_whole_questionnaire(app, workshop):
    p = Participant(app, workshop)
    wanted = {qid: (i % 5) + 1 for i, qid in enumerate(question_ids(app))}
    p.answer_all(wanted)
    assert answers_of(p) == wanted
    review = p.client.get(f"{p.base}/review")
    assert review.status_code == 200
    assert p.submit().status_code == 302


def test_json_autosave_saves_and_reports_progress(app, workshop):
    p = Participant(app, workshop)
    first, second = question_ids(app)[:2]
    response = p.autosave({first: 4, second: None})
    assert response.status_code == 200
    assert response.get_json() == {"saved": 2, "answered": 2, "total": len(question_ids(app))}
    assert answers_of(p) == {first: 4, second: None}


def test_a_replayed_json_save_changes_nothing(app, workshop):
    p = Participant(app, workshop)
    body = {qid: 3 for qid in question_ids(app, "tools")}
    body[question_ids(app, "tools")[0]] = None
    first = p.autosave(body)
    rows = p.stored()
    replay = p.autosave(body)
    assert first.status_code == replay.status_code == 200
    assert replay.get_json()["answered"] == first.get_json()["answered"] == len(body)
    assert p.stored() == rows  # same levels, and not even the timestamps moved
    assert len(rows) == len(body) == len({qid for qid, *_ in rows})


@pytest.mark.parametrize("level", [0, 6, -1, "3", 3.5, True, [3], {"level": 3}])
def test_json_levels_not_offered_are_refused_and_nothing_is_saved(app, workshop, level):
    p = Participant(app, workshop)
    first, second = question_ids(app)[:2]
    response = p.autosave({first: 2, second: level})
    assert response.status_code == 400
    assert "error" in response.get_json()
    assert p.stored() == []


@pytest.mark.parametrize("raw", ["0", "6", "x", "", "3.0", "-1"])
def test_form_levels_not_offered_are_refused_and_nothing_is_saved(app, workshop, raw):
    p = Participant(app, workshop)
    first, second = question_ids(app, "governance")[:2]
    response = p.client.post(f"{p.base}/d/governance",
                             data={"csrf_token": p.csrf, "action": "next", f"q-{first}": "2", f"q-{second}": raw})
    assert response.status_code == 400
    assert "Nothing was saved" in visible_text(response.text)
    assert p.stored() == []


@pytest.mark.parametrize("bad", [
    pytest.param({"governance.no_such_question": 3}, id="unknown-question"),
    pytest.param({"tools.tool_fit": 3}, id="question-of-another-page"),
])
def test_form_questions_not_on_the_page_are_refused(app, workshop, bad):
    p = Participant(app, workshop)
    response = p.answer_page("governance", bad)
    assert response.status_code == 400
    assert p.stored() == []


def test_json_autosave_without_the_csrf_header_is_refused(app, workshop):
    p = Participant(app, workshop)
    response = p.autosave({question_ids(app)[0]: 3}, csrf=False)
    assert response.status_code == 400
    assert p.stored() == []
