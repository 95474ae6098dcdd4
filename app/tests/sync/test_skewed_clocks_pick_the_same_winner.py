"""Two nodes edit the same records offline, their clocks hours apart: every replica
keeps the same winner, and the loser is kept in a conflict record."""

import pytest
from unibos.hub.sync.models import SyncConflict, SyncRecord
from unibos.identity import tenancy
from unibos.sync import merge
from unibos.sync.hlc import wall_ms

from tests.sync.nodes import enrol

HOUR_MS = 3_600_000
BODY = "first line\nsecond line\nthird line\n"


@pytest.fixture
def skewed(hub, tmp_path):
    """Node `behind` runs an hour slow, node `ahead` an hour fast."""
    behind = enrol(hub, "behind", tmp_path / "behind.sqlite3", lambda: wall_ms() - HOUR_MS)
    ahead = enrol(hub, "ahead", tmp_path / "ahead.sqlite3", lambda: wall_ms() + HOUR_MS)
    yield behind, ahead
    behind.store.close()
    ahead.store.close()


def hub_record(record_id: str) -> dict:
    with tenancy.system():
        return merge.values(merge.decode(SyncRecord.unscoped.get(record_id=record_id).cells))


def test_every_replica_keeps_the_higher_hlc_and_the_loser_is_kept(skewed):
    behind, ahead = skewed
    behind.store.put("notes", "n1", {"title": "draft", "body": BODY})
    behind.sync()
    ahead.sync()
    # Offline now, both: `ahead` edits first in real time, `behind` after it.
    ahead.store.put("notes", "n1", {"title": "ahead's title"})
    behind.store.put("notes", "n1", {"title": "behind's title"})

    behind.sync()
    ahead.sync()
    behind.sync()

    expected = {"title": "ahead's title", "body": BODY}
    assert behind.store.get("notes", "n1") == expected
    assert ahead.store.get("notes", "n1") == expected
    assert hub_record("n1") == expected
    with tenancy.system():
        conflict = SyncConflict.unscoped.get()
    assert (conflict.field, conflict.winner["value"], conflict.loser["value"]) == (
        "title",
        "ahead's title",
        "behind's title",
    )
    assert conflict.loser["node_id"] == behind.node_id
    for node in (behind, ahead):
        kept = [(c["winner"]["value"], c["loser"]["value"]) for c in node.store.conflicts()]
        assert kept == [("ahead's title", "behind's title")]


def test_text_edits_of_different_lines_merge_on_every_replica_without_a_conflict(skewed):
    behind, ahead = skewed
    behind.store.put("notes", "n1", {"body": BODY})
    behind.sync()
    ahead.sync()
    ahead.store.put("notes", "n1", {"body": "FIRST line\nsecond line\nthird line\n"})
    behind.store.put("notes", "n1", {"body": "first line\nsecond line\nTHIRD line\n"})

    behind.sync()
    ahead.sync()
    behind.sync()

    merged = {"body": "FIRST line\nsecond line\nTHIRD line\n"}
    assert behind.store.get("notes", "n1") == ahead.store.get("notes", "n1") == merged
    assert hub_record("n1") == merged
    with tenancy.system():
        assert not SyncConflict.unscoped.exists()
    assert behind.store.conflicts() == ahead.store.conflicts() == []
