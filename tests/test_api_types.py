"""The API description types every object, so a client generated from it gets models, not dicts.

A free-form object (no declared properties, any keys with any values) tells a generated client
nothing; each one left must be on ALLOWED with the reason. And the result models must be true:
real results validate against them with no key they do not declare.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from pydantic import BaseModel

from app.engine import run_assessment
from app.engine.result_model import Result
from tests.uneven import uneven_organisation

# Where a free-form object is right, and why. Empty today: every object of the API is typed.
ALLOWED: dict[str, str] = {}

# Keys of a schema that hold values, not schemas.
NOT_SCHEMAS = {"default", "example", "examples", "enum", "const", "required"}


def free_form(schema: dict[str, Any]) -> bool:
    """An object schema that declares nothing: no properties and no typed extra keys."""
    if schema == {}:
        return True
    is_object = schema.get("type") == "object" or (
        "type" not in schema and "additionalProperties" in schema)
    return is_object and not schema.get("properties") and schema.get("additionalProperties", True) in (True, {})


def free_forms(node: Any, path: str = "") -> list[str]:
    """The paths of every free-form schema in (a part of) an OpenAPI description."""
    found = []
    if isinstance(node, dict):
        if free_form(node):
            found.append(path)
        for key, value in node.items():
            if key not in NOT_SCHEMAS:
                found += free_forms(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += free_forms(value, f"{path}/{i}")
    return found


def operation_schemas(node: Any, path: str) -> list[tuple[str, Any]]:
    """Every `schema` of the paths: parameters, request bodies, answers and headers."""
    if isinstance(node, dict):
        return [pair for key, value in node.items()
                for pair in ([(f"{path}/{key}", value)] if key == "schema" else operation_schemas(value, f"{path}/{key}"))]
    if isinstance(node, list):
        return [pair for i, value in enumerate(node) for pair in operation_schemas(value, f"{path}/{i}")]
    return []


def schema_paths(spec: dict[str, Any]) -> list[str]:
    """Free-form schemas of the components and of every operation's parameters and bodies."""
    found = [p for name, schema in spec["components"]["schemas"].items()
             for p in free_forms(schema, f"/components/schemas/{name}")]
    return found + [p for where, schema in operation_schemas(spec["paths"], "/paths") for p in free_forms(schema, where)]


@pytest.mark.parametrize("schema, expected", [
    ({}, True),
    ({"type": "object"}, True),
    ({"type": "object", "additionalProperties": True}, True),
    ({"additionalProperties": {}}, True),
    ({"type": "object", "additionalProperties": {"type": "integer"}}, False),
    ({"type": "object", "properties": {"a": {"type": "string"}}}, False),
    ({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": True}, False),
    ({"type": "string"}, False),
])
def test_a_free_form_object_is_one_that_declares_nothing(schema, expected):
    assert free_form(schema) is expected


def test_the_walk_finds_a_free_form_object_deep_in_a_model():
    spec = {"components": {"schemas": {"A": {"type": "object", "properties": {
        "b": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
        "c": {"anyOf": [{"type": "object"}, {"type": "null"}]},
        "d": {"type": "object", "default": {}}}}}},
        "paths": {"/x": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {}}}}},
                                 "security": [{"bearerAuth": []}]}}}}
    assert schema_paths(spec) == ["/components/schemas/A/properties/b/items",
                                  "/components/schemas/A/properties/c/anyOf/0",
                                  "/components/schemas/A/properties/d",
                                  "/paths//x/get/responses/200/content/application/json/schema"]


def test_no_object_of_the_description_is_free_form_unless_allowed(client):
    spec = client.get("/api/openapi.json").get_json()
    found = schema_paths(spec)
    unexplained = [path for path in found if path not in ALLOWED]
    assert unexplained == [], "type these (or add them to ALLOWED saying why): " + ", ".join(unexplained)
    stale = [path for path in ALLOWED if path not in found]
    assert stale == [], "no longer free-form, drop from ALLOWED: " + ", ".join(stale)


@pytest.mark.parametrize("name", ["Result", "Questionnaire", "WorkshopSummary", "Progress"])
def test_the_objects_a_client_reads_most_are_models(client, name):
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    assert schemas[name]["properties"], name


def undeclared(model: BaseModel, path: str = "") -> list[str]:
    """Every key a validated model kept without declaring it, as dotted paths."""
    out = [f"{path}{key}" for key in (model.model_extra or {})]
    for name in type(model).model_fields:
        out += _undeclared_in(getattr(model, name), f"{path}{name}.")
    return out


def _undeclared_in(value: Any, path: str) -> list[str]:
    if isinstance(value, BaseModel):
        return undeclared(value, path)
    if isinstance(value, list):
        return [p for item in value for p in _undeclared_in(item, path + "[].")]
    if isinstance(value, dict):
        return [p for item in value.values() for p in _undeclared_in(item, path + "*.")]
    return []


def test_undeclared_keys_are_found():
    base = {"questionnaire": {"id": "q", "version": "1", "extra_q": 1}, "scores": {}, "overall":
            {"score": 1.0, "level": 1, "label": "x"}, "recommendation": {"model": "supportive", "hybrid_with": None,
                                                                        "ranking": [], "what_would_change": []},
            "pitfalls": [], "roadmap": {"target": {}, "phases": []}, "surprise": 2}
    assert sorted(undeclared(Result.model_validate(base))) == ["questionnaire.extra_q", "surprise"]


def test_real_results_are_what_the_result_model_says(content, questionnaire):
    """Uneven organisations' results validate, and every key they carry is declared (a key added to the
    result must be added to app/engine/result_model.py, or generated clients do not see it)."""
    for seed in range(25):
        answers, context = uneven_organisation(random.Random(seed), questionnaire)
        result = run_assessment(content, answers, context, plan={"start_date": "2027-01-04"})
        result["notes"] = {"governance": "steering minutes"}
        model = Result.model_validate(result)
        assert undeclared(model) == [], f"seed {seed}"
        assert model.model_dump(mode="json", by_alias=True, exclude_unset=True) == result, f"seed {seed}"
