"""What a screen reader last heard on the projector matches the room it shows: a count said once is said
again when it moves (tester 24: "1 more person joined; 0 answering, 0 submitted." was left standing while
the screen showed people answering)."""

from __future__ import annotations

from tests.browser.conftest import sign_in_as, wait_until
from tests.helpers import open_workshop
from tests.workshop_helpers import Participant, Workshop, question_ids


def test_the_projectors_last_announcement_follows_the_answering_count(server, page):
    org, workshop_id, code = open_workshop(server.app, email="ann@example.org")
    workshop = Workshop(org, workshop_id, code, code)
    sign_in_as(page, server.app, server.url, "ann@example.org")
    page.goto(server.url + workshop.base + "/projector")
    said = "() => document.querySelector('[data-live-announce]').textContent"
    state = "() => document.querySelector('[data-room-state]').getAttribute('data-in-progress')"
    person = Participant(server.app, workshop, role=None)
    assert wait_until(page, f"() => ({said})().includes('joined')")
    assert page.evaluate(said) == "1 more person joined; 0 answering, 0 submitted."
    person.autosave({question_ids(server.app)[0]: 3})
    wait_until(page, f"() => ({state})() === '1'")  # the screen now counts one person answering
    assert page.evaluate(said) == "1 answering, 0 submitted."
    assert page.watch.errors() == []
