"""Writing a batch's operations and records in one statement each.

On PostgreSQL the rows travel as one JSON parameter that the server unpacks
(jsonb_to_recordset): no per-value adaptation in Python, which is most of the cost of
bulk_create at a thousand rows with JSON columns. COPY would be faster still, but
PostgreSQL refuses COPY FROM into a table with row-level security. Elsewhere
(development on SQLite) Django's bulk_create does the same.
"""

import json
from datetime import datetime
from typing import Any

from django.db import connection

from unibos.hub.sync.models import SyncOperation, SyncRecord

OPERATIONS = f"""
INSERT INTO {SyncOperation._meta.db_table}
    (organization_id, node_id, seq, hlc, collection, record_id, kind, fields, base)
SELECT %s, node_id, seq, hlc, collection, record_id, kind, fields, base
FROM ROWS FROM (jsonb_to_recordset(%s::jsonb) AS (
    node_id uuid, seq bigint, hlc text, collection text, record_id text, kind text,
    fields jsonb, base jsonb)) WITH ORDINALITY AS r(
    node_id, seq, hlc, collection, record_id, kind, fields, base, position)
ORDER BY position
"""
RECORDS = f"""
INSERT INTO {SyncRecord._meta.db_table}
    (organization_id, collection, record_id, cells, updated_at)
SELECT %s, collection, record_id, cells, %s
FROM jsonb_to_recordset(%s::jsonb) AS r(collection text, record_id text, cells jsonb)
ON CONFLICT (organization_id, collection, record_id)
DO UPDATE SET cells = EXCLUDED.cells, updated_at = EXCLUDED.updated_at
"""


def insert_operations(organization_id: int, operations: list[dict[str, Any]]) -> None:
    """In the order given: their ids are the change feed's order."""
    if connection.vendor != "postgresql":
        SyncOperation.objects.bulk_create(
            SyncOperation(organization_id=organization_id, **operation) for operation in operations
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(OPERATIONS, [organization_id, json.dumps(operations)])


def upsert_records(organization_id: int, records: list[SyncRecord], now: datetime) -> None:
    if connection.vendor != "postgresql":
        for record in records:
            record.updated_at = now
        SyncRecord.objects.bulk_create(
            records,
            update_conflicts=True,
            unique_fields=("organization", "collection", "record_id"),
            update_fields=("cells", "updated_at"),
        )
        return
    rows = [
        {"collection": r.collection, "record_id": r.record_id, "cells": r.cells} for r in records
    ]
    with connection.cursor() as cursor:
        cursor.execute(RECORDS, [organization_id, now, json.dumps(rows)])
