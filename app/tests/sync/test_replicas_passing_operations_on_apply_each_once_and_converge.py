"""Replicas that pass each other's operations on, in any interleaving, duplicated and
reordered on the way, apply each operation once and in its origin's order, and end
holding the same records and the same conflicts under the hub's merge
(unibos.sync.merge): per-field last-writer-wins, deletes, CRDT documents and three-way
text, edits of one text by several nodes meeting in any order.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from hypothesis import given, settings
from hypothesis import strategies as st
from unibos.sync import delivery, documents, merge
from unibos.sync.hlc import Clock, Timestamp

from tests.sync.interleavings import conflicts_after, edited, replay

RECORDS = ("r0", "r1")


@dataclass
class Replica:
    """A node as far as delivery goes: its writes are logged like the store's
    (unibos.node.sync.store), what it receives goes through an Intake."""

    node_id: str
    # A wall clock stopped at 0 (the order of the clocks is the counters', causal
    # through `observe`), or one time that every replica's clock reads, moving on at
    # each reading (a later write anywhere is later by HLC, as in real life when
    # clocks agree): the same on every run of an example either way.
    wall: Callable[[], int] = lambda: 0
    clock: Clock = field(init=False)
    intake: delivery.Intake = field(default_factory=delivery.Intake)
    # Every operation applied here, own and relayed, in the order applied.
    log: list[dict] = field(default_factory=list)
    records: dict[str, merge.Record] = field(default_factory=dict)
    # The conflicts of each record, by conflict_key.
    conflicts: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.clock = Clock(self.node_id, wall=self.wall)

    def write(self, record_id: str, what: str, where: int) -> None:
        cells = self.records.get(record_id, {})
        kind, fields = "put", {}
        if what == "delete":
            kind = "delete"
        elif what == "count":
            # A number, not a string: a string would be merged as text.
            fields = {"count": where}
        elif what == "text":
            fields = {
                "body": edited(
                    cells["body"].value if "body" in cells else None, self.node_id, where
                )
            }
        else:
            current = cells["doc"].value if "doc" in cells else None
            length = len(documents.text(current)) if current else 0
            update = documents.splice(current, min(where, length), 0, self.node_id[-1])
            fields = {"doc": documents.document(update)}
        operation = {
            "node_id": self.node_id,
            "seq": self.intake.vector.get(self.node_id, 0) + 1,
            "hlc": str(self.clock.now()),
            "collection": "notes",
            "record_id": record_id,
            "kind": kind,
            "fields": fields,
            "base": {
                name: cells[name].value
                for name in (merge.DELETED, *fields)
                if name in cells and not documents.is_document(cells[name].value)
            },
        }
        self.receive([operation])

    def receive(self, operations: list[dict]) -> None:
        for operation in self.intake.receive(operations):
            self.clock.observe(Timestamp.parse(operation["hlc"]))
            self.log.append(operation)
            record_id = operation["record_id"]
            applied = merge.apply_operation(
                self.records.get(record_id, {}), operation, partial(self.history, record_id)
            )
            self.records[record_id] = applied.record
            self.conflicts[record_id] = conflicts_after(
                self.conflicts.get(record_id, set()), applied
            )

    def history(self, record_id: str) -> list[dict]:
        """The record's operations held here, as the store reads them back to fold."""
        return [operation for operation in self.log if operation["record_id"] == record_id]


write = st.tuples(
    st.just("write"),
    st.integers(0, 3),
    st.sampled_from(RECORDS),
    st.sampled_from(("count", "count", "doc", "text", "text", "delete")),
    st.integers(0, 5),
)
# Which of the sender's operations go, by position in its log (modulo its length): any
# of them, in any order, some twice.
send = st.tuples(
    st.just("send"), st.integers(0, 3), st.integers(0, 3), st.lists(st.integers(0, 60), max_size=8)
)
# A message in flight arrives (which one: modulo how many); `again` leaves it in flight
# to arrive once more.
deliver = st.tuples(st.just("deliver"), st.integers(0, 30), st.booleans())


def run(count: int, steps: list[tuple], shared_time: bool) -> list[Replica]:
    moments = itertools.count()
    wall = (lambda: next(moments)) if shared_time else (lambda: 0)
    replicas = [Replica(f"00000000-0000-4000-8000-00000000000{n}", wall) for n in range(count)]
    replay(
        steps,
        replicas,
        lambda replica, *what: replica.write(*what),
        lambda replica: replica.log,
        lambda replica, operations: replica.receive(operations),
    )
    # Anti-entropy until nothing moves: each replica sends each other what its vector lacks.
    while True:
        moved = 0
        for sender in replicas:
            for receiver in replicas:
                before = len(receiver.log)
                receiver.receive(delivery.lacking(sender.log, receiver.intake.vector))
                moved += len(receiver.log) - before
        if not moved:
            return replicas


@settings(max_examples=300)
@given(
    st.integers(2, 4),
    st.lists(st.one_of(write, send, deliver), min_size=20, max_size=60),
    st.booleans(),
)
def test_every_replica_applies_each_operation_once_in_origin_order_and_all_end_equal(
    count, steps, shared_time
):
    replicas = run(count, steps, shared_time)

    written = {delivery.key(op) for replica in replicas for op in replica.log}
    for replica in replicas:
        applied = [delivery.key(operation) for operation in replica.log]
        assert len(applied) == len(set(applied)), "an operation was applied twice"
        assert set(applied) == written, "an operation never arrived"
        for origin in {origin for origin, _ in written}:
            seqs = [seq for applied_origin, seq in applied if applied_origin == origin]
            assert seqs == list(range(1, len(seqs) + 1)), f"{origin} out of order"
        assert not replica.intake.waiting
    first = replicas[0]
    for replica in replicas[1:]:
        assert {
            record_id: merge.encode(record) for record_id, record in replica.records.items()
        } == {record_id: merge.encode(record) for record_id, record in first.records.items()}
        assert _held(replica.conflicts) == _held(first.conflicts)


def _held(conflicts: dict[str, set[str]]) -> dict[str, set[str]]:
    return {record_id: found for record_id, found in conflicts.items() if found}
