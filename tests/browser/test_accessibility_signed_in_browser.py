"""Every signed-in page type audited with axe-core (WCAG 2.0/2.1, levels A and AA) in Chromium:
organisations, dashboards (whole organisation, unit, phone), comparison, reports, workshops (console,
projector), users and account. Also: no page scrolls sideways at 320 px or at 200% zoom.
"""

from __future__ import annotations

import pytest

from app.engine.vocabulary import DIMENSIONS

from tests.browser.a11y import describe
from tests.browser.a11y_site import PAGES, TIMEOUT, audit, contexts, settle, site  # noqa: F401

SIGNED_IN = [p for p in PAGES if p[1] in ("admin", "admin_phone")]


@pytest.mark.parametrize("name, who, path", SIGNED_IN, ids=[p[0] for p in SIGNED_IN])
def test_signed_in_page_has_no_accessibility_violation(site, contexts, name, who, path):
    expect = 404 if name == "not found" else 200
    violations = audit(contexts[who], site.url + path(site), expect)
    assert not violations, f"axe on {name} ({path(site)}):\n{describe(violations)}"


# --------------------------------------------------------------------------
# Reflow (WCAG 1.4.10) and 200% zoom: no page scrolls sideways
# --------------------------------------------------------------------------

REFLOW_PAGES = ["home", "sign-in", "join a workshop", "area", "review", "result (private link)", "dashboard",
                "compare", "workshop console", "projector", "participant (results shown)", "users"]
ZOOMED_TOO = {"home", "area", "result (private link)", "dashboard"}  # also checked at 200%
NARROW = {"width": 320, "height": 640}  # 1280 px at 400%
ZOOMED = {"width": 640, "height": 400}  # 1280 px at 200%
# How far the page reaches beyond the window's right edge, in CSS pixels (0: no sideways scrolling), and the
# outermost elements that reach past it.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > width + 1
    && !(el.parentElement && el.parentElement.getBoundingClientRect().right > width + 1));
  return [document.documentElement.scrollWidth - width,
          wide.slice(0, 3).map(el => el.outerHTML.slice(0, 100)).join(" | ")];
}"""
# After the window changes size: the page's resize handlers have run (charts.js redraws a chart whose
# breakpoint was crossed 150 ms after the last resize event; a later timer of the page's fires after it).
RESIZED = """() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300))))"""


def test_no_page_scrolls_sideways_at_320px_or_200_percent(site, contexts, browser):
    """Each page is loaded at 320 px wide and measured; the pages ZOOMED_TOO are then widened to 640 px, as
    zooming a 1280 px window from 400% back to 200% does, drawn again where a chart asks, and measured again
    (CSS pixels do not depend on the pixel ratio: no style of the app or Bootstrap asks for a resolution)."""
    by_name = {name: (who, path) for name, who, path in PAGES}
    wide = []
    for who in ("anon", "admin", "participant"):
        context = browser.new_context(viewport=NARROW)
        try:
            context.add_cookies(contexts[who].cookies())
            page = context.new_page()
            page.set_default_timeout(TIMEOUT)
            for name in REFLOW_PAGES:
                if by_name[name][0] not in (who, "phone" if who == "anon" else None):
                    continue
                url = site.url + by_name[name][1](site)
                page.set_viewport_size(NARROW)
                page.goto(url)
                settle(page)
                for size in ["320px"] + (["200%"] if name in ZOOMED_TOO else []):
                    if size == "200%":
                        page.set_viewport_size(ZOOMED)
                        page.evaluate(RESIZED)
                        settle(page)
                    extra, culprits = page.evaluate(OVERFLOW)
                    if extra > 0:
                        wide.append(f"{name} at {size} ({url}): {extra}px too wide: {culprits}")
        finally:
            context.close()
    assert not wide, "pages scrolling sideways:\n" + "\n".join(wide)


# --------------------------------------------------------------------------
# The room: every kind of projector view, and a second round on the phones. Last in this file: it
# moves the workshop's screen and opens a round on this module's site.
# --------------------------------------------------------------------------

def test_every_projector_view_and_the_second_round_have_no_accessibility_violation(site, contexts):
    question = site.questionnaire.questions()[0].id
    found = {}
    assert site.admin.post(site.room.base + "/start").status_code == 302  # past the join screen
    for screen in ("radar", "disputed", f"question:{question}", "roles", f"heatmap:{DIMENSIONS[0]}"):
        assert site.admin.post(site.room.base + "/screen", {"screen": screen}).status_code == 302
        found[f"projector {screen}"] = audit(contexts["admin"], site.url + site.room.base + "/projector")
    assert site.admin.post(site.room.base + "/rounds", {"question_id": question}).status_code == 302
    found["projector round"] = audit(contexts["admin"], site.url + site.room.base + "/projector")
    found["second-round vote"] = audit(contexts["participant"], site.url + f"/w/{site.room.code}/round")
    failing = {name: describe(v) for name, v in found.items() if v}
    assert not failing, "\n".join(f"axe on {name}:\n{text}" for name, text in failing.items())
