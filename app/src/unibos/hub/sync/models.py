"""The hub's sync tables (PostgreSQL), all tenant-owned; unibos.hub.sync.ledger writes them."""

from django.db import models

from unibos.identity.tenancy import TenantModel


class SyncOperation(TenantModel):
    """An applied operation. The id is the change feed's cursor; node and seq are null
    for the hub's own writes (a conflict resolved on the hub)."""

    node_id = models.UUIDField(null=True)
    seq = models.BigIntegerField(null=True)
    hlc = models.CharField(max_length=60)
    collection = models.CharField(max_length=100)
    record_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=6)
    fields = models.JSONField(default=dict)
    base = models.JSONField(default=dict)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("node_id", "seq"), name="sync_operation_once"),
        )
        indexes = (
            models.Index(fields=("organization", "id")),
            # A record's operations, read back to fold it again (unibos.sync.merge.fold).
            models.Index(
                fields=("organization", "collection", "record_id"), name="sync_operation_record"
            ),
        )


class SyncRecord(TenantModel):
    collection = models.CharField(max_length=100)
    record_id = models.CharField(max_length=200)
    # {field: [value, hlc, base]}, as unibos.sync.merge.Cell.
    cells = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=("organization", "collection", "record_id"), name="sync_record_unique"
            ),
        )


class SyncConflict(TenantModel):
    collection = models.CharField(max_length=100)
    record_id = models.CharField(max_length=200)
    field = models.CharField(max_length=200)
    # {"value", "hlc", "node_id"} of each side.
    winner = models.JSONField()
    loser = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True)
    # {"keep": local|remote|merged, "value": ...}
    resolution = models.JSONField(null=True)


class NodeSyncState(TenantModel):
    """Per origin node: the highest seq of its operations applied (the high-water mark),
    whichever node brought them, and when the node last pushed or its mark last moved."""

    node_id = models.UUIDField(unique=True)
    high_water = models.BigIntegerField(default=0)
    pushed_at = models.DateTimeField(null=True)
