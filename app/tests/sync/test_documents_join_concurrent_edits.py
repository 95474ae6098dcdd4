"""Document fields (CRDT): edits made apart join to one document, byte for byte the
same whatever the order and grouping of the merges, and never make a conflict."""

from functools import reduce

from hypothesis import given
from hypothesis import strategies as st
from pycrdt import Doc, Text
from unibos.sync import documents
from unibos.sync.merge import Cell, merge_cell, merge_records

NODES = ("00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b")

# One editing step: which of three editors, where in its text (a fraction of its
# length), how much to delete there, what to insert, and whether it first takes in
# everything another editor has written (so edits build on each other's).
steps = st.tuples(
    st.integers(0, 2),
    st.floats(0, 1),
    st.integers(0, 3),
    st.text("ab\n", max_size=4),
    st.none() | st.integers(0, 2),
)


def edited(history: list[tuple]) -> list[dict[str, str]]:
    """The updates (as document values) that each step of `history` made."""
    editors = [Doc(client_id=client + 1) for client in range(3)]
    updates = []
    for client, where, delete, insert, learn_from in history:
        doc = editors[client]
        if learn_from is not None:
            doc.apply_update(editors[learn_from].get_update())
        text = doc.get("text", type=Text)
        at = int(where * len(text))
        before = doc.get_state()
        with doc.transaction():
            del text[at : min(len(text), at + delete)]
            text.insert(at, insert)
        updates.append(documents.document(doc.get_update(before)))
    return updates


def applied_one_by_one(updates: list[dict[str, str]]) -> str:
    doc = Doc()
    for update in updates:
        doc.apply_update(documents.update_of(update))
    return str(doc.get("text", type=Text))


@given(st.lists(steps, min_size=1, max_size=12), st.randoms())
def test_joining_in_any_order_and_grouping_gives_the_same_bytes(history, random):
    updates = edited(history)
    shuffled = random.sample(updates, len(updates))
    split = random.randrange(len(updates) + 1)

    in_order = reduce(documents.join, updates)
    in_two_halves = [
        reduce(documents.join, part) for part in (shuffled[:split], shuffled[split:]) if part
    ]

    assert reduce(documents.join, shuffled) == in_order
    assert reduce(documents.join, in_two_halves) == in_order
    assert documents.text(in_order) == applied_one_by_one(updates)


@given(st.lists(steps, min_size=1, max_size=12))
def test_joining_again_what_was_joined_changes_nothing(history):
    updates = edited(history)
    whole = reduce(documents.join, updates)

    assert documents.join(whole, whole) == whole
    assert all(documents.join(whole, update) == whole for update in updates)


@given(st.lists(steps, min_size=2, max_size=12), st.integers(0, 50), st.integers(0, 50))
def test_two_document_writes_merge_the_same_way_round_and_never_conflict(history, one, other):
    updates = edited(history)
    left = Cell(reduce(documents.join, updates[::2]), f"{one:013d}:00000:{NODES[0]}")
    right = Cell(reduce(documents.join, updates[1::2]), f"{other:013d}:00000:{NODES[1]}")

    merged, conflict = merge_cell("body", left, right)

    assert (merged, conflict) == merge_cell("body", right, left)
    assert conflict is None
    assert merged.value == reduce(documents.join, updates)
    assert merged.hlc == max(left.hlc, right.hlc)
    assert merge_records({"body": left}, {"body": right}) == {"body": merged}


def test_a_plain_value_written_over_a_document_it_had_not_seen_is_a_conflict():
    editor = Doc()
    editor.get("text", type=Text).insert(0, "draft")
    document = Cell(documents.document(editor.get_update()), f"{1:013d}:00000:{NODES[0]}")
    plain = Cell("typed over", f"{2:013d}:00000:{NODES[1]}", {"unseen": True})

    merged, conflict = merge_cell("body", document, plain)

    assert merged == plain
    assert conflict is not None
    assert conflict.loser == document
