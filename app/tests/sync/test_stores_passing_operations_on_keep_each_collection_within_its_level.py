"""Node stores (real SQLite files) that pass each other's operations on, in any
interleaving, duplicated and reordered, with collections of each level: every store's
vector still ends at every origin's last seq, placeholders included, each origin's held
as a prefix with no gap; a `local` collection is in no store but its writer's, a `peers`
one is in every store, and nothing a store would send the hub holds either in full."""

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from unibos.node.sync.store import SyncStore
from unibos.sync import export

from tests.sync.interleavings import replay

NODES = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(3)]
COLLECTIONS = {"notes": export.HUB, "rooms": export.PEERS, "diary": export.LOCAL}

write = st.tuples(
    st.just("write"), st.integers(0, 2), st.sampled_from(sorted(COLLECTIONS)), st.integers(0, 3)
)
send = st.tuples(
    st.just("send"), st.integers(0, 2), st.integers(0, 2), st.lists(st.integers(0, 40), max_size=6)
)
deliver = st.tuples(st.just("deliver"), st.integers(0, 20), st.booleans())


def written(store: SyncStore, collection: str, number: int) -> None:
    store.put(collection, f"{store.node_id[-1]}-{number}", {"by": store.node_id})


def collections_kept(store: SyncStore) -> set[str]:
    """The collections of other origins' operations the store keeps to pass on."""
    rows = store.db.execute(
        "SELECT DISTINCT collection FROM received WHERE kind != ?", ("placeholder",)
    )
    return {collection for (collection,) in rows}


@settings(max_examples=100)
@given(st.lists(st.one_of(write, send, deliver), min_size=10, max_size=40))
def test_every_store_advances_over_placeholders_and_holds_only_what_may_reach_it(steps):
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as d:
        stores = [SyncStore(Path(d) / node_id / "sync.sqlite3", node_id) for node_id in NODES]
        try:
            for store in stores:
                for collection, level in COLLECTIONS.items():
                    store.set_export(collection, level)
            replay(
                steps,
                stores,
                written,
                lambda store: store.lacking({}),
                lambda store, operations: store.receive(operations),
            )
            while sum(
                receiver.receive(sender.lacking(receiver.vector()))
                for sender in stores
                for receiver in stores
            ):
                pass

            last = {store.node_id: len(store.operations()) for store in stores}
            for store in stores:
                # Origins that wrote nothing have no mark but the store's own seq, 0.
                marks = {origin: seq for origin, seq in store.vector().items() if seq}
                assert marks == {origin: seq for origin, seq in last.items() if seq}
                held = [(op["node_id"], op["seq"]) for op in store.lacking({})]
                for origin, mark in last.items():
                    assert [seq for o, seq in held if o == origin] == list(range(1, mark + 1))
                own = {f"{store.node_id[-1]}-"}
                assert {record_id[:2] for record_id in store.records("diary")} <= own
                assert "diary" not in collections_kept(store)
                assert store.records("rooms") == stores[0].records("rooms")
                assert store.records("notes") == stores[0].records("notes")
                leaving = store.hub_queue() + store.relay_queue()
                assert not [op for op in leaving if op.get("collection") in ("rooms", "diary")]
        finally:
            for store in stores:
                store.close()
