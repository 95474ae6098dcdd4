"""What a store or the hub holds of a collection, read from their rows: for the tests of
export control, which must find nothing of a collection where its level keeps it out."""

from unibos.hub.sync.models import NodeSyncState, SyncConflict, SyncOperation, SyncRecord
from unibos.identity import tenancy
from unibos.node.sync.store import SyncStore

SECRET = "only on the writer"


def store_mentions(store: SyncStore, text: str) -> list[tuple[str, tuple]]:
    """Every row of every table of the store's SQLite file with `text` in any column."""
    tables = [
        name for (name,) in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    found = []
    for table in tables:
        for row in store.db.execute(f"SELECT * FROM {table}"):
            if any(text in str(value) for value in row):
                found.append((table, row))
    return found


def hub_mentions(text: str) -> list[object]:
    """Every sync row of the hub's database with `text` in its collection, record or fields."""
    with tenancy.system():
        rows = [
            *SyncOperation.unscoped.values_list("collection", "record_id", "fields", "base"),
            *SyncRecord.unscoped.values_list("collection", "record_id", "cells"),
            *SyncConflict.unscoped.values_list("collection", "record_id", "winner", "loser"),
        ]
    return [row for row in rows if any(text in str(value) for value in row)]


def hub_mark(node_id: str) -> int:
    with tenancy.system():
        return NodeSyncState.unscoped.get(node_id=node_id).high_water
