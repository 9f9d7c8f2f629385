"""The OpenAPI document and a page that shows it (Swagger UI, served from the installed package: no CDN)."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import abort, current_app, render_template, send_from_directory, url_for

from .core import answer, bp
from .openapi import build_spec

SWAGGER_DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css")

_SPECS: dict[str, dict] = {}


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 description, made once per content version and process."""
    key = current_app.extensions["pmo_content"].hash
    if key not in _SPECS:
        _SPECS[key] = build_spec()
    return answer(_SPECS[key])


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec_url=url_for("api.openapi_json"))


@bp.get("/docs/vendor/<name>")
def swagger_file(name: str):
    if name not in SWAGGER_FILES:
        abort(404)
    return send_from_directory(SWAGGER_DIST, name, max_age=current_app.config["SEND_FILE_MAX_AGE_DEFAULT"])
