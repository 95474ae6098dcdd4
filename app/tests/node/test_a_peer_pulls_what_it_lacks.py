"""A node pulls from a peer of its organization what it lacks: operations written on A
arrive on B exactly once and in A's order, over A's real node API (gunicorn), B's peer
watch beating A, verifying its proof and pulling, batch after batch while they come back
full; B queues them for the hub; and while A holds nothing B lacks, the heartbeat is the
only call."""

import logging

from tests.node.peer_api import Pulls


def test_operations_written_on_a_arrive_on_b_once_in_as_order(peer_nodes, caplog):
    caplog.set_level(logging.INFO, logger="unibos.peers")
    a, b = peer_nodes("pi-a").start_api(), peer_nodes("pi-b")
    with a.store() as store:
        written = [store.put("notes", f"n{i}", {"title": f"note {i}"}) for i in (1, 2, 3)]
        written.append(store.put("notes", "n1", {"title": "note 1, edited"}))
        written.append(store.delete("notes", "n2"))
    pulls = Pulls()
    watch = b.watch(a, pull=pulls)

    with b.store() as store:
        watch.round(store)
        watch.round(store)

        assert store.vector() == {a.node_id: 5, b.node_id: 0}
        # What B holds of A's, in the order B holds it: A's log, each operation once.
        assert store.lacking({b.node_id: 0}) == written
        assert store.records("notes") == {
            "n1": {"title": "note 1, edited"},
            "n3": {"title": "note 3"},
        }
        # B passes them on to the hub, which A may never reach.
        assert store.relay_queue() == written
        assert store.peers()[0]["vector"] == {a.node_id: 5}
    assert pulls.calls == 1
    took = [r.getMessage() for r in caplog.records if r.getMessage().startswith("took")]
    assert took == [f"took 5 operations from peer pi-a ({a.node_id} at 127.0.0.1)"]


def test_full_batches_are_pulled_one_after_another_in_the_same_round(peer_nodes):
    a, b = peer_nodes("pi-a").start_api(), peer_nodes("pi-b")
    with a.store() as store:
        written = [store.put("notes", f"n{i}", {"title": f"note {i}"}) for i in range(1, 8)]
    pulls = Pulls(limit=3)
    watch = b.watch(a, pull=pulls)

    with b.store() as store:
        watch.round(store)

        assert store.lacking({b.node_id: 0}) == written
    # 3, 3, then 1: the last batch is not full.
    assert pulls.calls == 3


def test_nothing_lacking_makes_no_pull(peer_nodes):
    a, b = peer_nodes("pi-a").start_api(), peer_nodes("pi-b")
    with b.store() as store:
        # B holds something A lacks: A pulls it; B has nothing to pull.
        store.put("notes", "b1", {"title": "on b"})
    pulls = Pulls()
    watch = b.watch(a, pull=pulls)

    with b.store() as store:
        watch.round(store)
        watch.round(store)
        (peer,) = store.peers()

    assert peer["state"] == "up"
    assert pulls.calls == 0
