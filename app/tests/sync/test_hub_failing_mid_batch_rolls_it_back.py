"""A hub that fails half-way through a batch keeps none of it; the retry applies it once."""

import pytest
from django.db import connection
from unibos.hub.sync.models import NodeSyncState, SyncOperation, SyncRecord
from unibos.identity import tenancy
from unibos.node.hub_client import HubUnreachable

from tests.sync.nodes import hub_operations


@pytest.fixture
def poisoned_record():
    """Inserting record `poison` fails in the database, after the operations are in."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.record_id = 'poison' THEN RAISE EXCEPTION 'the hub died'; END IF; "
            "RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON sync_syncrecord "
            "FOR EACH ROW EXECUTE FUNCTION refuse_poison()"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_poison ON sync_syncrecord")
        cursor.execute("DROP FUNCTION refuse_poison()")


def test_a_batch_that_fails_half_way_leaves_nothing_and_is_applied_once_later(
    node_a, poisoned_record
):
    for number in range(10):
        node_a.store.put("notes", f"n{number}", {"title": f"note {number}"})
    node_a.store.put("notes", "poison", {"title": "fails"})

    with pytest.raises(HubUnreachable, match="answered HTTP 500"):
        node_a.agent().push_all()

    with tenancy.system():
        assert SyncOperation.unscoped.count() == 0
        assert SyncRecord.unscoped.count() == 0
        assert not NodeSyncState.unscoped.filter(high_water__gt=0).exists()
    assert node_a.store.status()["queue"] == 11

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE sync_syncrecord DISABLE TRIGGER refuse_poison")
    assert node_a.agent().push_all()["applied"] == 11
    assert [seq for seq, _ in hub_operations(node_a.node_id)] == list(range(1, 12))
