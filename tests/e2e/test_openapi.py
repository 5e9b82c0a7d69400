"""The OpenAPI documents say what the services do, so that a client generator or a fuzzer can
produce valid requests from them alone (issue 11: they declared no bearer scheme, only
200/201/422 answers, and limits in pydantic's own words such as ``"gt": 0``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import System

SERVICES = ["registration", "approval", "reporting"]
PROBES = {"/healthz", "/readyz", "/metrics"}
REFUSALS = {401, 403, 404, 409, 413, 422, 503}
ANSWERS: dict[tuple[str, str, str], set[int]] = {
    ("registration", "post", "/tasks"): {201} | REFUSALS - {404},
    ("registration", "put", "/tasks/{task_id}"): {200} | REFUSALS,
    ("registration", "get", "/tasks/{task_id}"): {200} | REFUSALS - {409},
    ("registration", "post", "/tasks/{task_id}/withdrawal"): {201} | REFUSALS,
    ("registration", "post", "/tasks/{task_id}/progress"): {201} | REFUSALS,
    ("registration", "post", "/tasks/{task_id}/self-assessment"): {201} | REFUSALS,
    ("registration", "put", "/roster/{year}"): {200} | REFUSALS - {404},
    ("registration", "get", "/roster/{year}"): {200} | REFUSALS - {409},
    ("registration", "put", "/committees/{year}"): {200} | REFUSALS - {404},
    ("registration", "get", "/years/{year}"): {200, 401, 413, 422, 503},
    ("approval", "get", "/approvals/pending"): {200} | REFUSALS - {404, 409},
    ("approval", "post", "/tasks/{task_id}/decision"): {200} | REFUSALS,
    ("approval", "post", "/decisions"): {200} | REFUSALS,
    ("approval", "post", "/tasks/{task_id}/evaluation"): {201} | REFUSALS,
    ("approval", "post", "/years/{year}/closure"): {201} | REFUSALS - {404},
    ("approval", "post", "/reminders"): {202} | REFUSALS - {404, 409},
    ("registration", "get", "/me"): {200, 401, 413, 503},
    ("approval", "get", "/me"): {200, 401, 413, 503},
    ("reporting", "get", "/me"): {200, 401, 413, 503},
    # 504: not caught up with an ``after`` position within 5 s
    ("reporting", "get", "/reports/{year}"): {200, 504} | REFUSALS - {404, 409},
    ("reporting", "get", "/reports/{year}.csv"): {200, 504} | REFUSALS - {404, 409},
    ("reporting", "get", "/reports/{year}/missing"): {200, 504} | REFUSALS - {404, 409},
    ("reporting", "get", "/tasks"): {200, 504} | REFUSALS - {404, 409},
    ("reporting", "get", "/tasks/{task_id}"): {200, 504} | REFUSALS - {409},
}
"""Every route of the services and every status it can answer (409 where a state, a quota
or a closed year can refuse it; 404 where it names a task; 413, 422, 503 and 401/403 on
every route that needs a token)."""

SCHEMA_KEYWORDS = {
    "$ref",
    "$defs",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "prefixItems",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "enum",
    "const",
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "default",
    "title",
    "description",
    "examples",
    "example",
    "discriminator",
    "readOnly",
    "writeOnly",
    "deprecated",
    "contentMediaType",
}
"""JSON Schema 2020-12 keywords (and OpenAPI 3.1's ``discriminator``/``example``)."""


def document(system: System, service: str) -> dict[str, Any]:
    answer = system.clients[service].get("/openapi.json")
    assert answer.status_code == 200, "the document is open: it holds no data"
    result: dict[str, Any] = answer.json()
    return result


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "patch", "delete"}:
                yield method, path, operation


def schemas(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, schema) of every schema in the document, nested ones included."""

    def inside(where: str, schema: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        if not isinstance(schema, dict):
            return
        yield where, schema
        for name, sub in schema.get("properties", {}).items():
            yield from inside(f"{where}.properties.{name}", sub)
        for name, sub in schema.get("$defs", {}).items():
            yield from inside(f"{where}.$defs.{name}", sub)
        for keyword in ("items", "additionalProperties", "not"):
            yield from inside(f"{where}.{keyword}", schema.get(keyword))
        for keyword in ("anyOf", "oneOf", "allOf", "prefixItems"):
            for index, sub in enumerate(schema.get(keyword, [])):
                yield from inside(f"{where}.{keyword}[{index}]", sub)

    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        yield from inside(f"components.schemas.{name}", schema)
    for method, path, operation in operations(doc):
        here = f"{method} {path}"
        for parameter in operation.get("parameters", []):
            yield from inside(f"{here} parameter {parameter['name']}", parameter["schema"])
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            yield from inside(f"{here} body {media}", content.get("schema"))
        for status, response in operation["responses"].items():
            for media, content in response.get("content", {}).items():
                yield from inside(f"{here} {status} {media}", content.get("schema"))


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_declares_the_bearer_scheme(system: System, service: str) -> None:
    doc = document(system, service)
    declared = doc["components"]["securitySchemes"]
    bearer = [
        name for name, s in declared.items() if (s["type"], s["scheme"]) == ("http", "bearer")
    ]
    assert len(bearer) == 1, declared
    for method, path, operation in operations(doc):
        if path in PROBES or path == "/":
            assert not operation.get("security"), f"{method} {path} is open"
        else:
            assert operation.get("security") == [{bearer[0]: []}], f"{method} {path}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_lists_every_status_it_answers(system: System, service: str) -> None:
    documented = {
        (method, path): {int(status) for status in operation["responses"]}
        for method, path, operation in operations(document(system, service))
        if path not in PROBES
    }
    expected = {
        (method, path): statuses
        for (owner, method, path), statuses in ANSWERS.items()
        if owner == service
    }
    assert documented == expected


@pytest.mark.parametrize("service", SERVICES)
def test_every_refusal_is_documented_in_the_one_error_shape(system: System, service: str) -> None:
    doc = document(system, service)
    shape = doc["components"]["schemas"]["ErrorBody"]
    assert shape["required"] == ["detail"]
    for method, path, operation in operations(doc):
        for status, response in operation["responses"].items():
            if int(status) >= 400 and path not in PROBES:
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, status)


@pytest.mark.parametrize("service", SERVICES)
def test_limits_are_in_json_schema_keywords_only(system: System, service: str) -> None:
    for where, schema in schemas(document(system, service)):
        unknown = set(schema) - SCHEMA_KEYWORDS
        assert not unknown, f"{where}: {sorted(unknown)} are not JSON Schema keywords"
        for keyword in ("exclusiveMinimum", "exclusiveMaximum"):
            assert not isinstance(schema.get(keyword, 0), bool), f"{where}: {keyword} is a number"


def test_the_registration_limits_are_published(system: System) -> None:
    components = document(system, "registration")["components"]["schemas"]
    target = components["TargetBody"]["properties"]["target"]
    assert (target["exclusiveMinimum"], target["maximum"]) == (0, 1e15)
    value = components["ActualBody"]["properties"]["value"]
    assert (value["minimum"], value["maximum"]) == (0, 1e15)
    registration = components["RegistrationBody"]["properties"]
    assert registration["title"]["maxLength"] == 300
    assert registration["description"]["maxLength"] == 5000
    assert (registration["targets"]["minItems"], registration["targets"]["maxItems"]) == (1, 10)
    assert (registration["year"]["minimum"], registration["year"]["maximum"]) == (2000, 2100)
    identifier = components["RegistrantBody"]["properties"]["id"]
    assert identifier["pattern"] == "^[A-Za-z0-9_-]{1,64}$"
    assert components["UnitBody"]["properties"]["code"]["pattern"] == identifier["pattern"]


def test_path_ids_follow_the_identifier_rules(system: System) -> None:
    for service in ("registration", "approval"):
        for method, path, operation in operations(document(system, service)):
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "task_id":
                    assert parameter["schema"]["pattern"] == "^[A-Za-z0-9_-]{1,64}$", (
                        method,
                        path,
                    )
                if parameter["name"] == "year":
                    schema = parameter["schema"]
                    assert (schema["minimum"], schema["maximum"]) == (2000, 2100), (method, path)


def test_the_roster_takes_json_or_csv(system: System) -> None:
    doc = document(system, "registration")
    content = doc["paths"]["/roster/{year}"]["put"]["requestBody"]["content"]
    assert set(content) == {"application/json", "text/csv"}
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/RosterBody"}
    assert "RosterBody" in doc["components"]["schemas"]
