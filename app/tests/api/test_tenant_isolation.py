"""A user of organization A reads, lists and changes nothing of organization B, through
every endpoint of the URL map.

The endpoints come from Django's resolver, so a new one is tested as soon as it is
routed, and this test fails until it is classified in ENDPOINTS below.
"""

from collections.abc import Callable

import pytest
from django.urls import get_resolver, reverse
from unibos.http import openapi
from unibos.hub.sync.models import SyncConflict
from unibos.identity import tenancy
from unibos.identity.models import EnrolmentToken, Membership, Node, Organization

from tests.api.tenants import Tenant
from tests.identity import factories

pytestmark = pytest.mark.django_db

# For each endpoint and method: the request by A (its owner) aimed at B, and the
# statuses that answer it. `a` and `b` are the two tenants.
Attack = Callable[[Tenant, Tenant], tuple[str, dict | None]]
OPEN: dict[str, Attack] = {"GET": lambda a, b: ("", None)}


def member_of_b(method: str, body: dict | None = None) -> dict[str, Attack]:
    return {method: lambda a, b: (reverse("member", args=[b.members["member"].pk]), body)}


def node_of_b(method: str) -> dict[str, Attack]:
    return {method: lambda a, b: (reverse("node", args=[b.node.pk]), None)}


def conflict_of(tenant: Tenant) -> int:
    """A sync conflict of the tenant's, made as the hub makes them."""
    side = {
        "value": "x",
        "hlc": "0000000000001:00000:" + str(tenant.node.pk),
        "node_id": str(tenant.node.pk),
    }
    with tenancy.system():
        return SyncConflict.unscoped.create(
            organization=tenant.org,
            collection="notes",
            record_id="n1",
            field="title",
            winner=side,
            loser=side,
        ).pk


ENDPOINTS: dict[str, tuple[dict[str, Attack], set[int]]] = {
    # Open to all; they must say nothing of B's.
    "health": (OPEN, {200, 503}),
    "ready": (OPEN, {200}),
    "openapi": (OPEN, {200}),
    "jwks": (OPEN, {200}),
    # Credentials of A's, aimed at B.
    "auth-token": (
        {"POST": lambda a, b: ("", {"username": "acme-owner", "password": factories.PASSWORD,
                                    "organization": b.org.slug})},
        {403},
    ),
    "node-token": (
        {"POST": lambda a, b: ("", {"node_id": str(b.node.pk), "credential": a.credential,
                                    "version": "9.9"})},
        {401},
    ),
    "node-enrol": (
        {"POST": lambda a, b: ("", {"token": a.enrolment_token, "name": "spy", "version": "1",
                                    "organization": b.org.slug})},
        {403},
    ),
    # The token's own organization, whatever else is asked.
    "me": (OPEN, {200}),
    "organization": (
        {**OPEN, "PATCH": lambda a, b: ("", {"name": "Renamed", "modules": ["ocr"]})},
        {200},
    ),
    # Collections: A's rows only; what is added goes into A.
    "members": (
        {**OPEN, "POST": lambda a, b: ("", {"username": "outsider", "role": "viewer"})},
        {200, 201},
    ),
    "nodes": (OPEN, {200}),
    "enrolment-tokens": ({"POST": lambda a, b: ("", {"ttl_seconds": 600})}, {201}),
    # One of B's objects, by its id: exactly as missing as one that never existed.
    "member": (
        {**member_of_b("GET"), **member_of_b("PATCH", {"role": "viewer"}), **member_of_b("DELETE")},
        {404},
    ),
    "node": ({**node_of_b("GET"), **node_of_b("DELETE")}, {404}),
    # Sync: pushing takes a node token; the feed and the conflicts are A's own.
    "sync-push": ({"POST": lambda a, b: ("", {"node_id": str(b.node.pk),
                                              "organization": b.org.pk, "operations": []})},
                  {403}),
    "sync-changes": (OPEN, {200}),
    "conflicts": (OPEN, {200}),
    "conflict-resolve": (
        {"POST": lambda a, b: (reverse("conflict-resolve", args=[conflict_of(b)]),
                               {"keep": "local"})},
        {404},
    ),
    # Task distribution: the monitor's view, without B's tenant and node queues.
    "workers": (OPEN, {200}),
    "queues": (OPEN, {200}),
    "alerts": (OPEN, {200}),
}  # fmt: skip


def routed() -> list[tuple[str, str]]:
    """(name, route) of every endpoint Django routes, include()s followed."""
    return [
        (pattern.name or f"<unnamed {route}>", route)
        for route, pattern, _ in openapi.endpoints(get_resolver().url_patterns)
    ]


def state_of(tenant: Tenant) -> dict:
    """Everything of the tenant's that a request could change."""
    with tenancy.system():
        org = Organization.objects.filter(pk=tenant.org.pk).values().get()
        return {
            "organization": org,
            "members": list(Membership.objects.filter(organization=tenant.org).values()),
            "nodes": list(Node.objects.filter(organization=tenant.org).values()),
            "tokens": list(EnrolmentToken.objects.filter(organization=tenant.org).values()),
        }


def test_every_routed_endpoint_is_classified():
    names = {name for name, _ in routed()}

    assert not names - set(ENDPOINTS), "classify these endpoints in ENDPOINTS"
    assert not set(ENDPOINTS) - names, "ENDPOINTS names endpoints that are not routed"


def test_every_classified_method_is_one_the_endpoint_documents():
    documented = {pattern.name: set(openapi.operations(pattern.callback))
                  for _, pattern, _ in openapi.endpoints(get_resolver().url_patterns)}  # fmt: skip

    assert {name: set(attacks) for name, (attacks, _) in ENDPOINTS.items()} == documented


@pytest.mark.parametrize(("name", "route"), routed(), ids=[name for name, _ in routed()])
def test_a_user_of_a_gets_nothing_of_b_through(name, route, api, acme, globex):
    if name not in ENDPOINTS:
        pytest.fail(f"endpoint {name!r} ({route}) is not classified in ENDPOINTS")
    factories.user("outsider")
    attacks, statuses = ENDPOINTS[name]
    before = state_of(globex)

    for method, attack in attacks.items():
        path, body = attack(acme, globex)
        response = api(method, path or reverse(name), acme.token(), body)

        assert response.status_code in statuses, (method, response.content)
        # What A sent may come back (a 404 names the id asked for); nothing else of B's.
        asked = f"{path} {body}"
        leaked = [
            word for word in globex.names if word in response.content.decode() and word not in asked
        ]
        assert leaked == [], f"{method} {name} answered with B's {leaked}"
        assert state_of(globex) == before, f"{method} {name} changed B's rows"
