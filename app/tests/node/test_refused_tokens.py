"""Every token the node must not accept gets 401 from its API, with the network up."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from tests.node.keyserver import SigningKey

pytestmark = [pytest.mark.urls("tests.node.urls"), pytest.mark.django_db]

ME = "/node/api/me"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def claims(hub_key: SigningKey) -> dict:
    """What hub_key.sign(7) would sign, for tokens assembled by hand."""
    return jwt.decode(hub_key.sign(7), options={"verify_signature": False})


def forged(hub_key: SigningKey) -> str:
    """Signed by another key, naming the hub's."""
    return jwt.encode(claims(hub_key), SigningKey().private, "EdDSA", {"kid": hub_key.kid})


def hmac_with_the_public_key(hub_key: SigningKey) -> str:
    """The classic confusion: HS256 keyed with the published public key."""
    secret = hub_key.private.public_key().public_bytes_raw()
    return jwt.encode(claims(hub_key), secret, "HS256", {"kid": hub_key.kid})


def unsigned(hub_key: SigningKey) -> str:
    return jwt.encode(claims(hub_key), None, "none", {"kid": hub_key.kid})


REFUSED = {
    "forged": (forged, "Signature verification failed"),
    "expired": (lambda key: key.sign(7, lifetime=-120), "token has expired"),
    "wrong audience": (lambda key: key.sign(7, aud="another-app"), "token audience is not"),
    "wrong issuer": (lambda key: key.sign(7, iss="another-hub"), "token issuer is not"),
    "HS256": (hmac_with_the_public_key, "token algorithm must be EdDSA, not 'HS256'"),
    "alg none": (unsigned, "token algorithm must be EdDSA, not 'none'"),
    "unknown key": (lambda key: SigningKey().sign(7), "token signed by unknown key"),
    "not yet valid": (
        lambda key: key.sign(7, nbf=datetime.now(UTC) + timedelta(minutes=5)),
        "not yet valid",
    ),
    "claim missing": (lambda key: key.sign(7, jti=None), "jti"),
    "malformed": (lambda key: "not.a.jwt", "malformed token"),
}


@pytest.mark.parametrize("make, reason", REFUSED.values(), ids=REFUSED.keys())
def test_the_node_refuses_a_bad_token_with_401(client, node_of_jwks_server, hub_key, make, reason):
    response = client.get(ME, headers=bearer(make(hub_key)))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json()["error"] == "invalid_token"
    assert reason in response.json()["detail"]


def test_the_node_accepts_a_good_token_of_its_hub(client, node_of_jwks_server, hub_key):
    response = client.get(ME, headers=bearer(hub_key.sign(7, sub="user:42", role="admin")))

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "user": {"id": 42, "username": None, "email": None},
        "organization": {"id": 7, "slug": "acme", "name": "Acme"},
        "role": "admin",
    }


def test_a_request_without_a_token_is_401(client, node_of_jwks_server):
    response = client.get(ME)

    assert response.status_code == 401
    assert response.json()["detail"] == "Authorization: Bearer <token> is missing"


def test_a_good_token_of_another_organization_is_403(client, node_of_jwks_server, hub_key):
    response = client.get(ME, headers=bearer(hub_key.sign(8)))

    assert response.status_code == 403
    assert "this node serves organization 7" in response.json()["detail"]


def test_a_node_token_is_no_user_for_me(client, node_of_jwks_server, hub_key):
    token = hub_key.sign(7, sub=f"node:{node_of_jwks_server.node_id}", role="node")

    response = client.get(ME, headers=bearer(token))

    assert response.status_code == 403
    assert response.json()["detail"] == "this needs a user token, not a node token"


def test_a_node_that_is_not_enrolled_verifies_nothing(client, node_config, hub_key):
    response = client.get(ME, headers=bearer(hub_key.sign(7)))

    assert response.status_code == 503
    assert response.json()["error"] == "not_enrolled"
