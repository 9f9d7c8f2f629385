"""Static files (ours, Bootstrap's and plotly.js) served compressed: brotli or gzip, each file compressed once.

A room of 30 to 300 phones shares one venue Wi-Fi, so what a phone downloads matters. A
text file is compressed the first time someone asks for it in the encoding their browser
accepts, kept on disk in the instance folder for every worker and every restart, and in this
worker's memory, until the file changes (its size and modification time are part of the key). Responses say ``Vary: Accept-Encoding``; the ETag becomes weak (the
bytes differ from the file's), so a repeat visit's If-None-Match still gets a 304.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from pathlib import Path

from flask import Flask, Response, current_app, request
from werkzeug.security import safe_join

try:  # installed with the reports (fonttools); gzip serves browsers without it as well
    import brotli
except ImportError:  # pragma: no cover - brotli is pinned in requirements.txt
    brotli = None

COMPRESSIBLE = {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json",
                "text/plain"}
# Endpoints that answer with a file: the static folders (the app's, Bootstrap's) and plotly.js.
STATIC_ENDPOINTS = {"static": None, "bootstrap.static": "bootstrap", "main.plotly_js": "plotly"}
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
    if blueprint == "plotly":
        from .main import PLOTLY_JS
        return str(PLOTLY_JS)
    folder = current_app.static_folder if blueprint is None else current_app.blueprints[blueprint].static_folder
    filename = (request.view_args or {}).get("filename")
    return safe_join(folder, filename) if folder and filename else None


def _compress(data: bytes, encoding: str) -> bytes:
    large = len(data) > 256 * 1024  # plotly.js: a quick setting keeps the first request short
    if encoding == "br":
        return brotli.compress(data, quality=5 if large else 9)
    return gzip.compress(data, compresslevel=6 if large else 9, mtime=0)


def compressed_bytes(path: str, encoding: str, store: Path | None = None) -> bytes:
    """The file's bytes in one encoding, compressed once per change of the file (and kept in ``store``)."""
    stat = os.stat(path)
    key = (path, stat.st_size, stat.st_mtime_ns, encoding)
    found = _compressed.get(key)
    if found is None:
        with _lock:  # one request compresses, the others wait and share it
            found = _compressed.get(key)
            if found is None:
                found = _from_disk(store, key) if store else None
                if found is None:
                    with open(path, "rb") as handle:
                        found = _compress(handle.read(), encoding)
                    if store:
                        _to_disk(store, key, found)
                _compressed[key] = found
    return found


def _disk_name(store: Path, key: tuple) -> Path:
    return store / (hashlib.sha256(repr(key).encode()).hexdigest()[:32] + "." + key[-1])


def _from_disk(store: Path, key: tuple) -> bytes | None:
    try:
        return _disk_name(store, key).read_bytes()
    except OSError:
        return None


def _to_disk(store: Path, key: tuple, data: bytes) -> None:
    """Write aside, then rename into place: another worker never reads half a file."""
    try:
        store.mkdir(parents=True, exist_ok=True)
        target = _disk_name(store, key)
        aside = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
        aside.write_bytes(data)
        os.replace(aside, target)
    except OSError:
        pass  # a read-only instance folder: memory only


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
    body = compressed_bytes(path, encoding, Path(current_app.instance_path) / "compressed")
    response.direct_passthrough = False
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    etag, _weak = response.get_etag()
    if etag:
        response.set_etag(etag, weak=True)
    return response


def init_compression(app: Flask) -> None:
    app.after_request(compress_static)
