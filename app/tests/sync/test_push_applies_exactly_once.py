"""A node's operations reach the hub once, however often they are pushed."""

from unibos.hub.sync.models import NodeSyncState, SyncRecord
from unibos.identity import tenancy

from tests.sync.nodes import hub_operations


def test_a_round_pushes_every_local_write_in_order(node_a):
    for number in range(5):
        node_a.store.put("notes", f"n{number}", {"title": f"note {number}"})

    result = node_a.agent().sync()

    assert (result.pushed, result.skipped) == (5, 0)
    assert hub_operations(node_a.node_id) == [
        (op["seq"], op["hlc"]) for op in node_a.store.operations()
    ]
    assert node_a.store.status()["queue"] == 0


def test_pushing_the_same_operations_again_applies_nothing_twice(node_a):
    for number in range(3):
        node_a.store.put("notes", f"n{number}", {"title": f"note {number}"})
    node_a.agent().push_all()
    # As after a crash before the hub's answer was recorded: the node still thinks
    # nothing reached the hub.
    node_a.store.mark_pushed(0)

    replay = node_a.agent().push_all()

    assert replay == {"applied": 0, "skipped": 3, "conflicts": 0, "batches": 1}
    assert [seq for seq, _ in hub_operations(node_a.node_id)] == [1, 2, 3]
    with tenancy.system():
        assert NodeSyncState.unscoped.get(node_id=node_a.node_id).high_water == 3
        assert SyncRecord.unscoped.count() == 3


def test_a_replay_that_overlaps_the_high_water_mark_applies_only_the_new_part(node_a):
    for number in range(4):
        node_a.store.put("notes", f"n{number}", {"title": f"note {number}"})
    node_a.agent(batch_size=2).push_all()
    node_a.store.put("notes", "n4", {"title": "note 4"})
    node_a.store.mark_pushed(1)

    replay = node_a.agent().push_all()

    assert replay == {"applied": 1, "skipped": 3, "conflicts": 0, "batches": 1}
    assert [seq for seq, _ in hub_operations(node_a.node_id)] == [1, 2, 3, 4, 5]
