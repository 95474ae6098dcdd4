"""Batches one node pushes with other nodes' operations in them, as a node that passes
on what its peers wrote does."""

from unibos.sync import batch

from tests.sync.nodes import SyncNode, batch_of, push, token


def writes(node: SyncNode, count: int) -> list[dict]:
    """`count` new writes on `node`, each to a record of its own; their operations."""
    first = len(node.store.operations())
    for number in range(first, first + count):
        node.store.put("notes", f"{node.identity.name}-{number}", {"title": f"note {number}"})
    return node.store.operations(first)


def relay(client, hub, carrier: SyncNode, operations: list[dict]):
    """`carrier` pushes `operations` (anyone's) to the hub through Django's test client."""
    bearer = token(hub, carrier.node_id, carrier.credential)
    return push(client, bearer, batch.compress(batch_of(carrier, operations)))
