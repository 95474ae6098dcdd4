"""POST /api/peers/operations: a node of the organization, with its hub-issued node token
and its version vector, gets what that vector lacks, each origin's operations in seq
order, at most `limit` of them and about MAX_ANSWER_BYTES, with `more` saying to ask
again; the answer carries this node's vector and its own node token, the proof of who it
is, and without one it answers 503."""

import time

import pytest
from unibos.node.peers import exchange
from unibos.node.sync.store import SyncStore

from tests.node.fixtures import hold_node_token, peer_token

pytestmark = [pytest.mark.urls("tests.node.urls"), pytest.mark.django_db]

OPERATIONS = "/node/api/peers/operations"
PEER = "00000000-0000-4000-8000-00000000000b"
# A third node of the organization, whose operations this node holds from a peer.
OTHER = "00000000-0000-4000-8000-00000000000c"


@pytest.fixture
def node(node_with_cached_keys):
    return node_with_cached_keys


@pytest.fixture
def own_token(node, hub_key) -> str:
    """This node's own token, which its agent keeps: its proof."""
    token = peer_token(hub_key, node.node_id)
    hold_node_token(token, time.time() + 600)
    return token


@pytest.fixture
def store(node, own_token, settings):
    with SyncStore(settings.UNIBOS_SYNC_DB_PATH, node.node_id) as opened:
        yield opened


def received_from_another_node(store: SyncStore) -> list[dict]:
    """Three operations of OTHER's that this node holds, as a peer brought them."""
    with SyncStore(store.path.with_name("other.sqlite3"), OTHER) as other:
        written = [other.put("notes", f"o{i}", {"title": f"other {i}"}) for i in (1, 2, 3)]
    assert store.receive(written) == 3
    return written


def ask(client, token: str, vector: dict, **more):
    return client.post(
        OPERATIONS,
        {"node_id": PEER, "name": "pi-kitchen", "vector": vector, **more},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_peer_gets_what_its_vector_lacks_in_origin_order_with_the_proof(
    client, node, own_token, store, hub_key
):
    others = received_from_another_node(store)
    own = [store.put("notes", f"n{i}", {"title": f"own {i}"}) for i in (1, 2)]

    response = ask(client, peer_token(hub_key, PEER), {node.node_id: 1, OTHER: 1})

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "node_id": node.node_id,
        "organization": 7,
        "proof": own_token,
        "vector": {node.node_id: 2, OTHER: 3},
        "operations": [own[1], others[1], others[2]],
        "more": False,
    }


def test_nothing_lacking_is_an_empty_batch(client, node, store, hub_key):
    received_from_another_node(store)
    store.put("notes", "n1", {"title": "own"})

    response = ask(client, peer_token(hub_key, PEER), {node.node_id: 1, OTHER: 3, PEER: 9})

    assert response.status_code == 200
    assert (response.json()["operations"], response.json()["more"]) == ([], False)


def test_an_answer_holds_at_most_limit_operations_and_says_more(client, node, store, hub_key):
    others = received_from_another_node(store)
    own = [store.put("notes", f"n{i}", {"title": f"own {i}"}) for i in (1, 2)]
    token = peer_token(hub_key, PEER)

    first = ask(client, token, {}, limit=3).json()
    second = ask(client, token, {node.node_id: 2, OTHER: 1}, limit=3).json()

    assert (first["operations"], first["more"]) == ([*own, others[0]], True)
    assert (second["operations"], second["more"]) == (others[1:], False)


def test_an_answer_stops_growing_past_its_bytes_but_carries_one_operation_at_least(
    client, node, store, hub_key, monkeypatch
):
    big = [store.put("notes", f"n{i}", {"body": "x" * 3000}) for i in (1, 2, 3)]
    monkeypatch.setattr(exchange, "MAX_ANSWER_BYTES", 7000)
    token = peer_token(hub_key, PEER)

    two = ask(client, token, {}).json()
    monkeypatch.setattr(exchange, "MAX_ANSWER_BYTES", 100)
    one = ask(client, token, {}).json()

    assert (two["operations"], two["more"]) == (big[:2], True)
    assert (one["operations"], one["more"]) == (big[:1], True)


def test_a_limit_above_the_maximum_is_refused_naming_it(client, node, hub_key):
    response = ask(client, peer_token(hub_key, PEER), {}, limit=exchange.MAX_LIMIT + 1)

    assert response.status_code == 400
    assert response.json()["field"] == "limit"


def test_a_node_without_an_unexpired_token_of_its_own_answers_503(client, node, store, hub_key):
    hold_node_token(peer_token(hub_key, node.node_id), time.time() - 1)
    store.put("notes", "n1", {"title": "own"})

    response = ask(client, peer_token(hub_key, PEER), {})

    assert response.status_code == 503
    assert response.json()["error"] == "no_node_token"
