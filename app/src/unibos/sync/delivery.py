"""Operations passed from replica to replica, each applied once and in its origin's order.

An operation is known by its origin, the node that wrote it, and its seq: every origin
numbers its operations from 1 with no gaps (unibos.node.sync.store). Every replica, the
hub and each node alike, applies an origin's operations in seq order, so what it holds
of an origin is always that origin's operations 1 to n, and n, the origin's high-water
mark on that replica, says all of it. The marks of every origin it holds, a version
vector, say everything a replica holds; two vectors say what each side lacks, however
many nodes passed the operations on.

No database, no network: the hub's ledger and the node's store keep the marks, and feed
operations through here.
"""

from collections.abc import Iterable, Mapping
from typing import Any

Operation = dict[str, Any]
# Origin node id -> the highest seq of that origin applied here (absent: none).
Vector = Mapping[str, int]


def key(operation: Operation) -> tuple[str, int]:
    """What an operation is known by, whichever nodes pass it on: (origin, seq)."""
    return operation["node_id"], operation["seq"]


def lacking(operations: Iterable[Operation], vector: Vector) -> list[Operation]:
    """Of `operations` (a replica's, each origin's in seq order), those a replica at
    `vector` lacks, in the same order: what to send it."""
    return [
        operation
        for operation in operations
        if operation["seq"] > vector.get(operation["node_id"], 0)
    ]


def lacks(ours: Vector, theirs: Vector) -> int:
    """How many operations a replica at `ours` holds that a replica at `theirs` lacks:
    each origin's are a prefix on both, so the marks' differences count them."""
    return sum(max(0, mark - theirs.get(origin, 0)) for origin, mark in ours.items())


class Gap(Exception):
    """An operation of `origin` after a gap: the next one that replica can apply is
    seq `expected`, not `got`."""

    def __init__(self, origin: str, expected: int, got: int) -> None:
        super().__init__(f"the next operation of node {origin} is seq {expected}, not {got}")
        self.origin, self.expected, self.got = origin, expected, got


def fresh(
    operations: Iterable[Operation], vector: Vector
) -> tuple[list[Operation], dict[str, int]]:
    """For a replica that takes a batch whole or not at all (the hub): the operations of
    `operations` it lacks, in their order, and its vector once they are applied.

    Operations at or below their origin's mark (already applied: a replay, or a relay
    of what the origin or another node passed on first) are left out. An operation after
    a gap raises Gap: applying it would break its origin's order, and waiting for the
    missing ones is the sender's part, not a batch's.
    """
    marks = dict(vector)
    taken = []
    for operation in operations:
        origin, seq = key(operation)
        mark = marks.get(origin, 0)
        if seq <= mark:
            continue
        if seq != mark + 1:
            raise Gap(origin, mark + 1, seq)
        marks[origin] = seq
        taken.append(operation)
    return taken, marks


class Intake:
    """A replica's receiving side for deliveries from peers, which arrive in any order,
    any number of times and from any of them: `receive` releases each operation once,
    each origin's in seq order.

    An operation after a gap waits here until the gap is filled; one already applied or
    already waiting is dropped. Nothing waiting is lost by a replica that forgets it
    (a restart): its vector still says it lacks it, so a peer sends it again.
    """

    def __init__(self, vector: Vector | None = None) -> None:
        self.vector: dict[str, int] = dict(vector or {})
        # Origin -> seq -> operation, for operations after a gap.
        self.waiting: dict[str, dict[int, Operation]] = {}

    def receive(self, operations: Iterable[Operation]) -> list[Operation]:
        """The operations to apply now, in the order to apply them."""
        released: list[Operation] = []
        for operation in operations:
            origin, seq = key(operation)
            mark = self.vector.get(origin, 0)
            if seq <= mark:
                continue
            if seq > mark + 1:
                self.waiting.setdefault(origin, {}).setdefault(seq, operation)
                continue
            released.append(operation)
            waiting = self.waiting.get(origin, {})
            while (seq + 1) in waiting:
                seq += 1
                released.append(waiting.pop(seq))
            # What waits beyond a gap still open stays for the operation that fills it.
            if not waiting:
                self.waiting.pop(origin, None)
            self.vector[origin] = seq
        return released
