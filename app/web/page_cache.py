"""Pages of frozen results, rendered once per worker and answered with 304 when unchanged.

A frozen snapshot never changes, so its page depends only on the snapshot (id and content
hash), the day (roadmap dates count from today), who is looking (the navigation and the
attach form) and the organisation it belongs to. The page is rendered once under that key
with a placeholder for the CSRF token, which is filled in per request. The ETag adds the
session's CSRF secret, so a page kept by the browser always carries a token that is valid
for its session.

The page is kept as bytes split at the placeholder, and each piece is also kept compressed
(raw deflate ending on a byte boundary), so a browser that accepts gzip gets the kept pieces
spliced around its token: a request neither encodes nor compresses 100 KB of HTML again.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from datetime import datetime
from typing import Any, Callable, Hashable

from flask import Response, current_app, g, request, session
from flask_wtf.csrf import generate_csrf

from .cache import LRUCache

CSRF_PLACEHOLDER = "\x00csrf-token\x00"
_PAGES = LRUCache(128)  # a result page is about 120 KB, and 20 KB more compressed
# gzip's header with no name and no time (RFC 1952), and deflate's empty last block (RFC 1951).
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_LAST_BLOCK = b"\x03\x00"


def _deflated(data: bytes) -> bytes:
    """``data`` as deflate blocks that end on a byte boundary and are not the last: pieces made so join."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


class KeptPage:
    """A rendered page, split where the CSRF token goes, as plain and as deflated pieces."""

    def __init__(self, html: str):
        self.pieces = [piece.encode() for piece in html.split(CSRF_PLACEHOLDER)]
        self.deflated = [_deflated(piece) for piece in self.pieces]

    def plain(self, token: bytes) -> bytes:
        return token.join(self.pieces)

    def gzipped(self, token: bytes) -> bytes:
        """The page with ``token`` as one gzip member: the kept pieces around the token compressed now."""
        token_deflated = _deflated(token)
        body, crc = [_GZIP_HEADER], 0
        for index, (piece, deflated) in enumerate(zip(self.pieces, self.deflated)):
            if index:
                body.append(token_deflated)
                crc = zlib.crc32(token, crc)
            body.append(deflated)
            crc = zlib.crc32(piece, crc)
        size = sum(map(len, self.pieces)) + len(token) * (len(self.pieces) - 1)
        body += [_LAST_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF)]
        return b"".join(body)


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
    response.vary.add("Accept-Encoding")
    gzipped = request.accept_encodings["gzip"] > 0
    g.revalidate = True  # the browser may keep it, but must ask before showing it again
    if secret is not None and request.if_none_match.contains_weak(etag):
        response.set_etag(etag, weak=gzipped)
        response.status_code = 304
        return response
    token = generate_csrf()
    if secret is None:  # a new session: its secret was made just now
        etag = hashlib.sha256(repr((full_key, session.get("csrf_token"))).encode()).hexdigest()[:32]
    # The compressed bytes differ from the page's: a weak ETag, as for the static files.
    response.set_etag(etag, weak=gzipped)
    page: KeptPage = _PAGES.get(full_key, lambda: KeptPage(render(lambda: CSRF_PLACEHOLDER)))
    if gzipped:
        response.set_data(page.gzipped(token.encode()))
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.set_data(page.plain(token.encode()))
    response.mimetype = "text/html"
    return response


def clear_pages() -> None:
    _PAGES.clear()


def page_key_for_user() -> tuple[Any, ...]:
    """The part of a page that depends on who is signed in."""
    user = g.get("user")
    return (user["id"], user["email"], user["role"]) if user else (None,)
