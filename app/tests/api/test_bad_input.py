"""Every 400 names the field at fault, in `detail` and in `field`."""

import pytest

pytestmark = pytest.mark.django_db

LOGIN = {"username": "a", "password": "b", "organization": "acme"}
ENROL = {"token": "t", "name": "n", "version": "1"}
CASES = [
    ("POST", "/api/auth/token", {"username": "a", "password": "b"}, "organization"),
    ("POST", "/api/auth/token", {**LOGIN, "username": 7}, "username"),
    ("POST", "/api/auth/token", {**LOGIN, "password": ""}, "password"),
    ("POST", "/api/auth/token", {**LOGIN, "admin": True}, "admin"),
    ("POST", "/api/members", {"username": "acme-viewer", "role": "king"}, "role"),
    ("POST", "/api/members", {"role": "member"}, "username"),
    ("POST", "/api/enrolment-tokens", {"ttl_seconds": 5}, "ttl_seconds"),
    ("POST", "/api/enrolment-tokens", {"ttl_seconds": True}, "ttl_seconds"),
    ("PATCH", "/api/organization", {"name": "x" * 201}, "name"),
    # The item at fault, now that the schema names it.
    ("PATCH", "/api/organization", {"modules": ["OCR!"]}, "modules[0]"),
    ("PATCH", "/api/organization", {"modules": "ocr"}, "modules"),
    ("POST", "/api/nodes/enrol", {"token": "t", "name": "n"}, "version"),
    ("POST", "/api/nodes/enrol", {**ENROL, "organization": ""}, "organization"),
    ("POST", "/api/nodes/token", {"node_id": "x", "credential": "y"}, "version"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[1]}-{c[3]}" for c in CASES])
def test_a_bad_field_is_400_naming_it(api, acme, case):
    method, path, body, field = case
    response = api(method, path, acme.token(), body)

    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert response.json()["detail"].startswith(f"{field}: ")


@pytest.mark.parametrize("raw", ["{", "[]", '"text"', "null"])
def test_a_body_that_is_not_a_json_object_is_400_naming_the_body(api, acme, raw):
    response = api.client.post(
        "/api/members", raw, content_type="application/json",
        headers={"Authorization": f"Bearer {acme.token()}"},
    )  # fmt: skip

    assert response.status_code == 400
    assert response.json()["field"] == "body"


def test_a_member_id_of_another_type_is_simply_not_routed(api, acme):
    assert api("GET", "/api/members/abc", acme.token()).status_code == 404
