"""The PDF report loads nothing from outside: WeasyPrint's public URL fetcher is allowed data: URLs
only, so a file:, http: or ftp: address is never opened and the PDF is still made (issue 23)."""

from __future__ import annotations

import threading

import pytest

from app.reports import pdf
from tests.helpers import opened
from tests.history_helpers import ALL_TWO, Member

# A 1x1 PNG, as the report's own inline images are given.
PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAA"
       "AABJRU5ErkJggg==")
OUTSIDE = ["file:///etc/passwd", "http://127.0.0.1:9/tracker.png", "ftp://127.0.0.1/x.png"]


@pytest.fixture
def opened_urls(monkeypatch):
    """Every URL that reaches WeasyPrint's own fetching (after the app's fetcher let it through), with
    the thread that asked for it: a render an earlier test left running in the background fetches
    its own charts' data: URLs meanwhile."""
    from weasyprint.urls import URLFetcher

    urls: list[tuple[int, str]] = []
    real = URLFetcher.fetch
    monkeypatch.setattr(URLFetcher, "fetch", lambda self, url, headers=None: (
        urls.append((threading.get_ident(), url)) or real(self, url, headers)))
    return urls


def test_outside_addresses_are_never_opened_and_inline_images_still_render(monkeypatch, opened_urls):
    images = "".join(f'<img src="{url}" alt="">' for url in OUTSIDE)
    monkeypatch.setattr(pdf, "render_html", lambda report, charts=None: (
        f'<html><body><p>Report</p>{images}<img src="{PNG}" style="width:40px" alt=""></body></html>'))
    made = pdf.render_pdf({})
    assert made.startswith(b"%PDF")
    assert [url for thread, url in opened_urls if thread == threading.get_ident()] == [PNG]
    assert b"/Image" in made  # the inline image is in the PDF


def test_an_image_tag_in_a_name_fetches_nothing(make_app, tmp_path, opened_urls):
    app = make_app(tmp_path / "db.sqlite3")
    person = Member(app, "pdf@example.org")
    org = person.create_org("Acme IT")
    person.assess(org, "2025-Q1", "2025-02-14", ALL_TWO)
    with opened(app) as db:  # as a name stored before names were checked
        db.execute("UPDATE organisations SET name = ? WHERE id = ?", ['Acme <img src="file:///etc/passwd">', org])
        db.conn.commit()
    response = person.get(f"/orgs/{org}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert [url for _, url in opened_urls if not url.startswith("data:")] == []
