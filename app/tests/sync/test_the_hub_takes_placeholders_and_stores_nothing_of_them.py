"""The hub takes a placeholder, pushed by its origin or passed on by another node, as
the operation it stands for: the origin's mark moves past it, and nothing of it is
stored, not a row, not in the change feed. A placeholder that carries anything more,
or a full operation that says it may not reach the hub, is refused whole."""

from unibos.hub.sync.models import SyncOperation
from unibos.identity import tenancy

from tests.sync.exports import SECRET, hub_mark, hub_mentions
from tests.sync.nodes import hub_operations
from tests.sync.relays import relay, writes


def placeholder(node, seq: int) -> dict:
    return {"node_id": node.node_id, "seq": seq, "kind": "placeholder"}


def test_a_pushed_placeholder_moves_the_mark_and_leaves_no_row(client, hub, node_a):
    ops = writes(node_a, 3)

    response = relay(client, hub, node_a, [ops[0], placeholder(node_a, 2), ops[2]])

    assert response.status_code == 200, response.content
    assert response.json()["high_water"] == 3
    assert hub_operations(node_a.node_id) == [(1, ops[0]["hlc"]), (3, ops[2]["hlc"])]
    with tenancy.system():
        assert SyncOperation.unscoped.count() == 2


def test_a_placeholder_passed_on_by_another_node_moves_the_origins_mark(
    client, hub, node_a, node_b
):
    node_a.store.set_export("diary", "local")
    node_a.store.put("diary", "d1", {"text": SECRET})
    node_b.store.receive(node_a.store.lacking(node_b.store.vector()))

    round_ = node_b.agent().sync()

    assert round_.pushed == 1
    assert hub_mark(node_a.node_id) == 1
    assert hub_operations(node_a.node_id) == []
    assert node_a.agent().sync().skipped == 1
    assert hub_mentions(SECRET) == []


def test_the_change_feed_holds_nothing_of_a_placeholder(client, hub, node_a, node_b):
    ops = writes(node_a, 2)
    relay(client, hub, node_a, [placeholder(node_a, 1), ops[1]])

    node_b.sync()

    assert node_b.store.vector()[node_a.node_id] == 2
    assert node_b.store.lacking({}) == [placeholder(node_a, 1), ops[1]]


def test_a_placeholder_carrying_more_or_an_operation_for_peers_only_is_refused_whole(
    client, hub, node_a
):
    ops = writes(node_a, 2)

    carrying = {**placeholder(node_a, 2), "collection": "diary"}
    refused = relay(client, hub, node_a, [ops[0], carrying])
    # A peer's answer may say `export: peers`; the hub's push may not.
    for_peers = relay(client, hub, node_a, [{**ops[0], "export": "peers"}])

    assert refused.status_code == 400
    assert refused.json()["field"] == "operations[1].collection"
    assert for_peers.status_code == 400
    assert for_peers.json()["field"] == "operations[0].export"
    assert hub_operations(node_a.node_id) == []
