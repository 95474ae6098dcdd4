"""POST /api/auth/token: a member's username and password give a token for one organization."""

import jwt
import pytest
from django.conf import settings
from unibos.identity import keys, tokens

from tests.identity import factories

pytestmark = pytest.mark.django_db


def login(api, username: str, password: str = factories.PASSWORD, organization: str = "acme"):
    body = {"username": username, "password": password, "organization": organization}
    return api("POST", "/api/auth/token", body=body)


def test_a_member_gets_a_token_of_their_organization_and_role(api, acme):
    response = login(api, "acme-admin")

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == settings.UNIBOS_ACCESS_TOKEN_TTL
    assert body["organization"] == {"id": acme.org.pk, "slug": "acme", "name": "Acme Inc."}
    assert body["role"] == "admin"
    claims = tokens.verify(
        body["access_token"], keys.verification_keys(), issuer=settings.UNIBOS_JWT_ISSUER
    )
    assert (claims.subject, claims.organization, claims.role) == (
        f"user:{acme.members['admin'].user_id}",
        acme.org.pk,
        "admin",
    )
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "EdDSA"


def test_the_token_opens_me(api, acme):
    token = login(api, "acme-viewer").json()["access_token"]

    me = api("GET", "/api/me", token).json()

    assert me["user"]["username"] == "acme-viewer"
    assert me["organization"]["slug"] == "acme"
    assert me["role"] == "viewer"


@pytest.mark.parametrize(("username", "password"), [("acme-admin", "wrong"), ("nobody", "x")])
def test_bad_credentials_are_401(api, acme, username, password):
    response = login(api, username, password)

    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_credentials",
        "detail": "username or password is wrong",
    }


@pytest.mark.parametrize("organization", ["globex", "no-such-org"])
def test_an_organization_the_user_is_not_in_is_403_whether_it_exists_or_not(
    api, acme, globex, organization
):
    response = login(api, "acme-admin", organization=organization)

    assert response.status_code == 403
    assert response.json()["detail"] == (
        f"user 'acme-admin' is not a member of organization {organization!r}"
    )


def test_a_hub_without_signing_keys_says_so_with_503(api, db):
    factories.member(factories.organization("acme"), "alice")

    response = login(api, "alice")

    assert response.status_code == 503
    assert "unibos-hub keys ensure" in response.json()["detail"]
