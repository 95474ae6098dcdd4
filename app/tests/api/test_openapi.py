"""GET /api/openapi.json: an OpenAPI 3.1 document of every endpoint of the deployment."""

import re

import pytest
from django.urls import get_resolver
from unibos.http import openapi

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(api) -> dict:
    response = api("GET", "/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_it_is_openapi_3_1_with_every_routed_endpoint_and_method(document):
    expected = {
        "/" + re.sub(r"<\w+:(\w+)>", r"{\1}", route): {
            method.lower() for method in openapi.operations(pattern.callback)
        }
        for route, pattern, _ in openapi.endpoints(get_resolver().url_patterns)
    }

    assert document["openapi"] == "3.1.0"
    assert {path: set(item) for path, item in document["paths"].items()} == expected
    assert all(expected.values()), "an endpoint records no operation"


def test_path_parameters_are_typed_by_their_converters(document):
    member = document["paths"]["/api/members/{member_id}"]["get"]["parameters"]
    node = document["paths"]["/api/nodes/{node_id}"]["delete"]["parameters"]

    assert member == [{"name": "member_id", "in": "path", "required": True,
                       "schema": openapi.ID}]  # fmt: skip
    assert node[0]["schema"] == {"type": "string", "format": "uuid"}


def test_bearer_endpoints_say_so_and_open_ones_need_nothing(document):
    paths = document["paths"]

    assert paths["/api/members"]["post"]["security"] == [{"bearer": []}]
    assert paths["/api/auth/token"]["post"]["security"] == []
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_request_bodies_and_error_responses_are_described(document):
    login = document["paths"]["/api/auth/token"]["post"]

    schema = login["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["username", "password", "organization"]
    assert login["responses"]["401"]["content"]["application/json"]["schema"] == openapi.ERROR
    assert document["paths"]["/api/nodes/{node_id}"]["delete"]["responses"]["204"] == {
        "description": "No Content"
    }


def test_an_operation_of_an_unknown_method_or_auth_is_refused_when_declared():
    with pytest.raises(ValueError, match="method"):
        openapi.operation("FETCH", summary="x", responses={})
    with pytest.raises(ValueError, match="auth"):
        openapi.operation(summary="x", responses={}, auth="basic")


def test_the_method_defaults_to_post_with_a_body_and_get_without():
    def view(request):
        raise AssertionError

    openapi.operation(summary="read", responses={200: None})(view)
    openapi.operation(summary="write", request={"type": "object"}, responses={201: None})(view)

    assert sorted(openapi.operations(view)) == ["GET", "POST"]
