"""Three nodes edit one text offline, each from what it last pulled, and sync through
the real hub in any order: once all have synced twice, the nodes and the hub hold the
same text and the same conflicts (the hub path of the property that
test_node_stores_passing_operations_on_... checks between stores)."""

import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from unibos.hub.sync.models import SyncConflict, SyncRecord
from unibos.identity import tenancy
from unibos.sync import merge

from tests.sync.interleavings import TEXT, edited

edit = st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, 5))
sync = st.tuples(st.just("sync"), st.integers(0, 2))
# Each example its own record: the hub and the stores outlive examples.
RECORDS = (f"t{n}" for n in itertools.count())


def conflicts_of(record_id: str, held: list[tuple]) -> list[str]:
    return sorted(
        json.dumps([field, winner, loser], sort_keys=True)
        for held_id, field, winner, loser in held
        if held_id == record_id
    )


@settings(
    max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(st.lists(st.one_of(edit, sync), min_size=3, max_size=12))
def test_the_nodes_and_the_hub_end_with_the_same_text_and_conflicts(node_a, node_b, node_c, steps):
    nodes = (node_a, node_b, node_c)
    record_id = next(RECORDS)
    node_a.store.put("notes", record_id, {"body": TEXT})
    for node in nodes:
        node.sync()

    for step in steps:
        node = nodes[step[1]]
        if step[0] == "sync":
            node.sync()
        else:
            current = node.store.get("notes", record_id)["body"]
            node.store.put("notes", record_id, {"body": edited(current, node.node_id, step[2])})
    for node in nodes * 2:
        node.sync()

    with tenancy.system():
        cells = SyncRecord.unscoped.get(record_id=record_id).cells
        at_hub = conflicts_of(
            record_id,
            SyncConflict.unscoped.values_list("record_id", "field", "winner", "loser"),
        )
    body = merge.values(merge.decode(cells))["body"]
    for node in nodes:
        assert node.store.get("notes", record_id)["body"] == body
        held = [
            (c["record_id"], c["field"], c["winner"], c["loser"]) for c in node.store.conflicts()
        ]
        assert conflicts_of(record_id, held) == at_hub
