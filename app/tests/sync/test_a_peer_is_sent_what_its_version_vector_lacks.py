"""Two version vectors say what each replica lacks of the other's operations, whoever
wrote them and whoever passed them on."""

from unibos.sync.delivery import lacking

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
