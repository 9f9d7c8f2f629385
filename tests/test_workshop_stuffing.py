"""Ballot stuffing (issue 23): a join limit per address, an expected headcount the console checks joins
against, joins per minute, and removing a batch that joined at once."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from app import store
from tests.helpers import CSRF_META, opened, visible_text
from tests.workshop_helpers import Facilitator, Participant, question_ids, response_count

ROOM = "203.0.113.9"  # the client's office network: the whole room behind one address
STUFFER = "198.51.100.66"


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _csrf(html: str) -> str:
    return CSRF_META.search(html).group(1)


def _joins(panel: str) -> list[tuple[str, str]]:
    """The console's joins per minute: (minute, how many), newest first."""
    table = re.search(r"<table[^>]*data-joins-table[^>]*>(.*?)</table>", panel, flags=re.S).group(1)
    return re.findall(r"<tr><td>([^<]*)</td><td[^>]*>([^<]*)</td>", table)


def test_joins_from_one_address_stop_at_the_configured_limit(make_app, tmp_path):
    app = make_app(tmp_path / "limit.sqlite3", WORKSHOP_JOINS_PER_ADDRESS=5)
    fay = Facilitator(app)
    workshop = fay.create_workshop(fay.create_org())
    for _ in range(5):
        Participant(app, workshop, client=_client(app, ROOM))
    client = _client(app, ROOM)
    form = client.get(f"/join/{workshop.code}")
    refused = client.post(f"/join/{workshop.code}", data={"csrf_token": _csrf(form.text), "role": "Exec"})
    assert refused.status_code == 429
    assert "5 people have already joined this workshop from your network" in visible_text(refused.text)
    assert response_count(app, workshop) == 5  # nothing stored
    Participant(app, workshop, client=_client(app, "192.0.2.1"))  # another network still joins
    assert response_count(app, workshop) == 6


def test_the_default_limit_is_about_a_room(app):
    assert app.config["WORKSHOP_JOINS_PER_ADDRESS"] == 60


def test_the_testers_stuffing_is_capped_flagged_and_removed_as_one_batch(app, fay, workshop):
    governance = question_ids(app, "governance")
    # Ten real people, at governance level 2, who joined a few minutes ago.
    for _ in range(10):
        Participant(app, workshop, client=_client(app, ROOM)).answer_page("governance", dict.fromkeys(governance, 2))
    earlier = (datetime.now(timezone.utc) - timedelta(minutes=5)).isoformat(timespec="seconds")
    with opened(app) as db:
        db.execute("UPDATE responses SET created_at = ? WHERE assessment_id = (SELECT assessment_id FROM workshops "
                   "WHERE id = ?)", [earlier, workshop.id])
        db.conn.commit()
    assert fay.post(workshop.base + "/headcount", {"headcount": "12"}).status_code == 302
    # The attack: 100 joins from one address, each answering level 5, within one minute.
    began = datetime.now(timezone.utc).isoformat(timespec="seconds")
    stuffed = 0
    for _ in range(100):
        client = _client(app, STUFFER)
        form = client.get(f"/join/{workshop.code}")
        joined = client.post(f"/join/{workshop.code}", data={"csrf_token": _csrf(form.text), "role": "Exec"})
        if joined.status_code != 302:
            assert joined.status_code == 429
            continue
        stuffed += 1
        client.post(f"/w/{workshop.code}/answers", json={"answers": dict.fromkeys(governance, 5)},
                    headers={"X-CSRFToken": _csrf(form.text)})
    assert stuffed == 60  # the limit per address
    # Each join is stamped with the time it came; they are then put in one minute, as a script's 100 joins
    # are (the loop may run across a minute's end, which splits the batch in two).
    batch = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with opened(app) as db:
        assessment = "(SELECT assessment_id FROM workshops WHERE id = ?)"
        stamped = [at for (at,) in db.execute(f"SELECT created_at FROM responses WHERE assessment_id = {assessment} "
                                              "AND created_at != ?", [workshop.id, earlier]).fetchall()]
        assert len(stamped) == 60 and all(began <= at <= batch for at in stamped), stamped
        db.execute(f"UPDATE responses SET created_at = ? WHERE assessment_id = {assessment} AND created_at != ?",
                   [batch, workshop.id, earlier])
        db.conn.commit()
    batch = batch[:16]
    fay.reveal(workshop)
    assert fay.live(workshop)["band"]["governance"]["median"] == 5
    panel = fay.client.get(workshop.base + "/panel").text
    assert "70 people joined: 58 more than the 12 expected" in visible_text(panel)
    assert [count for _minute, count in _joins(panel)] == ["60", "10"]  # newest minute first
    # Without confirmation nobody goes; with it, the batch leaves every figure.
    assert fay.post(workshop.base + "/participants/batch/remove", {"minute": batch}).status_code == 400
    assert fay.live(workshop)["counts"]["joined"] == 70
    removed = fay.post(workshop.base + "/participants/batch/remove", {"minute": batch, "confirm": "yes"})
    assert removed.status_code == 302
    live = fay.live(workshop)
    assert live["counts"]["joined"] == 10 and live["band"]["governance"]["median"] == 2
    assert "more than the 12 expected" not in visible_text(fay.client.get(workshop.base + "/panel").text)
    with opened(app) as db:
        (entry,) = [e for e in store.audit_entries(db, workshop.org_id) if e["action"] == "participants_removed"]
    assert entry["detail"] == f"60 participants who joined at {batch[11:]} UTC"


def test_the_expected_headcount_takes_a_whole_number_or_nothing(app, fay, workshop):
    for bad in ("-3", "twelve", "0", "1_0", "١٢"):
        refused = fay.post(workshop.base + "/headcount", {"headcount": bad})
        assert refused.status_code == 400 and "Nothing was changed" in visible_text(refused.text), bad
    with opened(app) as db:
        assert store.get_workshop(db, workshop.org_id, workshop.id)["expected_headcount"] is None
    assert fay.post(workshop.base + "/headcount", {"headcount": "25"}).status_code == 302
    with opened(app) as db:
        assert store.get_workshop(db, workshop.org_id, workshop.id)["expected_headcount"] == 25
    assert fay.post(workshop.base + "/headcount", {"headcount": ""}).status_code == 302
    with opened(app) as db:
        assert store.get_workshop(db, workshop.org_id, workshop.id)["expected_headcount"] is None


def test_a_named_workshops_join_page_says_exactly_who_sees_the_answers(app, fay, org_id):
    from tests.helpers import add_user
    named = fay.create_workshop(org_id, mode="named", title="Named")
    member = add_user(app, "mo@example.org", role="member", name="Mo Member")
    with opened(app) as db:
        store.set_member(db, org_id, member, "member")  # a member who runs no workshops: not on the list
    said = visible_text(_client(app, ROOM).get(f"/join/{named.code}").text)
    assert ("on the facilitator's screen while the workshop runs: Fay (the workshop facilitator of Client Ltd "
            "on this server)") in said
    assert "in Client Ltd's data export: Fay (its owner)" in said
    assert "Mo Member" not in said
    assert "deleted 90 days after the workshop closes" in said
    anonymous = visible_text(_client(app, ROOM).get(f"/join/{fay.create_workshop(org_id).code}").text)
    assert "nobody, including the facilitator, sees your individual answers" in anonymous
