"""What a PMO lead sees on the dashboard and the comparison: radar labels (drawn on the server) that are never clipped,
and a phase of roadmap progress saved in one go without the page reloading or the phase closing."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from app import store
from tests.browser.conftest import sign_in

SHOTS = os.environ.get("PMO_SHOTS")  # a folder: screenshots for a person to look at

# Every radar's labels must lie inside its drawing, at a phone's width and a laptop's.
LABELS_OUTSIDE = """() => {
  const out = [];
  document.querySelectorAll('svg.scores-radar').forEach(svg => {
    const box = svg.getBoundingClientRect();
    svg.querySelectorAll('text[data-area]').forEach(t => {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1
                      || r.bottom > box.bottom + 1)) {
        out.push(svg.closest('[id]').id + ': ' + t.textContent + ' ' + Math.round(r.left) + '..' +
                 Math.round(r.right) + ' outside ' + Math.round(box.left) + '..' + Math.round(box.right));
      }
    });
  });
  return out;
}"""


@pytest.mark.parametrize("width", [390, 1366])
def test_no_radar_label_is_clipped_on_the_dashboard_or_the_comparison(page, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, demo)
    org, ids = demo["org_id"], demo["ids"]
    for path in (f"/orgs/{org}?unit={demo['unit']}", f"/orgs/{org}/compare?" + "&".join(f"a={i}" for i in ids)):
        page.goto(demo["base"] + path)
        labels = page.locator("svg.scores-radar text[data-area]").count()
        assert labels >= 5, path
        assert page.evaluate(LABELS_OUTSIDE) == [], path
    assert page.locator("[data-multiples] svg.scores-radar").count() == len(ids)
    if width >= 1366:  # on a laptop the scores table of six shows every column and the change, no sideways scroll
        chosen = demo["all_ids"][-6:]
        assert len(chosen) == 6
        page.goto(demo["base"] + f"/orgs/{org}/compare?" + "&".join(f"a={i}" for i in chosen))
        table = page.locator("[data-compare-table]").locator("xpath=..")
        assert table.evaluate("e => e.scrollWidth - e.clientWidth") <= 0
    assert page.watch.errors() == []


def test_a_phase_of_progress_saves_in_one_go_and_stays_open(page, demo, live_app):
    sign_in(page, demo)
    page.goto(f"{demo['base']}/orgs/{demo['org_id']}?unit={demo['unit']}")
    page.evaluate("window.notReloaded = true")
    phase = page.locator("details.progress-phase").nth(1)
    phase.locator("summary").click()
    items = phase.locator("[data-item]")
    first, second = items.nth(0).get_attribute("data-item"), items.nth(1).get_attribute("data-item")
    phase.locator(f'select[name="status:{first}"]').select_option("done")
    phase.locator(f'input[name="done:{first}"]').fill("2026-01-15")
    phase.locator(f'select[name="status:{second}"]').select_option("dropped")
    phase.locator(f'input[name="note:{second}"]').fill("The vendor does this for us now")
    phase.locator("button[type=submit]").click()
    status = phase.locator("[data-progress-status]")
    status.filter(has_text="Progress saved").wait_for()
    assert "2 improvements changed" in status.inner_text()
    assert page.evaluate("window.notReloaded") is True, "the page should not reload"
    assert phase.evaluate("d => d.open") is True, "the phase should stay open"
    with live_app.app_context():
        from app.db import get_db
        recorded = store.progress(get_db(), demo["org_id"], demo["unit"])
    assert (recorded[first]["status"], recorded[first]["done_on"]) == ("done", "2026-01-15")
    assert (recorded[second]["status"], recorded[second]["note"]) == ("dropped", "The vendor does this for us now")
    assert page.watch.errors() == []


def test_dropping_an_improvement_without_a_reason_says_why_it_was_not_saved(page, demo, live_app):
    sign_in(page, demo)
    page.goto(f"{demo['base']}/orgs/{demo['org_id']}?unit={demo['unit']}")
    phase = page.locator("details.progress-phase").nth(1)
    phase.locator("summary").click()
    item = phase.locator("[data-item]").nth(0)
    item_id = item.get_attribute("data-item")
    title = item.locator("legend").evaluate("l => l.firstChild.textContent.trim()")
    with live_app.app_context():
        from app.db import get_db
        before = store.progress(get_db(), demo["org_id"], demo["unit"]).get(item_id)
    phase.locator(f'select[name="status:{item_id}"]').select_option("dropped")
    phase.locator(f'input[name="note:{item_id}"]').fill("")
    phase.locator("button[type=submit]").click()
    status = phase.locator("[data-progress-status]")
    expect(status).to_contain_text("Not saved")
    note = phase.locator(f'input[name="note:{item_id}"]')
    expect(note).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(note).to_be_focused()
    # Why, said beside the note (tester 24: the sentence sat by the Save button, out of view) and read with it.
    error = phase.locator(f'[id="err-note-{item_id}"]')
    expect(error).to_have_text(f"Not saved: “{title}” is dropped, so its note needs the reason. Write it, then save "
                               "again.")
    expect(error).to_be_visible()
    assert note.get_attribute("aria-describedby") == f"err-note-{item_id}"
    assert page.evaluate("(n) => n.nextElementSibling.id", note.element_handle()) == f"err-note-{item_id}"
    if SHOTS:
        for width, height in ((1366, 768), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            note.scroll_into_view_if_needed()
            page.screenshot(path=os.path.join(SHOTS, f"progress-js-{width}.png"))
    # The owner's placeholder reads as an example, not a name already filled in.
    assert item.locator(f'input[name="owner:{item_id}"]').get_attribute("placeholder").startswith("e.g. ")
    with live_app.app_context():
        from app.db import get_db
        assert store.progress(get_db(), demo["org_id"], demo["unit"]).get(item_id) == before
    assert page.watch.errors() == []


def test_charts_keep_their_height_when_the_page_is_printed(page, demo):
    """The browser resizes charts to the paper before printing; none may fold to nothing."""
    sign_in(page, demo)
    org, ids = demo["org_id"], demo["all_ids"][-6:]
    for path in (f"/orgs/{org}", f"/orgs/{org}/compare?" + "&".join(f"a={i}" for i in ids)):
        page.goto(demo["base"] + path)
        if page.locator("[data-figure]").count():  # plotly's charts are drawn once the page is idle
            page.wait_for_selector("[data-figure][data-drawn]")
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        page.wait_for_timeout(300)
        # Every chart shown: plotly's, and those drawn on the server (a phone's variant is not shown).
        heights = page.evaluate("() => Array.from(document.querySelectorAll('[data-figure][data-drawn], "
                                ".svg-chart svg.scores-radar, .svg-chart svg.trend-chart'))"
                                ".filter(e => e.getClientRects().length)"
                                ".map(e => [e.closest('[id]').id, e.getBoundingClientRect().height])")
        page.emulate_media(media="screen")
        assert heights and all(h > 100 for _id, h in heights), (path, heights)
    assert page.watch.errors() == []


def test_the_unit_tabs_pitfalls_over_time_use_the_width_instead_of_a_long_column(page, demo):
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, demo)
    page.goto(f"{demo['base']}/orgs/{demo['org_id']}?unit={demo['unit']}")
    section = page.locator("section[aria-labelledby=pitfall-history-heading]")
    if SHOTS:
        section.scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(SHOTS, "unit-pitfalls-1366.png"))
    box = section.bounding_box()
    models = page.locator("section[aria-labelledby=models-heading]").bounding_box()
    print(f"pitfalls over time: {box['width']:.0f} x {box['height']:.0f} px; models {models['height']:.0f} px")
    assert box["width"] >= 700, "the pitfalls take the width beside the short list of models"
    steps = [step.bounding_box() for step in section.locator(".pitfall-step").all()]
    assert len(steps) >= 2 and abs(steps[1]["y"] - steps[0]["y"]) < 2, "the steps stand side by side"
    assert box["height"] <= max(step["height"] for step in steps) + 60, "no step below another on a laptop"
    # Only what changed is listed; the pitfalls that persist fold under a count, so the section stays about
    # as short as the list of models beside it instead of a long column beside an empty one.
    assert section.locator("details[data-persisting]").count() >= 1
    assert box["height"] <= max(450, models["height"] * 2), f"pitfalls over time {box['height']:.0f} px tall"
    # The designs over time take the width their names need: no empty column between them and the pitfalls.
    for width, height in ((1366, 768), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        names = page.evaluate("""() => Math.max(...[...document.querySelectorAll(
            'section[aria-labelledby=models-heading] li, #models-heading')].map(e => {
                const r = document.createRange(); r.selectNodeContents(e);
                return Math.max(...[...r.getClientRects()].map(c => c.right)); }))""")
        left = section.bounding_box()["x"]
        assert left - names <= 48, f"{left - names:.0f} px empty between the designs and the pitfalls at {width}"
    page.set_viewport_size({"width": 390, "height": 844})
    stacked = page.locator("section[aria-labelledby=models-heading]").bounding_box()
    assert section.bounding_box()["y"] >= stacked["y"] + stacked["height"], "on a phone the pitfalls come below"
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert section.evaluate("e => e.getBoundingClientRect().right") <= 390, wide
    if SHOTS:
        section.scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(SHOTS, "unit-pitfalls-390.png"))


@pytest.mark.parametrize("size", [(390, 844), (1366, 768)])
def test_a_progress_form_posted_without_javascript_keeps_what_was_typed_and_marks_the_field(browser, demo, live_app,
                                                                                           size):
    """Without the page's script the phase's form posts as a plain form: a refusal brings the dashboard back
    with everything typed, the reason beside the field, and nothing saved (it was an error page)."""
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, java_script_enabled=False)
    page = ctx.new_page()
    try:
        sign_in(page, demo)
        page.goto(f"{demo['base']}/orgs/{demo['org_id']}?unit={demo['unit']}")
        phase = page.locator("details.progress-phase").nth(1)
        phase.locator("summary").click()
        items = phase.locator("[data-item]")
        first, second = items.nth(0).get_attribute("data-item"), items.nth(1).get_attribute("data-item")
        with live_app.app_context():
            from app.db import get_db
            before = store.progress(get_db(), demo["org_id"], demo["unit"])
        phase.locator(f'select[name="status:{first}"]').select_option("done")
        phase.locator(f'input[name="done:{first}"]').fill("2026-01-15")
        phase.locator(f'input[name="owner:{first}"]').fill("Ana Lopes")
        phase.locator(f'select[name="status:{second}"]').select_option("dropped")
        phase.locator(f'input[name="note:{second}"]').fill("")
        phase.locator("button[type=submit]").click()
        page.wait_for_load_state()
        expect(page.locator("[data-progress-refused]")).to_contain_text("Nothing was changed")
        phase = page.locator("details.progress-phase[open]")
        expect(phase).to_have_count(1)
        note = phase.locator(f'input[name="note:{second}"]')
        expect(note).to_have_class(re.compile(r"\bis-invalid\b"))
        error = phase.locator(f'[id="err-note-{second}"]')
        expect(error).to_have_text("An improvement that is dropped needs the reason in its note.")
        expect(error).to_be_visible()
        expect(phase.locator(f'select[name="status:{second}"]')).to_have_value("dropped")
        expect(phase.locator(f'select[name="status:{first}"]')).to_have_value("done")
        expect(phase.locator(f'input[name="done:{first}"]')).to_have_value("2026-01-15")
        expect(phase.locator(f'input[name="owner:{first}"]')).to_have_value("Ana Lopes")
        if SHOTS:
            error.scroll_into_view_if_needed()
            page.screenshot(path=os.path.join(SHOTS, f"progress-nojs-{size[0]}.png"))
        with live_app.app_context():
            from app.db import get_db
            assert store.progress(get_db(), demo["org_id"], demo["unit"]) == before
    finally:
        ctx.close()


def test_the_unit_tabs_tables_fit_a_phone_with_every_column_on_screen(page, demo):
    """At 390 px the 'Change since' and Assessments tables stack each row as a card: Target, To target,
    Status and Delete stay on screen, none needs a sideways scroll."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, demo)
    page.goto(f"{demo['base']}/orgs/{demo['org_id']}?unit={demo['unit']}")
    for table in ("[data-delta-table]", "[data-assessments-table]"):
        cells = page.locator(f"{table} tbody td[data-label]")
        assert cells.count() > 0, table
        outside = page.evaluate("""sel => [...document.querySelectorAll(sel + ' tbody td, ' + sel + ' tbody th')]
            .filter(e => e.getBoundingClientRect().width && e.getBoundingClientRect().right > 391)
            .map(e => (e.dataset.label || e.textContent.trim()).slice(0, 30) + ' ' + Math.round(e.getBoundingClientRect().right))""",
                                table)
        assert outside == [], (table, outside)
        assert page.locator(table).evaluate("e => e.parentElement.scrollWidth - e.parentElement.clientWidth") <= 0
    for label in ("Target", "To target"):
        cell = page.locator(f"[data-delta-table] tbody td[data-label='{label}']").first
        expect(cell).to_be_visible()
    delete = page.locator("[data-assessments-table] tbody a.btn-outline-danger").first
    expect(delete).to_be_visible()
    assert delete.bounding_box()["x"] + delete.bounding_box()["width"] <= 390
    if SHOTS:
        page.locator("[data-delta-table]").scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(SHOTS, "unit-change-390.png"))
        page.locator("[data-assessments-table]").scroll_into_view_if_needed()
        page.screenshot(path=os.path.join(SHOTS, "unit-assessments-390.png"))
    page.set_viewport_size({"width": 1366, "height": 768})  # a laptop keeps the ordinary table with its header
    expect(page.locator("[data-delta-table] thead th", has_text="Target").first).to_be_visible()


def test_the_units_side_by_side_keep_each_period_on_one_line_beside_long_design_names(page, demo):
    """The design's name takes the last column's room: a period never breaks into '2026-' over 'Q4'."""
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, demo)
    page.goto(f"{demo['base']}/orgs/{demo['org_id']}")
    cells = page.locator("[data-units-table] [data-unit-period]")
    assert cells.count() >= 2
    lines = page.evaluate("""() => [...document.querySelectorAll('[data-units-table] [data-unit-period]')].map(c => {
        const r = document.createRange(); r.selectNodeContents(c); return r.getClientRects().length; })""")
    assert lines == [1] * cells.count(), lines
