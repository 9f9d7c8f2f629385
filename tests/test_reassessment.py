"""Re-assessing quarter after quarter: last period's profile and answers prefilled, each answer
confirmed or changed, filters for the changed and the unconfirmed, and the review's summary of
what changed. Expected values come from each result's JSON, never written down by hand."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from app.engine.reassessment import answer_states, next_period
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import CONTEXT_FORM, FULL_CONTEXT, query, visible_text
from tests.history_helpers import FIRST, Member, OrgRespondent, levels_for


# --------------------------------------------------------------------------
# The engine's part: which period comes next, and each answer's state
# --------------------------------------------------------------------------


@pytest.mark.parametrize("last, today, expected", [
    ("2026-Q3", date(2026, 8, 1), "2026-Q4"),    # re-assessed in the same quarter: the next one
    ("2026-Q3", date(2026, 11, 25), "2026-Q4"),  # the quarter after
    ("2026-Q4", date(2026, 12, 1), "2027-Q1"),   # over the year end
    ("2025-Q1", date(2026, 11, 25), "2026-Q4"),  # a long gap: never before today's quarter
    ("Autumn review", date(2026, 11, 25), "2026-Q4"),
    (None, date(2026, 2, 1), "2026-Q1"),
])
def test_next_period_is_the_quarter_after_the_last_but_never_before_today(last, today, expected):
    assert next_period(last, today) == expected


@pytest.mark.parametrize("previous, answers, unconfirmed, expected", [
    ({"a": 3}, {"a": 3}, {"a"}, {"a": "unconfirmed"}),
    ({"a": 3}, {"a": 3}, set(), {"a": "confirmed"}),
    ({"a": 3}, {"a": 4}, {"a"}, {"a": "changed"}),        # a different level is changed, whatever the flag
    ({"a": None}, {"a": 2}, set(), {"a": "changed"}),     # from don't know to a level
    ({"a": 2}, {"a": None}, set(), {"a": "changed"}),
    ({}, {"b": 2}, set(), {"b": "new"}),                  # not asked last time
])
def test_answer_states(previous, answers, unconfirmed, expected):
    assert answer_states(previous, answers, unconfirmed) == expected


# --------------------------------------------------------------------------
# Through the pages
# --------------------------------------------------------------------------


def reassess(member: Member, org: int, unit: int | None = None, period: str = "2025-Q2",
             assessed_on: str = "2025-05-14", start_from: str = "previous"):
    return member.post(f"/orgs/{org}/assessments", {"period": period, "assessed_on": assessed_on,
                                                     "unit": "" if unit is None else str(unit),
                                                     "start_from": start_from})


def respondent_of(member: Member, response) -> OrgRespondent:
    assert response.status_code == 302, visible_text(response.text)
    token = response.location.split("/r/")[1].split("?")[0]
    return OrgRespondent(member.client, member.questionnaire, token, member.csrf)


def shown_questions(html: str) -> list[str]:
    return re.findall(r'<fieldset class="question[^"]*" id="([^"]+)"', html)


def stored_answers(app, token: str) -> dict[str, tuple]:
    """{question id: (level, confirmed)}; confirmed is None for a question that was not prefilled."""
    response_id = int(token[1:].split(".")[0])
    return {q: (level, confirmed) for q, level, confirmed in query(
        app, "SELECT a.question_id, a.level, p.confirmed FROM answers a LEFT JOIN prefills p "
             "ON p.response_id = a.response_id AND p.question_id = a.question_id WHERE a.response_id = ?",
        [response_id])}


@pytest.fixture
def quarter(app):
    """An organisation with one submitted quarter (every area at its FIRST level, some questions off it)."""
    member = Member(app, "pmo@example.org")
    org = member.create_org()
    questions = [q.id for q in member.questionnaire.questions()]
    overrides = {questions[0]: None, questions[1]: 5}  # a don't know and an outlier
    first = member.assess(org, "2025-Q1", "2025-02-14", levels_for(FIRST, overrides))
    return member, org, first


def test_reassessment_starts_with_last_periods_profile_and_answers_unconfirmed(app, quarter):
    member, org, first = quarter
    respondent = respondent_of(member, reassess(member, org))
    stored = stored_answers(app, respondent.token)
    assert {q: level for q, (level, _) in stored.items()} == first.result["answers"]
    assert {confirmed for _, confirmed in stored.values()} == {0}
    (context_json, step), = query(app, "SELECT context_json, step FROM responses WHERE id = ?",
                                  [int(respondent.token[1:].split(".")[0])])
    assert step == "context"
    assert json.loads(context_json) == FULL_CONTEXT
    assert profile_values(member.get(respondent.base + "/context").text) == {
        k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in FULL_CONTEXT.items()}


def profile_values(html: str) -> dict[str, str]:
    """What the profile form shows filled in: checked radio buttons and number fields with a value."""
    values = {}
    for tag in re.findall(r"<input[^>]*>", html, flags=re.S):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if not name or not value or name.group(1) == "csrf_token":
            continue
        if 'type="radio"' in tag and not re.search(r"\schecked[\s>]", tag):
            continue
        if value.group(1):
            values[name.group(1)] = value.group(1)
    return values


def test_each_question_says_what_it_was_last_time(quarter):
    member, org, first = quarter
    respondent = respondent_of(member, reassess(member, org))
    dimension = DIMENSIONS[0]
    page = member.get(f"{respondent.base}/d/{dimension}").text
    text = visible_text(page)
    for q in member.questionnaire.dimension(dimension).questions:
        level = first.result["answers"][q.id]
        said = "don't know" if level is None else f"level {level}"
        assert f"Last time: {said} (2025-Q1)" in visible_text(page.split(f'id="{q.id}"')[1].split("</fieldset>")[0])
    assert "not yet confirmed" in text


def test_prefilled_answers_are_kept_until_changed_and_the_filters_are_right(app, quarter):
    member, org, first = quarter
    respondent = respondent_of(member, reassess(member, org))
    assert respondent.fill_context(FULL_CONTEXT).status_code == 302
    dimension = DIMENSIONS[1]
    questions = [q.id for q in member.questionnaire.dimension(dimension).questions]
    previous = first.result["answers"]
    change = {questions[0]: 5 if previous[questions[0]] != 5 else 4, questions[2]: None}
    confirm = questions[3]
    form = {f"q-{q}": ("dk" if change.get(q, previous[q]) is None else str(change.get(q, previous[q])))
            for q in questions}
    form[f"confirm-{confirm}"] = "1"
    assert respondent.post(f"/d/{dimension}", {**form, "action": "next"}).status_code == 302

    changed_page = member.get(f"{respondent.base}/d/{dimension}?show=changed").text
    assert shown_questions(changed_page) == [q for q in questions if q in change]
    unconfirmed_page = member.get(f"{respondent.base}/d/{dimension}?show=unconfirmed").text
    assert shown_questions(unconfirmed_page) == [q for q in questions if q not in change and q != confirm]
    assert shown_questions(member.get(f"{respondent.base}/d/{dimension}").text) == questions
    # Another area, untouched: nothing changed, everything waits to be confirmed.
    other = member.questionnaire.dimension(DIMENSIONS[2]).questions
    assert shown_questions(member.get(f"{respondent.base}/d/{DIMENSIONS[2]}?show=changed").text) == []
    assert len(shown_questions(member.get(f"{respondent.base}/d/{DIMENSIONS[2]}?show=unconfirmed").text)) == len(other)

    assert respondent.submit().status_code == 302
    assert respondent.result()["answers"] == {**previous, **change}


def test_a_filtered_page_saves_only_what_it_shows_and_next_keeps_the_filter(app, quarter):
    member, org, first = quarter
    respondent = respondent_of(member, reassess(member, org))
    dimension, following = DIMENSIONS[0], DIMENSIONS[1]
    shown = shown_questions(member.get(f"{respondent.base}/d/{dimension}?show=unconfirmed").text)
    form = {f"q-{q}": ("dk" if first.result["answers"][q] is None else str(first.result["answers"][q]))
            for q in shown}
    response = respondent.post(f"/d/{dimension}", {**form, "show": "unconfirmed", "action": "confirm"})
    assert response.status_code == 302 and response.location.endswith(f"/d/{dimension}?show=unconfirmed")
    assert "Every answer in" in visible_text(member.get(response.location).text)
    response = respondent.post(f"/d/{dimension}", {"show": "unconfirmed", "action": "next"})
    assert response.location.endswith(f"/d/{following}?show=unconfirmed")
    stored = stored_answers(app, respondent.token)
    assert all(stored[q][1] == 1 for q in shown)
    assert all(stored[q][1] == 0 for q in stored if q not in shown)


def test_autosave_confirms_and_unconfirms_answers_in_one_request(app, quarter):
    member, org, first = quarter
    respondent = respondent_of(member, reassess(member, org))
    questions = [q.id for q in member.questionnaire.dimension(DIMENSIONS[0]).questions]
    headers = {"X-CSRFToken": member.csrf}
    saved = member.client.post(respondent.base + "/answers", json={"confirm": {questions[0]: True, questions[1]: True}},
                               headers=headers)
    assert saved.status_code == 200, saved.text
    saved = member.client.post(respondent.base + "/answers", json={"confirm": {questions[1]: False}}, headers=headers)
    assert saved.status_code == 200
    stored = stored_answers(app, respondent.token)
    assert (stored[questions[0]][1], stored[questions[1]][1], stored[questions[2]][1]) == (1, 0, 0)
    refused = member.client.post(respondent.base + "/answers", json={"confirm": {"nope.nothing": True}},
                                 headers=headers)
    assert refused.status_code == 400 and stored_answers(app, respondent.token) == stored


def test_review_summarises_what_changed_since_last_time(app, quarter):
    member, org, first = quarter
    respondent = respondent_of(member, reassess(member, org))
    context = {**FULL_CONTEXT, "existing_pmo": "established"}
    assert respondent.fill_context(context).status_code == 302
    dimension = DIMENSIONS[0]
    questions = member.questionnaire.dimension(dimension).questions
    target = questions[-1]
    before = first.result["answers"][target.id]
    after = 5 if before != 5 else 4
    assert respondent.answer_dimension(dimension, lambda q: after if q.id == target.id else
                                       first.result["answers"][q.id]).status_code == 302
    page = member.get(respondent.base + "/review").text
    text = visible_text(page)
    assert "What changed since 2025-Q1" in text
    changed = visible_text(re.search(r"<ul[^>]*data-changed-answers[^>]*>(.*?)</ul>", page, re.S).group(1)).replace(" :", ":")
    assert changed == f"{target.text} ({member.questionnaire.dimension(dimension).title}): level {before} → level {after}"
    profile = visible_text(re.search(r"<ul[^>]*data-changed-profile[^>]*>(.*?)</ul>", page, re.S).group(1))
    assert profile.startswith(member.questionnaire.context_field("existing_pmo").label)
    total = len(member.questionnaire.questions())
    assert f"{total - 1} not yet confirmed" in text  # the rest waits
    assert respondent.submit().status_code == 302
    result = respondent.result()
    area_row = re.search(rf"<th scope=\"row\">{re.escape(member.questionnaire.dimension(dimension).title)}</th>"
                         r"<td>([\d.]+)</td><td>([\d.]+)</td>", page)
    assert float(area_row.group(1)) == first.result["scores"][dimension]["score"]
    assert float(area_row.group(2)) == result["scores"][dimension]["score"]


def test_a_blank_start_has_nothing_prefilled(app, quarter):
    member, org, _first = quarter
    respondent = respondent_of(member, reassess(member, org, start_from="blank"))
    assert stored_answers(app, respondent.token) == {}
    assert "Last time" not in visible_text(member.get(f"{respondent.base}/d/{DIMENSIONS[0]}").text)


def test_reassessing_a_scope_without_a_result_is_refused_and_creates_nothing(app, quarter):
    member, org, _first = quarter
    unit = member.add_unit(org, "Retail")
    before = query(app, "SELECT count(*) FROM assessments")
    response = reassess(member, org, unit=unit)
    assert response.status_code == 400
    assert "no submitted assessment" in visible_text(response.text)
    assert query(app, "SELECT count(*) FROM assessments") == before
    assert reassess(member, org, start_from="sideways").status_code == 400


def test_a_unit_is_reassessed_from_its_own_last_result(app, quarter):
    member, org, first = quarter
    unit = member.add_unit(org, "Retail")
    unit_result = member.assess(org, "2025-Q1", "2025-02-20", {d: 4 for d in DIMENSIONS}, unit=unit)
    respondent = respondent_of(member, reassess(member, org, unit=unit))
    assert {q: level for q, (level, _) in stored_answers(app, respondent.token).items()} == \
        unit_result.result["answers"]
    assert unit_result.result["answers"] != first.result["answers"]


def test_dashboard_offers_to_reassess_for_the_next_period(quarter):
    member, org, _first = quarter
    page = member.get(f"/orgs/{org}").text
    form = re.search(r"<form[^>]*data-reassess-form>(.*?)</form>", page, re.S).group(1)
    assert f'name="period" value="{next_period("2025-Q1", date.today())}"' in form
    assert 'name="start_from" value="previous"' in form


def test_result_page_gives_the_assessment_date_not_the_day_it_was_submitted(quarter):
    member, _org, first = quarter
    text = visible_text(member.get(f"/r/{first.token}/result").text)
    assert "2025-Q1, assessed on 14 Feb 2025" in text
    assert f"submitted {date.today().isoformat()}" not in text


def test_a_workshop_started_from_the_last_result_shows_it_beside_the_room(app, quarter):
    fay, org, first = quarter  # a facilitator: she runs workshops too

    def open_workshop(start_from: str) -> str:
        response = fay.post(f"/orgs/{org}/workshops/new", {"title": "Quarterly", "mode": "anonymous", "roles": "",
                                                           "start_from": start_from, **CONTEXT_FORM})
        assert response.status_code == 302, visible_text(response.text)
        base = response.location
        fay.post(base + "/reveal", {"revealed": "1"})
        return base

    previous = open_workshop("previous")
    live = fay.get(previous + "/live.json").get_json()
    assert live["baseline"]["period"] == "2025-Q1"
    fay.post(previous + "/start", {})
    stage = fay.get(previous + "/stage.json").get_json()["html"]  # the projector's radar shows it too
    assert "data-baseline" in stage and "the last result (2025-Q1)" in visible_text(stage)
    assert live["baseline"]["scores"] == {d: first.result["scores"][d]["score"] for d in DIMENSIONS}
    assert "Last result (2025-Q1)" in [trace.get("name") for trace in live["figures"]["radar"]["data"]]
    blank = open_workshop("blank")
    assert fay.get(blank + "/live.json").get_json()["baseline"] is None
    fay.post(blank + "/start", {})
    assert "data-baseline" not in fay.get(blank + "/stage.json").get_json()["html"]


def test_an_answer_changed_and_changed_back_counts_as_confirmed(app, quarter):
    member, org, first = quarter
    respondent = respondent_of(member, reassess(member, org))
    question = member.questionnaire.dimension(DIMENSIONS[0]).questions[-1].id
    before = first.result["answers"][question]
    other = 5 if before != 5 else 4
    headers = {"X-CSRFToken": member.csrf}
    for level in (other, before):  # as autosave sends each change
        assert member.client.post(respondent.base + "/answers", json={"answers": {question: level}},
                                  headers=headers).status_code == 200
    assert stored_answers(app, respondent.token)[question] == (before, 1)


def test_a_reassessment_only_starts_from_a_submitted_assessment_of_the_same_organisation(fresh_db):
    from app import store
    from tests.helpers import new_user
    user = new_user(fresh_db, "x@example.org")
    mine, theirs = store.create_org(fresh_db, "Mine", user), store.create_org(fresh_db, "Theirs", user)
    response_id = store.create_org_assessment(fresh_db, theirs, user, "pmo-maturity", "2.0")
    (assessment_id,), = fresh_db.execute("SELECT assessment_id FROM responses WHERE id = ?", [response_id]).fetchall()
    fresh_db.execute("UPDATE assessments SET status = 'closed' WHERE id = ?", [assessment_id])
    for org in (mine, theirs):
        if org == theirs:
            fresh_db.execute("UPDATE assessments SET status = 'open' WHERE id = ?", [assessment_id])
        with pytest.raises(store.NotFound):
            store.create_reassessment(fresh_db, org, user, "pmo-maturity", "2.0", previous_id=assessment_id,
                                      answers={}, context={}, period=None, assessed_on=None, unit_id=None)
    assert fresh_db.execute("SELECT count(*) FROM assessments").fetchone()[0] == 1
