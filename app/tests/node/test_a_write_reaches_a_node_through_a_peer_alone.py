"""Pull-only gossip passes operations on: C, which never finds A, receives A's writes
through B, which pulled them from A; every hop applies each operation once, in A's
order, over the nodes' real APIs (gunicorn), and C queues them for the hub as B does."""


def test_a_third_node_receives_as_operations_through_b_alone(peer_nodes):
    a, b, c = (peer_nodes(name) for name in ("pi-a", "pi-b", "pi-c"))
    a.start_api()
    b.start_api()
    with a.store() as store:
        on_a = [store.put("notes", f"a{i}", {"title": f"from a {i}"}) for i in (1, 2, 3)]
    with b.store() as store:
        on_b = [store.put("notes", f"b{i}", {"title": f"from b {i}"}) for i in (1, 2)]
    b_watch, c_watch = b.watch(a), c.watch(b)

    # C before B has pulled: B's own writes only.
    with c.store() as store:
        c_watch.round(store)
        assert store.vector() == {b.node_id: 2, c.node_id: 0}
    with b.store() as store:
        b_watch.round(store)
    with c.store() as store:
        c_watch.round(store)
        c_watch.round(store)

        assert store.vector() == {a.node_id: 3, b.node_id: 2, c.node_id: 0}
        held = store.lacking({c.node_id: 0})
        assert [op for op in held if op["node_id"] == a.node_id] == on_a
        assert [op for op in held if op["node_id"] == b.node_id] == on_b
        assert len(store.records("notes")) == 5
        assert [op for op in store.relay_queue() if op["node_id"] == a.node_id] == on_a
    # C knows B alone: A's operations came through B.
    assert list(c_watch.table.peers) == [b.node_id]
