"""The site the accessibility tests walk, and how they load and audit a page.

One app holds an organisation with two units and three submitted assessments (so the dashboard has a
trend, the unit view and the comparison have data), a revealed anonymous workshop with three
participants (so the control page, projector and participant page show the room's charts), a
submitted self-assessment (result, private link, report print page) and an admin (users page).
Each page is loaded the way a person would see it (charts drawn), then axe runs inside it; any
violation fails the test with a readable list. Forms are also audited in their error state.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from app import store
from app.engine.vocabulary import DIMENSIONS
from tests.browser.a11y import axe_violations
from tests.browser.conftest import LiveServer, wait_until
from tests.helpers import CONTEXT_FORM, Respondent, opened
from tests.history_helpers import FIRST, PASSWORD, SECOND, Member
from tests.workshop_helpers import Participant, Workshop

ADMIN = "ada@example.org"
TIMEOUT = 60_000  # ms: pages with charts load plotly (3 MB) on a machine shared with other test runs
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def new_workshop(member: Member, org_id: int, title: str, mode: str = "anonymous") -> Workshop:
    response = member.post(f"/orgs/{org_id}/workshops/new",
                           {"title": title, "mode": mode, "roles": "Exec, Delivery", **CONTEXT_FORM})
    assert response.status_code == 302, response.text
    workshop_id = int(re.search(r"/workshops/(\d+)$", response.location).group(1))
    with opened(member.app) as db:
        code = store.get_workshop(db, org_id, workshop_id)["join_code"]
    return Workshop(org_id, workshop_id, code, code)


@pytest.fixture(scope="module")
def site(make_app, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("a11y") / "a11y.sqlite3"
    app = make_app(db_path, TESTING=False, SECRET_KEY="a11y")
    ada = Member(app, ADMIN, role="admin")
    org = ada.create_org("Acme IT")
    north, south = ada.add_unit(org, "North"), ada.add_unit(org, "South")
    first = ada.assess(org, "2025-Q1", "2025-02-14", FIRST, unit=north)
    second = ada.assess(org, "2025-Q2", "2025-05-14", SECOND, unit=north)
    ada.assess(org, "2025-Q2", "2025-05-20", FIRST, unit=south)

    questionnaire = app.extensions["pmo_content"].default_questionnaire
    answers = [{q.id: 1 + (sum(map(ord, q.id)) + n) % 5 for q in questionnaire.questions()} for n in range(3)]
    closed = new_workshop(ada, org, "Last quarter's workshop")
    room = new_workshop(ada, org, "Board workshop")
    for workshop in (closed, room):
        for n, role in enumerate(("Exec", "Delivery", "Exec")):
            person = Participant(app, workshop, role=role)
            person.answer_all(answers[n])
            assert person.submit().status_code == 302
    answering = Participant(app, room, role="Delivery")  # joined, still answering
    assert ada.post(room.base + "/reveal", {"revealed": "1"}).status_code == 302
    assert ada.post(closed.base + "/close", {"confirm": "yes"}).status_code == 302

    respondent = Respondent(app.test_client(), questionnaire)
    respondent.fill_context()
    respondent.answer_all(lambda q: 1 + sum(map(ord, q.id)) % 4)
    assert respondent.submit().status_code == 302

    server = LiveServer(app)
    yield SimpleNamespace(app=app, url=server.url, db_path=db_path, org=org, north=north, first=first,
                          second=second, room=room, closed=closed, participant=person, answering=answering,
                          token=respondent.token, admin=ada, questionnaire=questionnaire)
    server.stop()


@pytest.fixture(scope="module")
def contexts(browser, site):
    """Browser contexts that may run axe (CSP bypassed, tests only): anonymous, signed in, on a phone."""
    made = {}

    def make(name, **options):
        made[name] = browser.new_context(bypass_csp=True, **options)
        return made[name]

    make("anon", **LAPTOP)
    make("phone", **PHONE)
    signed_in = make("admin", **LAPTOP)
    page = signed_in.new_page()
    page.goto(site.url + "/login")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/orgs$"))
    page.close()
    make("admin_phone", **PHONE).add_cookies(signed_in.cookies())
    for name, participant in (("participant", "participant"), ("answering", "answering")):
        person = getattr(site, participant)
        make(name, **PHONE).add_cookies([{"name": site.room.cookie, "value": person.token,
                                          "url": site.url}])
    yield made
    for context in made.values():
        context.close()


def settle(page) -> None:
    """Wait until every plotly chart on the page is drawn (axe must see what a person sees)."""
    page.wait_for_load_state("load")
    # Charts are drawn when they come near the screen or once the browser is idle: draw them all now.
    page.evaluate("() => window.pmoDrawCharts && window.pmoDrawCharts()")
    wait_until(page, "() => [...document.querySelectorAll('[data-figure]')]"
                     ".every(el => el.getAttribute('data-drawn') === 'true')", timeout_ms=TIMEOUT)


def tab(context):
    """The context's one tab, opened on first use and kept: each audit loads its page into it as a new
    document. A tab of its own per page cost a renderer process, and its parsing of plotly and axe-core
    (about 3 s of CPU for plotly alone), for every page audited."""
    if not context.pages:
        context.new_page().set_default_timeout(TIMEOUT)
    return context.pages[0]


def audit(context, url: str, expect_status: int = 200):
    page = tab(context)
    response = page.goto(url)
    assert response.status == expect_status, f"{url} answered {response.status}"
    settle(page)
    return axe_violations(page)


# (name, context, path): every page type, with the path built from the site.
PAGES = [
    ("home", "anon", lambda s: "/"),
    ("sign-in", "anon", lambda s: "/login"),
    ("join by code", "phone", lambda s: "/join"),
    ("join a workshop", "phone", lambda s: f"/join/{s.room.code}"),
    ("overview", "anon", lambda s: f"/r/{s.token}"),
    ("profile", "anon", lambda s: f"/r/{s.token}/context"),
    ("area", "anon", lambda s: f"/r/{s.token}/d/{DIMENSIONS[0]}"),
    ("area on a phone", "phone", lambda s: f"/r/{s.token}/d/{DIMENSIONS[-1]}"),
    ("review", "anon", lambda s: f"/r/{s.token}/review"),
    ("result (private link)", "anon", lambda s: f"/r/{s.token}/result"),
    ("result (member link)", "admin", lambda s: f"/r/{s.second.token}/result"),
    ("report print page", "anon", lambda s: f"/r/{s.token}/report.html"),
    ("import answers", "anon", lambda s: "/import"),
    ("organisations", "admin", lambda s: "/orgs"),
    ("new organisation", "admin", lambda s: "/orgs/new"),
    ("dashboard", "admin", lambda s: f"/orgs/{s.org}"),
    ("dashboard on a phone", "admin_phone", lambda s: f"/orgs/{s.org}"),
    ("unit dashboard", "admin", lambda s: f"/orgs/{s.org}?unit={s.north}"),
    ("organisation report", "admin", lambda s: f"/orgs/{s.org}/report.html"),
    ("assessment", "admin", lambda s: f"/orgs/{s.org}/assessments/{s.second.id}"),
    ("compare", "admin", lambda s: f"/orgs/{s.org}/compare?a={s.first.id}&a={s.second.id}"),
    ("workshops", "admin", lambda s: f"/orgs/{s.org}/workshops"),
    ("new workshop", "admin", lambda s: f"/orgs/{s.org}/workshops/new"),
    ("workshop console", "admin", lambda s: s.room.base),
    ("projector", "admin", lambda s: s.room.base + "/projector"),
    ("close a workshop (confirmation)", "admin", lambda s: s.room.base + "/close"),
    ("workshop report", "admin", lambda s: s.closed.base + "/report"),
    ("participant (results shown)", "participant", lambda s: f"/w/{s.room.code}"),
    ("participant answering", "answering", lambda s: f"/w/{s.room.code}/d/{DIMENSIONS[1]}"),
    ("participant review", "answering", lambda s: f"/w/{s.room.code}/review"),
    ("users", "admin", lambda s: "/admin/users"),
    ("account", "admin", lambda s: "/account"),
    ("not found", "anon", lambda s: "/no/such/page"),
]


def submit_and_audit(context, url: str, fill, expect_status: int) -> list[dict]:
    """Submit a form with mistakes in it; audit the page that answers."""
    page = tab(context)
    page.goto(url)
    with page.expect_navigation() as navigation:
        fill(page)
    assert navigation.value.status == expect_status
    settle(page)
    return axe_violations(page)
