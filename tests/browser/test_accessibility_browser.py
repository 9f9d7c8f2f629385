"""Every public page type audited with axe-core (WCAG 2.0/2.1, levels A and AA) in Chromium: the
questionnaire, results, report, joining and answering a workshop, sign-in and setup, error pages, and
forms in their error state. Signed-in pages are in test_accessibility_signed_in_browser.py (a second
file, so the two halves run on two workers). The site is described in a11y_site.py.
"""

from __future__ import annotations

import pytest

from tests.browser.a11y import axe_violations, describe
from tests.browser.a11y_site import LAPTOP, PAGES, audit, contexts, site, submit_and_audit, tab  # noqa: F401
from tests.storage_faults import read_only

SIGNED_IN = ("admin", "admin_phone")
PUBLIC = [p for p in PAGES if p[1] not in SIGNED_IN]


@pytest.mark.parametrize("name, who, path", PUBLIC, ids=[p[0] for p in PUBLIC])
def test_page_has_no_accessibility_violation(site, contexts, name, who, path):
    expect = 404 if name == "not found" else 200
    violations = audit(contexts[who], site.url + path(site), expect)
    assert not violations, f"axe on {name} ({path(site)}):\n{describe(violations)}"


FORMS_WITH_ERRORS = [
    ("sign-in", "anon", "/login",
     lambda p: (p.get_by_label("Email").fill("nobody@example.org"), p.get_by_label("Password").fill("wrong"),
                p.get_by_role("button", name="Sign in").click()), 400),
    ("join by code", "phone", "/join",
     lambda p: (p.get_by_label("Workshop code").fill("ZZZZ-9999"), p.get_by_role("button", name="Join").click()),
     404),
    ("users", "admin", "/admin/users",
     lambda p: (p.locator("form:has(#email) button[type=submit], form:has(#email) input[type=submit]").click()),
     400),
]


@pytest.mark.parametrize("name, who, path, fill, status", FORMS_WITH_ERRORS, ids=[f[0] for f in FORMS_WITH_ERRORS])
def test_form_errors_have_no_accessibility_violation(site, contexts, name, who, path, fill, status):
    violations = submit_and_audit(contexts[who], site.url + path, fill, status)
    assert not violations, f"axe on {name} with errors:\n{describe(violations)}"


def test_storage_fault_page_has_no_accessibility_violation(site, contexts):
    page = tab(contexts["anon"])
    page.goto(site.url + "/")
    with read_only(site.db_path), page.expect_navigation() as navigation:
        page.get_by_role("button", name="Start the assessment").click()
    assert navigation.value.status == 503
    violations = axe_violations(page)
    assert not violations, f"axe on the 503 page:\n{describe(violations)}"


def test_setup_page_has_no_accessibility_violation(browser, server):
    context = browser.new_context(bypass_csp=True, **LAPTOP)
    try:
        assert not (found := audit(context, server.url + "/setup")), describe(found)
        found = submit_and_audit(context, server.url + "/setup",
                                 lambda p: p.locator("form button[type=submit], form input[type=submit]").click(),
                                 400)
        assert not found, f"axe on setup with errors:\n{describe(found)}"
    finally:
        context.close()


