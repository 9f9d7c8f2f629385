"""What a person sees of the API: the token section of the account page, and /api/docs (Swagger UI served
by the app itself) rendering every operation under the app's Content-Security-Policy, with nothing
fetched from outside."""

from __future__ import annotations

import re

from tests.helpers import PASSWORD, add_user


def test_api_docs_show_every_operation_offline_under_the_csp(server, page):
    spec = page.request.get(f"{server.url}/api/openapi.json").json()
    operations = sum(len(methods) for methods in spec["paths"].values())
    # Offline: anything not from the app itself is refused outright, so a CDN would show up as a failure.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url) else route.abort())
    response = page.goto(f"{server.url}/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".opblock").nth(operations - 1).wait_for()
    assert page.locator(".opblock").count() == operations
    assert page.locator(".info .title").inner_text().startswith(spec["info"]["title"])
    # An operation opens with its parameters and the error shape.
    page.locator(".opblock-summary-control").first.click()
    page.locator(".opblock-body").first.wait_for()
    assert page.watch.errors() == []
    assert page.watch.outside_requests() == []


def test_account_page_makes_a_token_shown_once(server, page):
    email = "tokens@example.org"
    add_user(server.app, email)
    page.goto(f"{server.url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form [type=submit]").click()
    page.wait_for_url(re.compile(r"/orgs$"))
    page.goto(f"{server.url}/account")
    page.get_by_text("Create a token").click()
    page.fill("input[name=token-name]", "Power BI")
    page.get_by_role("button", name="Create the token").click()
    token = page.locator("#new-token").inner_text()
    assert token.startswith("pmo_")
    api = page.request.get(f"{server.url}/api/v1/orgs", headers={"Authorization": f"Bearer {token}"})
    assert api.status == 200 and api.json()["items"] == []
    page.goto(f"{server.url}/account")  # shown once: the page shows the list again, never the token
    assert page.locator("#new-token").count() == 0 and token not in page.content()
    assert page.locator("table tbody td:first-child").all_inner_texts() == ["Power BI"]
    assert page.watch.errors() == []
