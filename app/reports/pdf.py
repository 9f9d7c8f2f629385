"""The report as a PDF, made on the server by WeasyPrint from the report's HTML: no browser,
no network (every resource is inline; anything else is refused)."""

from __future__ import annotations

import logging
from typing import Any, Mapping

from .html import render_html

# WeasyPrint reports every CSS property it does not support; the report uses some on purpose
# for browsers (print colour hints), so keep its log quiet.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)
log = logging.getLogger("pmo_advisor")


class OfflineOnly(ValueError):
    """The report tried to load something from outside."""


def _offline_fetcher():
    """WeasyPrint's public URL fetcher, allowed only ``data:`` URLs (the report's own inline images).

    Anything else (file:, http:, ftp:) raises OfflineOnly before a connection or a file is opened;
    WeasyPrint leaves that resource out and logs a warning, and the PDF is made without it.
    """
    from weasyprint.urls import URLFetcher

    class OfflineFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                log.warning("the PDF report refused to load %s", url[:80])
                raise OfflineOnly(f"the report may not load {url[:60]}")
            return super().fetch(url, headers)

    return OfflineFetcher(allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)


def render_pdf(report: Mapping[str, Any], *, charts: Mapping[str, str] | None = None) -> bytes:
    """The whole report as PDF bytes (A4, vector charts, searchable text)."""
    from weasyprint import HTML

    html = render_html(report, charts=charts)
    return HTML(string=html, url_fetcher=_offline_fetcher(), base_url=None).write_pdf(
        pdf_identifier=b"pmo-advisor-report", uncompressed_pdf=False)
