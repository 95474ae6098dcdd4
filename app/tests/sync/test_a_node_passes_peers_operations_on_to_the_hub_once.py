"""A node pushes the operations peers brought it to the hub along with its own, so that
a node that never reached the hub still gets its writes there, once, whichever nodes
pass them on and whether they come back through the hub's change feed or a peer."""

from tests.sync.nodes import hub_operations, hub_records
from tests.sync.relays import writes


def test_a_write_that_never_reached_the_hub_gets_there_through_a_peer(node_a, node_b):
    ops = writes(node_a, 3)
    node_b.store.receive(node_a.store.lacking(node_b.store.vector()))
    assert node_b.store.status()["queue"] == 3

    node_b.sync()

    assert hub_operations(node_a.node_id) == [(op["seq"], op["hlc"]) for op in ops]
    assert hub_records() == node_a.store.records("notes")
    assert node_b.store.status()["queue"] == 0


def test_the_origin_syncing_later_pushes_nothing_twice_and_pulls_back_none_of_its_own(
    node_a, node_b
):
    writes(node_a, 3)
    node_b.store.receive(node_a.store.lacking(node_b.store.vector()))
    node_b.sync()

    round_ = node_a.agent().sync()

    assert (round_.pushed, round_.skipped, round_.pulled) == (0, 3, 0)
    assert [seq for seq, _ in hub_operations(node_a.node_id)] == [1, 2, 3]


def test_two_nodes_holding_the_same_peers_operations_put_them_on_the_hub_once(
    node_a, node_b, node_c
):
    writes(node_a, 3)
    for carrier in (node_b, node_c):
        carrier.store.receive(node_a.store.lacking(carrier.store.vector()))

    first, second = node_b.agent().sync(), node_c.agent().sync()

    assert (first.pushed, second.pushed, second.skipped) == (3, 0, 3)
    assert [seq for seq, _ in hub_operations(node_a.node_id)] == [1, 2, 3]
    assert node_c.store.status()["queue"] == 0


def test_operations_the_feed_brought_are_not_applied_again_from_a_peer(node_a, node_b, node_c):
    writes(node_a, 2)
    node_b.store.receive(node_a.store.lacking(node_b.store.vector()))
    node_b.sync()
    node_c.sync()

    assert node_c.store.receive(node_b.store.lacking({})) == 0
    assert node_c.store.status()["queue"] == 0
    assert node_c.store.records("notes") == node_a.store.records("notes")


def test_operations_a_peer_brought_are_not_applied_again_from_the_feed(node_a, node_b, node_c):
    writes(node_a, 2)
    for carrier in (node_b, node_c):
        carrier.store.receive(node_a.store.lacking(carrier.store.vector()))
    node_b.sync()

    round_ = node_c.agent().sync()

    # Pulled as the feed serves them, applied only once: a second keep of (origin,
    # seq) would break the store's primary key and roll the page back.
    assert (round_.pushed, round_.pulled) == (0, 2)
    assert node_c.store.vector()[node_a.node_id] == 2
    assert node_c.store.lacking({node_a.node_id: 0}) == node_a.store.operations()
    assert node_c.store.records("notes") == node_a.store.records("notes")
