"""A record is the fold of the operations a replica holds, in HLC order: applied one by
one in any order, text edits of one field end in the same text and the same conflicts
(unibos.sync.merge.apply_operation and fold)."""

from hypothesis import given
from hypothesis import strategies as st
from unibos.sync import merge

from tests.sync.interleavings import conflicts_after

NODES = ("00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b")
BASE = "one\ntwo\nthree\n"


def edit(wall: int, node: str, body: str, base: str | None) -> dict:
    return {
        "hlc": f"{wall:013d}:00000:{node}",
        "collection": "notes",
        "record_id": "n1",
        "kind": "put",
        "fields": {"body": body},
        "base": {} if base is None else {"body": base},
    }


def applied(operations: list[dict]) -> tuple[merge.Record, set[str]]:
    """The record and conflicts of a replica that meets `operations` in this order."""
    record: merge.Record = {}
    conflicts: set[str] = set()
    held: list[dict] = []
    for operation in operations:
        held.append(operation)
        result = merge.apply_operation(record, operation, lambda: list(held))
        record = result.record
        conflicts = conflicts_after(conflicts, result)
    return record, conflicts


def _key(conflict: merge.Conflict) -> str:
    return merge.conflict_key(
        conflict.field, merge.side(conflict.winner), merge.side(conflict.loser)
    )


# Node b edits the first line twice; node a, later by HLC, the last line of the text
# both started from.
TWICE_AND_ONCE = [
    edit(1, NODES[1], "ONE\ntwo\nthree\n", BASE),
    edit(2, NODES[1], "One!\ntwo\nthree\n", "ONE\ntwo\nthree\n"),
    edit(3, NODES[0], "one\ntwo\nTHREE\n", BASE),
]


def test_an_edit_of_a_version_edited_since_merges_in_either_order():
    in_order = applied(TWICE_AND_ONCE)
    later_edit_first = applied([TWICE_AND_ONCE[2], *TWICE_AND_ONCE[:2]])

    assert in_order == later_edit_first
    assert merge.values(in_order[0]) == {"body": "One!\ntwo\nTHREE\n"}
    assert in_order[1] == set()


lines = st.lists(st.sampled_from(["a\n", "b\n", "c\n"]), min_size=1, max_size=4)
texts = lines.map("".join)
edits = st.lists(
    st.builds(
        edit,
        st.integers(0, 1000),
        st.sampled_from(NODES),
        texts,
        st.one_of(st.none(), texts),
    ),
    unique_by=lambda operation: operation["hlc"],
    max_size=7,
)


@given(edits, st.randoms(use_true_random=False))
def test_any_order_of_the_same_edits_gives_the_same_text_and_conflicts(operations, random):
    shuffled = list(operations)
    random.shuffle(shuffled)

    record, conflicts = applied(operations)

    assert applied(shuffled) == (record, conflicts)
    folded, found = merge.fold(operations)
    assert (folded, {_key(conflict) for conflict in found}) == (record, conflicts)
