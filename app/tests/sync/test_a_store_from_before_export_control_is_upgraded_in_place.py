"""A sync store written before export control, whose log and kept operations have no
level, is upgraded when opened: what it holds is `hub` (everything went everywhere when
it was written), its queue still goes to the hub in full, and gaps its earlier feed
pulls left (applied without marks) are not taken for placeholders."""

import sqlite3

from unibos.node.sync.store import SyncStore

NODE_ID = "00000000-0000-4000-8000-00000000000a"
OTHER = "00000000-0000-4000-8000-00000000000b"
# The tables as they were (unibos.node.sync.store before export control), with one write.
BEFORE = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE oplog (
    seq INTEGER PRIMARY KEY, hlc TEXT NOT NULL, collection TEXT NOT NULL,
    record_id TEXT NOT NULL, kind TEXT NOT NULL, fields TEXT NOT NULL, base TEXT NOT NULL);
CREATE TABLE received (
    origin TEXT NOT NULL, seq INTEGER NOT NULL, hlc TEXT NOT NULL, collection TEXT NOT NULL,
    record_id TEXT NOT NULL, kind TEXT NOT NULL, fields TEXT NOT NULL, base TEXT NOT NULL,
    PRIMARY KEY (origin, seq));
INSERT INTO oplog VALUES (1, '1796644800000:00000:{NODE_ID}', 'notes', 'n1', 'put',
    '{{"title": "old"}}', '{{}}');
INSERT INTO meta VALUES ('seq', '1'), ('hlc', '1796644800000:00000:{NODE_ID}'),
    ('checkpoint', '40');
"""


def feed_operation(seq: int) -> dict:
    return {
        "node_id": OTHER,
        "seq": seq,
        "hlc": f"1796644800001:00000:{OTHER}",
        "collection": "notes",
        "record_id": f"o{seq}",
        "kind": "put",
        "fields": {"title": "from the feed"},
        "base": {},
    }


def test_an_old_store_keeps_its_queue_for_the_hub_and_invents_no_placeholders(tmp_path):
    path = tmp_path / "sync.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(BEFORE)
    old.close()

    with SyncStore(path, NODE_ID) as store:
        assert store.hub_queue()[0]["fields"] == {"title": "old"}
        assert "export" not in store.operations()[0]
        # Seqs 1 to 6 of OTHER were applied before the store kept others' operations.
        store.apply_remote([feed_operation(7), feed_operation(9)], cursor=42)

        assert [op["seq"] for op in store.lacking({NODE_ID: 1})] == [7, 8, 9]
        assert store.lacking({NODE_ID: 1})[1] == {"node_id": OTHER, "seq": 8, "kind": "placeholder"}
