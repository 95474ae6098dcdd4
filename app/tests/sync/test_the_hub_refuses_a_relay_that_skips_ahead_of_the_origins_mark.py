"""A node that passes on an origin's operations past a gap in what the hub holds of it
is refused, naming the origin and the seq the hub expects; nothing of its batch is
applied, its own operations included."""

from tests.sync.nodes import hub_operations
from tests.sync.relays import relay, writes


def test_a_relay_past_the_origins_mark_names_the_origin_and_the_seq_expected(
    client, hub, node_a, node_b
):
    ops = writes(node_a, 4)
    relay(client, hub, node_b, ops[:1])

    response = relay(client, hub, node_b, writes(node_b, 1) + ops[2:])

    assert response.status_code == 409, response.content
    assert response.json()["error"] == "out_of_order"
    assert response.json()["origin"] == node_a.node_id
    assert response.json()["expected"] == 2
    assert (
        f"the next operation of node {node_a.node_id} is seq 2, not 3"
        in (response.json()["detail"])
    )
    assert [seq for seq, _ in hub_operations(node_a.node_id)] == [1]
    assert hub_operations(node_b.node_id) == []


def test_an_origin_the_hub_has_nothing_of_must_start_at_its_first_operation(
    client, hub, node_a, node_b
):
    response = relay(client, hub, node_b, writes(node_a, 3)[1:])

    assert response.status_code == 409, response.content
    assert (response.json()["origin"], response.json()["expected"]) == (node_a.node_id, 1)
    assert hub_operations(node_a.node_id) == []
