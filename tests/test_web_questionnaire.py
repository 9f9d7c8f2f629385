"""The questionnaire in the browser, through the Flask test client."""

from __future__ import annotations

import re
import json

import pytest

from app.engine.vocabulary import DIMENSIONS
from tests.helpers import CONTEXT_FORM, FULL_CONTEXT, Respondent, checked_answers, visible_text


def stored_answers(app, respondent):
    from app import store

    db = store.open_db(app.config["DATABASE"])
    try:
        response = store.response_by_token(db, respondent.token)
        return store.load_answers(db, response["id"]), response
    finally:
        db.close()


def test_home_page_offers_to_start(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Start the assessment" in page.text


def test_full_walk_produces_a_scored_result(app, respondent):
    overview = respondent.client.get(respondent.base + "?new=1")
    assert "Your private link" in overview.text and respondent.token in overview.text
    assert respondent.fill_context().location.endswith(f"/d/{DIMENSIONS[0]}")
    for i, dim in enumerate(DIMENSIONS):
        page = respondent.client.get(f"{respondent.base}/d/{dim}")
        assert f"Capability area {i + 1} of 5" in visible_text(page.text)
        response = respondent.answer_dimension(dim, lambda q, i=i: i + 1)
        expected_next = f"/d/{DIMENSIONS[i + 1]}" if i + 1 < len(DIMENSIONS) else "/review"
        assert response.location.endswith(expected_next)
    review = respondent.client.get(respondent.base + "/review")
    total = len(respondent.questionnaire.questions())
    assert f"{total} of {total} answered" in visible_text(review.text)
    assert respondent.submit().location.endswith("/result")
    result = respondent.result()
    assert [result["scores"][d]["score"] for d in DIMENSIONS] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert result["overall"]["score"] == 3.0
    assert result["context"] == FULL_CONTEXT
    page = respondent.client.get(respondent.base + "/result")
    assert page.status_code == 200
    assert "Level 3 (Defined)" in visible_text(page.text)  # one wording: not "Level 3: Defined (level 3)"
    # The radar is drawn on the server, with the scores it shows
    assert 'data-series="Current maturity" data-values="1 2 3 4 5"' in page.text


def test_progress_counts_saved_answers(respondent):
    respondent.fill_context()
    respondent.answer_dimension("governance", lambda q: 2)
    page = respondent.client.get(respondent.base + "/d/analytics")
    assert "Capability area 2 of 5" in page.text
    q = respondent.questionnaire
    done = len(q.dimension("governance").questions)
    assert f"Capability area 2 of 5, {done} of {len(q.questions())} answered" in visible_text(page.text)


def test_back_saves_the_page_too(app, respondent):
    respondent.fill_context()
    back = respondent.answer_dimension("analytics", lambda q: 4, action="back")
    assert back.location.endswith("/d/governance")
    answers, _ = stored_answers(app, respondent)
    assert len(answers) == len(respondent.questionnaire.dimension("analytics").questions)
    assert set(answers.values()) == {4}


def test_dont_know_is_stored_and_shown_checked(app, respondent):
    respondent.answer_dimension("tools", lambda q: None)
    answers, _ = stored_answers(app, respondent)
    assert set(answers.values()) == {None}
    page = respondent.client.get(respondent.base + "/d/tools")
    shown = checked_answers(page.text)
    assert len(shown) == len(respondent.questionnaire.dimension("tools").questions)
    assert set(shown.values()) == {"dk"}


def test_resume_from_a_new_app_instance_on_the_same_database(make_app, db_path, client, questionnaire):
    first = Respondent(client, questionnaire)
    first.fill_context()
    first.answer_dimension("governance", lambda q: 2)
    first.answer_dimension("analytics", lambda q: 3)
    # A server restart: a new app on the same file, a new browser session.
    restarted = make_app(db_path)
    browser = restarted.test_client()
    overview = browser.get(f"/r/{first.token}")
    done = len(questionnaire.dimension("governance").questions) + len(questionnaire.dimension("analytics").questions)
    assert f"{done} of {len(questionnaire.questions())} questions answered" in visible_text(overview.text)
    assert f'href="/r/{first.token}/d/facilitation"' in overview.text
    page = browser.get(f"/r/{first.token}/d/analytics")
    shown = checked_answers(page.text)
    assert len(shown) == len(questionnaire.dimension("analytics").questions) and set(shown.values()) == {"3"}


def test_double_submit_yields_one_result(app, respondent):
    respondent.fill_context()
    respondent.answer_all()
    first = respondent.submit()
    second = respondent.submit()
    assert first.status_code == second.status_code == 302
    from app import store

    db = store.open_db(app.config["DATABASE"])
    assert db.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1


def test_submitted_answers_cannot_change(app, respondent):
    respondent.fill_context()
    respondent.answer_all(lambda q: 2)
    respondent.submit()
    page = respondent.answer_dimension("governance", lambda q: 5)
    assert page.status_code == 302 and page.location.endswith("/result")
    blocked = respondent.client.post(respondent.base + "/answers", json={"answers": {"governance.stage_gates": 5}},
                                     headers={"X-CSRFToken": respondent.csrf})
    assert blocked.status_code == 409
    answers, _ = stored_answers(app, respondent)
    assert set(answers.values()) == {2}


def test_submit_requires_a_complete_profile(respondent):
    respondent.answer_all()
    response = respondent.submit()
    assert response.status_code == 400
    assert "Answer the organisation profile before submitting" in response.text


@pytest.mark.parametrize(
    "form, message",
    [
        ({"q-governance.stage_gates": "7"}, "level &#39;7&#39; is not offered for question &#39;governance.stage_gates&#39;"),
        ({"q-governance.stage_gates": "three"}, "level &#39;three&#39; is not offered"),
        ({"q-governance.invented": "3"}, "unknown question id &#39;governance.invented&#39;"),
        ({"q-tools.adoption": "3"}, "unknown question id &#39;tools.adoption&#39; on the governance page"),
    ],
    ids=["level-not-offered", "level-not-a-number", "unknown-question", "question-of-another-page"],
)
def test_bad_answers_get_400_and_change_nothing(app, respondent, form, message):
    respondent.answer_dimension("governance", lambda q: 2)
    before, _ = stored_answers(app, respondent)
    response = respondent.post("/d/governance", {"q-governance.intake_criteria": "5", **form, "action": "next"})
    assert response.status_code == 400
    assert message in response.text
    assert "Nothing was saved" in response.text
    after, _ = stored_answers(app, respondent)
    assert after == before


@pytest.mark.parametrize("token", [None, "forged-token"], ids=["missing", "forged"])
def test_csrf_missing_or_forged_gets_400_and_changes_nothing(app, respondent, token):
    data = {"q-governance.intake_criteria": "4", "action": "next"}
    if token:
        data["csrf_token"] = token
    response = respondent.client.post(respondent.base + "/d/governance", data=data)
    assert response.status_code == 400
    assert "security token" in response.text
    answers, _ = stored_answers(app, respondent)
    assert answers == {}


def test_csrf_is_required_for_json_autosave(app, respondent):
    response = respondent.client.post(respondent.base + "/answers", json={"answers": {"tools.adoption": 3}})
    assert response.status_code == 400
    assert stored_answers(app, respondent)[0] == {}


def test_autosave_saves_and_a_replay_changes_nothing(app, respondent):
    payload = {"answers": {"tools.adoption": 3, "tools.integration": None}}
    headers = {"X-CSRFToken": respondent.csrf}
    first = respondent.client.post(respondent.base + "/answers", json=payload, headers=headers)
    assert first.status_code == 200 and first.get_json()["answered"] == 2
    replay = respondent.client.post(respondent.base + "/answers", json=payload, headers=headers)
    assert replay.status_code == 200
    answers, _ = stored_answers(app, respondent)
    assert answers == {"tools.adoption": 3, "tools.integration": None}


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"answers": {"tools.adoption": 9}}, "answer to 'tools.adoption' is 9"),
        ({"answers": {"tools.nothing": 2}}, "unknown question id 'tools.nothing'"),
        ({"answers": [1, 2]}, "expected JSON"),
    ],
)
def test_autosave_rejects_bad_input(app, respondent, payload, message):
    response = respondent.client.post(respondent.base + "/answers", json=payload,
                                      headers={"X-CSRFToken": respondent.csrf})
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    assert stored_answers(app, respondent)[0] == {}


def test_bad_context_choice_is_refused_in_plain_words_and_the_rest_is_saved(app, respondent):
    form = {**{k: str(v) for k, v in FULL_CONTEXT.items()}, "regulated": "yes", "org_size": "galactic",
            "action": "next"}
    response = respondent.post("/context", form)
    assert response.status_code == 400
    assert "Please choose one of the answers offered for “How large is your IT organisation?”" in response.text
    assert "context.org_size" not in response.text
    saved = stored_answers(app, respondent)[1]
    assert saved["context"] == {k: v for k, v in FULL_CONTEXT.items() if k != "org_size"}
    assert saved["step"] == "context"


def test_one_bad_number_keeps_every_answer_typed_and_saves_the_valid_ones(app, respondent):
    respondent.fill_context()
    form = {**CONTEXT_FORM, "active_projects": "-5", "org_size": "medium", "action": "next"}
    response = respondent.post("/context", form)
    assert response.status_code == 400
    page = response.text
    assert "“Roughly how many IT projects are active right now?” needs a whole number from 0 to 2,000; “-5” is not one." in page
    assert "cannot be below" not in page and "context.active_projects" not in page
    assert 'name="active_projects" value="-5"' in page
    assert 'name="business_units" value="4"' in page
    for key in ("risk_profile", "delivery_mix", "primary_pain", "existing_pmo"):
        assert re.search(rf'id="{key}-{FULL_CONTEXT[key]}" value="{FULL_CONTEXT[key]}"\s+checked', page)
    assert re.search(r'id="org_size-medium" value="medium"\s+checked', page)
    assert stored_answers(app, respondent)[1]["context"] == {**FULL_CONTEXT, "org_size": "medium"}


def test_missing_context_is_asked_for_but_valid_values_are_kept(app, respondent):
    response = respondent.post("/context", {"org_size": "small", "action": "next"})
    assert response.status_code == 400
    assert "Please answer" in response.text
    assert stored_answers(app, respondent)[1]["context"] == {"org_size": "small"}


def test_unknown_private_link_is_404(client):
    assert client.get("/r/not-a-real-token").status_code == 404
    assert client.get("/r/not-a-real-token/result.json").status_code == 404


def test_result_json_is_stable_and_matches_the_page(respondent):
    respondent.fill_context()
    respondent.answer_all(lambda q: 4 if q.id.startswith("tools") else 2)
    respondent.submit()
    first = respondent.client.get(respondent.base + "/result.json")
    second = respondent.client.get(respondent.base + "/result.json")
    assert first.data == second.data
    data = json.loads(first.data)
    assert data["scores"]["tools"]["score"] == 4.0
    assert data["questionnaire"]["id"] == "pmo-maturity"


def test_private_pages_are_not_cached_and_leak_no_referrer(respondent):
    page = respondent.client.get(respondent.base)
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "same-origin"


def test_plotly_is_served_locally(client):
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert len(response.data) > 1_000_000
    response.close()


def test_bootstrap_is_served_locally(client):
    page = client.get("/")
    # Every stylesheet and script comes from this site (the page's random tokens may spell anything).
    addresses = re.findall(r'<(?:link|script)[^>]*\s(?:href|src)="([^"]+)"', page.text)
    assert addresses and all(a.startswith("/") and not a.startswith("//") for a in addresses), addresses
    assert "/bootstrap/static/css/bootstrap.min.css" in addresses


def test_review_lists_every_answer_with_its_level_wording_and_a_link_to_change_it(respondent):
    respondent.fill_context()
    questions = respondent.questionnaire.dimension("governance").questions
    first, unsure, skipped = questions[0], questions[1], questions[2]
    respondent.answer_dimension("governance", lambda q: None if q is unsure else "skip" if q is skipped else 3)
    page = respondent.client.get(respondent.base + "/review").text
    text = visible_text(page)
    assert f"{first.short_name} Level 3 {first.label(3)}" in text
    assert f"{unsure.short_name} Don't know (not scored)" in text
    assert f"{skipped.short_name} Not answered" in text
    assert f'href="{respondent.base}/d/governance?return=review#{first.id}"' in page


def test_review_counts_dont_know_one_way(respondent):
    """'Answered' counts don't know, in the progress line and in each area; never 50 of 50 beside 11 of 12."""
    respondent.fill_context()
    questions = respondent.questionnaire.dimension("governance").questions
    respondent.answer_all(lambda q: None if q is questions[0] else 3)
    text = visible_text(respondent.client.get(respondent.base + "/review").text)
    total, area = len(respondent.questionnaire.questions()), len(questions)
    assert f"{total} of {total} answered" in text
    assert f"{area} of {area} answered, 1 “don't know”" in text
    assert f"{area - 1} of {area} answered" not in text


def test_changing_an_answer_from_the_review_returns_to_it(respondent):
    respondent.fill_context()
    respondent.answer_all(lambda q: 3)
    question = respondent.questionnaire.dimension("tools").questions[0]
    page = respondent.client.get(respondent.base + "/d/tools?return=review").text
    assert "Back to review" in visible_text(page)
    response = respondent.post("/d/tools", {f"q-{question.id}": "4", "action": "review"})
    assert response.status_code == 302 and response.location.endswith("/review#answers-tools")
    text = visible_text(respondent.client.get(respondent.base + "/review").text)
    assert f"{question.short_name} Level 4 {question.label(4)}" in text
    assert "Back to review" not in visible_text(respondent.client.get(respondent.base + "/d/tools").text)


def test_the_profiles_error_summary_lists_the_problems_in_the_order_of_the_questions(app, respondent):
    """A wrong number in the second question is listed second, not after every unanswered question."""
    response = respondent.post("/context", {"active_projects": "-5", "regulated": "maybe", "action": "next"})
    assert response.status_code == 400
    summary = re.search(r"<div[^>]*data-error-summary>(.*?)</div>", response.text, flags=re.S).group(1)
    linked = re.findall(r'<a href="#field-([a-z_]+)">', summary)
    order = [f.key for f in app.extensions["pmo_content"].default_questionnaire.context]
    assert linked == order
    assert "“-5” is not one" in re.findall(r"<li>(.*?)</li>", summary)[order.index("active_projects")]
