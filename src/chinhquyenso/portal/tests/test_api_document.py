"""The OpenAPI document of /api/v1/ tells the truth: regressions for what the Schemathesis run
(test_api_schemathesis.py) found, checked here on every run of the suite."""

import json
import re
from collections import defaultdict

import pytest
from ninja.openapi import schema as ninja_schema

from chinhquyenso.api import api

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def spec():
    return json.loads(json.dumps(api.get_openapi_schema()))


def _operations(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_no_two_schemas_share_a_component_name(monkeypatch):
    """ninja keeps one component per name for the whole API: the DraftIn of documents replaced that of
    dossiers, the IndicatorOut of assessment that of dashboard, five EventOut and three Status enums
    overwrote one another, so clients were told the wrong body and the wrong answers."""
    seen = defaultdict(set)
    add = ninja_schema.OpenAPISchema.add_schema_definitions

    def recording(self, definitions):
        for name, definition in definitions.items():
            seen[name].add(json.dumps(definition, sort_keys=True))
        return add(self, definitions)

    monkeypatch.setattr(ninja_schema.OpenAPISchema, "add_schema_definitions", recording)
    api.get_openapi_schema()
    assert {name for name, definitions in seen.items() if len(definitions) > 1} == set()


def test_the_answers_every_operation_can_give_are_documented(spec):
    for label, operation in _operations(spec):
        responses = operation["responses"]
        assert "400" in responses, label  # NUL in path or query; a body that is not JSON
        takes_input = operation.get("parameters") or "requestBody" in operation
        assert not takes_input or "422" in responses, label
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in responses, label
        security = operation.get("security")
        assert not security or {} in security or "401" in responses, label


@pytest.mark.parametrize(("label", "status"), [
    ("GET /api/v1/feedback/categories", "404"), ("GET /api/v1/questions/", "404"),
    ("GET /api/v1/community/quizzes", "404"), ("GET /api/v1/assessment/assessments", "404"),
    ("POST /api/v1/documents/incoming", "403"), ("POST /api/v1/feedback/reports", "429"),
    ("POST /api/v1/exchange/messages/{message_id}/retry", "409"),
    ("POST /api/v1/procedures/manage/versions/{version_id}/publish", "409"),
])
def test_answers_of_single_operations_are_documented(spec, label, status):
    assert status in dict(_operations(spec))[label]["responses"]


def test_files_are_documented_as_files(spec):
    pdf = dict(_operations(spec))["GET /api/v1/dossiers/slips/{slip_id}/pdf"]["responses"]["200"]
    assert list(pdf["content"]) == ["application/pdf"]


def test_operations_anyone_may_call_say_so(spec):
    operations = dict(_operations(spec))
    for label in ("GET /api/v1/sector-data/series", "GET /api/v1/assessment/sets", "POST /api/v1/questions/"):
        assert {} in operations[label]["security"], label
    assert {} not in operations["GET /api/v1/accounts/me"]["security"]


def test_forms_have_no_null(spec):
    """A form cannot send null: "spec_id=null" was a 422 for a value the document allowed."""
    for label, operation in _operations(spec):
        for content_type, media in operation.get("requestBody", {}).get("content", {}).items():
            if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
                assert "null" not in json.dumps(media["schema"]), label


def test_decimals_are_numbers_or_numeric_text(spec):
    """pydantic documents a Decimal as a number or any string: "Kỳ" was a 422 the document allowed."""
    def walk(node):
        if isinstance(node, dict):
            branches = node.get("anyOf", [])
            if {"number", "string"} <= {b.get("type") for b in branches}:
                yield from (b for b in branches if b.get("type") == "string")
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    inputs = [o.get("requestBody", {}) for _, o in _operations(spec)] + [spec["components"]["schemas"]]
    strings = list(walk(inputs))
    assert strings and all(re.compile(b["pattern"]) for b in strings if "pattern" in b)
    assert [b for b in strings if "pattern" not in b] == [
        {"type": "string"}]  # sector-data observations: raw cells, checked row by row (422 per row)


def test_validation_errors_match_the_declared_422(client, spec):
    """An operation that declares its own 422 also gets the validation error's shape (was: the
    field errors, objects, broke its list of strings)."""
    declared = dict(_operations(spec))["POST /api/v1/assessment/assessments"]["responses"]["422"]
    schema = declared["content"]["application/json"]["schema"]
    assert {"$ref": "#/components/schemas/ApiValidationError"} in schema["anyOf"]


@pytest.mark.parametrize("url", ["/api/v1/dossiers/abc", "/api/v1/khong-co/", "/api/v1/agencies/999999"])
def test_not_found_is_vietnamese_json(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("Không")


def test_unreadable_json_body_is_a_vietnamese_400(client):
    response = client.post("/api/v1/questions/HD-38-2026-000001/flag", "{", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Dữ liệu gửi lên không phải JSON hợp lệ."}


@pytest.mark.parametrize("on", ["0", "0.0", "1754006400", "2025-8-1"])
def test_dates_are_iso_dates_only(client, on):
    """pydantic alone reads a number, even as text, as a Unix time: ?on=0.0 was 1970-01-01."""
    assert client.get(f"/api/v1/units/01?on={on}").status_code == 422
