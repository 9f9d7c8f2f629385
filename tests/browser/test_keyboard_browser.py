"""Keyboard only: the questionnaire from the home page to the result, and joining and answering a
workshop, with Tab, Space, arrow keys and Enter, never the mouse. Every stop on the way shows a
visible focus indicator. The workshop's live view announces changes in words, never the clock.
"""

from __future__ import annotations

import re

import pytest

from app.engine.vocabulary import DIMENSIONS
from tests.helpers import open_workshop
from tests.workshop_helpers import Participant, Workshop

MAX_TABS = 120  # between two controls; a page with more tab stops than this in a row is itself a defect

# What Tab reached, in one round trip to the page: [its HTML (or 'body'), whether it shows a visible focus
# indicator, whether it is the element sought].
FOCUSED = """([selector, text]) => {
  const el = document.activeElement;
  if (el === document.body) { return ["body", true, false]; }
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return [el.outerHTML.slice(0, 120), outline || Boolean(style.boxShadow && style.boxShadow !== "none"),
          el.matches(selector) && (text === null || el.textContent.trim() === text)];
}"""


def tab_to(page, selector: str, text: str | None = None) -> None:
    """Press Tab until the focused element matches `selector` (and has this text); each element passed
    shows a visible focus indicator."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        tag, visible, found = page.evaluate(FOCUSED, [selector, text])
        assert visible, f"no visible focus on {tag}"
        if found:
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab did not reach {selector} {text or ''}")


def choose(page, name: str, position: int) -> None:
    """Tab into a radio group, select its first option with Space, then move down to `position` (0-based)."""
    tab_to(page, f"input[type=radio][name='{name}']")
    first = page.evaluate("document.activeElement.value")
    page.keyboard.press("Space")
    for _ in range(position):
        page.keyboard.press("ArrowDown")
    chosen = page.evaluate(f"document.querySelector(\"input[name='{name}']:checked\").value")
    assert chosen is not None and (position or chosen == first)


def press_enter_on(page, selector: str, text: str | None = None) -> None:
    tab_to(page, selector, text)
    page.keyboard.press("Enter")


def answer_questions(page) -> int:
    """Answer each radio group on the page by keyboard (levels 2, 3, 4, ... in turn); return how many."""
    # the level's radios; the confidence radios ("c-…") wait in the collapsed evidence box
    names = page.evaluate("[...new Set([...document.querySelectorAll('fieldset.question input[type=radio]')]"
                          ".map(i => i.name).filter(n => !n.startsWith('c-')))]")
    for i, name in enumerate(names):
        choose(page, name, 1 + i % 3)
    return len(names)


def answer_screen_by_screen(page) -> int:
    """On a phone, one question per screen (pager.js): answer the question shown, go on with Next, and
    leave the capability area with the last screen's button; return how many questions were answered."""
    answered = 0
    while True:
        names = page.evaluate("[...new Set([...document.querySelectorAll('fieldset.question:not([hidden]) "
                              "input[type=radio]')].map(i => i.name).filter(n => !n.startsWith('c-')))]")
        assert len(names) <= 1, "a phone shows one question per screen"
        for name in names:
            choose(page, name, 1 + answered % 3)
            answered += 1
        last = page.evaluate("(() => { const steps = document.querySelectorAll('form[data-pager] fieldset.question, "
                             "form[data-pager] .area-note'); return !steps[steps.length - 1].hidden; })()")
        press_enter_on(page, "button[name=action][value=next]")
        if last:
            return answered


def test_the_questionnaire_can_be_completed_with_the_keyboard_alone(server, page):
    page.goto(server.url + "/")
    press_enter_on(page, "button", "Start the assessment")
    page.wait_for_selector("#resume-link")
    press_enter_on(page, "a", "Begin")
    page.wait_for_url(re.compile(r"/context$"))

    numbers = {"active_projects": "40", "business_units": "3"}
    for key in page.evaluate("[...new Set([...document.querySelectorAll('form input[type=radio], form input"
                             "[type=number]')].map(i => i.name))]"):
        if key in numbers:
            tab_to(page, f"input[name='{key}']")
            page.keyboard.type(numbers[key])
        else:
            choose(page, key, 0)
    press_enter_on(page, "button[name=action][value=next]")

    answered = 0
    for dimension in DIMENSIONS:
        page.wait_for_url(re.compile(f"/d/{dimension}$"))
        answered += answer_questions(page)
        press_enter_on(page, "button[name=action][value=next]")
    page.wait_for_url(re.compile(r"/review$"))
    total = len(server.app.extensions["pmo_content"].default_questionnaire.questions())
    assert answered == total
    assert f"{total} of {total} answered" in page.inner_text("#progress-text")
    press_enter_on(page, "button", "Submit and see the result")
    page.wait_for_url(re.compile(r"/result$"))
    assert page.get_by_role("heading", name="Your PMO maturity result").is_visible()
    assert page.watch.errors() == []


def test_a_workshop_can_be_joined_and_answered_with_the_keyboard_alone(server, phone):
    _org, _workshop, code = open_workshop(server.app)
    phone.goto(server.url + "/join")
    tab_to(phone, "#code")
    phone.keyboard.type(code[:4] + "-" + code[4:])
    phone.keyboard.press("Enter")
    phone.wait_for_url(re.compile(f"/join/{code}$"))
    press_enter_on(phone, "button", "Start answering")
    phone.wait_for_url(re.compile(f"/w/{code}$"))
    press_enter_on(phone, "a", "Start")
    answered = 0
    for dimension in DIMENSIONS:
        phone.wait_for_url(re.compile(f"/w/{code}/d/{dimension}(#.*)?$"))
        answered += answer_screen_by_screen(phone)
    phone.wait_for_url(re.compile(f"/w/{code}/review(#.*)?$"))
    assert answered == len(server.app.extensions["pmo_content"].default_questionnaire.questions())
    press_enter_on(phone, "button", "Submit my answers")
    phone.wait_for_url(re.compile(f"/w/{code}$"))
    assert "Your answers are in" in phone.inner_text("main")
    assert phone.watch.errors() == []


def test_form_errors_take_focus_and_lead_to_their_field(server, page):
    page.goto(server.url + "/setup")
    tab_to(page, "input[name=email]")
    page.keyboard.type("not an address")
    press_enter_on(page, "form button[type=submit], form input[type=submit]")
    page.wait_for_selector("[data-error-summary]")
    assert page.evaluate("document.activeElement.matches('[data-error-summary]')"), "focus is not on the summary"
    invalid = page.evaluate("""[...document.querySelectorAll('[aria-invalid=true]')].map(el => ({
        id: el.id, messages: (el.getAttribute('aria-describedby') || '').split(' ')
          .map(id => document.getElementById(id)).filter(Boolean).map(m => m.textContent.trim())}))""")
    assert {field["id"] for field in invalid} >= {"email", "password", "confirm"}
    for field in invalid:
        assert any(field["messages"]), f"{field['id']} is not described by its error message"
    links = page.locator("[data-error-summary] a")
    assert links.count() >= 3
    target = links.first.get_attribute("href").lstrip("#")
    tab_to(page, "[data-error-summary] a")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == target


def wait_announced(page, pattern: str) -> str:
    page.wait_for_function("(p) => new RegExp(p).test(document.querySelector('[data-live-announce]').textContent)",
                           arg=pattern, timeout=20_000)
    return page.inner_text("[data-live-announce]")


@pytest.mark.parametrize("view", ["/projector", ""], ids=["projector", "console"])
def test_the_live_view_announces_changes_in_words_and_never_the_clock(server, page, view):
    org, workshop_id, code = open_workshop(server.app, email="fay@example.org")
    workshop = Workshop(org, workshop_id, code, code)
    page.goto(server.url + "/login")
    page.get_by_label("Email").fill("fay@example.org")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/orgs$"))
    page.goto(server.url + workshop.base + view)
    page.wait_for_function("() => document.querySelector('[data-count=joined]').textContent.trim() === '0'")
    live = "[aria-live], [role=status], [role=alert], [role=log]"
    assert page.evaluate(f"document.querySelector('[data-count=joined]').closest('{live}')") is None
    assert page.inner_text("[data-live-announce]") == ""  # nothing to say on arrival

    Participant(server.app, workshop, role=None)
    Participant(server.app, workshop, role=None)
    said = wait_announced(page, "joined")
    assert re.fullmatch(r"(2 more people|1 more person) joined; \d answering, 0 submitted\.", said), said
    page.wait_for_function("() => document.querySelector('[data-count=joined]').textContent.trim() === '2'")
    if view == "/projector":  # its status line speaks only when the connection is lost, never the clock
        assert page.inner_text("[data-live-status]") == ""

    csrf = page.get_attribute("meta[name=csrf-token]", "content")
    page.evaluate("""([url, csrf]) => fetch(url, {method: "POST", credentials: "same-origin",
                       body: new URLSearchParams({csrf_token: csrf, revealed: "1"})})""",
                  [server.url + workshop.base + "/reveal", csrf])
    assert wait_announced(page, "results are now shown") == "The results are now shown."
    page.wait_for_timeout(3500)  # another poll: nothing new happened, so nothing new is said
    assert page.inner_text("[data-live-announce]") == "The results are now shown."
    assert page.watch.errors() == []
