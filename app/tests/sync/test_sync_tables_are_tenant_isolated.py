"""The sync tables carry row-level security: raw SQL in one organization's scope sees
none of another's operations, records or conflicts, and without a tenant none at all."""

import pytest
from django.db import connection
from unibos.hub.sync.models import NodeSyncState, SyncConflict, SyncOperation, SyncRecord
from unibos.identity import tenancy

TABLES = [
    model._meta.db_table for model in (SyncOperation, SyncRecord, SyncConflict, NodeSyncState)
]


@pytest.mark.parametrize("table", TABLES)
def test_raw_sql_in_another_organizations_scope_sees_no_sync_rows(node_a, node_b, outsider, table):
    node_a.store.put("notes", "n1", {"title": "a"})
    node_b.store.put("notes", "n1", {"title": "b"})
    node_a.sync()
    node_b.sync()
    _, _, globex = outsider

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")
            return cursor.fetchone()[0]

    with tenancy.scope(globex):
        assert count() == 0
    assert count() == 0
    with tenancy.scope(node_a.identity.organization_id):
        acme_rows = count()
    with tenancy.system():
        assert count() == acme_rows > 0
