"""POST /api/peers/heartbeat: a node of the organization, with its hub-issued node token,
gets this node's version vector and its own node token, the proof of who it is; the
token is verified against the cached JWKS alone, and another organization's node or a
token that does not verify is refused with the reason, logged once per peer, naming it."""

import logging
import time

import pytest
from unibos.http.node import peers
from unibos.node.peers.auth import RefusalLog
from unibos.node.sync.store import SyncStore

from tests.node.fixtures import hold_node_token as hold
from tests.node.fixtures import peer_token
from tests.node.keyserver import SigningKey

pytestmark = [pytest.mark.urls("tests.node.urls"), pytest.mark.django_db]

HEARTBEAT = "/node/api/peers/heartbeat"
PEER = "00000000-0000-4000-8000-00000000000b"


@pytest.fixture
def node(node_with_cached_keys):
    return node_with_cached_keys


def beat(client, token: str, node_id: str = PEER, name: str = "pi-kitchen"):
    return client.post(
        HEARTBEAT,
        {"node_id": node_id, "name": name},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def node_token(key: SigningKey, organization: int = 7, node_id: str = PEER) -> str:
    return peer_token(key, node_id, organization)


def test_a_node_of_the_organization_gets_this_nodes_version_vector_and_proof(
    client, node, hub_key, settings
):
    with SyncStore(settings.UNIBOS_SYNC_DB_PATH, node.node_id) as store:
        store.put("notes", "n1", {"title": "one"})
        store.put("notes", "n2", {"title": "two"})
    own = node_token(hub_key, node_id=node.node_id)
    hold(own, time.time() + 600)

    response = beat(client, node_token(hub_key))

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "node_id": node.node_id,
        "name": "pi",
        "organization": 7,
        "version": response.json()["version"],
        "vector": {node.node_id: 2},
        "proof": own,
    }


def test_a_node_whose_own_token_has_expired_answers_without_a_proof(client, node, hub_key):
    hold(node_token(hub_key, node_id=node.node_id), time.time() - 1)

    response = beat(client, node_token(hub_key))

    assert response.status_code == 200
    assert response.json()["proof"] is None


def test_a_node_of_another_organization_is_refused_with_403(client, node, hub_key):
    response = beat(client, node_token(hub_key, organization=8))

    assert response.status_code == 403
    assert response.json()["detail"] == (
        f"node {PEER} is of organization 8; this node serves organization 7"
    )


def test_a_token_that_does_not_verify_offline_is_refused_with_401(client, node):
    # Signed by a key the cached JWKS lacks: the hub is not asked (it is gone anyway).
    response = beat(client, node_token(SigningKey()))

    assert response.status_code == 401
    assert "token signed by unknown key" in response.json()["detail"]


def test_a_user_token_is_no_peer(client, node, hub_key):
    response = beat(client, hub_key.sign(7, sub="user:1", role="admin"))

    assert response.status_code == 403
    assert response.json()["detail"] == "a peer needs a node token, not a user token"


def test_a_token_of_another_node_than_the_caller_says_is_refused(client, node, hub_key):
    other = "00000000-0000-4000-8000-00000000000c"

    response = beat(client, node_token(hub_key, node_id=other))

    assert response.status_code == 403
    assert response.json()["detail"] == f"the token is node {other}'s"


def test_a_refused_peer_is_logged_once_naming_it(client, node, hub_key, caplog, monkeypatch):
    # The log is the process's: a test before this one may have refused the same peer.
    monkeypatch.setattr(peers, "refusals", RefusalLog())
    caplog.set_level(logging.WARNING, logger="unibos.peers")
    for _ in range(3):
        assert beat(client, node_token(hub_key, organization=8), name="intruder").status_code == 403

    refusals = [r.getMessage() for r in caplog.records if r.name == "unibos.peers"]
    assert refusals == [
        f"refused peer intruder ({PEER} at 127.0.0.1): node {PEER} is of organization 8; "
        "this node serves organization 7"
    ]


def test_a_heartbeat_without_a_token_is_401(client, node):
    response = client.post(
        HEARTBEAT, {"node_id": PEER, "name": "pi"}, content_type="application/json"
    )

    assert response.status_code == 401
