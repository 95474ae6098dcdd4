"""Two version vectors say what each replica lacks of the other's operations, whoever
wrote them and whoever passed them on."""

from unibos.sync.delivery import lacking, lacks

A = "00000000-0000-4000-8000-00000000000a"
B = "00000000-0000-4000-8000-00000000000b"
C = "00000000-0000-4000-8000-00000000000c"


def op(origin: str, seq: int) -> dict:
    return {"node_id": origin, "seq": seq}


HELD = [op(A, 1), op(B, 1), op(A, 2), op(B, 2), op(A, 3)]


def test_a_peer_is_sent_only_what_it_lacks_in_the_order_held():
    assert lacking(HELD, {A: 1, B: 2, C: 7}) == [op(A, 2), op(A, 3)]


def test_a_peer_that_holds_nothing_is_sent_everything():
    assert lacking(HELD, {}) == HELD


def test_each_side_counts_what_the_other_lacks():
    ours, theirs = {A: 3, B: 2}, {A: 1, C: 4}

    assert lacks(ours, theirs) == 4
    assert lacks(theirs, ours) == 4
    assert lacks(ours, ours) == 0
