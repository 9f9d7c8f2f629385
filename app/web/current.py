"""What every view works with: the content the app was started with."""

from __future__ import annotations

from flask import current_app

from ..engine import Content


def content() -> Content:
    """The validated content the app was started with."""
    return current_app.extensions["pmo_content"]
