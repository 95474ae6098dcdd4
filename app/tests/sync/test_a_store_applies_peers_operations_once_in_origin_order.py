"""A node's store applies what peers pass on, its own writes and other nodes' alike,
each operation once and in its origin's order, keeps it by (origin, seq), and passes
it on to the next peer."""

from pathlib import Path

from unibos.node.sync.store import SyncStore

A = "00000000-0000-4000-8000-00000000000a"
B = "00000000-0000-4000-8000-00000000000b"
C = "00000000-0000-4000-8000-00000000000c"


def store(tmp_path: Path, node_id: str) -> SyncStore:
    return SyncStore(tmp_path / node_id / "sync.sqlite3", node_id)


def written(node: SyncStore, count: int) -> list[dict]:
    for number in range(count):
        node.put("notes", f"{node.node_id[-1]}{number}", {"title": f"note {number}"})
    return node.operations()


def test_a_peer_gets_what_its_vector_lacks_and_ends_with_the_same_records(tmp_path):
    with store(tmp_path, A) as a, store(tmp_path, B) as b:
        written(a, 3)

        assert b.receive(a.lacking(b.vector())) == 3

        assert b.records("notes") == a.records("notes")
        assert b.vector() == {A: 3, B: 0}
        assert a.lacking(b.vector()) == []


def test_operations_delivered_twice_and_out_of_order_are_applied_once_in_order(tmp_path):
    with store(tmp_path, A) as a, store(tmp_path, B) as b:
        ops = written(a, 4)

        assert b.receive(ops[2:]) == 0
        assert b.receive([ops[1], ops[0], ops[1]]) == 2
        assert b.receive(ops[2:]) == 2
        assert b.receive(ops) == 0

        assert b.vector()[A] == 4
        assert b.lacking({}) == ops
        assert b.records("notes") == a.records("notes")


def test_a_peers_copy_of_the_nodes_own_operations_is_dropped(tmp_path):
    with store(tmp_path, A) as a:
        ops = written(a, 2)
        copy = [{**ops[1], "seq": 3, "fields": {"title": "not what a wrote"}}]

        assert a.receive(ops + copy) == 0

        assert a.vector() == {A: 2}
        assert a.get("notes", "a1") == {"title": "note 1"}


def test_operations_pass_on_through_a_node_that_did_not_write_them(tmp_path):
    with store(tmp_path, A) as a, store(tmp_path, B) as b, store(tmp_path, C) as c:
        written(a, 2)
        b.receive(a.lacking(b.vector()))
        written(b, 1)

        assert c.receive(b.lacking(c.vector())) == 3

        assert c.vector() == {A: 2, B: 1, C: 0}
        assert c.records("notes") == b.records("notes")


def test_what_a_store_holds_of_others_outlasts_a_restart(tmp_path):
    with store(tmp_path, A) as a, store(tmp_path, B) as b:
        ops = written(a, 2)
        b.receive(ops)
    with store(tmp_path, B) as reopened:
        assert reopened.vector() == {A: 2, B: 0}
        assert reopened.receive(ops) == 0
        assert [op["seq"] for op in reopened.relay_queue()] == [1, 2]
