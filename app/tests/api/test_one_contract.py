"""The OpenAPI document and the server's checks are one definition: what the document
forbids is refused naming the field, what it allows is not refused for its shape, and
every refusal Django makes itself (no such path, a failing view) is JSON too."""

import uuid

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import get_resolver, include, path
from unibos.http import openapi

pytestmark = pytest.mark.django_db


def failing_view(request: HttpRequest):
    raise RuntimeError("a bug in a view")


# This module is the URLconf of the test of a 500: the deployment's, and one failing view.
urlpatterns = [path("api/failing", failing_view), path("", include("unibos.http.urls"))]
handler404 = "unibos.http.errors.page_not_found"
handler500 = "unibos.http.errors.server_error"


def _operations_with_bodies():
    """(method, path with its parameters filled in, the recorded request schema)."""
    for route, pattern, _ in openapi.endpoints(get_resolver().url_patterns):
        for method, record in openapi.operations(pattern.callback).items():
            if record["contract"].body is not None:
                filled = route.replace("<int:member_id>", "1").replace("<int:conflict_id>", "1")
                filled = filled.replace("<uuid:node_id>", str(uuid.uuid4()))
                yield method, "/" + filled, record["request"]


def test_each_documented_request_schema_is_the_one_its_endpoint_checks(api):
    document = api("GET", "/api/openapi.json").json()
    checked = 0
    for route, pattern, _ in openapi.endpoints(get_resolver().url_patterns):
        for method, record in openapi.operations(pattern.callback).items():
            if record["request"] is None:
                continue
            published = document["paths"]["/" + openapi._PARAMETER.sub(r"{\1}", route)]
            body = published[method.lower()]["requestBody"]["content"]["application/json"]
            assert body["schema"] == record["request"]
            checked += 1
    # Every hub operation with a body, the sync push's (checked by its view) included.
    assert checked == 9


def test_a_request_the_document_forbids_is_refused_naming_the_field(api, acme):
    operations = list(_operations_with_bodies())
    assert len(operations) == 8
    for method, route, schema in operations:
        # Every request schema closes its fields: a misspelt one is an error.
        assert schema.get("additionalProperties") is False, route
        response = api(method, route, acme.token(), {"not_a_field": 1})
        assert response.status_code == 400, (route, response.content)
        assert response.json()["field"] == "not_a_field"
        if schema.get("required"):
            response = api(method, route, acme.token(), {})
            assert response.status_code == 400, (route, response.content)
            assert response.json()["field"] == schema["required"][0]


@pytest.mark.parametrize(
    "case",
    [
        # Each at a limit the document states: refused for who it names, not its shape.
        (
            "POST",
            "/api/auth/token",
            {"username": "é" * 150, "password": "\x1f", "organization": "x" * 50},
            401,
        ),
        ("POST", "/api/members", {"username": "u" * 150, "role": "viewer"}, 404),
        ("PATCH", "/api/organization", {"name": " Acme ", "modules": ["ocr", "ocr"]}, 200),
        ("PATCH", "/api/organization", {"modules": []}, 200),
        (
            "POST",
            "/api/nodes/enrol",
            {"token": "t", "name": "n" * 100, "version": "1", "organization": None},
            403,
        ),
    ],
)
def test_a_request_the_document_allows_is_not_refused_for_its_shape(api, acme, case):
    method, route, body, status = case
    response = api(method, route, acme.token(), body)

    assert response.status_code == status, response.content
    if route == "/api/organization" and "name" in body:
        assert response.json()["modules"] == ["ocr"]


def test_query_parameters_are_documented_and_checked_from_one_schema(api, acme):
    changes = api("GET", "/api/openapi.json").json()["paths"]["/api/sync/changes"]["get"]
    limit = next(p for p in changes["parameters"] if p["name"] == "limit")

    assert limit["in"] == "query"
    assert limit["schema"]["maximum"] == 1000
    refused = api("GET", "/api/sync/changes?limit=1001", acme.token())
    assert refused.status_code == 400
    assert refused.json()["field"] == "limit"
    assert api("GET", "/api/sync/changes?limit=1000", acme.token()).status_code == 200


@pytest.mark.parametrize(
    "route", ["/api/no-such-thing", "/api/conflicts/abc/resolve", "/api/members/abc"]
)
def test_an_unknown_path_or_a_path_parameter_its_route_refuses_is_a_json_404(api, acme, route):
    response = api("POST", route, acme.token(), {"keep": "local"})

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "not_found", "detail": f"no such path: {route}"}


@pytest.mark.urls(__name__)
def test_a_failing_view_is_a_json_500():
    response = Client(raise_request_exception=False).get("/api/failing")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "server_error"


def test_a_body_over_the_size_limit_is_a_json_413(api, acme, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = api("PATCH", "/api/organization", acme.token(), {"name": "x" * 200})

    assert response.status_code == 413
    assert response.json()["field"] == "body"


@pytest.mark.parametrize("route", ["/api/health", "/api/ready", "/api/openapi.json"])
def test_the_open_endpoints_answer_a_method_they_do_not_serve_in_json_too(api, route):
    response = api("POST", route)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["error"] == "method_not_allowed"
