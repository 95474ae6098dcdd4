"""A `local` collection never leaves its node, by any path: not to a peer, not through a
peer to another, not to the hub pushed or relayed, not back through the hub's change
feed; and exactly-once holds across what is kept back: the hub's mark and every store's
vector still reach the origin's last seq, and what follows arrives in order."""

from tests.sync.exports import SECRET, hub_mark, hub_mentions, store_mentions
from tests.sync.nodes import hub_operations, hub_records


def test_a_local_collection_reaches_neither_a_peer_nor_the_hub_by_any_path(node_a, node_b, node_c):
    node_a.store.set_export("diary", "local")
    node_a.store.put("notes", "n1", {"title": "shared"})
    node_a.store.put("diary", "d1", {"text": SECRET})
    node_a.store.put("notes", "n2", {"title": "shared too"})
    node_a.store.delete("diary", "d1")

    # A to B, B to C (C never meets A), B passes A's on to the hub, then A and C sync.
    node_b.store.receive(node_a.store.lacking(node_b.store.vector()))
    node_c.store.receive(node_b.store.lacking(node_c.store.vector()))
    node_b.sync()
    node_a.sync()
    node_c.sync()

    for store in (node_b.store, node_c.store):
        assert store.vector()[node_a.node_id] == 4
        assert store_mentions(store, "diary") == []
        assert store_mentions(store, SECRET) == []
        assert store.records("notes") == node_a.store.records("notes")
    assert hub_mentions("diary") == []
    assert hub_mentions(SECRET) == []
    assert hub_mark(node_a.node_id) == 4
    assert [seq for seq, _ in hub_operations(node_a.node_id)] == [1, 3]
    assert hub_records() == node_a.store.records("notes")
    assert node_a.store.records("diary") == {}
    assert node_a.store.get("diary", "d1") is None
    assert node_a.store.status()["queue"] == 0


def test_what_the_origin_writes_after_a_local_operation_arrives_once_in_order(node_a, node_b):
    node_a.store.set_export("diary", "local")
    node_a.store.put("diary", "d1", {"text": SECRET})
    node_b.store.receive(node_a.store.lacking(node_b.store.vector()))
    node_a.sync()
    after = node_a.store.put("notes", "n1", {"title": "after the diary"})

    assert node_b.store.receive(node_a.store.lacking(node_b.store.vector())) == 1
    node_a.sync()
    node_b.sync()

    assert node_b.store.vector()[node_a.node_id] == 2
    assert node_b.store.lacking({})[-1] == after
    assert hub_operations(node_a.node_id) == [(2, after["hlc"])]
    assert hub_mark(node_a.node_id) == 2
    assert store_mentions(node_b.store, SECRET) == []
