"""Charts on a 390 px phone: no plotly toolbar, and no label reaches past the chart's edge."""

from __future__ import annotations

from tests.helpers import Respondent


def test_the_result_radar_fits_a_phone_with_whole_labels_and_no_toolbar(server, phone):
    app = server.app
    respondent = Respondent(app.test_client(), app.extensions["pmo_content"].default_questionnaire)
    respondent.fill_context()
    respondent.answer_all(lambda q: 2 if q.id.startswith(("governance", "leadership")) else 3)
    assert respondent.submit().status_code == 302
    phone.goto(server.url + respondent.base + "/result", wait_until="domcontentloaded", timeout=60_000)
    radar = phone.locator("[data-figure]").first
    # plotly.js may be compressed for the first time here: allow for it on a busy machine.
    phone.wait_for_function("el => el.getAttribute('data-drawn') === 'true'", arg=radar.element_handle(),
                            timeout=60_000)
    assert phone.locator(".modebar").count() == 0
    cut = phone.evaluate("""el => {
        const box = el.getBoundingClientRect();
        return [...el.querySelectorAll('.main-svg text')].filter(t => {
            const r = t.getBoundingClientRect();
            return r.width && (r.left < box.left - 0.5 || r.right > box.right + 0.5);
        }).map(t => t.textContent);
    }""", radar.element_handle())
    assert cut == []
    labels = phone.evaluate("el => [...el.querySelectorAll('.main-svg text')].map(t => t.textContent)",
                            radar.element_handle())
    assert "Leadership" in labels
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.watch.errors() == []
