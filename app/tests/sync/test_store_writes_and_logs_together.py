"""A local write and its operation-log entry commit together, or neither does."""

import pytest
from unibos.node.sync.store import SyncStore

NODE = "5d0f4a4e-8a3c-4a43-9d5e-1d1d2c3b4a59"


@pytest.fixture
def store(tmp_path):
    opened = SyncStore(tmp_path / "sync.sqlite3", NODE)
    yield opened
    opened.close()


def test_each_write_logs_one_operation_with_the_next_seq(store):
    store.put("notes", "n1", {"title": "first", "body": "text"})
    store.put("notes", "n1", {"title": "second"})
    store.delete("notes", "n1")

    logged = store.operations()
    assert [(op["seq"], op["kind"], op["fields"]) for op in logged] == [
        (1, "put", {"title": "first", "body": "text"}),
        (2, "put", {"title": "second"}),
        (3, "delete", {}),
    ]
    # What the writer saw, for the three-way merge of text fields.
    assert logged[1]["base"] == {"_deleted": False, "title": "first"}
    assert [op["hlc"] for op in logged] == sorted(op["hlc"] for op in logged)
    assert store.get("notes", "n1") is None


def test_a_write_that_fails_leaves_neither_record_nor_operation(store):
    store.put("notes", "n1", {"title": "kept"})

    with pytest.raises(TypeError):
        store.put("notes", "n2", {"title": object()})

    assert [op["seq"] for op in store.operations()] == [1]
    assert store.records("notes") == {"n1": {"title": "kept"}}
    assert store.put("notes", "n3", {"title": "next"})["seq"] == 2


def test_the_journal_is_wal_with_full_synchronous_writes(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2


def test_the_clock_continues_after_a_restart_with_the_wall_clock_set_back(tmp_path):
    path = tmp_path / "sync.sqlite3"
    first = SyncStore(path, NODE, wall=lambda: 2_000_000_000_000)
    before = first.put("notes", "n1", {"title": "before"})
    first.close()

    restarted = SyncStore(path, NODE, wall=lambda: 1_000_000_000_000)
    after = restarted.put("notes", "n1", {"title": "after"})
    restarted.close()

    assert after["hlc"] > before["hlc"]
    assert after["seq"] == before["seq"] + 1
