"""The caller checks a peer's batch as the hub checks a push: an answer holding an
operation that is not one (here a clock naming another node than its origin, served by a
real node API from a store that holds it) is refused whole, logged once naming the
peer, and nothing of it is taken, the peer's good operations neither."""

import json
import logging

from tests.node.peer_api import Pulls

OTHER = "00000000-0000-4000-8000-00000000000c"


def test_an_answer_with_an_operation_that_is_not_one_is_refused_whole(peer_nodes, caplog):
    caplog.set_level(logging.INFO, logger="unibos.peers")
    a, b = peer_nodes("pi-a").start_api(), peer_nodes("pi-b")
    with a.store() as store:
        store.put("notes", "n1", {"title": "good"})
        # An operation of OTHER's whose clock is A's: what no node writes.
        store.db.execute(
            "INSERT INTO received (origin, seq, hlc, collection, record_id, kind, fields, base) "
            "VALUES (?, 1, ?, 'notes', 'o1', 'put', ?, '{}')",
            (OTHER, f"1796681222330:00000:{a.node_id}", json.dumps({"title": "bad"})),
        )
        store.db.execute("INSERT INTO origins (origin, held, at_hub) VALUES (?, 1, 0)", (OTHER,))
    pulls = Pulls()
    watch = b.watch(a, pull=pulls)

    with b.store() as store:
        for _ in range(3):
            watch.round(store)

        assert store.vector() == {b.node_id: 0}
        assert store.records("notes") == {}
    assert pulls.calls == 3
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")] == [
        f"refused peer pi-a ({a.node_id} at 127.0.0.1): its answer is refused: "
        "operations[1].hlc: must be a string ending with the operation's node_id"
    ]
