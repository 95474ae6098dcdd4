"""A malformed, oversized, out-of-order or other-tenant batch is refused whole."""

import gzip
import json

import pytest
from unibos.hub.sync.models import NodeSyncState, SyncOperation, SyncRecord
from unibos.identity import tenancy
from unibos.sync import batch

from tests.sync.nodes import batch_of, push, token


def operations(node, count: int) -> list[dict]:
    for number in range(count):
        node.store.put("notes", f"n{number}", {"title": f"note {number}"})
    return node.store.operations()


def assert_nothing_applied() -> None:
    with tenancy.system():
        assert SyncOperation.unscoped.count() == 0
        assert SyncRecord.unscoped.count() == 0
        assert not NodeSyncState.unscoped.filter(high_water__gt=0).exists()


def refused(response, status: int, error: str, detail: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"] == error
    assert detail in response.json()["detail"]
    assert_nothing_applied()


@pytest.fixture
def bearer(hub, node_a) -> str:
    return token(hub, node_a.node_id, node_a.credential)


def test_a_body_that_is_not_json_is_refused(client, bearer):
    refused(
        push(client, bearer, gzip.compress(b"{not json")), 400, "invalid", "body: not valid JSON"
    )


def test_a_body_that_says_gzip_and_is_not_is_refused(client, bearer):
    refused(push(client, bearer, b'{"operations": []}'), 400, "invalid", "body: not valid gzip")


def test_a_bad_operation_refuses_the_good_ones_before_it(client, bearer, node_a):
    ops = operations(node_a, 3)
    ops[2]["kind"] = "upsert"

    response = push(client, bearer, batch.compress(batch_of(node_a, ops)))

    refused(response, 400, "invalid", "operations[2].kind: must be one of put, delete")
    assert response.json()["field"] == "operations[2].kind"


def test_a_document_field_that_is_not_a_yjs_update_refuses_the_batch(client, bearer, node_a):
    ops = operations(node_a, 2)
    ops[1]["fields"]["body"] = {"$crdt": "bm90IGEgeWpzIHVwZGF0ZQ=="}

    response = push(client, bearer, batch.compress(batch_of(node_a, ops)))

    refused(response, 400, "invalid", "operations[1].fields.body: $crdt: not a Yjs update")
    assert response.json()["field"] == "operations[1].fields.body"


def test_seqs_with_a_gap_are_refused(client, bearer, node_a):
    ops = operations(node_a, 3)
    del ops[1]

    refused(
        push(client, bearer, batch.compress(batch_of(node_a, ops))),
        400,
        "invalid",
        "operations[1].seq: must be 2",
    )


def test_one_origins_seqs_with_a_gap_are_refused_among_another_origins(
    client, bearer, node_a, node_b
):
    ops = operations(node_a, 2) + operations(node_b, 3)
    del ops[3]

    refused(
        push(client, bearer, batch.compress(batch_of(node_a, ops))),
        400,
        "invalid",
        "operations[3].seq: must be 2: the seqs of one origin's operations in a batch",
    )


def test_an_origin_that_is_not_a_node_id_is_refused(client, bearer, node_a):
    # 36 hex digits: the shape the HLC's pattern allows, and no UUID.
    origin = "0123456789abcdef0123456789abcdef0123"
    ops = operations(node_a, 1)
    ops.append({**ops[0], "node_id": origin, "hlc": ops[0]["hlc"][:20] + origin})

    response = push(client, bearer, batch.compress(batch_of(node_a, ops)))

    refused(response, 400, "invalid", "operations[1].node_id: must be a node id (a UUID)")


def test_a_batch_that_does_not_start_after_the_high_water_mark_is_out_of_order(
    client, bearer, node_a
):
    ops = operations(node_a, 4)[2:]

    response = push(client, bearer, batch.compress(batch_of(node_a, ops)))

    refused(response, 409, "out_of_order", "the next operation of node")
    assert response.json()["expected"] == 1
    assert response.json()["origin"] == node_a.node_id


def test_a_batch_for_another_organization_is_refused(client, bearer, node_a, outsider):
    _, _, globex = outsider

    refused(
        push(
            client,
            bearer,
            batch.compress(batch_of(node_a, operations(node_a, 1), organization=globex)),
        ),
        403,
        "forbidden",
        "organization: the batch is not for this node's organization",
    )


def test_another_organizations_node_cannot_push_as_this_one(client, hub, node_a, outsider):
    node_id, credential, _ = outsider

    refused(
        push(
            client,
            token(hub, node_id, credential),
            batch.compress(batch_of(node_a, operations(node_a, 1))),
        ),
        403,
        "forbidden",
        "node_id: the batch is not this node's",
    )


def test_a_user_token_cannot_push(client, hub, node_a):
    hub.member("alice")

    refused(
        push(client, hub.login("alice"), batch.compress(batch_of(node_a, operations(node_a, 1)))),
        403,
        "forbidden",
        "this needs a node token",
    )


def test_more_operations_than_the_limit_are_refused(client, bearer, node_a, settings):
    settings.UNIBOS_SYNC_MAX_BATCH = 3

    refused(
        push(client, bearer, batch.compress(batch_of(node_a, operations(node_a, 4)))),
        413,
        "too_large",
        "more than UNIBOS_SYNC_MAX_BATCH (3) operations",
    )


def test_more_bytes_than_the_limit_are_refused_however_well_they_compress(
    client, bearer, node_a, settings
):
    settings.UNIBOS_SYNC_MAX_BATCH_BYTES = 4096
    node_a.store.put("notes", "big", {"body": "x" * 10_000})

    response = push(client, bearer, batch.compress(batch_of(node_a, node_a.store.operations())))

    refused(response, 413, "too_large", "UNIBOS_SYNC_MAX_BATCH_BYTES (4096)")


def test_an_uncompressed_batch_is_accepted_too(client, bearer, node_a):
    content = json.dumps(batch_of(node_a, operations(node_a, 2))).encode()

    response = push(client, bearer, content, encoding="")

    assert response.status_code == 200, response.content
    assert response.json() == {
        "applied": 2,
        "skipped": 0,
        "high_water": 2,
        "conflicts": 0,
        "high_waters": {node_a.node_id: 2},
    }
