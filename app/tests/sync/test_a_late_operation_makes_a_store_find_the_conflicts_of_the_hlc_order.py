"""A store's conflicts are those of its operations applied in HLC order, whatever order
they came in: an operation that arrives late replaces the unresolved conflicts of the
fields it writes with the ones that order finds, and keeps those a person resolved."""

import pytest
from unibos.node.sync.store import SyncStore

WRITERS = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(3)]
READERS = ["00000000-0000-4000-8000-0000000000a0", "00000000-0000-4000-8000-0000000000b0"]


@pytest.fixture
def written(tmp_path):
    """Three nodes that never met set the count of n1, at walls 1 s, 2 s and 3 s."""
    operations = []
    for n, node_id in enumerate(WRITERS, start=1):
        with SyncStore(tmp_path / node_id / "sync.sqlite3", node_id, lambda n=n: n * 1000) as store:
            operations.append(store.put("notes", "n1", {"count": n}))
    return operations


@pytest.fixture
def readers(tmp_path):
    stores = [SyncStore(tmp_path / node_id / "sync.sqlite3", node_id) for node_id in READERS]
    yield stores
    for store in stores:
        store.close()


def pairs(store: SyncStore, resolved: bool = False) -> list[tuple[int, int]]:
    """(winner, loser) of the store's conflicts, unresolved or resolved ones."""
    return sorted(
        (conflict["winner"]["value"], conflict["loser"]["value"])
        for conflict in store.conflicts()
        if (conflict["resolved_at"] is not None) == resolved
    )


def test_late_operations_leave_the_conflicts_of_the_hlc_order(written, readers):
    first, second, third = written
    in_order, late = readers
    in_order.receive([first, second, third])
    late.receive([third])
    late.receive([first])
    assert pairs(late) == [(3, 1)]

    late.receive([second])

    assert pairs(in_order) == pairs(late) == [(2, 1), (3, 2)]
    assert in_order.get("notes", "n1") == late.get("notes", "n1") == {"count": 3}


def test_a_resolved_conflict_stays_when_the_order_no_longer_finds_it(written, readers):
    first, second, third = written
    _, late = readers
    late.receive([third])
    late.receive([first])
    [conflict] = late.conflicts()
    late.resolve(conflict["id"], "local")

    late.receive([second])

    assert pairs(late) == [(2, 1), (3, 2)]
    assert pairs(late, resolved=True) == [(3, 1)]
    assert late.conflict(conflict["id"])["resolution"]["keep"] == "local"
