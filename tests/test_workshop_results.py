"""Consensus, closing into the organisation's history, the report and a new target."""

from __future__ import annotations

import json
import re
import statistics

import pytest

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.helpers import opened, visible_text
from tests.workshop_helpers import Participant, question_ids, snapshot_count


# --------------------------------------------------------------------------
# Consensus, closing, report
# --------------------------------------------------------------------------


def room_answers(app) -> list[dict]:
    """Three participants; governance.intake_criteria is the most disputed (1, 5, 5)."""
    ids = question_ids(app)
    rooms = [{qid: 2 for qid in ids}, {qid: 3 for qid in ids}, {qid: 4 for qid in ids}]
    disputed, tie, skipped, unknown = ids[0], ids[10], ids[20], ids[30]
    rooms[0][disputed], rooms[1][disputed], rooms[2][disputed] = 1, 5, 5
    rooms[2][tie] = None                      # 2 and 3 left: the lower middle is 2
    del rooms[2][skipped]                     # left out: again 2 and 3
    for room in rooms:
        room[unknown] = None                  # everyone: don't know
        room["analytics.capacity_model"] = 1  # a room that plans people on headcount alone: a pitfall
    return rooms


def expected_median_low(rooms: list[dict], qid: str):
    given = [room[qid] for room in rooms if qid in room]
    levels = [level for level in given if level is not None]
    return statistics.median_low(levels) if levels else None


@pytest.fixture
def discussed(app, fay, workshop):
    rooms = room_answers(app)
    people = [Participant(app, workshop, role=role) for role in ("Exec", "Exec", "Delivery")]
    for p, answers in zip(people, rooms):
        half = dict(list(answers.items())[: len(answers) // 2])
        p.answer_all(half)
        assert p.autosave(dict(list(answers.items())[len(answers) // 2:])).status_code == 200
        assert p.submit().status_code == 302
    return rooms, people


def test_consensus_overrides_the_median_in_the_closed_result(app, fay, workshop, discussed):
    rooms, _people = discussed
    detail = fay.client.get(workshop.base).text
    disputed = re.search(r'id="q-([a-z_]+\.[a-z_]+)"', detail).group(1)
    assert disputed == question_ids(app)[0]
    assert expected_median_low(rooms, disputed) == 5
    recorded = fay.post(workshop.base + "/consensus", {"question_id": disputed, "level": "2",
                                                       "note": "Intake exists on paper only"})
    assert recorded.status_code == 302
    assert fay.close(workshop).status_code == 302

    result = fay.client.get(workshop.base + "/report.json").get_json()
    assert result["answers"][disputed] == 2
    expected = {qid: expected_median_low(rooms, qid) for qid in question_ids(app)}
    assert {qid: level for qid, level in result["answers"].items() if qid != disputed} == \
           {qid: level for qid, level in expected.items() if qid != disputed}
    assert result["workshop"]["consensus"][disputed] == {"level": 2, "note": "Intake exists on paper only",
                                                         "evidence": "", "reference": ""}
    assert result["workshop"]["participants"] == 3 and result["workshop"]["submitted"] == 3


@pytest.mark.parametrize(("form", "status"), [
    ({"question_id": "governance.no_such_question", "level": "2"}, 400),
    ({"question_id": "governance.intake_criteria", "level": "6"}, 400),
    ({"question_id": "governance.intake_criteria", "level": "two"}, 400),
    ({"question_id": "governance.intake_criteria", "level": "2", "note": "x" * 501}, 400),
])
def test_bad_consensus_is_refused_and_nothing_is_recorded(app, fay, workshop, form, status):
    assert fay.post(workshop.base + "/consensus", form).status_code == status
    with opened(app) as db:
        assert store.consensus(db, workshop.id) == {}


def test_removing_a_consensus_brings_the_median_back(app, fay, workshop, discussed):
    rooms, _people = discussed
    disputed = question_ids(app)[0]
    fay.post(workshop.base + "/consensus", {"question_id": disputed, "level": "2"})
    fay.post(workshop.base + "/consensus", {"question_id": disputed, "level": ""})
    fay.close(workshop)
    result = fay.client.get(workshop.base + "/report.json").get_json()
    assert result["answers"][disputed] == expected_median_low(rooms, disputed) == 5
    assert result["workshop"]["consensus"] == {}


def test_closing_freezes_one_snapshot_into_the_org_history(app, fay, org_id, workshop, discussed):
    assert snapshot_count(app) == 0
    closed = fay.close(workshop)
    assert closed.status_code == 302 and closed.location.endswith(workshop.base + "/report")
    with opened(app) as db:
        history = store.history(db, org_id, "all")
        status = db.execute("SELECT a.status, a.kind, w.status FROM assessments a JOIN workshops w "
                            "ON w.assessment_id = a.id WHERE w.id = ?", [workshop.id]).fetchone()
    assert status == ("closed", "workshop", "closed")
    assert [(h["kind"], h["title"]) for h in history] == [("workshop", "Leadership workshop")]
    assert snapshot_count(app) == 1
    frozen = fay.client.get(workshop.base + "/report.json").get_data(as_text=True)

    again = fay.close(workshop)
    assert again.status_code == 302
    assert snapshot_count(app) == 1
    with opened(app) as db:
        assert len(store.history(db, org_id, "all")) == 1
    assert fay.client.get(workshop.base + "/report.json").get_data(as_text=True) == frozen
    assert "Leadership workshop" in visible_text(fay.client.get(f"/orgs/{org_id}").text)
    # The closed workshop's control page now sends the facilitator to the report.
    detail = fay.client.get(workshop.base)
    assert detail.status_code == 302 and detail.location.endswith("/report")


def test_the_report_shows_result_advice_roadmap_and_disagreement(app, fay, workshop, discussed):
    fay.close(workshop)
    result = fay.client.get(workshop.base + "/report.json").get_json()
    page = fay.client.get(workshop.base + "/report")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "The PMO that fits" in text
    # The page names the design the room is given (its label), as every format does.
    assert ((result["recommendation"].get("design") or {}).get("label") or result["recommendation"]["title"]) in text
    assert result["pitfalls"], "this room should walk into at least one pitfall"
    for pitfall in result["pitfalls"]:
        assert pitfall["title"] in text
    assert "Improvement roadmap" in text
    items = [item for phase in result["roadmap"]["phases"] for item in phase["items"]]
    assert items and all(f'id="item-{item["id"]}"' in page.text for item in items)
    assert result["overall"]["label"] in text
    assert "data-disagreement" in page.text
    assert "How the room answered" in text
    assert result["workshop"]["disagreement"][0]["question"] == question_ids(app)[0]
    assert result["workshop"]["disagreement"][0]["text"] in text
    # Medians and ranges are written one way: '3' and '2.5', never '3' beside '3.0'.
    cells = re.findall(r'<td data-label="(Median|IQR)">([^<]*)</td>', page.text)
    rows = result["workshop"]["disagreement"]
    assert cells == [(k, f"{row[k.lower()]:g}") for row in rows for k in ("Median", "IQR")]
    csv = fay.client.get(workshop.base + "/roadmap.csv?start=2027-01-04")
    assert csv.status_code == 200 and csv.text.count("\n") == len(items) + 1


def test_changing_the_target_replans_the_workshop_roadmap_and_keeps_the_old_snapshot(app, fay, workshop,
                                                                                      discussed):
    fay.close(workshop)
    before = fay.client.get(workshop.base + "/report.json").get_json()
    response = fay.post(workshop.base + "/target", {f"target-{d}": "5" for d in DIMENSIONS})
    assert response.status_code == 302
    after = fay.client.get(workshop.base + "/report.json").get_json()
    assert after["roadmap"]["target"] == {d: 5 for d in DIMENSIONS}
    assert (after["answers"], after["scores"], after["workshop"]) == (before["answers"], before["scores"],
                                                                      before["workshop"])
    assert snapshot_count(app) == 2
    with opened(app) as db:
        assert len(store.history(db, workshop.org_id, "all")) == 1


def report_radar_target(fay, workshop) -> list:
    page = fay.client.get(workshop.base + "/report").text
    radar = re.search(r'<div class="radar-chart" id="radar">(.*?)</svg>', page, re.S).group(1)
    return [[int(v) for v in values.split()] for values in re.findall(r'data-series="Target" data-values="([^"]*)"', radar)]


def test_changing_the_target_redraws_the_target_on_the_report_radar(app, fay, workshop, discussed):
    fay.close(workshop)
    fay.post(workshop.base + "/target", {f"target-{d}": "5" for d in DIMENSIONS})
    assert report_radar_target(fay, workshop) == [[5] * len(DIMENSIONS)]


def test_closing_a_workshop_with_a_single_answer_still_gives_a_report(app, fay, workshop):
    p = Participant(app, workshop)
    assert p.autosave({question_ids(app)[0]: 3}).status_code == 200
    assert fay.close(workshop).status_code == 302
    for path in ("/report", "/report.json", "/roadmap.csv"):
        assert fay.client.get(workshop.base + path).status_code == 200, path
    assert fay.client.get(workshop.base + "/report.json").get_json()["answers"] == {question_ids(app)[0]: 3}
    assert snapshot_count(app) == 1


def test_report_is_404_while_the_workshop_is_open(fay, workshop):
    for path in ("/report", "/report.json", "/roadmap.csv"):
        assert fay.client.get(workshop.base + path).status_code == 404, path


def test_consensus_after_closing_is_refused(app, fay, workshop, discussed):
    fay.close(workshop)
    response = fay.post(workshop.base + "/consensus", {"question_id": question_ids(app)[0], "level": "1"})
    assert response.status_code == 409
    assert fay.client.get(workshop.base + "/report.json").get_json()["answers"][question_ids(app)[0]] == 5
