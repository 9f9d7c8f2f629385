"""Pages of frozen results, rendered once per worker and answered with 304 when unchanged.

A frozen snapshot never changes, so its page depends only on the snapshot (id and content
hash), the day (roadmap dates count from today), who is looking (the navigation and the
attach form) and the organisation it belongs to. The page is rendered once under that key
with a placeholder for the CSRF token, which is filled in per request. The ETag adds the
session's CSRF secret, so a page kept by the browser always carries a token that is valid
for its session.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Callable, Hashable

from flask import Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from .cache import LRUCache

CSRF_PLACEHOLDER = "\x00csrf-token\x00"
_PAGES = LRUCache(128)  # a result page is about 60 KB (its figures travel inside it)


def frozen_page(key: tuple[Hashable, ...], modified: str, render: Callable[[Callable[[], str]], str]) -> Response:
    """The page under ``key`` (rendered by ``render(csrf_token)`` on a miss), with ETag and Last-Modified.

    Flashed messages are shown once, so a page with one is rendered fresh and not kept.
    """
    if session.get("_flashes"):
        return Response(render(generate_csrf))
    full_key = (current_app.config["DATABASE"], *key)
    secret = session.get("csrf_token")  # the session's CSRF secret, once it has one
    etag = hashlib.sha256(repr((full_key, secret)).encode()).hexdigest()[:32]
    response = Response()
    response.last_modified = datetime.fromisoformat(modified)
    g.revalidate = True  # the browser may keep it, but must ask before showing it again
    if secret is not None and request.if_none_match.contains(etag):
        response.set_etag(etag)
        response.status_code = 304
        return response
    token = generate_csrf()
    if secret is None:  # a new session: its secret was made just now
        etag = hashlib.sha256(repr((full_key, session.get("csrf_token"))).encode()).hexdigest()[:32]
    response.set_etag(etag)
    html: str = _PAGES.get(full_key, lambda: render(lambda: CSRF_PLACEHOLDER))
    response.set_data(html.replace(CSRF_PLACEHOLDER, token))
    response.mimetype = "text/html"
    return response


def clear_pages() -> None:
    _PAGES.clear()


def page_key_for_user() -> tuple[Any, ...]:
    """The part of a page that depends on who is signed in."""
    user = g.get("user")
    return (user["id"], user["email"], user["role"]) if user else (None,)
