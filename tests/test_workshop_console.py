"""The facilitator's console: close with confirmation, cancel, re-open within a day, remove a ghost,
names with answers in named mode, and a second round of voting that reaches the report."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import opened, visible_text
from tests.workshop_helpers import Participant, question_ids, snapshot_count


def workshop_row(app, workshop) -> dict:
    with opened(app) as db:
        return store.get_workshop(db, workshop.org_id, workshop.id)


def logged(app, workshop) -> list[tuple[str, int, str]]:
    """The organisation's audit log about this workshop since it was opened, oldest first: (action, object id, detail)."""
    with opened(app) as db:
        entries = [(e["action"], e["object_id"], e["detail"]) for e in reversed(store.audit_entries(db, workshop.org_id))
                   if e["object_kind"] == "workshop" and e["object_id"] == workshop.id]
    assert entries[0][0] == "workshop_opened"
    return entries[1:]


def test_close_asks_first_and_says_what_it_will_do(app, fay, workshop):
    Participant(app, workshop).autosave({question_ids(app)[0]: 3})
    page = fay.client.get(workshop.base + "/close")
    said = visible_text(page.text)
    assert page.status_code == 200 and "freeze that result" in said and "re-open it within 24 hours" in said
    unconfirmed = fay.post(workshop.base + "/close")  # the old one-click form: shows the question again
    assert unconfirmed.status_code == 200 and "Close and create the result" in unconfirmed.text
    assert workshop_row(app, workshop)["status"] == "open" and snapshot_count(app) == 0
    assert fay.close(workshop).status_code == 302
    assert workshop_row(app, workshop)["status"] == "closed" and snapshot_count(app) == 1


def test_a_workshop_nobody_answered_is_cancelled_not_closed_and_leaves_no_result(app, fay, org_id, workshop):
    Participant(app, workshop)  # joined, answered nothing
    refused = fay.close(workshop)
    assert refused.status_code == 409 and "Cancel the workshop instead" in visible_text(refused.text)
    assert "Cancel the workshop" in visible_text(fay.client.get(workshop.base + "/close").text)
    assert snapshot_count(app) == 0
    cancelled = fay.post(workshop.base + "/cancel", {"confirm": "yes"})
    assert cancelled.status_code == 302
    assert logged(app, workshop) == [("workshop_cancelled", workshop.id, "")]  # the refused close left no entry
    row = workshop_row(app, workshop)
    assert row["cancelled"] and row["status"] == "closed" and snapshot_count(app) == 0
    assert "cancelled" in visible_text(fay.client.get(workshop.base).text)
    assert fay.client.get(f"/join/{workshop.code}").status_code == 404
    assert fay.client.get(workshop.base + "/report").status_code == 404
    with opened(app) as db:
        assert store.org_assessments(db, org_id) == []  # the organisation's history has no entry for it


def test_a_workshop_with_answers_cannot_be_cancelled(app, fay, workshop):
    Participant(app, workshop).autosave({question_ids(app)[0]: None})
    refused = fay.post(workshop.base + "/cancel", {"confirm": "yes"})
    assert refused.status_code == 409 and "close the workshop instead" in visible_text(refused.text)
    assert workshop_row(app, workshop)["status"] == "open" and logged(app, workshop) == []


def test_reopen_within_a_day_supersedes_the_result_and_not_after(app, fay, workshop):
    first_q = question_ids(app)[0]
    Participant(app, workshop).autosave({first_q: 2})
    assert fay.close(workshop).status_code == 302
    first = workshop_row(app, workshop)["snapshot_id"]
    assert "Re-open" in visible_text(fay.client.get(workshop.base + "/report").text)
    assert fay.post(workshop.base + "/reopen", {"confirm": "yes"}).status_code == 302
    assert workshop_row(app, workshop)["status"] == "open"
    assert [a for a, *_ in logged(app, workshop)] == ["workshop_closed", "workshop_reopened"]
    assert fay.client.get(f"/join/{workshop.code}").status_code == 404  # nobody new joins
    assert fay.post(workshop.base + "/consensus", {"question_id": first_q, "level": "4"}).status_code == 302
    assert fay.close(workshop).status_code == 302
    second = workshop_row(app, workshop)["snapshot_id"]
    assert second != first and snapshot_count(app) == 2
    assert fay.client.get(workshop.base + "/report.json").get_json()["answers"][first_q] == 4
    with opened(app) as db:  # a day and a second later
        late = (datetime.now(timezone.utc) - timedelta(hours=24, seconds=1)).isoformat(timespec="seconds")
        db.execute("UPDATE workshops SET closed_at = ? WHERE id = ?", [late, workshop.id])
    assert "Re-open" not in visible_text(fay.client.get(workshop.base + "/report").text)
    assert fay.client.get(workshop.base + "/reopen").status_code == 409
    assert fay.post(workshop.base + "/reopen", {"confirm": "yes"}).status_code == 409
    assert workshop_row(app, workshop)["status"] == "closed"
    assert [a for a, *_ in logged(app, workshop)].count("workshop_reopened") == 1  # the refused one left none


def test_removing_a_ghost_needs_confirmation_and_changes_the_counts(app, fay, workshop):
    ids = question_ids(app, "governance")
    real = [Participant(app, workshop) for _ in range(2)]
    ghost = Participant(app, workshop)
    for p in real:
        p.answer_page("governance", {q: 3 for q in ids})
    ghost.autosave({ids[0]: 1})
    assert fay.live(workshop)["counts"] == {"joined": 3, "in_progress": 3, "submitted": 0, "not_started": 0}
    with opened(app) as db:
        ghost_id = store.response_by_token(db, ghost.token)["id"]
    path = f"{workshop.base}/participants/{ghost_id}/remove"
    assert fay.post(path).status_code == 400  # no confirmation: nobody removed
    assert fay.live(workshop)["counts"]["joined"] == 3 and logged(app, workshop) == []
    assert fay.post(path, {"confirm": "yes"}).status_code == 302
    assert logged(app, workshop) == [("participant_removed", workshop.id, f"participant #{ghost_id}")]
    assert fay.live(workshop)["counts"] == {"joined": 2, "in_progress": 2, "submitted": 0, "not_started": 0}
    assert ghost.client.get(ghost.base).status_code == 403
    assert f'data-participant="{ghost_id}"' not in fay.client.get(workshop.base + "/panel").text
    fay.reveal(workshop)
    assert fay.live(workshop)["band"]["governance"]["min"] == 3  # the ghost's 1 left the figures


def test_named_mode_shows_each_person_with_their_answers_anonymous_does_not(app, fay, org_id):
    named = fay.create_workshop(org_id, mode="named", title="Named")
    first = question_ids(app)[0]
    Participant(app, named, name="Priya Shah").autosave({first: 4})
    panel = fay.client.get(named.base + "/panel").text
    assert "Priya Shah" in panel and "level 4" in visible_text(panel)
    anonymous = fay.create_workshop(org_id, title="Anonymous")
    Participant(app, anonymous, name="Priya Shah").autosave({first: 4})
    panel = fay.client.get(anonymous.base + "/panel").text
    assert "Priya Shah" not in panel and "level 4" not in visible_text(panel) and "Participant 1" in panel


def test_role_comparison_explains_itself_when_a_role_is_too_small(app, fay, workshop):
    for _ in range(2):
        Participant(app, workshop, role="Delivery").autosave({question_ids(app)[0]: 2})
    said = visible_text(fay.client.get(workshop.base + "/panel").text)
    assert "Role figures appear from 3 people per role" in said and "Delivery (2 joined, 2 answered)" in said


def test_disagreement_is_said_in_words_on_the_console(app, fay, workshop):
    first = question_ids(app)[0]
    for level in (1, 1, 4):
        Participant(app, workshop).autosave({first: level})
    said = visible_text(fay.client.get(workshop.base).text)
    assert "split: two at level 1, one at level 4" in said.lower()
    assert "IQR" not in said


@pytest.fixture
def split_room(app, fay, workshop):
    """Three people split 1, 1, 4 on the first question."""
    first = question_ids(app)[0]
    people = [Participant(app, workshop) for _ in range(3)]
    for p, level in zip(people, (1, 1, 4)):
        assert p.autosave({first: level}).status_code == 200
    return first, people


def test_a_second_round_moves_the_agreed_level_and_the_report_shows_both_rounds(app, fay, workshop, split_room):
    first, people = split_room
    assert fay.post(workshop.base + "/rounds", {"question_id": first}).status_code == 302
    with opened(app) as db:
        round_id = store.open_round_of(db, workshop.id)["id"]
    for p in people:  # every phone is taken to just that question
        assert p.client.get(p.base + "/state.json").get_json()["round"] == round_id
        page = p.client.get(p.base + "/round")
        assert page.status_code == 200 and 'name="level"' in page.text
    bad = people[0].client.post(f"{people[0].base}/round/{round_id}", json={"level": 7},
                                headers={"X-CSRFToken": people[0].csrf})
    assert bad.status_code == 400
    for p, level in zip(people, (3, 3, 4)):
        saved = p.client.post(f"{p.base}/round/{round_id}", json={"level": level}, headers={"X-CSRFToken": p.csrf})
        assert saved.status_code == 200, saved.text
    assert fay.post(f"{workshop.base}/rounds/{round_id}/close").status_code == 302
    late = people[0].client.post(f"{people[0].base}/round/{round_id}", json={"level": 1},
                                 headers={"X-CSRFToken": people[0].csrf})
    assert late.status_code == 409
    stage = visible_text(fay.client.get(workshop.base + "/stage.json").get_json()["html"])
    assert "Proposed: level 3" in stage and "split: two at level 1, one at level 4" in stage
    assert fay.post(workshop.base + "/consensus", {"question_id": first, "level": "3"}).status_code == 302
    assert fay.close(workshop).status_code == 302
    report = visible_text(fay.client.get(workshop.base + "/report").text)
    assert "moved from split 1–4 to agreed 3 after discussion" in report.lower()
    assert fay.client.get(workshop.base + "/report.json").get_json()["answers"][first] == 3
    printable = visible_text(fay.client.get(f"/orgs/{workshop.org_id}/workshops/{workshop.id}/report.html").text)
    assert "Voted again after discussion" in printable


def test_a_participant_page_loaded_during_a_vote_goes_to_the_vote_and_comes_back_after(app, fay, workshop, split_room):
    """A phone that reopens the workshop (screen lock, rescan) while a vote is open sees the vote."""
    first, people = split_room
    phone = people[0]
    code = phone.base.removeprefix("/w/")
    assert fay.post(workshop.base + "/rounds", {"question_id": first}).status_code == 302
    with opened(app) as db:
        round_id = store.open_round_of(db, workshop.id)["id"]
    area = f"{phone.base}/d/{DIMENSIONS[1]}"
    for page in (phone.base, area, phone.base + "/review"):
        sent = phone.client.get(page)
        assert sent.status_code == 302, page
        assert sent.location == f"/w/{code}/round?back={quote(page)}"
    vote = phone.client.get(f"{phone.base}/round?back={quote(area + '#' + first, safe='')}")
    assert f'data-back-url="{area}#{first}"' in vote.text
    for outside in ("https://example.org/", "//example.org/x", f"{phone.base}/../../orgs", "/orgs/1"):
        page = phone.client.get(f"{phone.base}/round?back={quote(outside, safe='')}")
        assert f'data-back-url="{phone.base}"' in page.text, outside
    assert fay.post(f"{workshop.base}/rounds/{round_id}/close").status_code == 302
    # The vote is over: the phone returns to the page it was on, and pages load as before.
    assert phone.client.get(f"{phone.base}/round?back={quote(area, safe='')}").location == area
    assert phone.client.get(area).status_code == 200
    assert phone.client.get(phone.base).status_code == 200


def test_only_one_round_is_open_at_a_time_and_unknown_questions_are_refused(app, fay, workshop, split_room):
    first, _people = split_room
    assert fay.post(workshop.base + "/rounds", {"question_id": "no.such"}).status_code == 400
    assert fay.post(workshop.base + "/rounds", {"question_id": first}).status_code == 302
    assert fay.post(workshop.base + "/rounds", {"question_id": question_ids(app)[1]}).status_code == 409
    with opened(app) as db:
        assert len(store.rounds_with_votes(db, workshop.id)) == 1


def test_someone_idle_without_submitting_is_flagged_for_the_facilitator(app, fay, workshop):
    ghost, busy = Participant(app, workshop), Participant(app, workshop)
    ghost.autosave({question_ids(app)[0]: 2})
    busy.autosave({question_ids(app)[0]: 3})
    with opened(app) as db:  # the ghost's last answer was 25 minutes ago
        old = (datetime.now(timezone.utc) - timedelta(minutes=25)).isoformat(timespec="seconds")
        ghost_id = store.response_by_token(db, ghost.token)["id"]
        db.execute("UPDATE answers SET updated_at = ? WHERE response_id = ?", [old, ghost_id])
        db.execute("UPDATE responses SET updated_at = ? WHERE id = ?", [old, ghost_id])
    panel = fay.client.get(workshop.base + "/panel").text
    rows = {int(m.group(1)): visible_text(m.group(2))
            for m in re.finditer(r'data-participant="(\d+)">(.*?)</tr>', panel, re.S)}
    assert "idle" in rows[ghost_id] and "25 min ago" in rows[ghost_id]
    assert [text for pid, text in rows.items() if pid != ghost_id][0].count("idle") == 0
    assert "just now" in [text for pid, text in rows.items() if pid != ghost_id][0]


def test_the_console_names_the_projectors_view_in_words(app, fay, workshop, split_room):
    first, _people = split_room
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    page = visible_text(fay.client.get(workshop.base).text)
    assert "Now: The room's radar ." in page  # (visible_text spaces out the end of the <strong>)
    assert fay.post(workshop.base + "/screen", {"screen": f"question:{first}"}).status_code == 302
    page = visible_text(fay.client.get(workshop.base).text)
    assert f"Now: Question: {questionnaire.question(first).short_name} ." in page
    assert f"question:{first}" not in page


def test_the_audit_log_names_the_agreed_question_not_its_id(app, fay, workshop, split_room):
    first, _people = split_room
    questionnaire = app.extensions["pmo_content"].default_questionnaire
    assert fay.post(workshop.base + "/consensus", {"question_id": first, "level": "3"}).status_code == 302
    with opened(app) as db:
        (detail,), = db.execute("SELECT detail FROM audit_log WHERE action = 'consensus_set'").fetchall()
    assert detail == f"{questionnaire.question(first).short_name} at level 3"


def test_the_console_counts_people_per_role_from_the_moment_they_join(app, fay, workshop):
    joined = [Participant(app, workshop, role="Delivery") for _ in range(2)]
    joined[0].autosave({question_ids(app)[0]: 3})
    panel = visible_text(fay.client.get(workshop.base + "/panel").text)
    assert "Delivery (2 joined, 1 answered)" in panel and "Exec (0 joined, 0 answered)" in panel


def test_a_vote_counts_as_activity_on_the_console(app, fay, workshop, split_room):
    first, people = split_room
    voter = people[0]
    with opened(app) as db:  # the voter's answers were 25 minutes ago
        old = (datetime.now(timezone.utc) - timedelta(minutes=25)).isoformat(timespec="seconds")
        voter_id = store.response_by_token(db, voter.token)["id"]
        db.execute("UPDATE answers SET updated_at = ? WHERE response_id = ?", [old, voter_id])
        db.execute("UPDATE responses SET updated_at = ? WHERE id = ?", [old, voter_id])
    assert fay.post(workshop.base + "/rounds", {"question_id": first}).status_code == 302
    with opened(app) as db:
        round_id = store.open_round_of(db, workshop.id)["id"]
    assert voter.client.post(f"{voter.base}/round/{round_id}", json={"level": 3},
                             headers={"X-CSRFToken": voter.csrf}).status_code == 200
    panel = fay.client.get(workshop.base + "/panel").text
    rows = {int(m.group(1)): visible_text(m.group(2))
            for m in re.finditer(r'data-participant="(\d+)">(.*?)</tr>', panel, re.S)}
    assert "just now" in rows[voter_id] and "idle" not in rows[voter_id]


def test_the_projectors_answering_screen_counts_answers_and_people(app, fay, workshop):
    questions = question_ids(app)
    Participant(app, workshop).autosave({q: 3 for q in questions[:10]})
    done = Participant(app, workshop)
    done.autosave({q: None if i == 0 else 2 for i, q in enumerate(questions)})  # don't know counts as answered
    done.submit()
    Participant(app, workshop)
    assert fay.post(workshop.base + "/start").status_code == 302
    stage = visible_text(fay.client.get(workshop.base + "/projector").text)
    assert f"{10 + len(questions)} of {3 * len(questions)} answers in" in stage
    assert "1 of 3 people finished" in stage


def test_the_projectors_radar_leaves_areas_nobody_answered_off_its_lines(app, fay, workshop):
    governance = [q for q in question_ids(app) if q.startswith("governance.")]
    for level in (2, 4):
        Participant(app, workshop).autosave({q: level for q in governance})
    fay.reveal(workshop)
    page = fay.client.get(workshop.base + "/projector").text
    medians = re.search(r'<polygon points="([^"]*)"[^>]*data-medians', page).group(1)
    assert len(medians.split()) == 1, "one area answered: one point, none drawn at the centre"
    assert "1 of 5 capability areas have answers" in visible_text(page)


def test_the_console_opens_the_most_disputed_questions_and_folds_the_rest_and_each_record_form(app, fay, workshop):
    """Fifty open consensus forms made the console 29 screens long on a phone: the questions the projector
    steps through stay open, the others fold under a count, and each form folds under one line that says
    what the room agreed."""
    from app.web.screens import QUESTIONS_SHOWN
    from tests.workshop_helpers import seed_room

    seed_room(app, workshop.org_id, workshop.id, people=6)
    first = question_ids(app)[0]
    assert fay.post(workshop.base + "/consensus", {"question_id": first, "level": "3", "note": "as agreed"}
                    ).status_code == 302
    page = fay.client.get(workshop.base).text
    cards = page.count('class="card mb-2 discussion-card"')
    more = page.split("data-more-discussion>", 1)
    assert cards == len(question_ids(app)) and len(more) == 2
    assert more[0].count('class="card mb-2 discussion-card"') == QUESTIONS_SHOWN
    assert re.search(r"<summary>(\d+) more questions, where the room agrees more</summary>", more[1]).group(1) == str(
        cards - QUESTIONS_SHOWN)
    forms = re.findall(r'<details class="mt-1 consensus-fold"[^>]*>\s*<summary[^>]*>(.*?)</summary>\s*<form', page,
                       flags=re.S)
    assert len(forms) == cards
    assert "Agreed: level 3 · as agreed (change)" in forms and "Record the level the room agreed" in forms


def test_the_closed_note_gives_the_date_with_the_time(app, fay, workshop):
    """'Closed 20:30 UTC' beside a re-open deadline tomorrow read as if the time had no day."""
    Participant(app, workshop).autosave({question_ids(app)[0]: 2})
    assert fay.close(workshop).status_code == 302
    closed = datetime.now(timezone.utc) - timedelta(hours=1)
    with opened(app) as db:
        db.execute("UPDATE workshops SET closed_at = ? WHERE id = ?", [closed.isoformat(timespec="seconds"), workshop.id])
    said = visible_text(fay.client.get(workshop.base + "/report").text)
    assert f"Closed {closed.day} {closed:%b %Y}, {closed:%H:%M} UTC." in said
