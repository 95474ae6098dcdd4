"""Operations of a node the hub refuses (revoked since a peer passed them on) hold back
neither the carrying node's own writes nor its pull: the node stops queueing them and
says so, naming the origin."""

import logging

from unibos.identity import enrolment, tenancy
from unibos.identity.models import Node

from tests.sync.nodes import hub_operations
from tests.sync.relays import writes


def test_a_revoked_nodes_operations_do_not_hold_back_the_carriers_own(
    node_a, node_b, node_c, caplog
):
    writes(node_a, 2)
    node_b.store.receive(node_a.store.lacking(node_b.store.vector()))
    with tenancy.system():
        enrolment.revoke(Node.unscoped.get(pk=node_a.node_id))
    own = writes(node_b, 1)
    theirs = writes(node_c, 1)
    node_c.sync()

    with caplog.at_level(logging.ERROR, logger="unibos.sync"):
        round_ = node_b.agent().sync()

    assert (round_.pushed, round_.pulled) == (1, 1)
    assert hub_operations(node_b.node_id) == [(1, own[0]["hlc"])]
    assert hub_operations(node_a.node_id) == []
    assert node_b.store.get("notes", theirs[0]["record_id"]) == {"title": "note 0"}
    assert node_b.store.status()["queue"] == 0
    assert (
        f"stopped passing on the operations of node {node_a.node_id}: "
        f"operations[0].node_id: node {node_a.node_id} is revoked"
    ) in caplog.text
    assert node_b.agent().push_all()["batches"] == 0
