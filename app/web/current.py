"""What every view works with: the content the app was started with, and the address people use."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, url_for

from ..engine import Content


def content() -> Content:
    """The validated content the app was started with."""
    return current_app.extensions["pmo_content"]


def public_url(endpoint: str, **values) -> str:
    """The absolute address of a page for links people copy or scan (resume links, QR codes).

    It starts with PUBLIC_URL when that is configured; otherwise with this request's host,
    which the app only accepts from TRUSTED_HOSTS. Never with a Host header nobody vetted.
    """
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}{url_for(endpoint, **values)}"
