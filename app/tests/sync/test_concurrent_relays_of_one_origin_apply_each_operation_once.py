"""Nodes that pass on the same operations of an origin at the same moment, while the
origin pushes them itself, leave each on the hub once: the hub takes one organization's
batches one at a time, and each after the marks the one before it moved."""

import urllib.request
from concurrent.futures import ThreadPoolExecutor

from unibos.sync import batch

from tests.sync.nodes import batch_of, hub_operations, token
from tests.sync.relays import writes

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def push_over_http(hub, carrier, operations: list[dict]) -> int:
    """`carrier` pushes `operations` to the live hub over HTTP, as a node does; the status."""
    request = urllib.request.Request(
        f"{hub.url}/api/sync/push",
        data=batch.compress(batch_of(carrier, operations)),
        headers={
            "Authorization": f"Bearer {token(hub, carrier.node_id, carrier.credential)}",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
        },
        method="POST",
    )
    with _opener.open(request, timeout=60) as response:
        return response.status


def test_three_nodes_pushing_one_origins_operations_at_once_apply_each_once(
    hub, node_a, node_b, node_c
):
    ops = writes(node_a, 200)
    carriers = [node_a, node_b, node_c, node_b, node_c]

    with ThreadPoolExecutor(len(carriers)) as pool:
        statuses = list(pool.map(lambda carrier: push_over_http(hub, carrier, ops), carriers))

    assert statuses == [200] * len(carriers)
    assert hub_operations(node_a.node_id) == [(op["seq"], op["hlc"]) for op in ops]
