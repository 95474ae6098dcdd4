"""What every endpoint shares: JSON errors for wrong methods, the JWKS's caching."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_method_an_endpoint_does_not_answer_is_405_in_json_with_allow(api, acme):
    response = api("PUT", "/api/members", acme.token())

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert response.json() == {
        "error": "method_not_allowed",
        "detail": "PUT is not allowed here; use GET, POST",
    }


def test_the_jwks_is_public_and_cacheable_for_five_minutes(api, signing_keys):
    response = api("GET", "/.well-known/jwks.json")

    assert response.status_code == 200
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    published = response.json()["keys"]
    assert len(published) == 2
    assert {(key["kty"], key["crv"], key["alg"]) for key in published} == {
        ("OKP", "Ed25519", "EdDSA")
    }
    assert all("d" not in key for key in published)
