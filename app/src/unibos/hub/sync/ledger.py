"""The hub's sync ledger: apply a node's batch exactly once, serve the change feed,
resolve conflicts. Callers run inside tenancy.scope(the node's organization).

A batch is applied in one transaction: a hub that dies half-way leaves nothing of it,
and the node's next push carries it again. A batch may carry operations of other nodes
of the organization that the pushing node passes on (peer-to-peer sync): each origin
has one high-water mark however its operations arrive, and operations at or below it
were applied before and are skipped (unibos.sync.delivery.fresh), so a replay, or a
relay of what the origin or another node brought first, is harmless.

A placeholder (unibos.sync.export: an operation whose collection its origin keeps from
the hub) moves its origin's mark like any operation and leaves nothing else here: no
operation row, no record, nothing in the change feed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from unibos.hub.sync import bulk
from unibos.hub.sync.models import NodeSyncState, SyncConflict, SyncOperation, SyncRecord
from unibos.identity.models import Node
from unibos.sync import batch, delivery, export, merge
from unibos.sync.hlc import Clock, Timestamp

# The node id in the HLC of the hub's own writes (a conflict resolved on the hub).
HUB_NODE_ID = "00000000-0000-0000-0000-000000000000"


class OutOfOrder(Exception):
    """A batch whose first new operation of an origin is not the one after that origin's
    high-water mark: an operation in between is missing, so nothing of the batch is
    applied."""

    def __init__(self, gap: delivery.Gap) -> None:
        super().__init__(str(gap))
        self.origin, self.expected = gap.origin, gap.expected


@dataclass(frozen=True)
class Applied:
    applied: int
    skipped: int
    # The pushing node's own mark.
    high_water: int
    conflicts: int
    # The mark of every origin of the batch, the pushing node's included.
    high_waters: dict[str, int]


def apply(organization_id: int, node_id: str, operations: list[dict[str, Any]]) -> Applied:
    """Apply a checked batch (unibos.sync.batch.parse) pushed by node `node_id`.

    Raises ForeignBatch naming an origin that is not an active node of the
    organization, and OutOfOrder; either way nothing of the batch is applied.
    """
    first_of = batch.origins(operations)
    with transaction.atomic():
        _lock_organization(organization_id)
        _check_origins(first_of, node_id)
        states = _states(organization_id, {node_id, *first_of})
        vector = {origin: state.high_water for origin, state in states.items()}
        try:
            fresh, marks = delivery.fresh(operations, vector)
        except delivery.Gap as gap:
            raise OutOfOrder(gap) from None
        conflicts = _write(organization_id, [op for op in fresh if not export.is_placeholder(op)])
        now = timezone.now()
        for origin, state in states.items():
            # The pusher's time of push, and an origin's when its mark moved: the
            # time its operations last reached the hub, whoever brought them.
            if origin == node_id or marks[origin] != state.high_water:
                state.high_water, state.pushed_at = marks[origin], now
                state.save(update_fields=["high_water", "pushed_at"])
    return Applied(len(fresh), len(operations) - len(fresh), marks[node_id], conflicts, marks)


def _check_origins(first_of: dict[str, int], node_id: str) -> None:
    """Every origin passed on is an active node of the caller's organization. The
    pushing node's own operations passed authentication already."""
    relayed = set(first_of) - {node_id}
    if not relayed:
        return
    # Within the organization's scope: another organization's node is as absent as
    # one that never existed, and is named the same way.
    revoked_at = {
        str(pk): moment
        for pk, moment in Node.objects.filter(pk__in=relayed).values_list("pk", "revoked_at")
    }
    # The first at fault in the batch's order is the one named.
    for origin in sorted(relayed, key=first_of.__getitem__):
        field = f"operations[{first_of[origin]}].node_id"
        if origin not in revoked_at:
            raise batch.ForeignBatch(field, f"node {origin} is not a node of this organization")
        if revoked_at[origin] is not None:
            # A revoked node cannot push; a peer must not be the way round that.
            raise batch.ForeignBatch(field, f"node {origin} is revoked: its operations are refused")


def _states(organization_id: int, origins: set[str]) -> dict[str, NodeSyncState]:
    """Each origin's mark, locked; an origin never seen before starts at 0."""
    states = {
        str(state.node_id): state
        for state in NodeSyncState.objects.select_for_update().filter(node_id__in=origins)
    }
    for origin in origins - set(states):
        states[origin] = NodeSyncState.objects.create(
            node_id=origin, organization_id=organization_id
        )
    return states


def _lock_organization(organization_id: int) -> None:
    """One writer per organization at a time, until the transaction ends.

    It serializes the inserts of two nodes' new records, and makes the operations'
    ids commit in order within an organization: a change feed reader that has seen id
    n never misses a smaller id committed later.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [5, organization_id])


def _write(organization_id: int, operations: list[dict[str, Any]]) -> int:
    """Insert the operations and merge them into the records, in bulk; the conflicts."""
    if not operations:
        return 0
    records = _records(operations)
    # Inserted first: a field folded again (unibos.sync.merge.fold) reads the record's
    # operations back, this batch's among them, and holds them all from then on.
    bulk.insert_operations(organization_id, operations)
    folds = _Folds.reading(_late(records, operations))
    touched: dict[tuple[str, str], SyncRecord] = {}
    new: dict[tuple[str, str], list[SyncConflict]] = {}
    folded: dict[tuple[str, str], frozenset[str]] = {}
    for operation in operations:
        key = (operation["collection"], operation["record_id"])
        record = records.setdefault(
            key,
            SyncRecord(organization_id=organization_id, collection=key[0], record_id=key[1]),
        )
        applied = merge.apply_operation(
            merge.decode(record.cells),
            operation,
            partial(folds.history, key),
            folded.get(key, frozenset()),
        )
        record.cells = merge.encode(applied.record)
        touched[key] = record
        folded[key] = folded.get(key, frozenset()) | applied.folded
        found = [_conflict(organization_id, key, conflict) for conflict in applied.conflicts]
        # A folded field's conflicts are all it has: those of earlier steps too.
        pending = [c for c in new.get(key, []) if c.field not in applied.folded]
        new[key] = pending + folds.refound(key, applied.folded, found)
    # One INSERT ... ON CONFLICT DO UPDATE for new and changed records alike: far
    # cheaper than an UPDATE per record, or bulk_update's CASE over a thousand ids.
    bulk.upsert_records(organization_id, list(touched.values()), timezone.now())
    SyncConflict.objects.filter(pk__in=folds.stale).delete()
    created = SyncConflict.objects.bulk_create(
        [conflict for conflicts in new.values() for conflict in conflicts]
    )
    return len(created)


def _late(
    records: dict[tuple[str, str], SyncRecord], operations: list[dict[str, Any]]
) -> set[tuple[str, str]]:
    """The records an operation of the batch reaches late: older than what the record,
    or the batch before it, wrote to a field it writes. They are the ones folded again
    (and those whose text conflicts), so their reads are done for all at once."""
    newest: dict[tuple[str, str, str], str] = {}
    late = set()
    for operation in operations:
        key = (operation["collection"], operation["record_id"])
        cells = records[key].cells if key in records else {}
        for field in (merge.DELETED, *operation["fields"]):
            seen = newest.get((*key, field)) or (cells[field][1] if field in cells else "")
            if seen > operation["hlc"]:
                late.add(key)
            newest[(*key, field)] = max(seen, operation["hlc"])
    return late


@dataclass
class _Folds:
    """What folding fields again in one batch reads, once per record, and deletes."""

    histories: dict[tuple[str, str], list[dict[str, Any]]]
    conflicts: dict[tuple[str, str], list[SyncConflict]]
    # The unresolved conflicts a fold no longer finds.
    stale: list[int]

    @classmethod
    def reading(cls, keys: set[tuple[str, str]]) -> "_Folds":
        """With the operations and conflicts of the records `keys` read, in one query each."""
        folds = cls({key: [] for key in keys}, {key: [] for key in keys}, [])
        if keys:
            condition = _matching(keys)
            for operation in SyncOperation.objects.filter(condition):
                folds.histories[(operation.collection, operation.record_id)].append(wire(operation))
            for conflict in SyncConflict.objects.filter(condition):
                folds.conflicts[(conflict.collection, conflict.record_id)].append(conflict)
        return folds

    def history(self, key: tuple[str, str]) -> list[dict[str, Any]]:
        """Every operation of the record the hub holds (the batch's are in already)."""
        if key not in self.histories:
            self.histories[key] = [
                wire(operation)
                for operation in SyncOperation.objects.filter(collection=key[0], record_id=key[1])
            ]
        return self.histories[key]

    def refound(
        self, key: tuple[str, str], fields: frozenset[str], found: list[SyncConflict]
    ) -> list[SyncConflict]:
        """Of `found`, the new conflicts of the fields merged a step, and the conflicts
        of the folded `fields` made the ones the fold found: an unresolved one it no
        longer finds is stale, a resolved one stays (a person settled it), one found
        again is kept as it is. The new ones, to create. A field is folded at most once
        a batch, so what was read of the record's conflicts still holds for it."""
        stepped = [conflict for conflict in found if conflict.field not in fields]
        if not fields:
            return stepped
        if key not in self.conflicts:
            self.conflicts[key] = list(
                SyncConflict.objects.filter(collection=key[0], record_id=key[1])
            )
        held = [conflict for conflict in self.conflicts[key] if conflict.field in fields]
        wanted = {_key(conflict): conflict for conflict in found if conflict.field in fields}
        self.stale += [c.pk for c in held if _key(c) not in wanted and c.resolved_at is None]
        kept = {_key(conflict) for conflict in held}
        return stepped + [conflict for k, conflict in wanted.items() if k not in kept]


def _key(conflict: SyncConflict) -> str:
    return merge.conflict_key(conflict.field, conflict.winner, conflict.loser)


def _matching(keys: Iterable[tuple[str, str]]) -> Q:
    """Rows of the records `keys` (collection, record id)."""
    by_collection: dict[str, set[str]] = {}
    for collection, record_id in keys:
        by_collection.setdefault(collection, set()).add(record_id)
    condition = Q()
    for collection, record_ids in by_collection.items():
        condition |= Q(collection=collection, record_id__in=record_ids)
    return condition


def _records(operations: Iterable[dict[str, Any]]) -> dict[tuple[str, str], SyncRecord]:
    """The records the operations touch, locked, in one query."""
    keys = {(operation["collection"], operation["record_id"]) for operation in operations}
    return {
        (record.collection, record.record_id): record
        for record in SyncRecord.objects.select_for_update().filter(_matching(keys))
    }


def _conflict(organization_id: int, key: tuple[str, str], conflict: merge.Conflict) -> SyncConflict:
    return SyncConflict(
        organization_id=organization_id,
        collection=key[0],
        record_id=key[1],
        field=conflict.field,
        winner=merge.side(conflict.winner),
        loser=merge.side(conflict.loser),
    )


def wire(operation: SyncOperation) -> dict[str, Any]:
    return {
        "node_id": str(operation.node_id) if operation.node_id else None,
        "seq": operation.seq,
        "hlc": operation.hlc,
        "collection": operation.collection,
        "record_id": operation.record_id,
        "kind": operation.kind,
        "fields": operation.fields,
        "base": operation.base,
    }


def changes(node_id: str | None, after: int, limit: int) -> dict[str, Any]:
    """The organization's operations after cursor `after`, except node `node_id`'s own."""
    page = list(
        SyncOperation.objects.filter(id__gt=after)
        .exclude(node_id=node_id)
        .order_by("id")[: limit + 1]
    )
    more = len(page) > limit
    page = page[:limit]
    return {
        "operations": [wire(operation) for operation in page],
        "next": page[-1].id if page else after,
        "more": more,
    }


def conflict_document(conflict: SyncConflict) -> dict[str, Any]:
    return {
        "id": conflict.pk,
        "collection": conflict.collection,
        "record_id": conflict.record_id,
        "field": conflict.field,
        "winner": conflict.winner,
        "loser": conflict.loser,
        "created_at": conflict.created_at.isoformat(),
        "resolved_at": conflict.resolved_at.isoformat() if conflict.resolved_at else None,
        "resolution": conflict.resolution,
    }


def resolve(conflict_id: int, keep: str, value: Any = None) -> SyncConflict | None:
    """Settle a conflict: `local` keeps the winner, `remote` writes the loser's value,
    `merged` writes `value`. A write is a hub operation, so every node gets it."""
    with transaction.atomic():
        conflict = SyncConflict.objects.select_for_update().filter(pk=conflict_id).first()
        if conflict is None:
            return None
        chosen = merge.chosen(keep, conflict.winner, conflict.loser, value)
        if keep != "local":
            _hub_write(conflict, chosen)
        conflict.resolved_at = timezone.now()
        conflict.resolution = {"keep": keep, "value": chosen}
        conflict.save(update_fields=["resolved_at", "resolution"])
    return conflict


def _hub_write(conflict: SyncConflict, value: Any) -> None:
    _lock_organization(conflict.organization_id)
    record = SyncRecord.objects.select_for_update().get(
        collection=conflict.collection, record_id=conflict.record_id
    )
    cells = merge.decode(record.cells)
    latest = max((Timestamp.parse(cell.hlc) for cell in cells.values()), default=None)
    kind, fields = merge.write_of(conflict.field, value)
    operation = {
        "node_id": None,
        "seq": None,
        "hlc": str(Clock(HUB_NODE_ID, latest).now()),
        "collection": conflict.collection,
        "record_id": conflict.record_id,
        "kind": kind,
        "fields": fields,
        # The hub saw what the record holds now: its write is no new conflict.
        "base": {name: cell.value for name, cell in cells.items()},
    }
    _write(conflict.organization_id, [operation])
