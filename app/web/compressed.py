"""Static files (ours and Bootstrap's) served compressed: brotli or gzip, each file compressed once.

A room of 30 to 300 phones shares one venue Wi-Fi, so what a phone downloads matters. A
text file is compressed the first time someone asks for it in the encoding their browser
accepts, and kept in this worker's memory until the file changes (its size and modification
time are part of the key). Responses say ``Vary: Accept-Encoding``; the ETag becomes weak (the
bytes differ from the file's), so a repeat visit's If-None-Match still gets a 304.
"""

from __future__ import annotations

import gzip
import os
import threading

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

try:  # installed with the reports (fonttools); gzip serves browsers without it as well
    import brotli
except ImportError:  # pragma: no cover - brotli is pinned in requirements.txt
    brotli = None

COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json",
                "text/plain"}
STATIC_ENDPOINTS = {"static": None, "bootstrap.static": "bootstrap"}  # endpoint: its blueprint (None: the app)
MIN_SIZE = 1024  # smaller files gain nothing worth the CPU

_compressed: dict[tuple, bytes] = {}
_lock = threading.Lock()


def _encoding() -> str | None:
    accepted = request.accept_encodings
    if brotli is not None and accepted["br"]:
        return "br"
    return "gzip" if accepted["gzip"] else None


def _path() -> str | None:
    """The file a static request was answered with."""
    blueprint = STATIC_ENDPOINTS[request.endpoint]
    folder = current_app.static_folder if blueprint is None else current_app.blueprints[blueprint].static_folder
    filename = (request.view_args or {}).get("filename")
    return safe_join(folder, filename) if folder and filename else None


def _compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=9)
    return gzip.compress(data, compresslevel=9, mtime=0)


def compressed_bytes(path: str, encoding: str) -> bytes:
    """The file's bytes in one encoding, compressed once per change of the file."""
    stat = os.stat(path)
    key = (path, stat.st_size, stat.st_mtime_ns, encoding)
    found = _compressed.get(key)
    if found is None:
        with _lock:  # one request compresses, the others wait and share it
            found = _compressed.get(key)
            if found is None:
                with open(path, "rb") as handle:
                    found = _compress(handle.read(), encoding)
                _compressed[key] = found
    return found


def compress_static(response: Response) -> Response:
    if request.endpoint not in STATIC_ENDPOINTS or response.mimetype not in COMPRESSIBLE:
        return response
    response.vary.add("Accept-Encoding")
    encoding = _encoding()
    if response.status_code != 200 or encoding is None or (response.content_length or 0) < MIN_SIZE:
        return response
    path = _path()
    if path is None or not os.path.isfile(path):
        return response
    body = compressed_bytes(path, encoding)
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    etag, _weak = response.get_etag()
    if etag:
        response.set_etag(etag, weak=True)
    return response


def init_compression(app: Flask) -> None:
    app.after_request(compress_static)
