"""Export control: how far a collection's operations may go, and what goes in their place.

A collection's level is `hub` (to the hub and to peers), `peers` (to the nodes of the
organization on the LAN, never to the hub) or `local` (never off the node). The origin
stamps each operation with its collection's level when it writes it (unibos.node.sync.store)
and a full operation on the wire says its level in `export` (absent: `hub`), so that a
node passing on another node's operation holds it to the origin's level, not its own.

Exactly-once needs every seq of an origin at every replica (unibos.sync.delivery: an
operation after a gap waits). So an operation is never left out: where its level does
not let it go, a placeholder goes instead, which keeps its origin and seq and nothing
else (no collection, record, fields, base or clock), and a receiver moves its mark past
it and applies nothing. What a placeholder tells is that the origin wrote an operation
with that seq, and roughly when (when it was first sent).

No database, no network: the node's store and the hub's ledger call these.
"""

from collections.abc import Iterable
from typing import Any

Operation = dict[str, Any]

HUB, PEERS, LOCAL = "hub", "peers", "local"
# From the widest reach to the narrowest: a level lets an operation go to a destination
# at or before it in this order.
LEVELS = (HUB, PEERS, LOCAL)
PLACEHOLDER = "placeholder"


def level(operation: Operation) -> str:
    return operation.get("export", HUB)


def is_placeholder(operation: Operation) -> bool:
    return operation["kind"] == PLACEHOLDER


def placeholder(operation: Operation) -> Operation:
    """What goes where `operation` may not: its origin and seq, nothing of its content."""
    return {"node_id": operation["node_id"], "seq": operation["seq"], "kind": PLACEHOLDER}


def allowed(operation: Operation, destination: str) -> bool:
    """Whether `operation` may go in full to `destination`, HUB or PEERS."""
    return LEVELS.index(level(operation)) <= LEVELS.index(destination)


def bound_for(operations: Iterable[Operation], destination: str) -> list[Operation]:
    """`operations` as they leave for `destination`: each one its level does not let go
    there replaced by its placeholder, in the same order, so no seq is missing."""
    return [
        operation
        if is_placeholder(operation) or allowed(operation, destination)
        else placeholder(operation)
        for operation in operations
    ]


def level_problem(value: str) -> str | None:
    """Why `value` is no level, for a refusal that names it; None when it is one."""
    if value in LEVELS:
        return None
    return f"{value!r} is no export level; the levels are {', '.join(LEVELS)}"
