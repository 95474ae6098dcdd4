"""A `peers` collection goes to the nodes of the organization on the LAN, through one to
another too, and never to the hub: not pushed by its origin, not relayed by a node that
holds it in full (which was told its level by the origin's stamp), not in the feed."""

from tests.sync.exports import SECRET, hub_mark, hub_mentions, store_mentions
from tests.sync.nodes import hub_operations


def test_a_peers_collection_reaches_a_peer_and_its_peer_but_not_the_hub(node_a, node_b, node_c):
    node_a.store.set_export("rooms", "peers")
    node_a.store.put("rooms", "kitchen", {"note": SECRET})
    node_a.store.put("notes", "n1", {"title": "shared"})

    node_b.store.receive(node_a.store.lacking(node_b.store.vector()))
    node_c.store.receive(node_b.store.lacking(node_c.store.vector()))

    for store in (node_b.store, node_c.store):
        assert store.records("rooms") == {"kitchen": {"note": SECRET}}
        assert store.vector()[node_a.node_id] == 2
    # C relays what B relayed: still A's level, still kept from the hub.
    assert node_c.store.relay_queue()[0] == {
        "node_id": node_a.node_id,
        "seq": 1,
        "kind": "placeholder",
    }

    node_c.sync()
    node_b.sync()
    node_a.sync()

    assert hub_mentions("rooms") == []
    assert hub_mentions(SECRET) == []
    assert hub_mark(node_a.node_id) == 2
    assert [seq for seq, _ in hub_operations(node_a.node_id)] == [2]
    assert store_mentions(node_b.store, SECRET) != []


def test_a_node_that_had_it_from_the_hub_first_holds_a_placeholder_and_passes_that_on(
    node_a, node_b, node_c
):
    node_a.store.set_export("rooms", "peers")
    node_a.store.put("rooms", "kitchen", {"note": SECRET})
    node_a.store.put("notes", "n1", {"title": "shared"})
    node_a.sync()

    # The feed has seq 2 alone: B keeps seq 1 as a placeholder, and C, which asks B,
    # finds no gap.
    node_b.sync()
    node_c.store.receive(node_b.store.lacking(node_c.store.vector()))

    assert [op["kind"] for op in node_b.store.lacking({})] == ["placeholder", "put"]
    assert node_c.store.vector()[node_a.node_id] == 2
    assert node_c.store.records("notes") == {"n1": {"title": "shared"}}
    assert store_mentions(node_c.store, SECRET) == []
