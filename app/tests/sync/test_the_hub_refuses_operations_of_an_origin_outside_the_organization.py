"""Operations passed on from a node that is not an active node of the pushing node's
organization are refused, naming it, and nothing of the batch is applied."""

import uuid

from unibos.hub.sync.models import NodeSyncState, SyncOperation
from unibos.identity import enrolment, tenancy
from unibos.identity.models import Node
from unibos.node.sync.store import SyncStore

from tests.sync.relays import relay, writes


def written_by(node_id: str, path) -> list[dict]:
    """One operation written in a store of node `node_id`'s own."""
    with SyncStore(path, node_id) as store:
        store.put("notes", "theirs", {"title": "not acme's"})
        return store.operations()


def assert_refused(response, origin: str, problem: str) -> None:
    assert response.status_code == 403, response.content
    assert response.json()["error"] == "forbidden"
    assert response.json()["field"] == "operations[1].node_id"
    assert response.json()["detail"] == f"operations[1].node_id: node {origin} {problem}"
    with tenancy.system():
        assert SyncOperation.unscoped.count() == 0
        assert not NodeSyncState.unscoped.filter(high_water__gt=0).exists()


def test_an_origin_of_another_organization_is_refused_naming_it(
    client, hub, node_b, outsider, tmp_path
):
    globex_node, _, _ = outsider

    response = relay(
        client, hub, node_b, writes(node_b, 1) + written_by(globex_node, tmp_path / "g.sqlite3")
    )

    assert_refused(response, globex_node, "is not a node of this organization")
    with tenancy.system():
        assert not NodeSyncState.unscoped.filter(node_id=globex_node).exists()


def test_an_origin_that_is_no_node_anywhere_is_refused_the_same_way(client, hub, node_b, tmp_path):
    stranger = str(uuid.uuid4())

    response = relay(
        client, hub, node_b, writes(node_b, 1) + written_by(stranger, tmp_path / "s.sqlite3")
    )

    assert_refused(response, stranger, "is not a node of this organization")


def test_a_revoked_nodes_operations_are_refused_from_its_peers(client, hub, node_a, node_b):
    ops = writes(node_b, 1) + writes(node_a, 1)
    with tenancy.system():
        enrolment.revoke(Node.unscoped.get(pk=node_a.node_id))

    response = relay(client, hub, node_b, ops)

    assert_refused(response, node_a.node_id, "is revoked: its operations are refused")
