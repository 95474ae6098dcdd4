"""A replica that takes a batch whole or not at all (the hub) takes each origin's
operations after its mark, and refuses an operation after a gap naming the origin."""

import pytest
from unibos.sync.delivery import Gap, fresh

A = "00000000-0000-4000-8000-00000000000a"
B = "00000000-0000-4000-8000-00000000000b"


def op(origin: str, seq: int) -> dict:
    return {"node_id": origin, "seq": seq}


def test_operations_at_or_below_their_origins_mark_are_left_out():
    taken, marks = fresh([op(A, 1), op(A, 2), op(A, 3), op(B, 1)], {A: 2})

    assert taken == [op(A, 3), op(B, 1)]
    assert marks == {A: 3, B: 1}


def test_a_batch_of_nothing_new_takes_nothing_and_keeps_the_marks():
    vector = {A: 2}

    assert fresh([op(A, 1), op(A, 2)], vector) == ([], {A: 2})
    assert vector == {A: 2}


def test_an_operation_after_a_gap_names_its_origin_and_the_seq_expected():
    with pytest.raises(Gap) as refused:
        fresh([op(B, 1), op(A, 4)], {A: 2})

    assert (refused.value.origin, refused.value.expected, refused.value.got) == (A, 3, 4)
    assert str(refused.value) == f"the next operation of node {A} is seq 3, not 4"


def test_a_repeated_operation_within_a_batch_is_taken_once():
    taken, _ = fresh([op(A, 1), op(A, 1), op(A, 2)], {})

    assert taken == [op(A, 1), op(A, 2)]
