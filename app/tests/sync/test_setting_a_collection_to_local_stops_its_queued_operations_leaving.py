"""Setting a collection narrower holds for everything of it not yet sent, the origin's
own queued operations included: they go as placeholders from then on, to peers and the
hub, even if the collection is set wider again; what was written after goes as far as
the level then allows."""

from tests.sync.exports import SECRET, hub_mark, hub_mentions, store_mentions
from tests.sync.nodes import hub_operations


def test_queued_operations_of_a_collection_set_local_go_nowhere(node_a, node_b):
    for number in range(3):
        node_a.store.put("notes", f"n{number}", {"title": SECRET})
    assert node_a.store.status()["queue"] == 3

    node_a.store.set_export("notes", "local")
    node_b.store.receive(node_a.store.lacking(node_b.store.vector()))
    node_a.sync()

    assert node_b.store.vector()[node_a.node_id] == 3
    assert store_mentions(node_b.store, SECRET) == []
    assert hub_mentions(SECRET) == []
    assert hub_mark(node_a.node_id) == 3
    assert node_a.store.status()["queue"] == 0


def test_set_wider_again_what_was_written_while_local_still_goes_nowhere(node_a, node_b):
    node_a.store.put("notes", "n0", {"title": SECRET})
    node_a.store.set_export("notes", "local")
    node_a.store.set_export("notes", "hub")
    after = node_a.store.put("notes", "n1", {"title": "said after"})

    node_b.store.receive(node_a.store.lacking(node_b.store.vector()))
    node_a.sync()

    assert store_mentions(node_b.store, SECRET) == []
    assert node_b.store.records("notes") == {"n1": {"title": "said after"}}
    assert hub_mentions(SECRET) == []
    assert hub_operations(node_a.node_id) == [(2, after["hlc"])]


def test_queued_operations_of_a_collection_set_to_peers_reach_peers_not_the_hub(node_a, node_b):
    node_a.store.put("notes", "n0", {"title": SECRET})

    node_a.store.set_export("notes", "peers")
    node_b.store.receive(node_a.store.lacking(node_b.store.vector()))
    node_b.sync()
    node_a.sync()

    assert node_b.store.records("notes") == {"n0": {"title": SECRET}}
    assert hub_mentions(SECRET) == []
    assert hub_mark(node_a.node_id) == 1
