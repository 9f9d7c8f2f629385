"""Static files reach phones compressed (brotli, else gzip), with Vary and a weak ETag that a
repeat visit gets a 304 for; the bytes decompress to the file itself."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest

STATIC = Path(__file__).resolve().parent.parent / "app" / "web" / "static"


@pytest.mark.parametrize("accept, decode", [("br, gzip", brotli.decompress), ("gzip", gzip.decompress)])
def test_static_text_is_compressed_in_the_encoding_the_browser_accepts(client, accept, decode):
    original = (STATIC / "css" / "app.css").read_bytes()
    response = client.get("/static/css/app.css", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == accept.split(",")[0]
    assert "Accept-Encoding" in response.headers["Vary"]
    assert decode(response.data) == original and len(response.data) < len(original) / 2
    assert "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/static/css/app.css", headers={"Accept-Encoding": accept, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""


def test_bootstrap_and_plotly_are_compressed_too_and_plain_without_accept_encoding(client):
    css = client.get("/bootstrap/static/css/bootstrap.min.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip" and len(css.data) < 60_000
    plotly = client.get("/vendor/plotly.min.js", headers={"Accept-Encoding": "br"})
    assert plotly.headers["Content-Encoding"] == "br" and len(plotly.data) < 1_500_000
    plain = client.get("/static/css/app.css", headers={"Accept-Encoding": ""})
    assert "Content-Encoding" not in plain.headers and plain.data == (STATIC / "css" / "app.css").read_bytes()
    assert "Accept-Encoding" in plain.headers["Vary"]


def test_tiny_files_are_sent_as_they_are(client):
    icon = client.get("/static/favicon.svg", headers={"Accept-Encoding": "gzip"})
    assert icon.status_code == 200  # 256 bytes: not worth compressing
    assert "Content-Encoding" not in icon.headers
