"""The peer exchange: a node of the organization pulls the operations it lacks from a peer.

`POST /api/peers/operations` (unibos.http.node.peers) with the caller's node token and
version vector; the peer answers with a batch of what that vector lacks (`lacking`:
each origin's operations in seq order, at most `limit` of them and about
MAX_ANSWER_BYTES of JSON), whether more remain, its own vector and its node token as the
proof of who it is. `pull` is the caller's side: it checks the answer's shape as the hub
checks a push (unibos.sync.batch); the watch (unibos.node.peers.watch) verifies the
proof and hands the operations to the store, which applies each once, in origin order.

Every node pulls and none pushes: a write reaches each peer that pulls from a node
holding it, and from there the peers that pull from that one.
"""

import json
from typing import Any

from unibos.node.peers import heartbeat
from unibos.node.state import Identity
from unibos.node.sync.store import SyncStore
from unibos.sync import batch, delivery
from unibos.validation import Violation, compile_schema

PATH = "/api/peers/operations"
MAX_LIMIT = 1000
# A batch stops growing past this much JSON (one operation larger than it still goes).
MAX_ANSWER_BYTES = 1_000_000
# A full batch is a megabyte from a Pi's SQLite: more than a heartbeat's 2 s.
TIMEOUT_SECONDS = 15.0
MAX_SEQ = 2**63 - 1

VECTOR = {
    "type": "object",
    "description": "origin node id -> the highest seq of it this node holds",
    "maxProperties": 10_000,
    "propertyNames": {"maxLength": 36},
    "additionalProperties": {"type": "integer", "minimum": 0, "maximum": MAX_SEQ},
}
LIMIT = {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": MAX_LIMIT}
ANSWER = {
    "type": "object",
    "required": ["node_id", "organization", "proof", "vector", "operations", "more"],
    "properties": {
        "node_id": {"type": "string", "format": "uuid"},
        "organization": {"type": "integer"},
        "proof": {
            "type": "string",
            "description": "this node's hub-issued node token: the caller verifies it "
            "against its own cached JWKS",
        },
        "vector": VECTOR,
        "operations": {
            "type": "array",
            "items": batch.operation_or_placeholder(batch.PEER_OPERATION),
            "description": "what the caller's vector lacks, each origin's in seq order; "
            "an operation of a collection its origin keeps on that node is a placeholder",
        },
        "more": {"type": "boolean", "description": "the batch is full: ask again"},
    },
}
_check_answer = compile_schema(ANSWER)


class MalformedAnswer(Exception):
    """The peer answered, with something that is not a batch of operations."""


def lacking(
    store: SyncStore, vector: delivery.Vector, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """What a peer at `vector` lacks, bounded by `limit` and MAX_ANSWER_BYTES, and
    whether more remain. A prefix of `store.lacking`: each origin's operations are still
    the next the peer lacks, so its next request takes up where this one stops."""
    # One more than asked says whether more remain, without counting them all.
    operations = store.lacking(vector, limit + 1)
    more = len(operations) > limit
    size = 0
    for index, operation in enumerate(operations[:limit]):
        size += len(json.dumps(operation, separators=(",", ":")))
        if size > MAX_ANSWER_BYTES and index > 0:
            return operations[:index], True
    return operations[:limit], more


def pull(
    address: str,
    port: int,
    host: str,
    token: str,
    identity: Identity,
    *,
    vector: delivery.Vector,
    limit: int = MAX_LIMIT,
    timeout: float = TIMEOUT_SECONDS,
) -> dict[str, Any]:
    """The peer's answer (ANSWER), its shape and its operations checked; its proof is the
    caller's to verify. PeerRefused when it refuses this node, PeerUnreachable when it does
    not answer, MalformedAnswer when its answer is not a batch."""
    request = {"node_id": identity.node_id, "name": identity.name, "vector": dict(vector)}
    answer = heartbeat.post(
        address, port, host, PATH, token, document={**request, "limit": limit}, timeout=timeout
    )
    try:
        _check_answer(answer)
    except Violation as violation:
        raise MalformedAnswer(str(violation)) from None
    try:
        batch.check_operations(answer["operations"])
    except batch.BatchRefused as refusal:
        raise MalformedAnswer(str(refusal)) from None
    return answer
