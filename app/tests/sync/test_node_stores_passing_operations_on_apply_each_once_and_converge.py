"""Node stores (real SQLite files) that pass each other's operations on, in any
interleaving, duplicated and reordered on the way, hold each operation once, each
origin's in order, and end with the same records and the same conflicts: the store's
receive and lacking are the delivery the pure property test checks
(test_replicas_passing_operations_on_...), with the store's own writes, clock, merge and
folds of a record again (three-way text edited on several nodes among them).
"""

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from unibos.node.sync.store import SyncStore
from unibos.sync import documents

from tests.sync.interleavings import TEXT, edited, replay

NODES = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(3)]

write = st.tuples(
    st.just("write"),
    st.integers(0, 2),
    st.sampled_from(("r0", "r1")),
    st.sampled_from(("count", "doc", "text", "text", "delete")),
    st.integers(0, 5),
)
# Which of what the sender holds go, by position (modulo how many): any, in any order,
# some twice.
send = st.tuples(
    st.just("send"), st.integers(0, 2), st.integers(0, 2), st.lists(st.integers(0, 40), max_size=6)
)
deliver = st.tuples(st.just("deliver"), st.integers(0, 20), st.booleans())


def written(store: SyncStore, record_id: str, what: str, where: int) -> None:
    if what == "delete":
        store.delete("notes", record_id)
    elif what == "count":
        store.put("notes", record_id, {"count": where})
    elif what == "text":
        current = (store.get("notes", record_id) or {}).get("body")
        store.put("notes", record_id, {"body": edited(current, store.node_id, where)})
    else:
        current = (store.get("notes", record_id) or {}).get("doc")
        length = len(documents.text(current)) if current else 0
        store.splice_document(
            "notes", record_id, "doc", at=min(where, length), delete=0, insert=store.node_id[-1]
        )


def held(store: SyncStore) -> list[tuple[str, int]]:
    return [(operation["node_id"], operation["seq"]) for operation in store.lacking({})]


def share_a_text(stores: list[SyncStore]) -> None:
    """Every store starts holding the same text in each record: the drawn edits of it
    are then edits of one version, which merge, or not, line by line."""
    for record_id in ("r0", "r1"):
        stores[0].put("notes", record_id, {"body": TEXT})
    for store in stores[1:]:
        store.receive(stores[0].lacking({}))


def conflicts(store: SyncStore) -> list[str]:
    return sorted(
        json.dumps([c["record_id"], c["field"], c["winner"], c["loser"]], sort_keys=True)
        for c in store.conflicts()
    )


def marks(store: SyncStore) -> dict[str, int]:
    """The store's vector without the origins it holds nothing of (its own among them)."""
    return {origin: seq for origin, seq in store.vector().items() if seq}


@settings(max_examples=150)
@given(st.lists(st.one_of(write, send, deliver), min_size=10, max_size=40))
def test_every_store_holds_each_operation_once_in_origin_order_and_all_end_equal(steps):
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as d:
        stores = [SyncStore(Path(d) / node_id / "sync.sqlite3", node_id) for node_id in NODES]
        try:
            share_a_text(stores)
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

            everything = sorted(held(stores[0]))
            for store in stores:
                assert sorted(held(store)) == everything
                assert len(set(held(store))) == len(held(store))
                for origin, mark in marks(store).items():
                    seqs = [seq for held_origin, seq in held(store) if held_origin == origin]
                    assert seqs == list(range(1, mark + 1)), f"{origin}: not a prefix"
                assert marks(store) == marks(stores[0])
                assert store.records("notes") == stores[0].records("notes")
                assert conflicts(store) == conflicts(stores[0])
        finally:
            for store in stores:
                store.close()
