"""What a node receives from its peers is released once per operation, each origin's in
seq order: an operation after a gap waits for it, a duplicate is dropped."""

from unibos.sync.delivery import Intake

A = "00000000-0000-4000-8000-00000000000a"
B = "00000000-0000-4000-8000-00000000000b"


def op(origin: str, seq: int) -> dict:
    return {"node_id": origin, "seq": seq}


def keys(operations: list[dict]) -> list[tuple[str, int]]:
    return [(operation["node_id"], operation["seq"]) for operation in operations]


def test_operations_in_order_are_released_at_once():
    intake = Intake()

    assert keys(intake.receive([op(A, 1), op(A, 2), op(B, 1)])) == [(A, 1), (A, 2), (B, 1)]
    assert intake.vector == {A: 2, B: 1}


def test_an_operation_after_a_gap_waits_until_the_gap_is_filled():
    intake = Intake()

    assert intake.receive([op(A, 3), op(A, 2)]) == []
    assert intake.vector == {}

    assert keys(intake.receive([op(A, 1)])) == [(A, 1), (A, 2), (A, 3)]
    assert intake.vector == {A: 3}
    assert intake.waiting == {}


def test_what_waits_beyond_a_gap_still_open_keeps_waiting():
    intake = Intake()
    intake.receive([op(A, 2), op(A, 4)])

    assert keys(intake.receive([op(A, 1)])) == [(A, 1), (A, 2)]
    assert keys(intake.waiting[A].values()) == [(A, 4)]
    assert keys(intake.receive([op(A, 3)])) == [(A, 3), (A, 4)]


def test_a_duplicate_of_an_applied_operation_is_dropped():
    intake = Intake({A: 2})

    assert keys(intake.receive([op(A, 1), op(A, 2), op(A, 3), op(A, 3)])) == [(A, 3)]


def test_a_duplicate_of_a_waiting_operation_is_released_once():
    intake = Intake()
    intake.receive([op(A, 2)])
    intake.receive([op(A, 2)])

    assert keys(intake.receive([op(A, 1), op(A, 2)])) == [(A, 1), (A, 2)]


def test_a_gap_of_one_origin_does_not_hold_back_another():
    intake = Intake({A: 1})

    assert keys(intake.receive([op(A, 3), op(B, 1)])) == [(B, 1)]
    assert intake.vector == {A: 1, B: 1}


def test_an_intake_starts_from_the_vector_it_is_given():
    intake = Intake({A: 5})

    assert intake.receive([op(A, 5)]) == []
    assert keys(intake.receive([op(A, 6)])) == [(A, 6)]
