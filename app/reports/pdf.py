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


class OfflineOnly(Exception):
    """The report tried to load something from outside."""


def _refuse_fetch(url: str, *args, **kwargs):
    if url.startswith("data:"):
        from weasyprint import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise OfflineOnly(f"the report may not load {url[:60]}")


def render_pdf(report: Mapping[str, Any], *, charts: Mapping[str, str] | None = None) -> bytes:
    """The whole report as PDF bytes (A4, vector charts, searchable text)."""
    from weasyprint import HTML

    html = render_html(report, charts=charts)
    return HTML(string=html, url_fetcher=_refuse_fetch, base_url=None).write_pdf(
        pdf_identifier=b"pmo-advisor-report", uncompressed_pdf=False)
