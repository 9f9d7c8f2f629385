"""The OpenAPI 3.1 description, generated from the declared operations and their pydantic models.

OpenAPI 3.1 speaks JSON Schema 2020-12, which is what pydantic writes: every model's schema
goes to components/schemas as pydantic makes it (models_json_schema), and each operation's
parameters, body and answers refer to it. Nothing here is written by hand per endpoint.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .core import OPERATIONS, Operation
from .models import Error

REF = "#/components/schemas/{model}"

HEADERS = {
    "ETag": {"description": "The frozen result's version; send it back as If-None-Match.",
             "schema": {"type": "string"}},
    "Content-Disposition": {"description": "The file name to save it as.", "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait before trying again.", "required": True,
                    "schema": {"type": "string", "pattern": "^[0-9]+$"}},
}

ERRORS = {
    400: "The request could not be read: not JSON, a key given twice, or a cursor this API did not give.",
    401: "No token, or a token that is unknown, expired or revoked.",
    403: "A read-only token for a change, or a role that may not do this (as on the web).",
    404: "Nothing with this id, or nothing of yours: both answer the same.",
    409: "The resource is not in a state that allows this.",
    413: "The body is larger than the server accepts.",
    422: "A field is missing, unknown or has a value it may not have; `field` names it.",
    429: "Too many requests for this token, or too many wrong tokens from this address.",
    503: "Storage cannot take a write right now (full, read-only or locked); nothing was kept.",
}
ERROR_HEADERS = {429: ("Retry-After",), 503: ("Retry-After",)}

_PATH_ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")


def openapi_path(rule: str) -> str:
    return _PATH_ARGUMENT.sub(lambda m: "{" + m.group(2) + "}", rule)


def _models(operations: list[Operation]) -> list[tuple[type[BaseModel], str]]:
    seen: dict[tuple[type[BaseModel], str], None] = {(Error, "serialization"): None}
    for op in operations:
        if op.query is not None:
            seen[(op.query, "validation")] = None
        if op.body is not None:
            seen[(op.body_model(), "validation")] = None
        for ans in op.answers:
            if ans.model is not None:
                seen[(ans.model, "serialization")] = None
    return list(seen)


def _parameters(op: Operation, query_schema: dict[str, Any] | None, defs: dict[str, Any]) -> list[dict[str, Any]]:
    params = []
    for converter, name in _PATH_ARGUMENT.findall(op.rule):
        schema = ({"type": "integer", "minimum": 0, "maximum": 2**63 - 1} if converter == "int"
                  else {"type": "string"})
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    if query_schema is not None:
        resolved = defs[query_schema["$ref"].rsplit("/", 1)[1]] if "$ref" in query_schema else query_schema
        required = set(resolved.get("required", []))
        for name, schema in resolved.get("properties", {}).items():
            schema = dict(schema)
            description = schema.pop("description", None)
            param = {"name": name, "in": "query", "required": name in required, "schema": schema}
            if description:
                param["description"] = description
            params.append(param)
    return params


def _answers(op: Operation, schemas: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for ans in op.answers:
        entry: dict[str, Any] = {"description": ans.description}
        if ans.model is not None:
            entry["content"] = {"application/json": {"schema": schemas[(ans.model, "serialization")]}}
        elif ans.media:
            entry["content"] = {media: {"schema": {"type": "string", "format": "binary"}} for media in ans.media}
        if ans.headers:
            entry["headers"] = {name: HEADERS[name] for name in ans.headers}
        out[str(ans.status)] = entry
    error_statuses = {401, 404, 429, 503} if not op.public else {503}
    if op.query is not None:
        error_statuses |= {400, 422}
    if op.body is not None:
        error_statuses |= {400, 413, 422}
    if op.write or not op.public:
        error_statuses |= {403}
    error_statuses |= set(op.errors)
    for status in sorted(error_statuses):
        entry = {"description": ERRORS[status],
                 "content": {"application/json": {"schema": schemas[(Error, "serialization")]}}}
        if status in ERROR_HEADERS:
            entry["headers"] = {name: HEADERS[name] for name in ERROR_HEADERS[status]}
        out[str(status)] = entry
    return out


def build_spec(server_url: str = "/") -> dict[str, Any]:
    """The whole OpenAPI 3.1 document of the API as it is registered now."""
    operations = sorted(OPERATIONS, key=lambda op: (op.rule, op.method))
    schemas, top = models_json_schema(_models(operations), ref_template=REF)
    defs = top.get("$defs", {})
    paths: dict[str, dict[str, Any]] = {}
    for op in operations:
        query_schema = schemas[(op.query, "validation")] if op.query is not None else None
        entry: dict[str, Any] = {
            "operationId": op.endpoint.split(".", 1)[1],
            "summary": op.summary,
            "tags": [op.tag],
            "parameters": _parameters(op, query_schema, defs),
            "responses": _answers(op, schemas),
            "security": [] if op.public else [{"bearerAuth": []}],
        }
        if op.description:
            entry["description"] = " ".join(op.description.split())
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": schemas[(op.body_model(), "validation")]}}}
        if op.write:
            entry["x-token-scope"] = "read-write"
        paths.setdefault(openapi_path(op.rule), {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PMO Advisor API",
            "version": "1.0.0",
            "description": ("The JSON API of PMO Advisor. Send a personal access token (made on your account page, "
                            "or with `flask --app app tokens create`) as `Authorization: Bearer <token>`. What a "
                            "token sees is exactly what its user sees on the web. Lists are paged with "
                            "`?limit=` and `?cursor=` (the `next` of the previous page) in id order."),
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": defs,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "A personal access token."}},
        },
        "tags": [{"name": name} for name in dict.fromkeys(op.tag for op in operations)],
    }
