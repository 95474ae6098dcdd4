"""Enrolment over HTTP, node tokens, and the node registry with revocation."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from unibos.identity import tenancy
from unibos.identity.models import EnrolmentToken, Organization

pytestmark = pytest.mark.django_db


def enrol(api, token: str, **extra):
    body = {"token": token, "name": "edge-9", "version": "0.3.0", **extra}
    return api("POST", "/api/nodes/enrol", body=body)


def new_token(api, tenant, **body) -> str:
    response = api("POST", "/api/enrolment-tokens", tenant.token("admin"), body)
    assert response.status_code == 201, response.content
    return response.json()["token"]


def test_an_admin_makes_a_token_a_node_enrols_with_it_and_gets_a_node_token(api, acme):
    enrolled = enrol(api, new_token(api, acme), organization="acme")

    assert enrolled.status_code == 201
    body = enrolled.json()
    assert body["organization"] == {"id": acme.org.pk, "slug": "acme", "name": "Acme Inc."}
    assert body["issuer"] == settings.UNIBOS_JWT_ISSUER
    assert body["jwks_url"] == "http://testserver/.well-known/jwks.json"
    login = {"node_id": body["node_id"], "credential": body["credential"], "version": "0.4.0"}
    token = api("POST", "/api/nodes/token", body=login)
    assert token.status_code == 200
    assert token.json()["role"] == "node"
    assert token.json()["expires_in"] == settings.UNIBOS_NODE_TOKEN_TTL


def test_the_registry_shows_each_node_its_version_and_last_contact(api, acme):
    credentials = {"node_id": str(acme.node.pk), "credential": acme.credential, "version": "0.5.0"}
    api("POST", "/api/nodes/token", body=credentials)

    nodes = api("GET", "/api/nodes", acme.token("viewer")).json()["nodes"]

    assert [(n["name"], n["version"], n["revoked"]) for n in nodes] == [
        ("acme-edge", "0.5.0", False)
    ]
    assert nodes[0]["organization"]["slug"] == "acme"
    assert nodes[0]["last_contact_at"] is not None
    assert api("GET", f"/api/nodes/{acme.node.pk}", acme.token("viewer")).json() == nodes[0]


def test_an_enrolment_token_works_once(api, acme):
    token = new_token(api, acme)

    assert enrol(api, token).status_code == 201
    again = enrol(api, token)
    assert again.status_code == 403
    assert again.json() == {
        "error": "enrolment_refused",
        "detail": "enrolment token has been used already",
    }


def test_an_expired_enrolment_token_is_403(api, acme):
    token = new_token(api, acme, ttl_seconds=60)
    with tenancy.system():
        EnrolmentToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert enrol(api, token).json()["detail"] == "enrolment token has expired"


def test_an_enrolment_token_cannot_enrol_into_another_organization(api, acme, globex):
    response = enrol(api, new_token(api, acme), organization="globex")

    assert response.status_code == 403
    assert response.json()["detail"] == "enrolment token is not for organization 'globex'"


def test_the_node_past_max_nodes_is_409_naming_the_limit(api, acme):
    with tenancy.system():
        Organization.objects.filter(pk=acme.org.pk).update(max_nodes=1)

    response = enrol(api, new_token(api, acme))

    assert response.status_code == 409
    assert response.json()["limit"] == "max_nodes"
    assert response.json()["detail"].startswith("organization 'acme' allows 1 nodes (max_nodes)")


def test_members_cannot_make_enrolment_tokens(api, acme):
    assert api("POST", "/api/enrolment-tokens", acme.token("member"), {}).status_code == 403


def test_an_admin_revokes_a_node_whose_credential_then_stops_working(api, acme):
    assert api("DELETE", f"/api/nodes/{acme.node.pk}", acme.token("member")).status_code == 403

    assert api("DELETE", f"/api/nodes/{acme.node.pk}", acme.token("admin")).status_code == 204

    assert api("GET", f"/api/nodes/{acme.node.pk}", acme.token()).json()["revoked"] is True
    login = {"node_id": str(acme.node.pk), "credential": acme.credential, "version": "1"}
    assert api("POST", "/api/nodes/token", body=login).status_code == 403


def test_a_wrong_node_credential_is_401(api, acme):
    login = {"node_id": str(acme.node.pk), "credential": "guess", "version": "1"}

    response = api("POST", "/api/nodes/token", body=login)

    assert response.status_code == 401
    assert response.json()["detail"] == "unknown node or wrong credential"
