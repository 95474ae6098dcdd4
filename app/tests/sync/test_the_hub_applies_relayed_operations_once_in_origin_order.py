"""The hub takes an origin's operations from any node of its organization that passes
them on: in the origin's order, under the origin's one high-water mark, each once."""

from unibos.hub.sync.models import NodeSyncState
from unibos.identity import tenancy

from tests.sync.nodes import hub_operations, hub_records
from tests.sync.relays import relay, writes


def high_water(node) -> int:
    with tenancy.system():
        return NodeSyncState.unscoped.get(node_id=node.node_id).high_water


def test_operations_another_node_passes_on_are_applied_under_the_origins_mark(
    client, hub, node_a, node_b
):
    ops = writes(node_a, 3)

    response = relay(client, hub, node_b, ops)

    assert response.status_code == 200, response.content
    assert response.json() == {
        "applied": 3,
        "skipped": 0,
        "high_water": 0,
        "conflicts": 0,
        "high_waters": {node_a.node_id: 3, node_b.node_id: 0},
    }
    assert hub_operations(node_a.node_id) == [(op["seq"], op["hlc"]) for op in ops]
    assert high_water(node_a) == 3
    assert hub_records() == node_a.store.records("notes")


def test_the_origin_pushing_what_was_relayed_applies_nothing_twice(client, hub, node_a, node_b):
    relay(client, hub, node_b, writes(node_a, 3))
    writes(node_a, 1)

    pushed = node_a.agent().push_all()

    assert pushed == {"applied": 1, "skipped": 3, "conflicts": 0, "batches": 1}
    assert node_a.store.pushed == 4
    assert node_a.store.status()["queue"] == 0
    assert [seq for seq, _ in hub_operations(node_a.node_id)] == [1, 2, 3, 4]


def test_a_relay_of_what_the_origin_pushed_is_acknowledged_not_applied(client, hub, node_a, node_b):
    ops = writes(node_a, 3)
    node_a.agent().push_all()

    response = relay(client, hub, node_b, ops)

    assert response.status_code == 200, response.content
    assert response.json()["applied"] == 0
    assert response.json()["skipped"] == 3
    assert response.json()["high_waters"][node_a.node_id] == 3
    assert [seq for seq, _ in hub_operations(node_a.node_id)] == [1, 2, 3]


def test_each_operation_is_applied_once_whichever_nodes_pass_it_on(
    client, hub, node_a, node_b, node_c
):
    ops = writes(node_a, 5)

    answers = [
        relay(client, hub, node_b, ops[:3]).json(),
        relay(client, hub, node_c, ops).json(),
        relay(client, hub, node_b, ops[1:]).json(),
    ]
    by_origin = node_a.agent().push_all()

    assert [(a["applied"], a["skipped"]) for a in answers] == [(3, 0), (2, 3), (0, 4)]
    assert (by_origin["applied"], by_origin["skipped"]) == (0, 5)
    assert hub_operations(node_a.node_id) == [(op["seq"], op["hlc"]) for op in ops]
    assert high_water(node_a) == 5


def test_a_batch_of_own_and_relayed_operations_moves_each_origins_mark(client, hub, node_a, node_b):
    theirs, own = writes(node_a, 2), writes(node_b, 2)

    response = relay(client, hub, node_b, [own[0], theirs[0], own[1], theirs[1]])

    assert response.json() == {
        "applied": 4,
        "skipped": 0,
        "high_water": 2,
        "conflicts": 0,
        "high_waters": {node_a.node_id: 2, node_b.node_id: 2},
    }
    assert node_b.agent().push_all()["skipped"] == 2
    assert node_b.store.pushed == 2


def test_the_change_feed_serves_relayed_operations_once_and_not_to_their_origin(
    client, hub, node_a, node_b, node_c
):
    relay(client, hub, node_b, writes(node_a, 3))

    assert node_c.agent().sync().pulled == 3
    assert node_a.agent().sync().pulled == 0
    assert node_c.store.records("notes") == node_a.store.records("notes") == hub_records()
