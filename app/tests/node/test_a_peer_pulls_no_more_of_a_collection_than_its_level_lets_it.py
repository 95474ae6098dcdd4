"""Over the nodes' real APIs (gunicorn) and B's and C's real peer watches: the answer to
a pull gives a `peers` collection in full and a `local` one as placeholders, so B holds
A's `local` collection nowhere, C, which pulls from B alone, neither, and both still
hold every seq of A's, in order; what B and C would pass on to the hub holds neither."""

SECRET = "only on pi-a"


def kept_collections(store) -> set[str]:
    rows = store.db.execute("SELECT DISTINCT collection FROM received WHERE kind != 'placeholder'")
    return {collection for (collection,) in rows}


def test_b_and_c_through_b_get_as_peers_collection_and_nothing_of_its_local_one(peer_nodes):
    a, b, c = (peer_nodes(name) for name in ("pi-a", "pi-b", "pi-c"))
    with a.store() as store:
        store.set_export("diary", "local")
        store.set_export("rooms", "peers")
        store.put("diary", "d1", {"text": SECRET})
        store.put("rooms", "kitchen", {"lights": "on"})
        store.put("notes", "n1", {"title": "for everyone"})
        store.put("diary", "d2", {"text": SECRET})
    a.start_api()
    b.start_api()
    b_watch, c_watch = b.watch(a), c.watch(b)

    with b.store() as store:
        b_watch.round(store)
    with c.store() as store:
        c_watch.round(store)
        c_watch.round(store)

    for node in (b, c):
        with node.store() as store:
            assert store.vector()[a.node_id] == 4
            assert [op["seq"] for op in store.lacking({}) if op["node_id"] == a.node_id] == [
                1,
                2,
                3,
                4,
            ]
            assert store.records("rooms") == {"kitchen": {"lights": "on"}}
            assert store.records("notes") == {"n1": {"title": "for everyone"}}
            assert store.records("diary") == {}
            assert kept_collections(store) == {"rooms", "notes"}
            assert [op.get("collection") for op in store.relay_queue()] == [
                None,
                None,
                "notes",
                None,
            ]
        # The store's file and its write-ahead log, byte for byte.
        for path in node.base.glob(f"{node.store_path.name}*"):
            assert SECRET.encode() not in path.read_bytes(), path
