"""What a phone's poll costs and that it is never stale (issue 25, the room at 300): state.json reads the
workshop in one query and checks the participant again only when the workshop's revision moved, so a
quiet room of 300 phones costs one query per poll, and a removal or a reveal is seen at the next poll."""

from __future__ import annotations

import re

import pytest

import app.store as store_module
from app import store
from tests.helpers import opened
from tests.workshop_helpers import Participant, question_ids


@pytest.fixture
def statements(monkeypatch):
    """The SQL statements every connection the app opens from now on runs, in order (PRAGMAs of opening
    a connection left out). The connections kept open so far are closed: each thread opens new ones."""
    ran: list[str] = []
    opener = store_module.open_db
    store.close_kept_connections()

    def counting(path, *args, **kwargs):
        database = opener(path, *args, **kwargs)
        database.conn.set_trace_callback(ran.append)
        return database

    monkeypatch.setattr(store_module, "open_db", counting)
    monkeypatch.setattr(store_module.db, "open_db", counting)  # what the kept connections are opened with
    return ran


def test_a_phone_polling_a_quiet_room_runs_no_query_and_one_after_a_write(app, workshop, statements):
    phone = Participant(app, workshop)
    phone.autosave({question_ids(app, "governance")[0]: 3})
    first = phone.client.get(phone.base + "/state.json")
    assert first.status_code == 200
    statements.clear()
    again = phone.client.get(phone.base + "/state.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert statements == ["PRAGMA data_version"]  # nothing was written since: nothing to read
    other = Participant(app, workshop)
    other.autosave({question_ids(app, "governance")[0]: 5})
    statements.clear()
    assert phone.client.get(phone.base + "/state.json").get_json() == first.get_json()
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    # The workshop's view, then (its revision moved) the participant checked again: nothing else.
    assert len(reads) == 3 and "join_code" in reads[0], reads


def test_a_removed_participant_is_refused_at_the_next_poll(app, fay, workshop):
    ghost = Participant(app, workshop)
    ghost.autosave({question_ids(app, "governance")[0]: 1})
    fay.reveal(workshop)
    assert ghost.client.get(ghost.base + "/state.json").status_code == 200  # checked, and kept by this worker
    assert ghost.client.get(ghost.base + "/room").status_code == 200
    with opened(app) as db:
        ghost_id = store.response_by_token(db, ghost.token)["id"]
    assert fay.post(f"{workshop.base}/participants/{ghost_id}/remove", {"confirm": "yes"}).status_code == 302
    assert ghost.client.get(ghost.base + "/state.json").status_code == 403
    assert ghost.client.get(ghost.base + "/room").status_code == 403


def test_a_poll_sees_the_reveal_and_a_closed_workshop_at_once(app, fay, workshop):
    phone = Participant(app, workshop)
    phone.autosave({question_ids(app, "governance")[0]: 4})
    before = phone.client.get(phone.base + "/state.json")
    assert before.get_json()["revealed"] is False
    assert phone.client.get(phone.base + "/room").status_code == 404
    fay.reveal(workshop)
    shown = phone.client.get(phone.base + "/state.json", headers={"If-None-Match": before.headers["ETag"]})
    assert shown.status_code == 200 and shown.get_json()["revealed"] is True
    room = phone.client.get(phone.base + "/room")
    assert room.status_code == 200 and re.search(r"<svg|data-", room.text)
    fay.close(workshop)
    assert phone.client.get(phone.base + "/state.json").get_json()["status"] == "closed"


def test_a_cookie_of_another_workshop_opens_nothing(app, fay, org_id, workshop):
    other = fay.create_workshop(org_id, title="Other room")
    phone = Participant(app, workshop)
    assert phone.client.get(phone.base + "/state.json").status_code == 200
    phone.client.set_cookie(other.cookie, phone.token)  # this workshop's token under the other's cookie
    assert phone.client.get(f"/w/{other.code}/state.json").status_code == 404
