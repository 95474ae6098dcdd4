"""/api/organization: the token's organization, its limits and usage; admins change it."""

import pytest

pytestmark = pytest.mark.django_db


def test_any_member_reads_the_organization_with_limits_and_usage(api, acme):
    body = api("GET", "/api/organization", acme.token("viewer")).json()

    assert (body["slug"], body["type"], body["plan"]) == ("acme", "organization", "team")
    assert body["limits"] == {"max_users": 25, "max_nodes": 10, "max_storage_mb": 102400}
    assert body["usage"] == {"users": 4, "nodes": 1}
    assert body["modules"] == []


def test_an_admin_renames_it_and_sets_its_modules(api, acme):
    response = api(
        "PATCH", "/api/organization", acme.token("admin"),
        {"name": "Acme Corp", "modules": ["ocr", "media", "ocr"]},
    )  # fmt: skip

    assert response.status_code == 200
    assert (response.json()["name"], response.json()["modules"]) == ("Acme Corp", ["ocr", "media"])
    assert api("GET", "/api/organization", acme.token()).json()["name"] == "Acme Corp"


def test_a_member_cannot_change_it(api, acme):
    assert api("PATCH", "/api/organization", acme.token("member"), {"name": "X"}).status_code == 403
