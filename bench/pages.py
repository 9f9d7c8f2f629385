"""Time to a drawn page in Chromium: submit → result, the organisation dashboard, compare, the
workshop console, and the first PDF clicked on a fresh result; under gunicorn, on demo data.

A page counts as drawn when it has loaded and every chart on its first screen is drawn (a
plotly chart sets data-drawn; a server-drawn SVG is drawn when it arrives). Each visit uses a
fresh browser context, so nothing is cached by the browser: what a person sees on a first visit.

Usage: python bench/pages.py [--runs 5] [--quarters 3] [--width 1366 --height 768] [--read-seconds 3]
--read-seconds: how long a person reads the result before clicking PDF (the first PDF's figure).
The baseline, in the same run: the sign-in page (the app's stylesheet and scripts, no chart) drawn in a fresh
browser context, trivial_ms; and the machine's load average when the run ended.
Last line: result_ms=N dashboard_ms=N compare_ms=N console_ms=N pdf_click_ms=N trivial_ms=N (medians)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from bench.common import gunicorn, random_answers, random_context  # noqa: E402

from app import create_app, store  # noqa: E402
from app.demo import create_demo  # noqa: E402

CHROMIUM = os.environ.get("PMO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
PASSWORD_METHOD = "pbkdf2:sha256:1000"  # the bench signs in, it does not measure hashing

# Resolves once the page has loaded and every chart that reaches into the first screen is drawn, checked
# on every frame. (Playwright's wait_for_function polls with eval, which the app's CSP refuses.)
DRAWN = """() => new Promise(resolve => {
  const drawn = () => {
    if (document.readyState !== "complete") { return false; }
    const height = window.innerHeight;
    for (const el of document.querySelectorAll("[data-figure]")) {
      const box = el.getBoundingClientRect();
      if (box.width && box.bottom > 0 && box.top < height && !el.hasAttribute("data-drawn")) { return false; }
    }
    return true;
  };
  const check = () => drawn() ? resolve(true) : requestAnimationFrame(check);
  check();
})"""


def prepare(database: str, quarters: int) -> dict:
    """The demo organisation, an open workshop in it, and what the bench visits."""
    app = create_app({"DATABASE": database, "SECRET_KEY": "bench"})
    content = app.extensions["pmo_content"]
    db = store.open_db(database)
    try:
        demo = create_demo(db, content, quarters=quarters, password_method=PASSWORD_METHOD)
        org_id = demo["org_id"]
        user = store.user_by_email(db, demo["email"])
        questionnaire = content.default_questionnaire
        workshop_id = store.create_workshop(db, org_id, user["id"], title="Bench workshop", mode="anonymous",
                                            roles=["Exec", "Delivery"], context=random_context(random.Random(1)),
                                            questionnaire_id=questionnaire.id,
                                            questionnaire_version=questionnaire.version)
        rows = store.history(db, org_id, "all")
    finally:
        db.close()
    compared = "&".join(f"a={r['id']}" for r in rows[-3:])
    return {"email": demo["email"], "password": demo["password"], "dashboard": f"/orgs/{org_id}",
            "compare": f"/orgs/{org_id}/compare?{compared}", "console": f"/orgs/{org_id}/workshops/{workshop_id}",
            "trivial": "/login"}


def filled_assessment(database: str, seed: int) -> str:
    """A self-assessment with every answer given, not yet submitted; return its token."""
    app = create_app({"DATABASE": database, "SECRET_KEY": "bench"})
    content = app.extensions["pmo_content"]
    questionnaire = content.default_questionnaire
    rng = random.Random(seed)
    db = store.open_db(database)
    try:
        response_id, token = store.create_self_assessment(db, questionnaire.id, questionnaire.version)
        store.save_context(db, response_id, random_context(rng))
        store.save_answers(db, response_id, random_answers(rng, questionnaire))
    finally:
        db.close()
    return token


def timed(page, go, url: str) -> float:
    """Milliseconds from ``go()`` to the page at ``url`` (a glob) drawn."""
    started = time.perf_counter()
    go()
    page.wait_for_url(url, wait_until="commit")  # not the page the click was on
    page.evaluate(DRAWN)
    return 1000 * (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quarters", type=int, default=3, help="demo history per unit (2 or more)")
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=768)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--read-seconds", type=float, default=3.0)
    args = parser.parse_args()
    if args.quarters < 2:
        parser.error("--quarters: the demo needs at least 2")
    with tempfile.TemporaryDirectory(prefix="pmo-pages-") as tmp:
        database = str(Path(tmp) / "pages.sqlite3")
        site = prepare(database, args.quarters)
        with gunicorn(database, workers=args.workers) as (url, _proc):
            figures = measure(url, database, site, args, Path(tmp))
    load = " ".join(f"{v:.1f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    for name, values in figures.items():
        print(f"{name}: " + " ".join(f"{v:.0f}" for v in values) + " ms")
    print(f"load average (1, 5, 15 min): {load}")
    print(" ".join(f"{name}_ms={statistics.median(values):.0f}" for name, values in figures.items()))


def measure(url: str, database: str, site: dict, args, downloads: Path) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    viewport = {"width": args.width, "height": args.height}
    figures: dict[str, list[float]] = {"result": [], "dashboard": [], "compare": [], "console": [], "pdf_click": [],
                                       "trivial": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            signed_in = browser.new_context(viewport=viewport)
            page = signed_in.new_page()
            page.goto(url + "/login")
            page.fill("input[name=email]", site["email"])
            page.fill("input[name=password]", site["password"])
            page.click("main form [type=submit]")
            page.wait_for_url("**/orgs")
            state = signed_in.storage_state()
            signed_in.close()
            for run in range(args.runs):
                # Submit → result, then the first PDF after reading for a moment.
                token = filled_assessment(database, seed=run)
                context = browser.new_context(viewport=viewport, accept_downloads=True)
                page = context.new_page()
                page.goto(f"{url}/r/{token}/review")
                figures["result"].append(timed(page, lambda: page.click("form[action$='/submit'] [type=submit]"),
                                                "**/result"))
                time.sleep(args.read_seconds)
                started = time.perf_counter()
                with page.expect_download() as download:
                    page.click(".downloads .dropdown-toggle")  # the downloads sit in one menu
                    page.click("a[download][href$='report.pdf']")
                download.value.save_as(downloads / f"report-{run}.pdf")
                figures["pdf_click"].append(1000 * (time.perf_counter() - started))
                context.close()
                for name in ("dashboard", "compare", "console", "trivial"):
                    context = browser.new_context(viewport=viewport, storage_state=state if name != "trivial" else None)
                    page = context.new_page()
                    figures[name].append(timed(page, lambda: page.goto(url + site[name], wait_until="commit"),
                                               url + site[name]))
                    context.close()
        finally:
            browser.close()
    return figures


if __name__ == "__main__":
    main()
