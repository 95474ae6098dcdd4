"""A text edited twice on one node and once, later by HLC, on another from the text
both started from ends the same on both nodes and on the hub, with the same conflicts,
though each met the edits in another order: node a its own two first, node b its own
first, and the hub whichever node synced first (a's two arriving late, in one batch,
when b synced first)."""

import json
import time

import pytest
from unibos.hub.sync.models import SyncConflict, SyncRecord
from unibos.identity import tenancy
from unibos.sync import merge

BODY = "one\ntwo\nthree\n"


def later() -> None:
    """The next write's wall clock is a later millisecond: its HLC is the higher one."""
    time.sleep(0.005)


@pytest.fixture(params=["a syncs first", "b syncs first"])
def nodes(request, node_a, node_b):
    """Nodes a and b, and the order they sync in once they edited offline."""
    order = (node_a, node_b) if request.param == "a syncs first" else (node_b, node_a)
    return node_a, node_b, order


def edit_offline(nodes, b_edits: str) -> None:
    node_a, node_b, (first, second) = nodes
    node_a.store.put("notes", "n1", {"body": BODY})
    node_a.sync()
    node_b.sync()
    node_a.store.put("notes", "n1", {"body": "ONE\ntwo\nthree\n"})
    later()
    node_a.store.put("notes", "n1", {"body": "One!\ntwo\nthree\n"})
    later()
    node_b.store.put("notes", "n1", {"body": b_edits})
    first.sync()
    second.sync()
    first.sync()


def bodies(nodes) -> list[str]:
    """The text on node a, node b and the hub."""
    with tenancy.system():
        cells = merge.decode(SyncRecord.unscoped.get(record_id="n1").cells)
    at_nodes = [node.store.get("notes", "n1")["body"] for node in nodes[:2]]
    return [*at_nodes, merge.values(cells)["body"]]


def conflicts(nodes) -> list[list[str]]:
    """The conflicts on node a, node b and the hub, as (field, winner, loser)."""
    with tenancy.system():
        at_hub = [(c.field, c.winner, c.loser) for c in SyncConflict.unscoped.all()]
    at_nodes = [
        [(c["field"], c["winner"], c["loser"]) for c in node.store.conflicts()]
        for node in nodes[:2]
    ]
    return [
        sorted(json.dumps(conflict, sort_keys=True) for conflict in held)
        for held in (*at_nodes, at_hub)
    ]


def test_edits_of_other_lines_merge_on_every_replica(nodes):
    edit_offline(nodes, "one\ntwo\nTHREE\n")

    # b's edit of the first version merges with a's latest: a edited it since.
    assert bodies(nodes) == ["One!\ntwo\nTHREE\n"] * 3
    assert conflicts(nodes) == [[]] * 3


def test_edits_of_the_same_line_keep_the_later_and_the_same_conflict_everywhere(nodes):
    edit_offline(nodes, "1\ntwo\nthree\n")

    assert bodies(nodes) == ["1\ntwo\nthree\n"] * 3
    [held, *others] = conflicts(nodes)
    assert [json.loads(conflict)[2]["value"] for conflict in held] == ["One!\ntwo\nthree\n"]
    assert others == [held, held]
