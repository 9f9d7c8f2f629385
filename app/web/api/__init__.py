"""The JSON API under /api/v1, its OpenAPI description at /api/openapi.json and its docs at /api/docs.

Requests authenticate with a personal access token (`Authorization: Bearer <token>`), never a
cookie, so they need no CSRF token. What a token sees is what its user sees on the web.
"""

from . import assessments, docs, orgs, roadmap, scoring, workshops  # noqa: F401 (they register their operations)
from .core import ApiError, bp

__all__ = ["ApiError", "bp"]
