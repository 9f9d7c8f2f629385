"""The navigation bar marks where the reader is: every page under /orgs highlights Organisations."""

from __future__ import annotations

import re

from tests.world import route_cases, world_ids, world_strings

ORGANISATIONS_LINK = re.compile(r'<a class="nav-link([^"]*)"( aria-current="page")? href="/orgs">Organisations</a>')


def organisations_link(html: str) -> tuple[bool, bool]:
    """(shown as active, marked as the current page) of the Organisations link in the nav bar."""
    found = ORGANISATIONS_LINK.search(html)
    assert found, "no Organisations link in the navigation"
    return "active" in found.group(1).split(), bool(found.group(2))


def test_every_page_under_orgs_highlights_organisations(module_world):
    w = module_world
    # The print-ready report (report.html) is a document of its own, with a link back instead
    # of the app's navigation; the projector is a presentation for the wall, with no navigation
    # and no account details; the console's panel is a fragment the console swaps in.
    own_documents = ("/report.html", "/projector", "/panel")
    cases = [c for c in route_cases(w.app, world_ids(w), world_strings(w), methods={"GET"})
             if (c.url == "/orgs" or c.url.startswith("/orgs/")) and not c.url.endswith(own_documents)]
    pages = []
    for case in cases:
        response = w.b.client.get(case.url)
        if response.status_code == 200 and response.mimetype == "text/html":
            pages.append(case.url)
            assert organisations_link(response.text) == (True, True), case.url
    # The dashboard, the workshop pages and the new-organisation form, at least.
    assert {f"/orgs/{w.org_b}", f"/orgs/{w.org_b}/workshops", "/orgs/new"} <= set(pages)
    assert any("/workshops/" in p for p in pages)


def test_pages_outside_orgs_do_not_highlight_organisations(module_world):
    page = module_world.b.client.get("/account")
    assert page.status_code == 200
    assert organisations_link(page.text) == (False, False)
