"""Forged, expired, misaddressed and other-tenant tokens are refused with 401 or 403."""

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone
from unibos.identity import enrolment, keys, tenancy, tokens
from unibos.identity.models import SigningKey

from tests.api.tenants import token_for

pytestmark = pytest.mark.django_db

PROTECTED = ["/api/me", "/api/organization", "/api/members", "/api/nodes"]


def claims(membership, **overrides) -> dict:
    now = int(datetime.now(UTC).timestamp())
    return {
        "iss": settings.UNIBOS_JWT_ISSUER, "aud": "unibos", "sub": f"user:{membership.user_id}",
        "org": membership.organization_id, "role": "owner", "iat": now, "nbf": now,
        "exp": now + 900, "jti": "j", **overrides,
    }  # fmt: skip


def active_kid() -> str:
    return keys.signing_key()[0]


def forged(membership) -> str:
    return jwt.encode(
        claims(membership), Ed25519PrivateKey.generate(), "EdDSA", {"kid": active_kid()}
    )


def hs256_with_the_public_key(membership) -> str:
    public = SigningKey.objects.get(state="active").public_jwk["x"]
    secret = base64.urlsafe_b64decode(public + "=")
    return jwt.encode(claims(membership), secret, "HS256", {"kid": active_kid()})


def alg_none(membership) -> str:
    def part(document: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'kid': active_kid()})}.{part(claims(membership))}."


def ours(membership, **overrides) -> str:
    kid, private_key = keys.signing_key()
    return jwt.encode(claims(membership, **overrides), private_key, "EdDSA", {"kid": kid})


BAD_TOKENS = {
    "forged": forged,
    "expired": lambda m: token_for(m, now=datetime.now(UTC) - timedelta(hours=1)),
    "wrong-audience": lambda m: ours(m, aud="another-service"),
    "wrong-issuer": lambda m: token_for(m, issuer="someone-else"),
    "hs256-keyed-with-the-public-key": hs256_with_the_public_key,
    "alg-none": alg_none,
    "unknown-kid": lambda m: ".".join(
        [
            base64.urlsafe_b64encode(b'{"alg":"EdDSA","kid":"nobody"}').rstrip(b"=").decode(),
            *token_for(m).split(".")[1:],
        ]
    ),
    "garbage": lambda m: "not.a.token",
}


@pytest.mark.parametrize("path", PROTECTED)
def test_no_token_is_401_with_the_bearer_challenge(api, acme, path):
    response = api("GET", path)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json() == {
        "error": "invalid_token",
        "detail": "Authorization: Bearer <token> is missing",
    }


def test_another_authorization_scheme_is_401(api, acme):
    response = api.client.get("/api/me", headers={"Authorization": "Basic YWNtZTpwdw=="})

    assert response.status_code == 401


@pytest.mark.parametrize("kind", BAD_TOKENS)
@pytest.mark.parametrize("path", PROTECTED)
def test_a_bad_token_is_401(api, acme, kind, path):
    response = api("GET", path, BAD_TOKENS[kind](acme.members["owner"]))

    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json()["error"] == "invalid_token"


def test_the_401_says_what_is_wrong_with_the_token(api, acme):
    expired = BAD_TOKENS["expired"](acme.members["owner"])

    assert api("GET", "/api/me", expired).json()["detail"] == "token has expired"


def test_a_valid_token_for_another_organization_is_403(api, acme, globex):
    # Signed by the hub, but naming an organization the user is not a member of.
    other_tenant = token_for(acme.members["owner"], organization=globex.org.pk)

    response = api("GET", "/api/members", other_tenant)

    assert response.status_code == 403
    assert "no longer a member of organization" in response.json()["detail"]


def test_a_member_removed_after_login_is_refused_at_once(api, acme):
    token = acme.token("member")
    with tenancy.system():
        acme.members["member"].delete()

    assert api("GET", "/api/me", token).status_code == 403


def test_a_deactivated_user_is_refused(api, acme):
    token = acme.token("member")
    user = acme.members["member"].user
    user.is_active = False
    user.save()

    assert api("GET", "/api/me", token).status_code == 403


def test_the_role_comes_from_the_database_not_the_token(api, acme):
    claims_owner = token_for(acme.members["viewer"], role="owner")

    response = api("PATCH", "/api/organization", claims_owner, {"name": "Hijacked"})

    assert response.status_code == 403
    assert response.json()["detail"] == "this needs role admin or higher; the caller is viewer"


def node_token(api, tenant) -> str:
    response = api(
        "POST",
        "/api/nodes/token",
        body={"node_id": str(tenant.node.pk), "credential": tenant.credential, "version": "1"},
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def test_a_node_token_is_accepted_by_me_and_refused_on_user_endpoints(api, acme):
    token = node_token(api, acme)

    me = api("GET", "/api/me", token)
    assert me.status_code == 200
    assert me.json()["node"] == {"id": str(acme.node.pk), "name": "acme-edge"}
    assert me.json()["role"] == "node"
    refused = api("GET", "/api/members", token)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "this needs a user token, not a node token"


def test_a_revoked_nodes_token_is_refused(api, acme):
    token = node_token(api, acme)
    with tenancy.scope(acme.org.pk):
        enrolment.revoke(acme.node)

    assert api("GET", "/api/me", token).status_code == 403


def test_a_token_of_the_previous_key_works_after_rotate_until_the_key_expires(api, acme):
    before = acme.token()
    keys.rotate()
    after = acme.token()

    assert jwt.get_unverified_header(before)["kid"] != jwt.get_unverified_header(after)["kid"]
    assert api("GET", "/api/me", before).status_code == 200
    assert api("GET", "/api/me", after).status_code == 200

    SigningKey.objects.filter(state="retired").update(expires_at=timezone.now())
    assert api("GET", "/api/me", before).status_code == 401
    assert api("GET", "/api/me", after).status_code == 200


def test_the_hub_verifies_its_own_tokens_with_the_published_keys(api, acme):
    jwks = jwt.PyJWKSet.from_dict(api("GET", "/.well-known/jwks.json").json())

    verified = tokens.verify(acme.token(), jwks, issuer=settings.UNIBOS_JWT_ISSUER)

    assert verified.organization == acme.org.pk
