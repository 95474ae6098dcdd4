"""POST /api/peers/operations refuses as the heartbeat does, with the same code: a node of
another organization, a token that does not verify against the cached JWKS, a user's
token, or another node's token than the body names; each refusal is logged once per
peer, naming it, and no operation leaves the node."""

import logging
import time

import pytest
from unibos.http.node import peers
from unibos.node.peers.auth import RefusalLog
from unibos.node.sync.store import SyncStore

from tests.node.fixtures import hold_node_token, peer_token
from tests.node.keyserver import SigningKey

pytestmark = [pytest.mark.urls("tests.node.urls"), pytest.mark.django_db]

OPERATIONS = "/node/api/peers/operations"
PEER = "00000000-0000-4000-8000-00000000000b"


@pytest.fixture
def node(node_with_cached_keys, hub_key, settings):
    """A node holding its own token and one operation of its own, which nobody gets."""
    hold_node_token(peer_token(hub_key, node_with_cached_keys.node_id), time.time() + 600)
    with SyncStore(settings.UNIBOS_SYNC_DB_PATH, node_with_cached_keys.node_id) as store:
        store.put("notes", "n1", {"title": "secret"})
    return node_with_cached_keys


def ask(client, token: str, name: str = "pi-kitchen"):
    return client.post(
        OPERATIONS,
        {"node_id": PEER, "name": name, "vector": {}},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.mark.parametrize(
    ("token", "status", "detail"),
    [
        (
            lambda key: peer_token(key, PEER, organization=8),
            403,
            f"node {PEER} is of organization 8; this node serves organization 7",
        ),
        (
            # Signed by a key the cached JWKS lacks: the hub is not asked (it is gone).
            lambda key: peer_token(SigningKey(), PEER),
            401,
            "token signed by unknown key",
        ),
        (
            lambda key: key.sign(7, sub="user:1", role="admin"),
            403,
            "a peer needs a node token, not a user token",
        ),
        (
            lambda key: peer_token(key, "00000000-0000-4000-8000-00000000000c"),
            403,
            "the token is node 00000000-0000-4000-8000-00000000000c's",
        ),
    ],
    ids=["another organizations node", "a bad token", "a users token", "another nodes token"],
)
@pytest.mark.usefixtures("node")
def test_a_caller_that_is_no_node_of_the_organization_gets_nothing(
    client, hub_key, token, status, detail
):
    response = ask(client, token(hub_key))

    assert response.status_code == status
    assert detail in response.json()["detail"]
    assert "operations" not in response.json()


def test_a_refused_peer_is_logged_once_naming_it(client, node, hub_key, caplog, monkeypatch):
    # The log is the process's: a test before this one may have refused the same peer.
    monkeypatch.setattr(peers, "refusals", RefusalLog())
    caplog.set_level(logging.WARNING, logger="unibos.peers")
    for _ in range(3):
        assert ask(client, peer_token(hub_key, PEER, organization=8), "intruder").status_code == 403

    refusals = [r.getMessage() for r in caplog.records if r.name == "unibos.peers"]
    assert refusals == [
        f"refused peer intruder ({PEER} at 127.0.0.1): node {PEER} is of organization 8; "
        "this node serves organization 7"
    ]


def test_a_request_without_a_token_is_401(client, node):
    response = client.post(
        OPERATIONS, {"node_id": PEER, "name": "pi", "vector": {}}, content_type="application/json"
    )

    assert response.status_code == 401
