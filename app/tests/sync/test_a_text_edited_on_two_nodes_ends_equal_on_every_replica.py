"""A text edited twice on one node and once, later by HLC, on another from the text
both started from ends the same on both nodes and on the hub, with the same conflicts,
though each met the edits in another order: node a and the hub a's two first, node b
its own first."""

import json
import time

from unibos.hub.sync.models import SyncConflict, SyncRecord
from unibos.identity import tenancy
from unibos.sync import merge

BODY = "one\ntwo\nthree\n"


def later() -> None:
    """The next write's wall clock is a later millisecond: its HLC is the higher one."""
    time.sleep(0.005)


def edit_offline(node_a, node_b, b_edits: str) -> None:
    node_a.store.put("notes", "n1", {"body": BODY})
    node_a.sync()
    node_b.sync()
    node_a.store.put("notes", "n1", {"body": "ONE\ntwo\nthree\n"})
    later()
    node_a.store.put("notes", "n1", {"body": "One!\ntwo\nthree\n"})
    later()
    node_b.store.put("notes", "n1", {"body": b_edits})
    node_a.sync()
    node_b.sync()
    node_a.sync()


def bodies(node_a, node_b) -> list[str]:
    with tenancy.system():
        cells = merge.decode(SyncRecord.unscoped.get(record_id="n1").cells)
    at_hub = merge.values(cells)["body"]
    return [
        node_a.store.get("notes", "n1")["body"],
        node_b.store.get("notes", "n1")["body"],
        at_hub,
    ]


def conflicts(node_a, node_b) -> list[list[str]]:
    """Each replica's conflicts, as (field, winner, loser)."""
    with tenancy.system():
        at_hub = [(c.field, c.winner, c.loser) for c in SyncConflict.unscoped.all()]
    at_nodes = [
        [(c["field"], c["winner"], c["loser"]) for c in node.store.conflicts()]
        for node in (node_a, node_b)
    ]
    return [
        sorted(json.dumps(conflict, sort_keys=True) for conflict in held)
        for held in (*at_nodes, at_hub)
    ]


def test_edits_of_other_lines_merge_on_every_replica(node_a, node_b):
    edit_offline(node_a, node_b, "one\ntwo\nTHREE\n")

    # b's edit of the first version merges with a's latest: a edited it since.
    assert bodies(node_a, node_b) == ["One!\ntwo\nTHREE\n"] * 3
    assert conflicts(node_a, node_b) == [[]] * 3


def test_edits_of_the_same_line_keep_the_later_and_the_same_conflict_everywhere(node_a, node_b):
    edit_offline(node_a, node_b, "1\ntwo\nthree\n")

    assert bodies(node_a, node_b) == ["1\ntwo\nthree\n"] * 3
    [held, *others] = conflicts(node_a, node_b)
    assert [json.loads(conflict)[2]["value"] for conflict in held] == ["One!\ntwo\nthree\n"]
    assert others == [held, held]
